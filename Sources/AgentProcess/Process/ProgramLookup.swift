import AgentwsSystem

/// Finding the program a plugin runs, the way a shell would.
package enum ProgramLookup {
    /// Why a program cannot be run; the plugin adds what the user should do.
    package enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A path was given but is not executable.
        case notExecutable(path: String, reason: String)
        /// A bare name was not found on PATH.
        case notOnPath(program: String, path: String?)

        package var description: String {
            switch self {
            case .notExecutable(let path, let reason): return "cannot run \(path): \(reason)"
            case .notOnPath(let program, let path):
                return "cannot find \"\(program)\" on PATH (\(path ?? "unset"))"
            }
        }
    }

    /// The host process's environment; the first of duplicated names wins, as `getenv` does.
    package static func hostEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if environment[name] == nil { environment[name] = String(text[text.index(after: equals)...]) }
            }
            entry += 1
        }
        return environment
    }

    /// The absolute path of `program`: a name with a slash is taken relative to `directory` (when not
    /// absolute) and must be executable; a bare name is looked up on `path` (absolute entries only),
    /// where it must be an executable regular file.
    package static func locate(_ program: String, path: String?, relativeTo directory: String)
        throws(Failure) -> String
    {
        if program.contains("/") {
            let absolute = program.hasPrefix("/") ? program : directory + "/" + program
            guard access(absolute, X_OK) == 0 else {
                throw .notExecutable(path: absolute, reason: String(cString: strerror(errno)))
            }
            return absolute
        }
        let directories = (path ?? "").split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        for directory in directories where directory.hasPrefix("/") {
            let candidate = directory + "/" + program
            var status = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFREG
            {
                return candidate
            }
        }
        throw .notOnPath(program: program, path: path)
    }
}

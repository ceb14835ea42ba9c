import AgentwsSystem

/// Reads a configuration file, telling a missing file (an absent layer) from one that exists but cannot
/// be read (an error naming the path).
enum ConfigFileReader {
    enum Outcome: Sendable, Equatable {
        case absent
        case text(String)
        case failed(ConfigDiagnostic)
    }

    /// Larger than any hand-written configuration; stops a wrong path (a log, a device) from being slurped.
    static let maximumSize = 4 << 20

    static func read(path: String) -> Outcome {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .absent }
            return .failed(failure(path, "cannot open the configuration file: \(describe(code))"))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                return .failed(failure(path, "cannot read the configuration file: \(describe(code))"))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumSize {
                return .failed(
                    failure(path, "the configuration file is larger than \(maximumSize >> 20) MiB"))
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let line = firstInvalidLine(bytes)
            return .failed(
                ConfigDiagnostic(
                    location: "\(path):\(line):1", message: "the file is not valid UTF-8 text (on this line)")
            )
        }
        return .text(text)
    }

    private static func failure(_ path: String, _ message: String) -> ConfigDiagnostic {
        ConfigDiagnostic(location: path, message: message)
    }

    private static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    private static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        where String(validating: line, as: UTF8.self) == nil {
            return index + 1
        }
        return 1
    }
}

import AgentwsCore

/// Why a plugin file was not loaded. Every refusal names the file as it was found and the reason;
/// a refused plugin never stops the others from loading.
package struct PluginRefusal: AgentwsFailure, Equatable {
    /// The file (or search directory) as it was found, before symbolic links were resolved.
    package let path: String
    /// Which check failed, with its details.
    package let reason: Reason

    /// A refusal of the file or search directory at `path`.
    package init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// Not found for a file that is not there, invalid data for everything else.
    package var category: ErrorCategory {
        switch reason {
        case .notFound, .danglingSymlink: return .notFound
        default: return .invalidData
        }
    }

    /// "plugin <path> refused: <reason>", for the user.
    package var description: String { "plugin \(path) refused: \(reason)" }
}

extension PluginRefusal {
    /// The checks of SPEC §8.2, in the order the loader makes them.
    package enum Reason: Error, Sendable, Equatable, CustomStringConvertible {
        /// Plugins are loaded by absolute path only.
        case notAbsolute
        /// Nothing at the path.
        case notFound
        /// A symbolic link whose target does not exist.
        case danglingSymlink
        /// The path could not be resolved or read; `error` is the C library's text.
        case unreadable(error: String)
        /// After symbolic links are resolved the file is not inside the plugin directory.
        case outsidePluginDirectory(resolved: String, directory: String)
        /// A search path entry that exists but is not a directory.
        case notADirectory
        /// Not a regular file (a directory, a device, a socket, …).
        case notARegularFile
        /// `path` (the file or a directory above it) belongs to a user other than root and the
        /// current user.
        case unsafeOwner(path: String, owner: UInt32, allowed: UInt32)
        /// `path` (the file or a directory above it) can be written by its group or by others.
        case unsafeMode(path: String, mode: UInt32, isDirectory: Bool)
        /// The file does not start with the ELF magic bytes.
        case notELF
        /// The ELF header is shorter than a 64-bit header.
        case truncatedELF
        /// ELF class other than 64-bit (1 is 32-bit).
        case notELF64(elfClass: UInt8)
        /// ELF data encoding other than little-endian.
        case notLittleEndian(encoding: UInt8)
        /// Built for another CPU.
        case foreignMachine(machine: UInt16, host: UInt16)
        /// ELF type other than ET_DYN (a shared object).
        case notSharedObject(elfType: UInt16)
        /// `dlopen` failed; `message` is `dlerror()`'s text.
        case dlopenFailed(message: String)
        /// The shared object does not export one of the two ABI functions.
        case missingSymbol(String)
        /// One of the two ABI functions returned NULL.
        case nullReturn(function: String)
        /// The magic block's magic number is wrong.
        case badMagicNumber(UInt64)
        /// The plugin was built for another major version of the ABI.
        case abiMajorMismatch(plugin: UInt32, host: UInt32)
        /// A struct is smaller than the fields this host reads from it.
        case structTooSmall(structure: String, size: UInt32, needed: Int)
        /// The plugin name is missing or breaks the naming rule.
        case invalidName(String?)
        /// `plugin_version` or `toolchain` is NULL, not UTF-8 or unreasonably long.
        case invalidString(field: String)
        /// The entry table has a NULL function pointer.
        case nullFunction(String)
        /// Another file earlier in the search path already provides a plugin of this name.
        case shadowed(name: String, by: String)
        /// Refused by the loader in a plugin host (plugin isolation); the text is its reason, worded
        /// as the loader words it in this process.
        case refusedInHost(String)
        /// Loading the file in a plugin host killed the host (a constructor that crashes or exits).
        case crashedHost(String)

        /// The reason in words, with what to do about it where that is not obvious.
        package var description: String {
            switch self {
            case .notAbsolute:
                return "the path is not absolute; plugins are loaded by absolute path only"
            case .notFound:
                return "no such file"
            case .danglingSymlink:
                return "it is a symbolic link to a file that does not exist"
            case .unreadable(let error):
                return "cannot read it: \(error)"
            case .outsidePluginDirectory(let resolved, let directory):
                return "it resolves to \(resolved), outside the plugin directory \(directory); "
                    + "a plugin must stay inside its directory after symbolic links are resolved"
            case .notADirectory:
                return "it is not a directory"
            case .notARegularFile:
                return "it is not a regular file"
            case .unsafeOwner(let path, let owner, let allowed):
                let owners = allowed == 0 ? "root" : "root or uid \(allowed) (you)"
                return "\(path) is owned by uid \(owner); the plugin file and every directory above it "
                    + "must be owned by \(owners)"
            case .unsafeMode(let path, let mode, let isDirectory):
                let writers: String
                switch (mode & 0o020 != 0, mode & 0o002 != 0) {
                case (true, true): writers = "group- and world-writable"
                case (true, false): writers = "group-writable"
                default: writers = "world-writable"
                }
                let kind = isDirectory ? "directory" : "file"
                return "\(kind) \(path) is \(writers) (mode \(octal(mode))); the plugin file and every "
                    + "directory above it must be writable by their owner only (chmod go-w \(path))"
            case .notELF:
                return "it is not an ELF shared object"
            case .truncatedELF:
                return "its ELF header is truncated"
            case .notELF64(let elfClass):
                let found = elfClass == 1 ? "a 32-bit" : "an ELF class \(elfClass)"
                return "it is \(found) ELF file; plugins must be 64-bit"
            case .notLittleEndian(let encoding):
                let found = encoding == 2 ? "big-endian" : "of ELF data encoding \(encoding)"
                return "it is \(found); this host is little-endian"
            case .foreignMachine(let machine, let host):
                return "it is built for \(ELFHeader.machineName(machine)) (ELF machine \(machine)), "
                    + "but this host is \(ELFHeader.machineName(host)) (ELF machine \(host))"
            case .notSharedObject(let elfType):
                let found = elfType == 2 ? "an executable" : "ELF type \(elfType)"
                return "it is \(found), not a shared object (build it with -shared)"
            case .dlopenFailed(let message):
                return "dlopen failed: \(message)"
            case .missingSymbol(let symbol):
                return "it does not export \(symbol)(); is it an agentws provider plugin?"
            case .nullReturn(let function):
                return "\(function)() returned NULL"
            case .badMagicNumber(let number):
                return "its magic number is \(hex(number)), not AGENTWS_PROVIDER_MAGIC "
                    + "(\(hex(PluginABI.magicNumber)))"
            case .abiMajorMismatch(let plugin, let host):
                return "it was built for plugin ABI \(plugin), but this agentws speaks ABI \(host); "
                    + "rebuild it against this agentws's agentws_provider.h"
            case .structTooSmall(let structure, let size, let needed):
                return "its \(structure) declares \(size) bytes, but ABI \(PluginABI.major) needs at least "
                    + "\(needed)"
            case .invalidName(let name):
                guard let name else { return "its plugin_name is NULL" }
                return "its plugin_name \"\(name)\" is not a valid plugin name "
                    + "([a-z0-9][a-z0-9._-]*, at most \(PluginABI.maximumNameLength) bytes)"
            case .invalidString(let field):
                return "its \(field) is NULL, not UTF-8 or longer than \(PluginABI.maximumStringLength) bytes"
            case .nullFunction(let name):
                return "its entry table has a NULL \(name) function"
            case .refusedInHost(let reason):
                return reason
            case .crashedHost(let how):
                return "loading it in a plugin host killed the host: \(how); it is not loaded"
            case .shadowed(let name, let other):
                return "plugin name \"\(name)\" is already provided by \(other), which comes earlier "
                    + "in the search path"
            }
        }
    }
}

private func octal(_ mode: UInt32) -> String {
    let digits = String(mode & 0o7777, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

private func hex(_ number: UInt64) -> String {
    let digits = String(number, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}

import AgentwsSystem
import CAgentwsProvider
import Logging

/// Loads one plugin file: the checks of SPEC §8.2 in order, each failure a `PluginRefusal`.
enum PluginLoader {
    typealias Refused = PluginRefusal.Reason

    /// Checks and opens the plugin at `path`, which must be inside `directory`.
    static func load(path: String, directory: String, logger: Logger) throws(PluginRefusal) -> LoadedPlugin {
        do {
            return try loadChecked(path: path, directory: directory, logger: logger)
        } catch {
            throw PluginRefusal(path: path, reason: error)
        }
    }

    private static func loadChecked(path: String, directory: String, logger: Logger)
        throws(Refused) -> LoadedPlugin
    {
        let realPath = try FileSafety.resolve(path, inside: directory)
        try FileSafety.checkOwnership(of: realPath, user: geteuid())
        switch SystemCalls.readPrefix(of: realPath, count: ELFHeader.size) {
        case .success(let header): try ELFHeader.check(header)
        case .failure(let error): throw .unreadable(error: error.reason)
        }
        // Never closed: a plugin's code may still be on some thread's stack, and a provider instance
        // lives until the process ends. RTLD_NODELETE makes that hold even if someone calls dlclose.
        guard let handle = dlopen(realPath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw .dlopenFailed(message: dlerror().map { String(cString: $0) } ?? "no reason given")
        }
        let identity = try readMagic(try symbol(PluginABI.magicSymbol, in: handle))
        let functions = try readEntry(try symbol(PluginABI.entrySymbol, in: handle))
        if HostToolchain.isMismatchedSwift(identity.toolchain) {
            let message =
                "plugin \(identity.name) (\(path)) was built with \(identity.toolchain), agentws with "
                + "\(HostToolchain.identifier); Swift plugins should be built with the same Swift "
                + "release as agentws"
            logger.warning("\(message)")
        }
        return LoadedPlugin(
            name: identity.name, version: identity.version, abiMajor: identity.abiMajor,
            abiMinor: identity.abiMinor, toolchain: identity.toolchain, path: path, realPath: realPath,
            directory: directory, functions: functions)
    }

    private static func symbol(_ name: String, in handle: UnsafeMutableRawPointer) throws(Refused)
        -> UnsafeMutableRawPointer
    {
        guard let address = dlsym(handle, name) else { throw .missingSymbol(name) }
        return address
    }

    private struct Identity {
        var name: String
        var version: String
        var toolchain: String
        var abiMajor: UInt32
        var abiMinor: UInt32
    }

    /// Calls `agentws_provider_magic()` and checks the block, reading no field beyond its declared size.
    private static func readMagic(_ address: UnsafeMutableRawPointer) throws(Refused) -> Identity {
        let function = unsafeBitCast(address, to: agentws_provider_magic_fn.self)
        guard let block = function() else { throw .nullReturn(function: PluginABI.magicSymbol) }
        // The leading fields are the same in every ABI version; the rest is read only once
        // struct_size vouches for it.
        let raw = UnsafeRawPointer(block)
        let magicNumber = raw.load(as: UInt64.self)
        guard magicNumber == PluginABI.magicNumber else { throw .badMagicNumber(magicNumber) }
        let abiMajor = raw.load(fromByteOffset: 8, as: UInt32.self)
        guard abiMajor == PluginABI.major else {
            throw .abiMajorMismatch(plugin: abiMajor, host: PluginABI.major)
        }
        let abiMinor = raw.load(fromByteOffset: 12, as: UInt32.self)
        let size = raw.load(fromByteOffset: 16, as: UInt32.self)
        let needed = MemoryLayout<agentws_plugin_magic>.size
        guard Int(size) >= needed else {
            throw .structTooSmall(structure: "magic block", size: size, needed: needed)
        }
        let magic = block.pointee
        guard let name = boundedString(magic.plugin_name, limit: PluginABI.maximumNameLength),
            isValidName(name)
        else {
            throw .invalidName(
                magic.plugin_name.map { String(decoding: prefix(of: $0, limit: 80), as: UTF8.self) })
        }
        guard let version = boundedString(magic.plugin_version, limit: PluginABI.maximumStringLength) else {
            throw .invalidString(field: "plugin_version")
        }
        guard let toolchain = boundedString(magic.toolchain, limit: PluginABI.maximumStringLength) else {
            throw .invalidString(field: "toolchain")
        }
        return Identity(
            name: name, version: version, toolchain: toolchain, abiMajor: abiMajor, abiMinor: abiMinor)
    }

    /// Calls `agentws_provider_entry()` and checks the table's size and functions.
    private static func readEntry(_ address: UnsafeMutableRawPointer) throws(Refused)
        -> PluginFunctions
    {
        let function = unsafeBitCast(address, to: agentws_provider_entry_fn.self)
        guard let table = function() else { throw .nullReturn(function: PluginABI.entrySymbol) }
        let size = UnsafeRawPointer(table).load(as: UInt32.self)
        let needed = MemoryLayout<agentws_plugin_entry>.size
        guard Int(size) >= needed else {
            throw .structTooSmall(structure: "entry table", size: size, needed: needed)
        }
        let entry = table.pointee
        guard let create = entry.create else { throw .nullFunction("create") }
        guard let call = entry.call else { throw .nullFunction("call") }
        guard let destroy = entry.destroy else { throw .nullFunction("destroy") }
        guard let freeBuffer = entry.free_buffer else { throw .nullFunction("free_buffer") }
        return PluginFunctions(create: create, call: call, destroy: destroy, freeBuffer: freeBuffer)
    }

    /// The bytes of a C string up to its NUL or `limit + 1` bytes, whichever comes first.
    private static func prefix(of text: UnsafePointer<CChar>, limit: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text, count: strnlen(text, limit + 1))
    }

    /// The string, or nil when it is NULL, longer than `limit` bytes or not UTF-8.
    private static func boundedString(_ text: UnsafePointer<CChar>?, limit: Int) -> String? {
        guard let text else { return nil }
        let bytes = prefix(of: text, limit: limit)
        guard bytes.count <= limit else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// `[a-z0-9][a-z0-9._-]*`: safe in file names, config keys and log labels.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, isLowerAlphanumeric(first) else { return false }
        return name.utf8.allSatisfy { byte in
            isLowerAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

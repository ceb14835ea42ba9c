import AgentwsSystem

/// C library functions the Glibc module does not import: glibc declares them only under
/// `_GNU_SOURCE`, or they are newer than the oldest C library agentws runs on. Looked up by name at
/// run time; where the C library lacks one, only what it adds is lost.
package enum CLibrary {
    /// The function `name` of the C library, as `type`; nil when it has none.
    package static func function<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }
}

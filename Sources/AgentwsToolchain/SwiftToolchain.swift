/// The Swift compiler release that built the binary this module is linked into, as
/// `swift-<major>.<minor>`. A plugin records it in its magic block (through ProviderKit) and the host
/// compares it with its own (through the loader), so both sides must spell it the same way: this is
/// the one place that does.
///
/// Swift has no run-time query for this; the compiler's version is only visible to `#if`. Each
/// binary compiles its own copy, which is the point.
public enum SwiftToolchain {
    public static let identifier: String = {
        #if compiler(>=7.0)
            return "swift-7.0"
        #elseif compiler(>=6.5)
            return "swift-6.5"
        #elseif compiler(>=6.4)
            return "swift-6.4"
        #elseif compiler(>=6.3)
            return "swift-6.3"
        #elseif compiler(>=6.2)
            return "swift-6.2"
        #elseif compiler(>=6.1)
            return "swift-6.1"
        #else
            return "swift-6.0"
        #endif
    }()
}

/// The Swift compiler release that built the binary this module is linked into, as
/// `swift-<major>.<minor>`. A plugin records it in its magic block (through ProviderKit) and the host
/// compares it with its own (through the loader), so both sides must spell it the same way: this is
/// the one place that does.
///
/// Swift has no run-time query for this; the compiler's version is only visible to `#if`. Each
/// binary compiles its own copy, which is the point.
///
/// Fails closed: a compiler newer than the newest release named below is not labelled with that
/// release (which would make a mismatched plugin look matched) but `swift-unknown-after-<newest>`,
/// which the loader never takes for a match — not even with itself, as two unknown compilers may
/// differ. Supporting a new release means adding its line here.
public enum SwiftToolchain {
    /// The newest release this file knows.
    public static let newestKnownRelease = "6.3"

    /// What a compiler newer than `newestKnownRelease` is called.
    public static let unknownIdentifier = "swift-unknown-after-" + newestKnownRelease

    public static let identifier: String = {
        #if compiler(>=6.4)
            return unknownIdentifier
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

    /// Whether `identifier` names a release this file knows (or is not a Swift one at all).
    public static func isKnown(_ identifier: String) -> Bool {
        !identifier.hasPrefix("swift-unknown")
    }
}

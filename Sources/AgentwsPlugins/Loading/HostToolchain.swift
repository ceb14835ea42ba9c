import AgentwsToolchain

/// The Swift toolchain this host was built with, and whether a plugin's toolchain matches it.
///
/// Swift has no stable ABI on Linux: a Swift plugin built by another compiler release may not work
/// with the Swift runtime already loaded in this process. Plugins in other languages do not share the
/// runtime, so only Swift toolchains are compared, and only by major.minor (patch releases keep the
/// runtime compatible).
enum HostToolchain {
    /// "swift-<major>.<minor>" of the compiler that built the host.
    static var identifier: String { SwiftToolchain.identifier }

    /// True when `toolchain` names a Swift release other than `host`'s, or when either side was
    /// built by a compiler `SwiftToolchain` does not know (fail closed: an unknown release is never
    /// taken for a match).
    static func isMismatchedSwift(_ toolchain: String, host: String = identifier) -> Bool {
        guard toolchain.hasPrefix("swift-") else { return false }
        guard SwiftToolchain.isKnown(toolchain), SwiftToolchain.isKnown(host) else { return true }
        guard let plugin = swiftRelease(toolchain), let host = swiftRelease(host) else { return true }
        return plugin != host
    }

    /// "6.3" from "swift-6.3", "swift-6.3.1" or "swift-6.3.1-RELEASE"; nil for anything not Swift.
    static func swiftRelease(_ toolchain: String) -> Substring? {
        guard toolchain.hasPrefix("swift-") else { return nil }
        let version = toolchain.dropFirst("swift-".count)
        let components = version.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard components.count >= 2 else { return version }
        let minor = components[1].prefix { $0.isNumber }
        return version[version.startIndex..<minor.endIndex]
    }
}

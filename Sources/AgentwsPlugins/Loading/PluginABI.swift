import CAgentwsProvider

/// The constants of `agentws_provider.h` as this host was built with them.
enum PluginABI {
    static let magicNumber = UInt64(AGENTWS_PROVIDER_MAGIC)
    static let major = UInt32(AGENTWS_PROVIDER_ABI_MAJOR)
    static let minor = UInt32(AGENTWS_PROVIDER_ABI_MINOR)
    static let magicSymbol = AGENTWS_PROVIDER_MAGIC_SYMBOL
    static let entrySymbol = AGENTWS_PROVIDER_ENTRY_SYMBOL

    /// Plugin names become config values and log labels; keep them short.
    static let maximumNameLength = 64
    /// Version and toolchain strings are shown to users; anything longer is a bug or garbage.
    static let maximumStringLength = 256
}

/// What this host speaks to plugins, for `agentws --version`.
package enum PluginHostVersion {
    /// The plugin ABI as `major.minor`.
    package static var abi: String { "\(PluginABI.major).\(PluginABI.minor)" }
    /// The Swift release the host was built with (`swift-6.3`), which Swift plugins must match.
    package static var toolchain: String { HostToolchain.identifier }
}

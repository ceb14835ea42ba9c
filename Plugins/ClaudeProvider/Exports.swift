import ProviderKit

/// The plugin's magic block (`agentws_provider_magic` in the ABI header).
@_cdecl("agentws_provider_magic")
public func agentwsProviderMagic() -> UnsafeRawPointer {
    ProviderExport.magic(ClaudePlugin.self)
}

/// The plugin's entry table (`agentws_provider_entry` in the ABI header).
@_cdecl("agentws_provider_entry")
public func agentwsProviderEntry() -> UnsafeRawPointer {
    ProviderExport.entry(ClaudePlugin.self)
}

import AgentwsJSON
import CAgentwsProvider
import ProviderKit
import Testing

@Suite("The exported magic block and entry table")
struct ExportTests {
    @Test func magicBlockDescribesThePlugin() {
        let magic = ProbeExport.magic
        #expect(magic.magic == 0x4147_5753_5052_5631)
        #expect(magic.abi_major == UInt32(AGENTWS_PROVIDER_ABI_MAJOR))
        #expect(magic.abi_minor == UInt32(AGENTWS_PROVIDER_ABI_MINOR))
        #expect(magic.struct_size == UInt32(MemoryLayout<agentws_plugin_magic>.size))
        #expect(magic.reserved == 0)
        #expect(magic.plugin_name.map { String(cString: $0) } == "probe")
        #expect(magic.plugin_version.map { String(cString: $0) } == "0.0.1-test")
        let toolchain = magic.toolchain.map { String(cString: $0) } ?? ""
        #expect(toolchain.hasPrefix("swift-6."), "toolchain is \(toolchain)")
    }

    @Test func tablesAreBuiltOnceAndReturnedAgain() {
        #expect(ProviderExport.magic(ProbePlugin.self) == ProviderExport.magic(ProbePlugin.self))
        #expect(ProviderExport.entry(ProbePlugin.self) == ProviderExport.entry(ProbePlugin.self))
    }

    @Test func entryTableIsComplete() {
        let entry = ProbeExport.entry
        #expect(entry.struct_size == UInt32(MemoryLayout<agentws_plugin_entry>.size))
        #expect(entry.abi_minor == UInt32(AGENTWS_PROVIDER_ABI_MINOR))
        #expect(entry.create != nil)
        #expect(entry.call != nil)
        #expect(entry.destroy != nil)
        #expect(entry.free_buffer != nil)
    }
}

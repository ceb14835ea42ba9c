import AgentwsTestSupport
import AgentwsToolchain
import CAgentwsProvider
import Foundation
import Testing

/// What a built plugin shows the dynamic linker, and the struct sizes the header documents.
@Suite("The plugin author's kit: exports and struct sizes")
struct PluginExportsTests {
    /// Every shipped plugin, Swift or C, exports the ABI's two functions and no other symbol (the
    /// version script sdk/swift/agentws-provider-kit/plugin-exports.map).
    @Test(arguments: ["AgentwsEcho", "AgentwsCEcho", "AgentwsCodex", "AgentwsClaude", "AgentwsACP"])
    func shippedPluginExportsOnlyTheTwoFunctions(product: String) throws {
        let library = BuildProducts.directory + "/lib\(product).so"
        try BuildProducts.require(libraries: ["lib\(product).so"])
        #expect(
            try KitTools.exportedSymbols(library) == ["agentws_provider_entry", "agentws_provider_magic"])
    }

    /// The sizes the header documents (and checks with static assertions) are the ones Swift sees, so
    /// ProviderKit and a plugin in another language agree with C.
    @Test func documentedSizesAreTheCompiledOnes() {
        #expect(MemoryLayout<agentws_plugin_magic>.size == Int(AGENTWS_PLUGIN_MAGIC_SIZE))
        #expect(MemoryLayout<agentws_host_callbacks>.size == Int(AGENTWS_HOST_CALLBACKS_SIZE))
        #expect(MemoryLayout<agentws_plugin_entry>.size == Int(AGENTWS_PLUGIN_ENTRY_SIZE))
        #expect(AGENTWS_PLUGIN_MAGIC_SIZE == 48)
        #expect(AGENTWS_HOST_CALLBACKS_SIZE == 32)
        #expect(AGENTWS_PLUGIN_ENTRY_SIZE == 40)
    }

    /// The header's toolchain example has the form ProviderKit writes (`swift-<major>.<minor>`, no
    /// patch), and a Swift plugin built here declares exactly this compiler's identifier.
    @Test func headerAndProviderKitAgreeOnTheToolchainString() throws {
        let header = try String(
            contentsOfFile: BuildProducts.repositoryRoot
                + "/sdk/swift/agentws-provider-kit/Sources/CAgentwsProvider/include/agentws_provider.h",
            encoding: .utf8)
        let example = try #require(
            header.firstMatch(of: #/"(swift-[0-9.]+)" \(ProviderKit's form\)/#)?.output.1)
        #expect(example.wholeMatch(of: #/swift-[0-9]+\.[0-9]+/#) != nil, "\(example)")
        let checked = try KitTools.run(
            BuildProducts.agentws, ["plugin", "check", "--json", try BuildProducts.library("AgentwsEcho")])
        #expect(checked.stdout.contains("\"toolchain\": \"\(SwiftToolchain.identifier)\""), "\(checked)")
        // echo replaces its copy of a conversation on import (`import` with `replace`).
        #expect(checked.stdout.contains("\"canReplace\": true"), "\(checked)")
        #expect(SwiftToolchain.identifier.wholeMatch(of: #/swift-[0-9]+\.[0-9]+/#) != nil)
    }
}

import AgentwsCore
import AgentwsJSON
import AgentwsTestSupport
import Logging
import Testing

@testable import AgentwsPlugins

/// The provider written in C and the one written in Swift go through exactly the same host code —
/// discovery, loading, `PluginProvider` — and neither needs anything the other does not: the ABI is
/// language-neutral.
@Suite struct SameHostCodeTests {
    @Test(arguments: [
        ("AgentwsCEcho", "c-echo", "c-echo-1", "c-echo turn 1: hello"),
        ("AgentwsEcho", "echo", "echo-1", "echo-1 turn 1 (start 1): hello"),
    ])
    func aTurnThroughTheSameHost(product: String, name: String, model: String, reply: String) async throws {
        let plugins = try PluginDirectory()
        let workspace = try PluginDirectory()
        try plugins.install(try BuildProducts.library(product), as: name + ".so")
        let catalog = PluginCatalog.discover(searchPath: PluginSearchPath(directories: [plugins.path]))
        #expect(catalog.refused.isEmpty, "\(catalog.refused)")
        let plugin = try #require(catalog.plugin(named: name))
        let provider = try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: name, options: [:], workspace: workspace.path),
            logger: Logger(label: "test"))
        let capabilities = try await provider.describe()
        #expect(capabilities.canResume && capabilities.models?.contains(model) == true)

        let events = EventRecorder()
        let session = try await provider.start(
            SessionStartRequest(
                thread: try ThreadID("t1"), cwd: workspace.path, model: model, runtimeMode: nil,
                resumeCursor: nil),
            events: events.handler)
        #expect(session.cursor?["conversation"]?.stringValue != nil)
        let outcome = try await session.send(TurnRequest(text: "hello"))
        #expect(outcome.stopReason == .endTurn)
        let text = events.recorded.compactMap { event -> String? in
            if case .text(let text) = event { return text }
            return nil
        }.joined()
        #expect(text == reply)
        try await session.stop()
    }
}

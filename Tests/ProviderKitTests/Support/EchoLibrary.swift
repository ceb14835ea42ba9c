import AgentwsJSON
import AgentwsTestSupport
import CAgentwsProvider
import Foundation
import Testing

/// The built echo plugin, loaded with dlopen from the build directory the way the host loads it.
enum EchoLibrary {
    struct NotLoaded: Error, CustomStringConvertible {
        let description: String
    }

    /// `libAgentwsEcho.so` next to the test binary.
    static var path: String { BuildProducts.directory + "/libAgentwsEcho.so" }

    /// The plugin's tables: copies of static data that the plugin never changes.
    private struct Tables: @unchecked Sendable {
        let magic: agentws_plugin_magic
        let entry: agentws_plugin_entry
    }

    private static let loaded: Result<Tables, NotLoaded> = {
        let path = EchoLibrary.path
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(
                NotLoaded(description: "\(path) is not built; run `swift build --product AgentwsEcho` first"))
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            return .failure(NotLoaded(description: "dlopen \(path) failed: \(reason)"))
        }
        guard let magicSymbol = dlsym(handle, AGENTWS_PROVIDER_MAGIC_SYMBOL),
            let entrySymbol = dlsym(handle, AGENTWS_PROVIDER_ENTRY_SYMBOL)
        else {
            return .failure(NotLoaded(description: "\(path) does not export the agentws_provider functions"))
        }
        let magicFunction = unsafeBitCast(magicSymbol, to: agentws_provider_magic_fn.self)
        let entryFunction = unsafeBitCast(entrySymbol, to: agentws_provider_entry_fn.self)
        guard let magic = magicFunction(), let entry = entryFunction() else {
            return .failure(NotLoaded(description: "\(path) returned a NULL magic block or entry table"))
        }
        return .success(Tables(magic: magic.pointee, entry: entry.pointee))
    }()

    static func magic() throws -> agentws_plugin_magic { try loaded.get().magic }
    static func entry() throws -> agentws_plugin_entry { try loaded.get().entry }
}

/// An echo instance over a state directory, with helpers for the calls the tests make.
struct EchoInstance {
    let driver: PluginDriver
    let stateDirectory: String

    var host: HostRecorder { driver.host }

    static func configuration(stateDirectory: String, options: JSONValue) -> JSONValue {
        [
            "provider": "echo", "options": options, "workspace": "/w",
            "stateDirectory": .string(stateDirectory),
        ]
    }

    static func create(in state: TemporaryDirectory, options: JSONValue = [:]) throws -> EchoInstance {
        let configuration = configuration(stateDirectory: state.path, options: options)
        let driver = try PluginDriver.create(entry: EchoLibrary.entry(), configuration: configuration).get()
        return EchoInstance(driver: driver, stateDirectory: state.path)
    }

    /// Starts a session and returns its id and cursor.
    func start(thread: String = "t1", model: JSONValue = .null, cursor: JSONValue = .null) async throws -> (
        session: String, cursor: JSONValue
    ) {
        let result = try await driver.call(
            "start", ["thread": .string(thread), "cwd": "/w", "model": model, "resumeCursor": cursor]
        ).result()
        let session = try #require(result["session"]?.stringValue)
        return (session, try #require(result["cursor"]))
    }

    /// Sends a turn and returns the reply text it streamed, recording an issue unless it ended well.
    func send(_ session: String, _ text: String, model: JSONValue = .null) async throws -> String {
        let before = host.events(of: session).count
        let result = try await driver.call(
            "send", ["session": .string(session), "text": .string(text), "model": model]
        )
        .result()
        #expect(result == ["stopReason": "end_turn"])
        return host.events(of: session).dropFirst(before).filter { $0["type"] == "text" }
            .compactMap { $0["text"]?.stringValue }.joined()
    }
}

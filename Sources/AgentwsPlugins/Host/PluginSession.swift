import AgentwsCore
import AgentwsJSON
import AgentwsSystem

/// A live session of a plugin provider, named by the session id the plugin chose in `start`.
final class PluginSession: ProviderSession {
    let id: String
    private let instance: any PluginChannel
    private let currentCursor: Locked<JSONValue?>

    init(id: String, instance: any PluginChannel, cursor: JSONValue?) {
        self.id = id
        self.instance = instance
        self.currentCursor = Locked(cursor)
    }

    deinit {
        instance.router.remove(session: id)
    }

    var cursor: JSONValue? { currentCursor.withLock { $0 } }

    func send(_ turn: TurnRequest) async throws(ProviderError) -> TurnOutcome {
        let params: JSONValue = [
            "session": .string(id), "text": .string(turn.text), "model": .optional(turn.model),
        ]
        let fields = try await instance.request("send", params)
        let reasonText = try fields.string("stopReason")
        guard let stopReason = StopReason(rawValue: reasonText) else {
            throw fields.malformed("has unknown stopReason \"\(reasonText)\"")
        }
        var changed: JSONValue?
        if let cursor = fields.optional("cursor") {
            changed = currentCursor.withLock { current in
                guard current != cursor else { return nil }
                current = cursor
                return cursor
            }
        }
        var usage: TurnUsage?
        if let reported = fields.optional("usage") {
            do {
                usage = try TurnUsage(json: reported)
            } catch {
                throw fields.malformed("has a bad usage (\(error.description))")
            }
        }
        return TurnOutcome(stopReason: stopReason, cursor: changed, usage: usage)
    }

    func interrupt() async throws(ProviderError) {
        _ = try await instance.request("interrupt", ["session": .string(id)])
    }

    func isBusy() async throws(ProviderError) -> Bool {
        try await instance.request("status", ["session": .string(id)]).bool("busy")
    }

    func stop() async throws(ProviderError) {
        // Whatever the plugin answers, the host is done with the session.
        defer { instance.router.remove(session: id) }
        _ = try await instance.request("stop", ["session": .string(id)])
    }
}

import AgentwsJSON

/// What the client answers to a request codex sends (an approval, a question).
enum ServerReply: Sendable, Equatable {
    /// A result object.
    case result(JSONValue)
    /// A JSON-RPC error: codex treats it as a refusal and carries on.
    case error(code: Int64, message: String)
}

/// Where the messages codex sends on its own go. All of them are called on the connection's reader
/// thread, one at a time, in the order codex wrote them.
struct ConnectionHandlers: Sendable {
    /// A notification: its method and params (an empty object when it had none).
    var notification: @Sendable (_ method: String, _ params: JSONValue) -> Void
    /// A request from codex; it must always be answered, or the turn waiting for it never ends.
    var request: @Sendable (_ method: String, _ params: JSONValue) -> ServerReply
    /// The process has ended; nothing more will come.
    var ended: @Sendable (ProcessEnd) -> Void
}

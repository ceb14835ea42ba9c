import AgentwsJSON
import CAgentwsProvider

/// The host's completion for one call.
///
/// `callMethod` makes one per call and every path through it ends in exactly one `answer`: either
/// before a task is started, or as the last thing that task does.
struct Completion: @unchecked Sendable {
    // @unchecked: the host's call context is opaque to us and the header lets the completion run
    // on any thread.
    private let function: agentws_completion_fn
    private let context: UnsafeMutableRawPointer?

    init(function: agentws_completion_fn, context: UnsafeMutableRawPointer?) {
        self.function = function
        self.context = context
    }

    /// Answers the call with a result object or an error object.
    func answer(_ outcome: Result<JSONValue, PluginError>) {
        let status: Int32
        let body: JSONValue
        switch outcome {
        case .success(let result):
            status = Int32(AGENTWS_CALL_OK)
            body = result
        case .failure(let error):
            status = Int32(AGENTWS_CALL_ERROR)
            body = error.json
        }
        withWireBytes(JSONWriter.compact(body)) { function(context, status, $0, $1) }
    }
}

import AgentwsJSON
import CAgentwsProvider
import Testing

/// What a completion delivered: a status and the JSON it carried.
struct Reply: Sendable, CustomStringConvertible {
    let status: Int32
    let json: JSONValue

    var isSuccess: Bool { status == Int32(AGENTWS_CALL_OK) }

    /// The error code, or nil for a success.
    var errorCode: String? { isSuccess ? nil : json["code"]?.stringValue }

    /// The error message, or nil for a success.
    var errorMessage: String? { isSuccess ? nil : json["message"]?.stringValue }

    var description: String { "\(isSuccess ? "ok" : "error") \(JSONWriter.compactString(json))" }

    /// The result object, recording an issue when the call failed.
    func result(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try #require(isSuccess, "expected success, got \(self)", sourceLocation: sourceLocation)
        return json
    }
}

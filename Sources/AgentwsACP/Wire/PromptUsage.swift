import AgentwsCore
import AgentwsJSON

extension TurnUsage {
    /// ACP's `PromptResponse.usage` for this turn, or nil when the provider did not report the
    /// input and output counts ACP requires. A missing total is their sum (plus reasoning tokens),
    /// which is how the providers we know count it.
    var acpPromptUsage: JSONValue? {
        guard let inputTokens, let outputTokens else { return nil }
        var members: [String: JSONValue] = [
            "inputTokens": .integer(inputTokens), "outputTokens": .integer(outputTokens),
            "totalTokens": .integer(totalTokens ?? inputTokens + outputTokens + (thoughtTokens ?? 0)),
        ]
        if let thoughtTokens { members["thoughtTokens"] = .integer(thoughtTokens) }
        if let cachedReadTokens { members["cachedReadTokens"] = .integer(cachedReadTokens) }
        if let cachedWriteTokens { members["cachedWriteTokens"] = .integer(cachedWriteTokens) }
        return .object(members)
    }
}

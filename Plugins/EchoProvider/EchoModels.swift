import ProviderKit

/// The models echo accepts. They differ only in the name they put in front of the reply.
enum EchoModels {
    static let all = ["echo-1", "echo-2"]
    static let fallback = "echo-1"

    /// `model` if echo has it; otherwise an `invalid-request` naming the models it has.
    static func validate(_ model: String) throws(PluginError) -> String {
        guard all.contains(model) else {
            throw PluginError(
                code: .invalidRequest,
                message: "echo has no model \"\(model)\"; its models are \(all.joined(separator: ", "))"
            )
        }
        return model
    }
}

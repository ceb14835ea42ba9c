import AgentwsCore
import AgentwsJSON

extension ACPAgent {
    /// The id of the one configuration option agentws sessions have.
    static let modelOptionID = "model"

    /// `session/set_config_option` with `configId: "model"`: checks the model now, with the refusals
    /// and messages of `agentws send --model`, and uses it from the next prompt (a provider whose
    /// model switch needs a restart starts a fresh conversation then, as `send` would).
    func setConfigOption(_ params: Params) async throws -> JSONValue {
        let thread = try params.thread("sessionId")
        let option = try params.string("configId")
        guard option == Self.modelOptionID else {
            throw JSONRPCError.invalidParams(
                params.method, "unknown configuration option '\(option)'; agentws sessions have one: model")
        }
        let value = try params.string("value")
        _ = try await knownSession(thread)
        // A bare provider name selects that provider's default model.
        let choice =
            configuration.providers[value] != nil
            ? try await service.checkModel(nil, provider: value, for: thread)
            : try await service.checkModel(value, for: thread)
        sessions.setChoice(thread, choice)
        return ["configOptions": [await modelOption(for: thread)]]
    }

    /// The `model` select option of a session: the models its provider offers (any allowed
    /// provider's while the thread is unbound), as `provider/model`, and the one in use.
    func modelOption(for thread: ThreadID) async -> JSONValue {
        let policy = ModelPolicy(configuration: configuration)
        let bound = (try? await binding(of: thread)) ?? nil
        let current =
            sessions.entry(thread)?.choice
            ?? bound.map { ModelPolicy.Choice(provider: $0.provider, model: $0.model) }
            ?? policy.defaultChoice
        var values: [String] = []
        let providers = bound.map { [$0.provider] } ?? configuration.providers.keys.sorted()
        for provider in providers {
            guard let models = (try? await service.providerCapabilities(provider))?.models else { continue }
            for model in models {
                let choice = ModelPolicy.Choice(provider: provider, model: model)
                if (try? policy.checkAllowed(choice)) != nil { values.append(choice.qualifiedName) }
            }
        }
        if let current, !values.contains(current.qualifiedName) {
            values.insert(current.qualifiedName, at: 0)
        }
        return [
            "id": .string(Self.modelOptionID), "name": "Model", "category": "model", "type": "select",
            "description":
                "provider/model for this thread; another provider needs a new thread (or agentws unbind)",
            "currentValue": .string(current?.qualifiedName ?? ""),
            "options": .array(values.map { ["value": .string($0), "name": .string($0)] }),
        ]
    }
}

/// Turns what a user asked for (`--model`, `--provider`, nothing) into a provider instance and a
/// model, applying aliases, the default and the allow list (SPEC §6).
public struct ModelPolicy: Sendable {
    public let settings: Configuration.Models
    public let providers: Set<String>

    public init(configuration: Configuration) {
        self.settings = configuration.models
        self.providers = Set(configuration.providers.keys)
    }

    /// A provider instance and the model to use with it (nil: the provider's own default).
    public struct Choice: Sendable, Equatable {
        public var provider: String
        public var model: String?
        public init(provider: String, model: String?) {
            self.provider = provider
            self.model = model
        }
        /// `provider/model`, or `provider` alone when the model is the provider's default.
        public var qualifiedName: String { model.map { provider + "/" + $0 } ?? provider }
    }

    /// Splits `provider/model`; the model part may itself contain slashes.
    static func split(_ qualified: String) -> (provider: String, model: String)? {
        guard let slash = qualified.firstIndex(of: "/") else { return nil }
        let provider = String(qualified[..<slash])
        let model = String(qualified[qualified.index(after: slash)...])
        return provider.isEmpty || model.isEmpty ? nil : (provider, model)
    }

    /// The default choice for new threads (`models.default`).
    public var defaultChoice: Choice? {
        Self.split(settings.defaultModel).map { Choice(provider: $0.provider, model: $0.model) }
    }

    /// Resolves a request.
    ///
    /// - Parameters:
    ///   - model: `--model`: an alias, `provider/model`, or a bare model name of the provider in play.
    ///   - provider: `--provider`.
    ///   - bound: the thread's current binding's choice, if bound.
    /// - Returns: the choice; its provider may differ from `bound`'s, which the caller refuses.
    public func resolve(model: String?, provider: String?, bound: Choice?) throws(AgentwsError) -> Choice {
        var requestedProvider = provider
        var requestedModel: String?
        if let model {
            let expanded = settings.aliases[model] ?? model
            if let (aliasProvider, aliasModel) = Self.split(expanded),
                providers.contains(aliasProvider) || settings.aliases[model] != nil
            {
                if let explicit = provider, explicit != aliasProvider {
                    throw AgentwsError(
                        .usage,
                        "--model \(model) names provider '\(aliasProvider)' but --provider says '\(explicit)'; give one of them"
                    )
                }
                requestedProvider = aliasProvider
                requestedModel = aliasModel
            } else {
                requestedModel = expanded
            }
        }
        let defaultChoice = defaultChoice
        let chosenProvider = requestedProvider ?? bound?.provider ?? defaultChoice?.provider
        guard let chosenProvider else {
            throw AgentwsError(
                .usage,
                "no provider given and models.default is not set; pass --provider or --model provider/model")
        }
        guard providers.contains(chosenProvider) else {
            let known = providers.sorted().joined(separator: ", ")
            throw AgentwsError(
                .notFound,
                "no provider instance '\(chosenProvider)' is configured (configured: \(known.isEmpty ? "none" : known)); add it under 'providers:' in .agentws/config.yaml"
            )
        }
        var chosenModel = requestedModel
        if chosenModel == nil {
            if let bound, bound.provider == chosenProvider {
                chosenModel = bound.model
            } else if bound == nil, defaultChoice?.provider == chosenProvider {
                chosenModel = defaultChoice?.model
            }
        }
        let choice = Choice(provider: chosenProvider, model: chosenModel)
        try checkAllowed(choice)
        return choice
    }

    /// Refuses a choice outside `models.allow`, listing what is allowed.
    public func checkAllowed(_ choice: Choice) throws(AgentwsError) {
        guard !settings.allow.isEmpty else { return }
        let allowed: Bool
        if let model = choice.model {
            let name = choice.provider + "/" + model
            allowed = settings.allow.contains { Glob($0).matches(name) }
        } else {
            // No model named: allowed when some pattern admits this provider at all.
            allowed = settings.allow.contains { pattern in
                let providerPart =
                    pattern.split(separator: "/", maxSplits: 1).first.map(String.init) ?? pattern
                return Glob(providerPart).matches(choice.provider)
            }
        }
        if !allowed {
            throw AgentwsError(
                .usage,
                "model \(choice.qualifiedName) is not allowed by models.allow; allowed: \(settings.allow.joined(separator: ", "))"
            )
        }
    }
}

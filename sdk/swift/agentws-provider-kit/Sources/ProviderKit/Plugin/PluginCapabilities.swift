/// What a plugin instance says about itself (`describe`).
public struct PluginCapabilities: Sendable, Equatable {
    /// How a model change on a live conversation is taken (SPEC §6).
    public enum ModelSwitch: String, Sendable, Equatable {
        /// The next turn can use another model in the same conversation.
        case inSession = "in-session"
        /// Another model needs a fresh conversation.
        case restart
    }

    /// How a model change is taken.
    public var modelSwitch: ModelSwitch
    /// The models accepted, or nil when any is.
    public var models: [String]?
    /// Whether a conversation can be resumed from a cursor.
    public var canResume: Bool

    /// Makes a capability description.
    public init(modelSwitch: ModelSwitch, models: [String]?, canResume: Bool) {
        self.modelSwitch = modelSwitch
        self.models = models
        self.canResume = canResume
    }
}

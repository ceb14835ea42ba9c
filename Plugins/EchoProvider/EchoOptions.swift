import AgentwsJSON
import ProviderKit

/// The `options` of an echo provider instance (docs/providers/echo.md).
struct EchoOptions: Sendable {
    /// What `describe` reports, and whether `send` accepts a model change.
    var modelSwitch: PluginCapabilities.ModelSwitch = .inSession
    /// How long every turn takes unless its message says otherwise.
    var delayMilliseconds: Int64 = 0
    /// Every resume reports the conversation gone.
    var failResume = false
    /// `fork` copies the conversation; false: it answers `unsupported`, as a provider without a fork
    /// of its own would (agentws then forks through export + import).
    var fork = true

    private static let names = ["delay_ms", "fail_resume", "fork", "model_switch"]

    init(_ options: [String: JSONValue], instance: String) throws(PluginError) {
        func refuse(_ problem: String) -> PluginError {
            PluginError(code: .invalidRequest, message: "provider \"\(instance)\" (echo): \(problem)")
        }
        for name in options.keys.sorted() where !Self.names.contains(name) {
            throw refuse("unknown option \"\(name)\"; the options are \(Self.names.joined(separator: ", "))")
        }
        if let value = options["model_switch"], !value.isNull {
            guard let text = value.stringValue,
                let modelSwitch = PluginCapabilities.ModelSwitch(rawValue: text)
            else {
                throw refuse("option model_switch must be \"in-session\" or \"restart\", got \(value)")
            }
            self.modelSwitch = modelSwitch
        }
        if let value = options["delay_ms"], !value.isNull {
            guard let milliseconds = value.integerValue, milliseconds >= 0 else {
                throw refuse(
                    "option delay_ms must be a whole number of milliseconds, 0 or more, got \(value)")
            }
            self.delayMilliseconds = milliseconds
        }
        if let value = options["fail_resume"], !value.isNull {
            guard let flag = value.boolValue else {
                throw refuse("option fail_resume must be true or false, got \(value)")
            }
            self.failResume = flag
        }
        if let value = options["fork"], !value.isNull {
            guard let flag = value.boolValue else {
                throw refuse("option fork must be true or false, got \(value)")
            }
            self.fork = flag
        }
    }
}

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
        let reader = JSONObjectReader(members: options, path: "options")
        do {
            if let modelSwitch = try reader.optionalTyped(
                "model_switch", "\"in-session\" or \"restart\"",
                { $0.stringValue.flatMap(PluginCapabilities.ModelSwitch.init(rawValue:)) })
            {
                self.modelSwitch = modelSwitch
            }
            if let milliseconds = try reader.optionalTyped(
                "delay_ms", "a whole number of milliseconds, 0 or more",
                { $0.integerValue.flatMap { $0 >= 0 ? $0 : nil } })
            {
                self.delayMilliseconds = milliseconds
            }
            failResume = try reader.optionalBool("fail_resume") ?? false
        } catch {
            throw refuse(error.description)
        }
        if let value = options["fork"], !value.isNull {
            guard let flag = value.boolValue else {
                throw refuse("option fork must be true or false, got \(value)")
            }
            self.fork = flag
        }
    }
}

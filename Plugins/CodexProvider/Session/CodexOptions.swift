import AgentwsJSON
import ProviderKit

/// The `options` of a codex provider instance (docs/providers/codex.md).
struct CodexOptions: Sendable {
    /// The program and its leading arguments.
    var command = ["codex", "app-server"]
    /// More arguments, after `command`.
    var arguments: [String] = []
    /// Codex configuration overrides, each passed as `-c KEY=VALUE`, in key order.
    var config: [(key: String, value: String)] = []
    /// Variables to add to (a string) or remove from (null) the environment codex inherits.
    var environment: [String: String?] = [:]
    /// The approval policy codex is started with, overriding the runtime mode's.
    var approvalPolicy: String?
    /// The sandbox of threads without a runtime mode.
    var sandbox: String?
    /// How long any single request to codex may take.
    var requestTimeout: Duration = .seconds(60)
    /// How long a stopping codex gets after end of input, and again after SIGTERM.
    var stopGrace: Duration = .seconds(3)

    static let approvalPolicies = ["untrusted", "on-request", "never"]
    static let sandboxes = ["read-only", "workspace-write", "danger-full-access"]
    private static let names = [
        "approval_policy", "args", "command", "config", "env", "request_timeout_ms", "sandbox",
        "stop_grace_ms",
    ]

    init(_ options: [String: JSONValue], instance: String) throws(PluginError) {
        func refuse(_ problem: String) -> PluginError {
            PluginError(code: .invalidRequest, message: "provider \"\(instance)\" (codex): \(problem)")
        }
        for name in options.keys.sorted() where !Self.names.contains(name) {
            throw refuse("unknown option \"\(name)\"; the options are \(Self.names.joined(separator: ", "))")
        }
        func strings(_ name: String) throws(PluginError) -> [String]? {
            guard let value = options[name], !value.isNull else { return nil }
            let texts = value.arrayValue?.compactMap(\.stringValue)
            guard let texts, texts.count == value.arrayValue?.count else {
                throw refuse("option \(name) must be a list of strings, got \(value)")
            }
            return texts
        }
        func milliseconds(_ name: String) throws(PluginError) -> Duration? {
            guard let value = options[name], !value.isNull else { return nil }
            guard let number = value.integerValue, number > 0 else {
                throw refuse("option \(name) must be a whole number of milliseconds above 0, got \(value)")
            }
            return .milliseconds(number)
        }
        func choice(_ name: String, _ allowed: [String]) throws(PluginError) -> String? {
            guard let value = options[name], !value.isNull else { return nil }
            guard let text = value.stringValue, allowed.contains(text) else {
                throw refuse("option \(name) must be one of \(allowed.joined(separator: ", ")), got \(value)")
            }
            return text
        }

        if let command = try strings("command") {
            guard let program = command.first, !program.isEmpty else {
                throw refuse("option command must name a program: [codex, app-server]")
            }
            self.command = command
        }
        arguments = try strings("args") ?? []
        if let value = options["config"], !value.isNull {
            guard let members = value.objectValue else {
                throw refuse("option config must be a mapping of codex settings, got \(value)")
            }
            config = try members.keys.sorted().map { key throws(PluginError) in
                guard let text = Self.tomlText(members[key] ?? .null) else {
                    throw refuse(
                        "option config.\(key) must be a string (TOML text), a number or a boolean, got "
                            + "\(members[key] ?? .null)")
                }
                return (key, text)
            }
        }
        if let value = options["env"], !value.isNull {
            guard let members = value.objectValue else {
                throw refuse(
                    "option env must be a mapping of variable names to strings or null, got \(value)")
            }
            for (name, text) in members {
                guard !name.isEmpty, !name.contains("=") else {
                    throw refuse("option env has the variable name \"\(name)\", which cannot be set")
                }
                switch text {
                case .string(let string): environment[name] = .some(string)
                case .null: environment[name] = .some(nil)
                default: throw refuse("option env.\(name) must be a string or null, got \(text)")
                }
            }
        }
        approvalPolicy = try choice("approval_policy", Self.approvalPolicies)
        sandbox = try choice("sandbox", Self.sandboxes)
        requestTimeout = try milliseconds("request_timeout_ms") ?? requestTimeout
        stopGrace = try milliseconds("stop_grace_ms") ?? stopGrace
    }

    /// A `-c` value: strings are taken as written (codex parses them as TOML, and takes text that is
    /// not TOML as a plain string); numbers and booleans are written as TOML literals.
    private static func tomlText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// The whole argument list after the program name.
    var commandArguments: [String] {
        Array(command.dropFirst()) + arguments + config.flatMap { ["-c", "\($0.key)=\($0.value)"] }
    }
}

/// Where an effective configuration value came from (SPEC §7: `agentws config` shows it for every value).
package enum ConfigOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The built-in default (`Configuration.defaults`).
    case defaults
    /// A YAML file, at the position of the value.
    case file(path: String, line: Int, column: Int)
    /// An `AGENTWS_*` environment variable.
    case environment(variable: String)
    /// A command-line override such as `--set reaper.idle_timeout=5m`; `argument` is the `key=value` part.
    case flag(name: String, argument: String)

    /// `default`, `/path/config.yaml:3:5`, `env AGENTWS_MODELS_DEFAULT` or `flag --set`.
    package var description: String {
        switch self {
        case .defaults: return "default"
        case .file(let path, let line, let column): return "\(path):\(line):\(column)"
        case .environment(let variable): return "env \(variable)"
        case .flag(let name, _): return "flag \(name)"
        }
    }

    /// The prefix of an error about a value with this origin: a file position, the variable or the
    /// whole flag, so the user can find what to fix.
    var diagnosticLocation: String {
        switch self {
        case .defaults: return "built-in default"
        case .file: return description
        case .environment(let variable): return "environment variable \(variable)"
        case .flag(let name, let argument): return "\(name) \(argument)"
        }
    }
}

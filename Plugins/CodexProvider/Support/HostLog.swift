import AgentProcess
import ProviderKit

extension PluginHost {
    /// The host's log, for the process connection.
    var processLog: ProcessLog {
        { level, message in
            switch level {
            case .info: log(.info, message)
            case .warning: log(.warning, message)
            case .error: log(.error, message)
            }
        }
    }
}

import Foundation
import Logging

/// Logging for the command line: warnings and errors on stderr by default, more with
/// `AGENTWS_LOG_LEVEL=info|debug|trace`. Plugin chatter must not drown the reply.
enum LoggingSetup {
    static func bootstrap() {
        let requested = ProcessInfo.processInfo.environment["AGENTWS_LOG_LEVEL"].flatMap {
            Logger.Level(rawValue: $0.lowercased())
        }
        let level = requested ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

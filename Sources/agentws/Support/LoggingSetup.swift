import AgentwsDaemon
import AgentwsSystem
import Foundation
import Logging

/// Logging for the command line: warnings and errors on stderr by default, more with
/// `AGENTWS_LOG_LEVEL=info|debug|trace`. Plugin chatter must not drown the reply.
///
/// The daemon logs more (`info`: what it serves, each reaper stop) and also to its log file; it
/// switches that on with `daemonMode(logFile:)` before it creates its loggers.
enum LoggingSetup {
    private struct Settings {
        var level: Logger.Level
        var file: LogFile?
    }

    private static let settings = Locked(Settings(level: requestedLevel ?? .warning, file: nil))

    private static var requestedLevel: Logger.Level? {
        ProcessInfo.processInfo.environment["AGENTWS_LOG_LEVEL"].flatMap {
            Logger.Level(rawValue: $0.lowercased())
        }
    }

    static func bootstrap() {
        LoggingSystem.bootstrap { label in
            let settings = settings.withLock { $0 }
            var standardError = StreamLogHandler.standardError(label: label)
            standardError.logLevel = settings.level
            guard let file = settings.file else { return standardError }
            var fileHandler = FileLogHandler(label: label, file: file)
            fileHandler.logLevel = settings.level
            return MultiplexLogHandler([standardError, fileHandler])
        }
    }

    /// From now on, new loggers log at `info` (unless `AGENTWS_LOG_LEVEL` says otherwise) to stderr
    /// and to `logFile`.
    static func daemonMode(logFile: LogFile) {
        settings.withLock {
            $0.level = requestedLevel ?? .info
            $0.file = logFile
        }
    }
}

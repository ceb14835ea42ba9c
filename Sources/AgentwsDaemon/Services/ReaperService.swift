import AgentwsACP
import AgentwsCore
import Foundation
import Logging
import ServiceLifecycle

/// The idle reaper on a timer (SPEC §5): one sweep every `reaper.sweep_interval`, each decision
/// logged. Ends at graceful shutdown; the session owner stops what is left.
struct ReaperService: Service {
    static func directoryExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    let service: SessionService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                // A daemon whose workspace was deleted serves nobody and can record nothing: it
                // ends, which shuts the group down like SIGTERM does.
                if !Self.directoryExists(service.workspaceRoot + "/.agentws") {
                    logger.warning("the workspace \(service.workspaceRoot) is gone; shutting down")
                    return
                }
                let report = await service.reap()
                ReapLog.log(report, to: logger)
            }
        }
    }
}

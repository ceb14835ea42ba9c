import AgentwsACP
import AgentwsCore
import Logging
import ServiceLifecycle

/// The idle reaper on a timer (SPEC §5): one sweep every `reaper.sweep_interval`, each decision
/// logged. Ends at graceful shutdown; the session owner stops what is left.
struct ReaperService: Service {
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
                let report = await service.reap()
                ReapLog.log(report, to: logger)
            }
        }
    }
}

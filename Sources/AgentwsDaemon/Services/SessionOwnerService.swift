import AgentwsCore
import Logging
import ServiceLifecycle

/// Owns the live sessions of a resident process. It is the first service of its group, so it is
/// shut down last: after the transports have stopped taking requests, it stops every session (the
/// bindings become `stopped` with their cursors, reason `cause`).
struct SessionOwnerService: Service {
    let service: SessionService
    let cause: StopCause
    let logger: Logger

    func run() async throws {
        // Cancellation (a failed sibling) ends the wait as well; the sessions are stopped either way.
        try? await gracefulShutdown()
        let live = await service.liveThreads
        let failures = await service.stopAll(cause: cause)
        if !live.isEmpty {
            logger.info(
                "stopped \(live.count) session(s) (\(cause.rawValue)); bindings and cursors kept: \(live.map(\.rawValue).joined(separator: ", "))"
            )
        }
        for (thread, failure) in failures.sorted(by: { $0.key < $1.key }) {
            logger.warning(
                "stopping \(thread) reported: \(failure); its binding is stopped and its cursor kept")
        }
    }
}

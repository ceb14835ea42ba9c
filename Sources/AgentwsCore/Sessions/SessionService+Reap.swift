/// The outcome of one reaper sweep (SPEC §5).
public struct ReapReport: Sendable, Equatable {
    /// One decision per live session of this process.
    public var decisions: [ReapDecision] = []
    /// Sessions stopped as idle.
    public var stopped: [ThreadID] = []
    /// Sessions whose stop failed, with the reason; the sweep went on.
    public var failures: [ThreadID: String] = [:]
    /// `active` bindings with no live owner, recorded as stopped (`recovered`).
    public var recovered: [ThreadID] = []
    /// Threads whose binding file could not be read during reconciliation, with the reason.
    public var unreadable: [String: String] = [:]
    public var dryRun: Bool

    public init(dryRun: Bool) { self.dryRun = dryRun }
}

extension SessionService {
    /// One sweep: stops sessions idle past their provider's `idle_timeout` (never one with a turn
    /// running or provider work in progress), and reconciles `active` bindings whose owner is gone.
    /// With `dryRun`, decides and reports but changes nothing.
    public func reap(dryRun: Bool = false) async -> ReapReport {
        var report = ReapReport(dryRun: dryRun)
        let snapshots = live.values.map { $0.snapshot() }.sorted { $0.thread < $1.thread }
        var decisions = Reaper.decide(sessions: snapshots, configuration: configuration, now: clock.now())
        for index in decisions.indices where decisions[index].verdict == .stop {
            let thread = decisions[index].thread
            guard let session = live[thread] else { continue }
            // Events may be stale; ask the provider before stopping a session it may be using.
            if (try? await session.session.isBusy()) == true {
                decisions[index].verdict = .keepProviderBusy
                continue
            }
            if dryRun { continue }
            // A send that started meanwhile holds the gate: that session is not idle any more.
            guard gates.tryEnter(thread) else {
                decisions[index].verdict = .keepTurnRunning
                continue
            }
            if live[thread] === session, !session.activity.turnRunning {
                if let failure = await endLiveSession(thread, cause: .idle) {
                    report.failures[thread] = failure
                } else {
                    report.stopped.append(thread)
                }
            }
            leaveGate(thread)
        }
        report.decisions = decisions
        reconcileOrphans(into: &report)
        return report
    }

    private func reconcileOrphans(into report: inout ReapReport) {
        let listings: [BindingListing]
        do {
            listings = try store.listBindings()
        } catch {
            report.unreadable["*"] = "\(error)"
            return
        }
        for listing in listings {
            guard case .binding(let binding) = listing else {
                if case .unreadable(let thread, let error) = listing {
                    report.unreadable[thread] = error.description
                }
                continue
            }
            let thread = binding.threadID
            guard binding.status == .active, live[thread] == nil, !gates.isHeld(thread) else { continue }
            if report.dryRun {
                if store.leaseState(thread) == .free { report.recovered.append(thread) }
                continue
            }
            guard let lease = try? store.tryLease(thread) else { continue }
            defer { lease.release() }
            do {
                try recoverIfOrphaned(thread, lease: lease, events: nil)
                report.recovered.append(thread)
            } catch {
                report.failures[thread] = "recovering the orphaned binding failed: \(error)"
            }
        }
    }
}

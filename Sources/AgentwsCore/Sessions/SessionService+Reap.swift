/// The outcome of one reaper sweep (SPEC §5).
public struct ReapReport: Sendable, Equatable {
    /// One decision per live session of this process.
    public var decisions: [ReapDecision] = []
    /// Sessions stopped as idle.
    public var stopped: [ThreadID] = []
    /// Sessions whose stop failed, with the reason; the sweep went on.
    public var failures: [ThreadID: String] = [:]
    /// Threads whose local state said live with no live owner, recorded as stopped (`recovered`).
    public var recovered: [ThreadID] = []
    /// Live sessions stopped because their binding file changed or was deleted (SPEC §4.4).
    public var changed: [ThreadID] = []
    /// Threads whose binding file could not be read during reconciliation, with the reason.
    public var unreadable: [String: String] = [:]
    public var dryRun: Bool

    public init(dryRun: Bool) { self.dryRun = dryRun }
}

extension SessionService {
    /// One sweep: stops live sessions whose binding file changed underneath them (SPEC §4.4), stops
    /// sessions idle past their provider's `idle_timeout` (never one with a turn running or provider
    /// work in progress), and reconciles threads whose local state says live but whose owner is gone.
    /// With `dryRun`, decides and reports but changes nothing.
    public func reap(dryRun: Bool = false) async -> ReapReport {
        var report = ReapReport(dryRun: dryRun)
        if !dryRun {
            for thread in live.keys.sorted() where gates.tryEnter(thread) {
                if await followBindingFile(thread, events: nil) { report.changed.append(thread) }
                leaveGate(thread)
            }
        }
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

    /// Threads whose local state says live with no owner left: those the store records as owned,
    /// plus schema-1 files that say `active` and were not taken into state yet.
    private func reconcileOrphans(into report: inout ReapReport) {
        var candidates = Set(store.threadsRecordedLive())
        do {
            for listing in try store.listBindings() {
                switch listing {
                case .binding(let binding):
                    if binding.legacy?.status == "active" { candidates.insert(binding.threadID) }
                case .unreadable(let thread, let error):
                    report.unreadable[thread] = error.description
                }
            }
        } catch {
            report.unreadable["*"] = "\(error)"
        }
        for thread in candidates.sorted() {
            guard live[thread] == nil, !gates.isHeld(thread) else { continue }
            let binding = try? store.readBinding(thread)
            guard Self.claimsLive(binding, store.readRuntime(thread)) else { continue }
            if report.dryRun {
                if store.leaseState(thread) == .free { report.recovered.append(thread) }
                continue
            }
            guard let lease = try? store.tryLease(thread) else { continue }
            defer { lease.release() }
            do {
                if try reconcileState(thread, events: nil) { report.recovered.append(thread) }
            } catch {
                report.failures[thread] = "recovering the orphaned thread failed: \(error)"
            }
        }
    }
}

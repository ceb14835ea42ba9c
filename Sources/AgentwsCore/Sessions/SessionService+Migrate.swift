/// What `agentws migrate` did (SPEC §3.2, §9).
public struct MigrationReport: Sendable, Equatable {
    /// Files rewritten in the current schema, with the version they had.
    public var migrated: [(thread: ThreadID, from: Int64)] = []
    /// Files already in the current schema.
    public var current: [ThreadID] = []
    /// Files left as they are, with the reason: unreadable, written by a newer agentws, or busy.
    public var leftAlone: [(thread: String, reason: String, category: ErrorCategory)] = []

    public init() {}

    public static func == (lhs: MigrationReport, rhs: MigrationReport) -> Bool {
        lhs.migrated.map { "\($0.thread)@\($0.from)" } == rhs.migrated.map { "\($0.thread)@\($0.from)" }
            && lhs.current == rhs.current
            && lhs.leftAlone.map { "\($0.thread): \($0.reason)" }
                == rhs.leftAlone.map { "\($0.thread): \($0.reason)" }
    }
}

extension SessionService {
    /// Rewrites every binding file of an older schema in the current one, in one go, so that the
    /// change is one reviewable commit. What an old file held of this machine (`status`,
    /// `lastError`) is taken into `state/` first. Idempotent: a second run changes nothing. A file
    /// that cannot be read, was written by a newer agentws, or whose thread is owned by another
    /// process right now is reported and left alone.
    public func migrate() async -> MigrationReport {
        var report = MigrationReport()
        let listings: [BindingListing]
        do {
            listings = try store.listBindings()
        } catch {
            report.leftAlone.append(("*", "\(error)", .failure))
            return report
        }
        for listing in listings {
            let binding: Binding
            switch listing {
            case .unreadable(let thread, let error):
                report.leftAlone.append((thread, error.description, error.category))
                continue
            case .binding(let found):
                binding = found
            }
            let thread = binding.threadID
            if binding.schemaVersion == Binding.currentSchemaVersion {
                report.current.append(thread)
                continue
            }
            if binding.schemaVersion > Binding.currentSchemaVersion {
                report.leftAlone.append(
                    (
                        thread.rawValue,
                        "written by a newer agentws (schema version \(binding.schemaVersion)); this one writes \(Binding.currentSchemaVersion)",
                        .invalidData
                    ))
                continue
            }
            do {
                try await withGate(thread) {
                    let lease: any ThreadLease
                    if let session = live[thread] {
                        lease = session.lease
                    } else {
                        lease = try await acquireLease(thread, wait: false, events: nil)
                    }
                    defer { if live[thread] == nil { lease.release() } }
                    // Read again under the lease: the file may have changed since the listing.
                    guard let fresh = try store.readBinding(thread),
                        fresh.schemaVersion < Binding.currentSchemaVersion
                    else { return }
                    try reconcileStateTakingLegacy(thread, fresh)
                    try store.rewriteBinding(fresh, lease: lease)
                    report.migrated.append((thread, fresh.schemaVersion))
                }
            } catch {
                report.leftAlone.append(
                    (thread.rawValue, "\(error)", (error as? any AgentwsFailure)?.category ?? .failure))
            }
        }
        return report
    }

    /// Takes a schema-1 file's volatile fields into `state/` before the file loses them (the lease
    /// is held; a live session of this process keeps its own record).
    private func reconcileStateTakingLegacy(_ thread: ThreadID, _ binding: Binding) throws {
        if live[thread] == nil {
            try reconcileState(thread, events: nil)
            return
        }
        guard let legacy = binding.legacy else { return }
        var record = store.readRuntime(thread) ?? RuntimeRecord()
        guard !record.legacyTaken else { return }
        record.legacyTaken = true
        if legacy.status == "error", record.lastError == nil { record.lastError = legacy.lastError }
        try store.writeRuntime(record, for: thread)
    }
}

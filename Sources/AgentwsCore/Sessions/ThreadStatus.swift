/// A thread as `list` and `show` present it: the binding (or why its file is unreadable) plus the
/// state of this machine that never goes into the file (SPEC §3.2).
public struct ThreadStatus: Sendable, Equatable {
    public enum Liveness: Sendable, Equatable {
        /// No live session anywhere.
        case none
        /// Live in this process.
        case live(idle: Duration, turnRunning: Bool, providerBusy: Bool)
        /// Live in another process.
        case ownedElsewhere(pid: Int32?)
        /// The local state says live but nobody holds the thread: its owner died. The next command
        /// that touches it records it as stopped (`recovered`).
        case orphaned
    }

    public var thread: String
    public var listing: BindingListing
    public var runtime: RuntimeRecord?
    public var liveness: Liveness
    /// The threads forked from this one (SPEC §12), sorted.
    public var children: [String]
    /// Whether the thread named by this binding's `parent` has a binding file here (nil when the
    /// binding has no parent). A fork's parent may be unbound, or only on another branch.
    public var parentExists: Bool?

    public init(
        thread: String, listing: BindingListing, runtime: RuntimeRecord?, liveness: Liveness,
        children: [String] = [], parentExists: Bool? = nil
    ) {
        self.thread = thread
        self.listing = listing
        self.runtime = runtime
        self.liveness = liveness
        self.children = children
        self.parentExists = parentExists
    }

    /// `live`, `stopped` or `error` (with its text), as this machine sees the thread.
    public var state: ThreadState {
        switch liveness {
        case .live, .ownedElsewhere: return .live
        case .none, .orphaned: break
        }
        if let error = runtime?.lastError { return .error(error) }
        if runtime?.legacyTaken != true, case .binding(let binding) = listing,
            let legacy = binding.legacy, legacy.status == "error"
        {
            return .error(legacy.lastError ?? "an error recorded by an older agentws (schema 1 file)")
        }
        return .stopped
    }
}

/// What `list` and `show` say of a thread on this machine.
public enum ThreadState: Sendable, Equatable {
    case live
    case stopped
    /// The last start or turn failed here; still resumable.
    case error(String)

    /// `live`, `stopped` or `error`.
    public var name: String {
        switch self {
        case .live: return "live"
        case .stopped: return "stopped"
        case .error: return "error"
        }
    }

    /// The error text, when in error.
    public var errorText: String? {
        if case .error(let text) = self { return text }
        return nil
    }
}

extension SessionService {
    /// Every thread, sorted by id.
    public func list() throws -> [ThreadStatus] {
        let listings = try store.listBindings()
        let lineage = ThreadLineage(listings)
        return listings.map { status(of: $0, lineage: lineage) }
    }

    /// One thread; `notFound` when it has no binding.
    public func show(_ thread: ThreadID) throws -> ThreadStatus {
        guard let binding = try store.readBinding(thread) else {
            throw AgentwsError(
                .notFound, "thread \(thread) has no binding; 'agentws list' shows the bound threads")
        }
        return status(of: .binding(binding), lineage: ThreadLineage(try store.listBindings()))
    }

    private func status(of listing: BindingListing, lineage: ThreadLineage) -> ThreadStatus {
        let children = lineage.children[listing.threadName] ?? []
        guard case .binding(let binding) = listing else {
            return ThreadStatus(
                thread: listing.threadName, listing: listing, runtime: nil, liveness: .none,
                children: children)
        }
        let thread = binding.threadID
        let runtime = store.readRuntime(thread)
        let liveness: ThreadStatus.Liveness
        if let session = live[thread] {
            let snapshot = session.snapshot()
            liveness = .live(
                idle: clock.now() - snapshot.lastActivity, turnRunning: snapshot.turnRunning,
                providerBusy: snapshot.providerBusy)
        } else if Self.claimsLive(binding, runtime) {
            switch store.leaseState(thread) {
            case .free: liveness = .orphaned
            case .held(let pid): liveness = .ownedElsewhere(pid: pid)
            }
        } else {
            liveness = .none
        }
        return ThreadStatus(
            thread: thread.rawValue, listing: listing, runtime: runtime, liveness: liveness,
            children: children,
            parentExists: binding.parent.map { lineage.exists($0.thread.rawValue) })
    }

    /// Whether this machine's state says a process owns a live session of the thread: its runtime
    /// record names an owner, or a schema-1 file says `active` and was not taken into state yet.
    static func claimsLive(_ binding: Binding?, _ runtime: RuntimeRecord?) -> Bool {
        if runtime?.ownerPID != nil { return true }
        return runtime?.legacyTaken != true && binding?.legacy?.status == "active"
    }
}

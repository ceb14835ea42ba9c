/// A thread as `list` and `show` present it: the binding (or why its file is unreadable) plus the
/// live state that never goes into the file.
public struct ThreadStatus: Sendable, Equatable {
    public enum Liveness: Sendable, Equatable {
        /// No live session anywhere.
        case none
        /// Live in this process.
        case live(idle: Duration, turnRunning: Bool, providerBusy: Bool)
        /// Live in another process.
        case ownedElsewhere(pid: Int32?)
        /// The binding says `active` but nobody holds the thread: its owner died. The next command
        /// that touches it records it as stopped (`recovered`).
        case orphaned
    }

    public var thread: String
    public var listing: BindingListing
    public var runtime: RuntimeRecord?
    public var liveness: Liveness

    public init(thread: String, listing: BindingListing, runtime: RuntimeRecord?, liveness: Liveness) {
        self.thread = thread
        self.listing = listing
        self.runtime = runtime
        self.liveness = liveness
    }
}

extension SessionService {
    /// Every thread, sorted by id.
    public func list() throws -> [ThreadStatus] {
        try store.listBindings().map(status(of:))
    }

    /// One thread; `notFound` when it has no binding.
    public func show(_ thread: ThreadID) throws -> ThreadStatus {
        guard let binding = try store.readBinding(thread) else {
            throw AgentwsError(
                .notFound, "thread \(thread) has no binding; 'agentws list' shows the bound threads")
        }
        return status(of: .binding(binding))
    }

    private func status(of listing: BindingListing) -> ThreadStatus {
        guard case .binding(let binding) = listing else {
            return ThreadStatus(thread: listing.threadName, listing: listing, runtime: nil, liveness: .none)
        }
        let thread = binding.threadID
        let liveness: ThreadStatus.Liveness
        if let session = live[thread] {
            let snapshot = session.snapshot()
            liveness = .live(
                idle: clock.now() - snapshot.lastActivity, turnRunning: snapshot.turnRunning,
                providerBusy: snapshot.providerBusy)
        } else if binding.status == .active {
            switch store.leaseState(thread) {
            case .free: liveness = .orphaned
            case .held(let pid): liveness = .ownedElsewhere(pid: pid)
            }
        } else {
            liveness = .none
        }
        return ThreadStatus(
            thread: thread.rawValue, listing: listing, runtime: store.readRuntime(thread), liveness: liveness)
    }
}

/// The exclusive right to change one thread, held for as long as a process owns its session.
public protocol ThreadLease: AnyObject, Sendable {
    var thread: ThreadID { get }
    /// Gives the lease up. Idempotent.
    func release()
}

/// Who holds a thread's lease right now.
public enum LeaseState: Sendable, Equatable {
    case free
    /// Held by a process, with its pid when known.
    case held(pid: Int32?)
}

/// Everything the session service stores, as an interface so that the session logic runs against
/// memory in tests and against `.agentws/` on disk in the product.
public protocol ThreadStore: Sendable {
    /// The pid this process records as a lease owner.
    var processID: Int32 { get }

    func readBinding(_ thread: ThreadID) throws -> Binding?
    /// Writes unless the stored bytes are identical; returns whether it wrote.
    @discardableResult
    func writeBinding(_ binding: Binding, lease: any ThreadLease) throws -> Bool
    /// Writes `binding` in the current schema even when its file means the same in an older one
    /// (`agentws migrate`); returns whether it wrote.
    @discardableResult
    func rewriteBinding(_ binding: Binding, lease: any ThreadLease) throws -> Bool
    @discardableResult
    func deleteBinding(_ thread: ThreadID, lease: any ThreadLease) throws -> Bool
    func listBindings() throws -> [BindingListing]

    /// Takes the lease if it is free; nil when another owner has it.
    func tryLease(_ thread: ThreadID) throws -> (any ThreadLease)?
    /// Who holds the lease (probing it without keeping it).
    func leaseState(_ thread: ThreadID) -> LeaseState

    func readRuntime(_ thread: ThreadID) -> RuntimeRecord?
    func writeRuntime(_ record: RuntimeRecord, for thread: ThreadID) throws
    func deleteRuntime(_ thread: ThreadID) throws
    /// The threads whose runtime record names an owner, without reading every record: what the
    /// reaper reconciles (SPEC §4.3). May name a thread whose record no longer does.
    func threadsRecordedLive() -> [ThreadID]

    /// A new path, under this machine's state, where a provider may write a transient file (the
    /// transcript a fork copies through `export` + `import`, SPEC §12). Nothing is at the path yet;
    /// the caller removes what was written with `removeScratchFile`.
    func makeScratchFile(_ purpose: String) throws -> String
    /// Removes a file made at a `makeScratchFile` path; a missing file is fine.
    func removeScratchFile(_ path: String)
}

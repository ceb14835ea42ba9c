import AgentwsSystem

/// The lock that makes a daemon the only one serving its workspace (`state/daemon.lock`). Like the
/// thread locks it is an `flock` the kernel drops when the daemon exits or dies, so a crashed daemon
/// never leaves a stale claim behind (a pid file would).
package final class DaemonLock: Sendable {
    package let path: String
    private let descriptor: Locked<Int32>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Locked(descriptor)
    }

    deinit { release() }

    /// Takes the workspace's daemon lock. A lock that is busy for longer than `patience` belongs to
    /// a running daemon: returns nil. (The patience covers a `DaemonLock.holder` probe that holds a
    /// shared lock for an instant.)
    package static func acquire(_ workspace: Workspace, patience: Duration = .milliseconds(500)) async throws
        -> DaemonLock?
    {
        try FileIO.makeDirectories(workspace.stateDirectory)
        let path = workspace.daemonLockPath
        let deadline = ContinuousClock.now + patience
        while true {
            if let fd = try FlockFile.tryAcquire(path: path) { return DaemonLock(path: path, descriptor: fd) }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether a daemon serves the workspace, and its pid when it recorded one; nil when none does.
    /// Probing never takes the lock exclusively, so it cannot get in the way of a daemon starting.
    package static func holder(_ workspace: Workspace) -> DaemonHolder? {
        let path = workspace.daemonLockPath
        guard FlockFile.isHeld(path: path) else { return nil }
        return DaemonHolder(pid: FlockFile.recordedOwner(path: path))
    }

    /// Releases the lock. Idempotent.
    package func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            FlockFile.release(fd)
            fd = -1
        }
    }
}

/// The daemon that holds a workspace's daemon lock.
package struct DaemonHolder: Sendable, Equatable {
    /// Its pid, unless it has not recorded it yet.
    package let pid: Int32?
}

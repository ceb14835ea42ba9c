/// The `flock` mechanics shared by the thread locks and the daemon lock: an exclusive advisory lock
/// on an open file description, which the kernel drops when the holder exits or dies, with the
/// holder's pid written into the file so that a refused process can say who is in the way.
public enum FlockFile {
    /// Opens (creating) `path` and takes an exclusive lock without waiting, then records this
    /// process's pid in it. Returns the descriptor that holds the lock, or nil when another holder
    /// has it.
    public static func tryAcquire(path: String) throws(SystemError) -> Int32? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw .last("open lock file", path) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let error = errno
            close(fd)
            if error == EWOULDBLOCK { return nil }
            throw SystemError("lock", path: path, code: error)
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        return fd
    }

    /// Whether some process holds the lock at `path`, found without taking it exclusively: a shared
    /// lock is refused exactly while an exclusive one is held, and many probes can share it.
    public static func isHeld(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        // No file: nobody ever held it.
        if fd < 0 { return false }
        defer { close(fd) }
        while flock(fd, LOCK_SH | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            return errno == EWOULDBLOCK
        }
        return false
    }

    /// Clears the recorded pid, unlocks and closes the descriptor.
    public static func release(_ fd: Int32) {
        // Clear the pid first so a reader never sees a dead owner's pid on a free lock.
        _ = ftruncate(fd, 0)
        // Unlock explicitly rather than rely on close: a child being spawned at this instant shares
        // the open file description until its exec closes it, and would keep the lock held until then.
        _ = flock(fd, LOCK_UN)
        close(fd)
    }

    /// The pid recorded by the current holder of the lock at `path`, if any.
    public static func recordedOwner(path: String) -> Int32? {
        guard let bytes = try? FileIO.readIfPresent(path) else { return nil }
        let words = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        return words.count == 1 ? Int32(words[0]) : nil
    }
}

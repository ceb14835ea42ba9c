import AgentwsSystem

/// Cold-cache measurements: write back dirty pages, then drop the page, dentry and inode caches.
/// Needs root (`/proc/sys/vm/drop_caches`); without it there are no cold figures.
enum PageCache {
    static let control = "/proc/sys/vm/drop_caches"

    /// Drops the caches; false when this process may not.
    static func drop() -> Bool {
        sync()
        let fd = open(control, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "3\n", 2) == 2
    }
}

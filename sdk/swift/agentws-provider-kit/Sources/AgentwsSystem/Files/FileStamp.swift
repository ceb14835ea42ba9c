/// What identifies one version of a file without reading it: any rewrite, in place or by rename,
/// changes the inode, the size, the modification time or the change time. The change time cannot
/// be set by a user (unlike mtime, which `touch -d` or `tar` can restore), so it is the anchor.
public struct FileStamp: Sendable, Equatable {
    public var inode: UInt64
    public var size: Int64
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64
    public var changedSeconds: Int64
    public var changedNanoseconds: Int64

    public init(
        inode: UInt64, size: Int64, modifiedSeconds: Int64, modifiedNanoseconds: Int64, changedSeconds: Int64,
        changedNanoseconds: Int64
    ) {
        self.inode = inode
        self.size = size
        self.modifiedSeconds = modifiedSeconds
        self.modifiedNanoseconds = modifiedNanoseconds
        self.changedSeconds = changedSeconds
        self.changedNanoseconds = changedNanoseconds
    }

    public init(_ info: stat) {
        self.init(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedSeconds: Int64(info.st_mtim.tv_sec),
            modifiedNanoseconds: Int64(info.st_mtim.tv_nsec), changedSeconds: Int64(info.st_ctim.tv_sec),
            changedNanoseconds: Int64(info.st_ctim.tv_nsec))
    }

    /// The stamp of the file at `path` (following a symbolic link, as opening it does); nil when
    /// there is no such file.
    public static func of(_ path: String) throws(SystemError) -> FileStamp? {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT { return nil }
            throw .last("stat", path)
        }
        return FileStamp(info)
    }

    /// How close to "now" a file's times may be before its stamp is not trusted. File systems keep
    /// times at a coarse granularity (a clock tick on ext4, up to 2 s on FAT and some network file
    /// systems), so a file changed again within the same tick can keep the same times and size;
    /// git calls this "racily clean". A stamp taken at least this long after the file's last change
    /// cannot be repeated by a later change, whose change time is necessarily newer.
    public static let racyWindowNanoseconds: Int64 = 2_000_000_000

    /// Whether the file changed so recently, relative to `now` (wall-clock nanoseconds since the
    /// epoch, taken before the stamp was), that a later change might leave the same stamp.
    public func isRacy(now: Int64) -> Bool {
        let limit = now - Self.racyWindowNanoseconds
        return changedSeconds * 1_000_000_000 + changedNanoseconds >= limit
            || modifiedSeconds * 1_000_000_000 + modifiedNanoseconds >= limit
    }

    /// The wall clock, in nanoseconds since the epoch: the same clock file times come from.
    public static func wallClockNow() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

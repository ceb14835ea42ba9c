/// Whole-file replacement the way git writes objects: temporary file in the same directory, `fsync`,
/// `rename`, `fsync` of the directory. A crash at any instant leaves the old file or the new one.
public enum AtomicFile {
    /// What a write did.
    public enum Outcome: Equatable {
        /// The file already held these bytes; nothing was touched.
        case unchanged
        case written
    }

    /// The prefix of temporary files, so that a later open can recognise and remove strays.
    public static let temporaryMarker = ".tmp-"

    /// The temporary name for `fileName`: hidden, in the same directory, unique per attempt.
    public static func temporaryName(for fileName: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = String(generator.next() & 0xFFFF_FFFF_FFFF, radix: 36)
        return "." + fileName + temporaryMarker + String(getpid()) + "-" + suffix
    }

    /// The file a temporary name belongs to, or nil when `name` is not a temporary name.
    public static func targetName(ofTemporary name: String) -> String? {
        let bytes = Array(name.utf8)
        let marker = Array(temporaryMarker.utf8)
        guard bytes.first == UInt8(ascii: "."), bytes.count > marker.count + 1 else { return nil }
        var index = bytes.count - marker.count
        while index > 1 {
            if bytes[index..<(index + marker.count)].elementsEqual(marker) {
                return String(decoding: bytes[1..<index], as: UTF8.self)
            }
            index -= 1
        }
        return nil
    }

    /// Replaces `directory/fileName` with `bytes` unless it already holds exactly them.
    ///
    /// - Parameter durable: when false, skips both fsyncs (runtime state that may be lost on power
    ///   failure but must never be torn).
    public static func write(
        _ bytes: [UInt8], directory: String, fileName: String, durable: Bool = true
    ) throws(SystemError) -> Outcome {
        if let current = try FileIO.readIfPresent(directory + "/" + fileName), current == bytes {
            return .unchanged
        }
        try replace(bytes, directory: directory, fileName: fileName, durable: durable)
        return .written
    }

    /// Replaces `directory/fileName` with `bytes`, for a caller that already knows they differ.
    ///
    /// - Parameter mode: the new file's permissions (exactly these, whatever the umask).
    public static func replace(
        _ bytes: [UInt8], directory: String, fileName: String, durable: Bool = true, mode: mode_t = 0o644
    ) throws(SystemError) {
        let path = directory + "/" + fileName
        let temporaryPath = try writeTemporary(
            bytes, directory: directory, fileName: fileName, durable: durable, mode: mode)
        if rename(temporaryPath, path) != 0 {
            let error = SystemError.last("rename \(temporaryPath) to", path)
            unlink(temporaryPath)
            throw error
        }
        if durable { try FileIO.syncDirectory(directory) }
    }

    /// Replaces the file at `path` (absolute, or relative to the working directory) with `bytes`.
    public static func replace(_ bytes: [UInt8], path: String, durable: Bool = true, mode: mode_t = 0o644)
        throws(SystemError)
    {
        guard let slash = path.lastIndex(of: "/") else {
            return try replace(bytes, directory: ".", fileName: path, durable: durable, mode: mode)
        }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        try replace(
            bytes, directory: directory, fileName: String(path[path.index(after: slash)...]),
            durable: durable,
            mode: mode)
    }

    /// Creates `directory/fileName` with `bytes`, whole, unless it exists; returns whether it did.
    /// The file appears complete or not at all: a temporary file is linked to the name, which
    /// `link` refuses to overwrite.
    public static func createNew(_ bytes: [UInt8], directory: String, fileName: String) throws(SystemError)
        -> Bool
    {
        let path = directory + "/" + fileName
        let temporaryPath = try writeTemporary(bytes, directory: directory, fileName: fileName, durable: true)
        defer { unlink(temporaryPath) }
        if link(temporaryPath, path) != 0 {
            if errno == EEXIST { return false }
            throw .last("link \(temporaryPath) to", path)
        }
        try FileIO.syncDirectory(directory)
        return true
    }

    /// Writes `bytes` to a new temporary file for `fileName` in `directory` (synced when
    /// `durable`) and returns its path; nothing is left behind when it fails.
    private static func writeTemporary(
        _ bytes: [UInt8], directory: String, fileName: String, durable: Bool, mode: mode_t = 0o644
    ) throws(SystemError) -> String {
        let temporaryPath = directory + "/" + temporaryName(for: fileName)
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 { throw .last("create temporary file", temporaryPath) }
        defer { close(fd) }
        do throws(SystemError) {
            // The umask only ever removes bits; a caller that asks for a mode gets it.
            if mode != 0o644, fchmod(fd, mode) != 0 { throw .last("chmod", temporaryPath) }
            try FileIO.writeAll(fd, bytes, path: temporaryPath)
            if durable { try FileIO.fsyncOrThrow(fd, path: temporaryPath) }
        } catch {
            unlink(temporaryPath)
            throw error
        }
        return temporaryPath
    }

    /// Removes `directory/fileName` durably; returns whether it existed.
    public static func remove(directory: String, fileName: String) throws(SystemError) -> Bool {
        let path = directory + "/" + fileName
        if unlink(path) != 0 {
            if errno == ENOENT { return false }
            throw .last("remove", path)
        }
        try FileIO.syncDirectory(directory)
        return true
    }
}

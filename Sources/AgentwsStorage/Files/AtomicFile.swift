#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file replacement the way git writes objects: temporary file in the same directory, `fsync`,
/// `rename`, `fsync` of the directory. A crash at any instant leaves the old file or the new one.
enum AtomicFile {
    /// What a write did.
    enum Outcome: Equatable {
        /// The file already held these bytes; nothing was touched.
        case unchanged
        case written
    }

    /// The prefix of temporary files, so that a later open can recognise and remove strays.
    static let temporaryMarker = ".tmp-"

    /// The temporary name for `fileName`: hidden, in the same directory, unique per attempt.
    static func temporaryName(for fileName: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = String(generator.next() & 0xFFFF_FFFF_FFFF, radix: 36)
        return "." + fileName + temporaryMarker + String(getpid()) + "-" + suffix
    }

    /// The file a temporary name belongs to, or nil when `name` is not a temporary name.
    static func targetName(ofTemporary name: String) -> String? {
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
    static func write(
        _ bytes: [UInt8], directory: String, fileName: String, durable: Bool = true
    ) throws(FileSystemError) -> Outcome {
        if let current = try FileIO.readIfPresent(directory + "/" + fileName), current == bytes {
            return .unchanged
        }
        try replace(bytes, directory: directory, fileName: fileName, durable: durable)
        return .written
    }

    /// Replaces `directory/fileName` with `bytes`, for a caller that already knows they differ.
    static func replace(
        _ bytes: [UInt8], directory: String, fileName: String, durable: Bool = true
    ) throws(FileSystemError) {
        let path = directory + "/" + fileName
        let temporaryPath = directory + "/" + temporaryName(for: fileName)
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw .last("create temporary file", temporaryPath) }
        var renamed = false
        defer { if !renamed { unlink(temporaryPath) } }
        do {
            defer { close(fd) }
            try FileIO.writeAll(fd, bytes, path: temporaryPath)
            if durable { try FileIO.fsyncOrThrow(fd, path: temporaryPath) }
        }
        if rename(temporaryPath, path) != 0 { throw .last("rename \(temporaryPath) to", path) }
        renamed = true
        if durable { try FileIO.syncDirectory(directory) }
    }

    /// Removes `directory/fileName` durably; returns whether it existed.
    static func remove(directory: String, fileName: String) throws(FileSystemError) -> Bool {
        let path = directory + "/" + fileName
        if unlink(path) != 0 {
            if errno == ENOENT { return false }
            throw .last("remove", path)
        }
        try FileIO.syncDirectory(directory)
        return true
    }
}

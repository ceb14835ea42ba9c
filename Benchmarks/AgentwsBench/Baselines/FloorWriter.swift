import AgentwsSystem

/// The floor for a durable file replacement: temporary file, `fsync`, `rename`, `fsync` of the
/// directory, and nothing else (no lock, no encoding, no comparison; the directory stays open).
final class FloorWriter {
    let directory: String
    private let directoryFD: Int32

    init(directory: String) throws(BenchError) {
        self.directory = directory
        directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD < 0 { throw .system("open directory", directory) }
    }

    deinit { close(directoryFD) }

    func replace(_ name: String, with bytes: [UInt8]) throws(BenchError) {
        let target = directory + "/" + name
        let temporary = directory + "/." + name + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw .system("create", temporary) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            close(fd)
            throw .system("write and sync", temporary)
        }
        close(fd)
        if rename(temporary, target) != 0 { throw .system("rename to", target) }
        if fsync(directoryFD) != 0 { throw .system("sync directory", directory) }
    }
}

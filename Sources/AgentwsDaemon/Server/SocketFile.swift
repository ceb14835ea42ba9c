import AgentwsCore
import AgentwsStorage
import AgentwsSystem
import Logging
import NIOCore
import NIOPosix

/// The daemon's socket file: created with mode 0600 (only its owner may connect — the kernel checks
/// that before any byte arrives), and a file left by a daemon that died replaced.
enum SocketFile {
    /// Removes a socket left at `path` by a daemon that is gone. Only call it holding the daemon
    /// lock: then no live daemon can be using it. Anything that is not a socket is left alone.
    static func removeStale(_ path: String, logger: Logger) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw SystemError("inspect the socket", path: path, code: errno)
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw AgentwsError(
                .failure, "\(path) exists and is not a socket; move it away, then run 'agentws serve' again")
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw SystemError("remove the stale socket", path: path, code: errno)
        }
        logger.info("removed the socket \(path) left by a daemon that is gone")
    }

    /// Binds a listening socket at `path`, mode 0600 from its first instant: the process umask is
    /// narrowed while the kernel creates the file, so no client can slip in before a chmod.
    static func bind(
        _ path: String, group: any EventLoopGroup, lineLimit: Int
    ) async throws -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never> {
        if path.utf8.count >= MemoryLayout.size(ofValue: sockaddr_un().sun_path) {
            throw AgentwsError(
                .failure,
                "the socket path \(path) is \(path.utf8.count) bytes long; Unix sockets allow \(MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1). Move the workspace to a shorter path to run the daemon."
            )
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let previousMask = umask(0o177)
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await bootstrap.bind(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try LineChannel.wrap(channel, lineLimit: lineLimit)
                }
            }
        } catch {
            umask(previousMask)
            throw AgentwsError(.failure, "cannot listen on \(path): \(error)")
        }
        umask(previousMask)
        // Belt and braces: whatever the umask did, the socket ends up 0600 or the daemon stops.
        guard chmod(path, 0o600) == 0 else {
            let error = SystemError("set the socket's mode", path: path, code: errno)
            try? await server.channel.close()
            throw error
        }
        return server
    }

    /// The socket's inode, to recognise it at shutdown.
    static func inode(_ path: String) -> UInt64? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return UInt64(status.st_ino)
    }

    /// Removes the socket at shutdown, unless another daemon has put its own there meanwhile.
    static func remove(_ path: String, inode: UInt64?) {
        guard let inode, Self.inode(path) == inode else { return }
        unlink(path)
    }
}

/// A channel of newline-framed messages, as the daemon, `agentws acp` and the CLI speak them.
enum LineChannel {
    static func wrap(_ channel: any Channel, lineLimit: Int, halfClosure: Bool = false) throws
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    {
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(LineFrameDecoder(maximumLength: lineLimit)))
        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
            wrappingChannelSynchronously: channel,
            configuration: .init(isOutboundHalfClosureEnabled: halfClosure))
    }
}

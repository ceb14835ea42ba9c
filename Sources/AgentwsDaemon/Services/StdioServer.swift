import AgentwsACP
import AgentwsSystem
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `agentws acp` in-process: one ACP client on stdin/stdout. Ends when stdin ends (after answering
/// the requests under way) or at graceful shutdown.
struct StdioServer: Service {
    let agent: ACPAgent
    let logger: Logger

    func run() async throws {
        let channel = try await StdioChannel.open(lineLimit: LineLimits.server)
        let loop = ConnectionLoop(agent: agent, logger: logger)
        await withGracefulShutdownHandler {
            await loop.run(channel, label: "stdio")
        } onGracefulShutdown: {
            // No more requests; the loop answers what is under way (its turns interrupted), then closes.
            channel.channel.close(mode: .input, promise: nil)
        }
    }
}

/// Standard input and output as one NIO channel. The descriptors are duplicated first, so that
/// NIO closing its copies leaves fd 0 and 1 to the process.
enum StdioChannel {
    /// Lines (for serving ACP in-process).
    static func open(lineLimit: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let (input, output) = try duplicates()
        return try await bootstrap().takingOwnershipOfDescriptors(input: input, output: output) { channel in
            channel.eventLoop.makeCompletedFuture { try LineChannel.wrap(channel, lineLimit: lineLimit) }
        }
    }

    /// Raw bytes (for relaying to the daemon).
    static func openRaw() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let (input, output) = try duplicates()
        return try await bootstrap().takingOwnershipOfDescriptors(input: input, output: output) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    }

    private static func bootstrap() -> NIOPipeBootstrap {
        NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
    }

    private static func duplicates() throws -> (CInt, CInt) {
        // NIO watches descriptors with epoll, which takes pipes, sockets and terminals but not
        // regular files: say so rather than fail with "Operation unsupported".
        for (fd, name) in [(STDIN_FILENO, "stdin"), (STDOUT_FILENO, "stdout")] {
            var status = stat()
            if fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
                throw StdioUnavailable(
                    reason:
                        "\(name) is a regular file; ACP runs over pipes, as editors launch it (use a pipe, e.g. 'cat requests.jsonl | agentws acp | cat > answers.jsonl')"
                )
            }
        }
        let input = dup(STDIN_FILENO)
        let output = dup(STDOUT_FILENO)
        guard input >= 0, output >= 0 else {
            if input >= 0 { close(input) }
            if output >= 0 { close(output) }
            throw StdioUnavailable(reason: String(cString: strerror(errno)))
        }
        return (input, output)
    }
}

struct StdioUnavailable: Error, CustomStringConvertible {
    let reason: String
    var description: String { "cannot use stdin/stdout for ACP: \(reason)" }
}

import AgentwsStorage
import Logging
import NIOCore

/// `agentws acp` while a daemon runs: relays stdin to the daemon's socket and the socket to stdout,
/// byte for byte, so the editor talks to the daemon's warm sessions.
package enum StdioProxy {
    /// Relays until the daemon closes the connection (after stdin ends, it answers what is under
    /// way and closes). Returns false, relaying nothing, when no daemon serves the workspace.
    package static func run(_ workspace: Workspace, logger: Logger) async throws -> Bool {
        guard let socket = try await DaemonClient.connect(workspace, logger: logger, framed: false) else {
            return false
        }
        let stdio = try await StdioChannel.openRaw()
        try await stdio.executeThenClose { stdin, stdout in
            try await socket.executeThenClose { fromDaemon, toDaemon in
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        for try await chunk in stdin { try await toDaemon.write(chunk) }
                        // Half-close: the daemon answers what is under way, then closes.
                        toDaemon.finish()
                        return false
                    }
                    group.addTask {
                        for try await chunk in fromDaemon { try await stdout.write(chunk) }
                        return true
                    }
                    while let daemonDone = try await group.next() {
                        if daemonDone { break }
                    }
                    group.cancelAll()
                    stdio.channel.close(promise: nil)
                }
            }
        }
        return true
    }
}

import AgentwsJSON
import AgentwsSystem

/// A client of row 8 with its own connection and its own thread (ACP session), warmed up.
struct LoadClient {
    let connection: ACPSocketClient
    let thread: String
}

/// What one round of prompts on warm sessions measured.
struct LoadRound {
    /// Send of each `session/prompt` to its answer, in nanoseconds.
    var latencies: [UInt64] = []
    /// First prompt sent to last answer received.
    var wall: UInt64 = 0

    /// The `fraction` quantile of the latencies (nearest rank), in nanoseconds.
    func latency(quantile fraction: Double) -> UInt64 {
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    var turnsPerSecond: Double { Double(latencies.count) / (Double(wall) / 1e9) }
}

/// Drives prompts on many clients at once from this one thread: every client keeps exactly one
/// prompt in flight, and `poll` tells which connections have something to read. Each turn must
/// stream at least one `agent_message_chunk`, end with `end_turn` and report a warm session.
enum DaemonLoad {
    /// Runs `turns` prompts of `text` on every client. Each prompt must be answered within
    /// `timeout` nanoseconds, the whole round within `limit`.
    static func run(_ clients: [LoadClient], turns: Int, text: String, timeout: UInt64, limit: UInt64)
        throws(BenchError) -> LoadRound
    {
        struct InFlight {
            var id: Int64 = 0
            var sentAt: UInt64 = 0
            var chunks = 0
            var done = 0
        }
        var state = [InFlight](repeating: InFlight(), count: clients.count)
        var round = LoadRound()
        round.latencies.reserveCapacity(clients.count * turns)
        let start = MonotonicTime.now()

        func sendPrompt(_ index: Int) throws(BenchError) {
            let client = clients[index]
            let id = client.connection.makeID()
            state[index].id = id
            state[index].chunks = 0
            state[index].sentAt = MonotonicTime.now()
            let params: JSONValue = [
                "sessionId": .string(client.thread), "prompt": [["type": "text", "text": .string(text)]],
            ]
            try client.connection.send(
                ["jsonrpc": "2.0", "id": .integer(id), "method": "session/prompt", "params": params],
                deadline: state[index].sentAt + timeout)
        }

        for index in clients.indices { try sendPrompt(index) }
        var finished = 0
        var descriptors = clients.map {
            pollfd(fd: $0.connection.descriptor, events: Int16(POLLIN), revents: 0)
        }
        while finished < clients.count {
            let now = MonotonicTime.now()
            guard now - start < limit else {
                throw BenchError(
                    "a round of \(clients.count) clients × \(turns) turns did not finish in time")
            }
            for (index, entry) in state.enumerated() where entry.done < turns && now - entry.sentAt > timeout
            {
                throw BenchError("thread \(clients[index].thread): a prompt was not answered in time")
            }
            if poll(&descriptors, nfds_t(descriptors.count), 100) < 0 && errno != EINTR {
                throw .system("poll", "the daemon sockets")
            }
            for index in descriptors.indices where descriptors[index].revents != 0 {
                descriptors[index].revents = 0
                for message in try clients[index].connection.receiveAvailable() {
                    if message["method"]?.stringValue == "session/update" {
                        if message["params"]?["update"]?["sessionUpdate"]?.stringValue
                            == "agent_message_chunk"
                        {
                            state[index].chunks += 1
                        }
                        continue
                    }
                    guard let id = message["id"]?.integerValue, id == state[index].id else { continue }
                    let answeredAt = MonotonicTime.now()
                    let result = try ACPSocketClient.result(of: message, method: "session/prompt")
                    try check(result, chunks: state[index].chunks, thread: clients[index].thread)
                    round.latencies.append(answeredAt - state[index].sentAt)
                    state[index].done += 1
                    if state[index].done < turns {
                        try sendPrompt(index)
                    } else {
                        finished += 1
                    }
                }
            }
        }
        round.wall = MonotonicTime.now() - start
        return round
    }

    private static func check(_ result: JSONValue, chunks: Int, thread: String) throws(BenchError) {
        let stopReason = result["stopReason"]?.stringValue ?? "none"
        let start = result["_meta"]?["agentws"]?["start"]?.stringValue ?? "none"
        guard stopReason == "end_turn", start == "warm", chunks > 0 else {
            throw BenchError(
                "thread \(thread): a prompt ended with stopReason \(stopReason), session \(start), "
                    + "\(chunks) reply chunks; expected end_turn on a warm session with a reply")
        }
    }
}

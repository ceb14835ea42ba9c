import AgentProcess
import AgentwsJSON
import AgentwsSystem
import Testing

@Suite struct JSONRPCPeerTests {
    private func launch(
        _ shell: Shell, _ recorder: Recorder, dialect: JSONRPCPeer.Dialect = .standard,
        timeout: Duration = patience,
        request: (@Sendable (JSONRPCID, String, JSONValue) -> JSONRPCPeer.Reply)? = nil
    ) throws -> JSONRPCPeer {
        try JSONRPCPeer.launch(
            shell.command, name: "agent", purpose: "a test", logPath: shell.logPath,
            configuration: JSONRPCPeer.Configuration(
                dialect: dialect, requestTimeout: timeout, timeoutSetting: "request_timeout_ms"),
            log: recorder.log,
            handlers: request.map { recorder.peerHandlers(request: $0) } ?? recorder.peerHandlers())
    }

    /// A peer that answers each request with the request itself as the result.
    private static let mirror = """
        while read -r line; do
          id=$(printf '%s' "$line" | sed 's/.*"id":\\([0-9]*\\).*/\\1/')
          printf '{"jsonrpc":"2.0","id":%s,"result":%s}\\n' "$id" "$line"
        done
        """

    @Test func requestsAreAnsweredAndCarryTheDialectsVersionMember() async throws {
        for dialect in [JSONRPCPeer.Dialect.standard, .withoutVersion] {
            let shell = try Shell(Self.mirror)
            let recorder = Recorder()
            let peer = try launch(shell, recorder, dialect: dialect)
            let first = try await peer.request("session/new", ["cwd": "/w"])
            let second = try await peer.request("ping")
            #expect(first["id"] == 1)
            #expect(first["method"] == "session/new")
            #expect(first["params"] == ["cwd": "/w"])
            #expect(second["id"] == 2)
            #expect(second["params"] == nil)
            #expect(first["jsonrpc"] == (dialect == .standard ? "2.0" : nil))
            await peer.terminate(grace: patience)
            #expect(recorder.end?.status == .exited(0))
            #expect(recorder.logLines.isEmpty)
        }
    }

    @Test func anErrorObjectKeepsCodeMessageAndData() async throws {
        let shell = try Shell(
            """
            read -r line
            echo '{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad cwd","data":{"field":"cwd"}}}'
            read -r line
            echo '{"jsonrpc":"2.0","id":2,"error":"just text"}'
            cat >/dev/null
            """)
        let peer = try launch(shell, Recorder())
        await #expect {
            try await peer.request("session/new", ["cwd": 3])
        } throws: { error in
            guard let failure = error as? JSONRPCFailure else { return false }
            return failure.errorObject
                == JSONRPCError(code: -32602, message: "bad cwd", data: ["field": "cwd"])
                && failure.description == "agent refused session/new: bad cwd"
        }
        await #expect {
            try await peer.request("other")
        } throws: { error in
            (error as? JSONRPCFailure)?.description == "agent refused other: \"just text\""
        }
        await peer.terminate(grace: patience)
    }

    @Test func thePeersRequestsAreAnsweredUnderTheirOwnIds() async throws {
        // The peer asks twice (a string id, then a number) and reports each answer in a notification.
        let shell = try Shell(
            """
            echo '{"jsonrpc":"2.0","id":"q-1","method":"session/request_permission","params":{"tool":"rm"}}'
            read -r answer
            printf '{"jsonrpc":"2.0","method":"answered","params":%s}\\n' "$answer"
            echo '{"jsonrpc":"2.0","id":7,"method":"fs/read_text_file"}'
            read -r answer
            printf '{"jsonrpc":"2.0","method":"answered","params":%s}\\n' "$answer"
            """)
        let recorder = Recorder()
        let peer = try launch(shell, recorder) { id, method, params in
            if method == "session/request_permission" {
                return .result(["outcome": "denied", "tool": params["tool"] ?? .null, "id": id.json])
            }
            return .error(JSONRPCError(code: -32601, message: "not here", data: ["method": .string(method)]))
        }
        #expect(await peer.waitUntilEnded(atMost: patience))
        let answers = recorder.notifications.filter { $0.method == "answered" }.map(\.params)
        #expect(
            answers == [
                ["jsonrpc": "2.0", "id": "q-1", "result": ["outcome": "denied", "tool": "rm", "id": "q-1"]],
                [
                    "jsonrpc": "2.0", "id": 7,
                    "error": [
                        "code": -32601, "message": "not here", "data": ["method": "fs/read_text_file"],
                    ],
                ],
            ])
    }

    @Test func aRequestCanBeAnsweredLater() async throws {
        let shell = try Shell(
            """
            echo '{"jsonrpc":"2.0","id":1,"method":"ask"}'
            read -r answer
            printf '{"jsonrpc":"2.0","method":"answered","params":%s}\\n' "$answer"
            """)
        let recorder = Recorder()
        let asked = AsyncStream<JSONRPCID>.makeStream()
        let peer = try launch(shell, recorder) { id, _, _ in
            asked.continuation.yield(id)
            return .later
        }
        var iterator = asked.stream.makeAsyncIterator()
        let id = try #require(await iterator.next())
        peer.respond(to: id, with: .result(["later": true]))
        #expect(await peer.waitUntilEnded(atMost: patience))
        #expect(
            recorder.notifications.map(\.params) == [["jsonrpc": "2.0", "id": 1, "result": ["later": true]]])
    }

    @Test func aRequestWithoutAnAnswerTimesOut() async throws {
        let shell = try Shell("cat >/dev/null")
        let peer = try launch(shell, Recorder(), timeout: .milliseconds(100))
        await #expect {
            try await peer.request("session/prompt")
        } throws: { error in
            (error as? JSONRPCFailure)?.description
                == "agent did not answer session/prompt within 1 s (request_timeout_ms)"
        }
        // A limit of the request's own names no setting.
        await #expect {
            try await peer.request("session/load", timeout: .milliseconds(2500))
        } throws: { error in
            (error as? JSONRPCFailure)?.description == "agent did not answer session/load within 3 s"
        }
        await peer.terminate(grace: patience)
    }

    @Test func aPeerThatDiesFailsItsRequestsWithItsStderr() async throws {
        let shell = try Shell("read -r line; echo 'panic: out of tokens' >&2; exit 2")
        let recorder = Recorder()
        let peer = try launch(shell, recorder)
        await #expect {
            try await peer.request("initialize")
        } throws: { error in
            guard let failure = error as? JSONRPCFailure, case .ended(let end) = failure.reason else {
                return false
            }
            return end.status == .exited(2) && end.stderrTail == ["panic: out of tokens"]
                && failure.description
                    == "agent (pid \(end.pid)) ended: exit status 2 before answering initialize\(end.details)"
        }
        #expect(await peer.waitUntilEnded(atMost: patience))
        #expect(recorder.end?.status == .exited(2))
        // Once it has ended, a request fails at once, and a notification cannot be written.
        await #expect(throws: JSONRPCFailure.self) { try await peer.request("again") }
        #expect(throws: SystemError.self) { try peer.notify("initialized") }
    }

    @Test func linesThatAreNotMessagesAreLoggedAndSkipped() async throws {
        let shell = try Shell(
            """
            echo 'starting up'
            echo '{"jsonrpc":"2.0"}'
            echo '{"jsonrpc":"2.0","id":"x","result":1}'
            echo '{"jsonrpc":"2.0","method":"update","params":{"n":1}}'
            """)
        let recorder = Recorder()
        let peer = try launch(shell, recorder)
        #expect(await peer.waitUntilEnded(atMost: patience))
        #expect(recorder.notifications.map(\.method) == ["update"])
        let pid = peer.connection.process.pid
        #expect(
            recorder.logLines.map(\.message) == [
                "agent (pid \(pid)) wrote a line that is not JSON (\(notJSONError())): starting up",
                "agent wrote a message that is neither request nor answer: {\"jsonrpc\":\"2.0\"}",
                "agent answered an id we never used: {\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":1}",
            ])
    }

    @Test func aStrictPeerIsEndedByALineThatIsNotAMessage() async throws {
        let shell = try Shell(
            """
            echo 'still alive' >&2
            read -r line
            echo 'Welcome! (not JSON)'
            sleep 30
            """)
        let recorder = Recorder()
        let peer = try JSONRPCPeer.launch(
            shell.command, name: "agent", purpose: "a test", logPath: shell.logPath,
            configuration: JSONRPCPeer.Configuration(
                dialect: .standard, requestTimeout: patience, strict: true),
            log: recorder.log, handlers: recorder.peerHandlers())
        await #expect {
            try await peer.request("initialize")
        } throws: { error in
            guard let failure = error as? JSONRPCFailure,
                case .violation(let problem, let end) = failure.reason
            else { return false }
            return problem.hasPrefix("wrote a line that is not JSON")
                && problem.hasSuffix(": Welcome! (not JSON)")
                && end.status == .signalled(SIGKILL) && end.stderrTail == ["still alive"]
                && failure.description.contains("broke the protocol while agentws waited for initialize")
        }
        // Later requests fail the same way, at once.
        await #expect {
            try await peer.request("session/new")
        } throws: { error in
            guard let failure = error as? JSONRPCFailure, case .violation = failure.reason else {
                return false
            }
            return true
        }
    }

    @Test func aStrictPeerIsEndedByALineOverItsLimit() async throws {
        let shell = try Shell(
            """
            read -r line
            head -c 10000 /dev/zero | tr '\\0' 'x'
            echo
            sleep 30
            """)
        let recorder = Recorder()
        let peer = try JSONRPCPeer.launch(
            shell.command, name: "agent", purpose: "a test", logPath: shell.logPath,
            configuration: JSONRPCPeer.Configuration(
                dialect: .standard, requestTimeout: patience, strict: true, lineLimit: 4096,
                lineLimitSetting: "max_message_bytes"),
            log: recorder.log, handlers: recorder.peerHandlers())
        await #expect {
            try await peer.request("initialize")
        } throws: { error in
            guard let failure = error as? JSONRPCFailure, case .violation(let problem, _) = failure.reason
            else { return false }
            return problem == "wrote a line longer than 4096 bytes (max_message_bytes)"
        }
    }

    @Test func aRequestsOwnTimeLimitNamesItsOwnSetting() async throws {
        let shell = try Shell("cat >/dev/null")
        let peer = try launch(shell, Recorder())
        await #expect {
            try await peer.request(
                "initialize", timeout: .milliseconds(200), timeoutSetting: "initialize_timeout_ms")
        } throws: { error in
            (error as? JSONRPCFailure)?.description
                == "agent did not answer initialize within 1 s (initialize_timeout_ms)"
        }
        await peer.terminate(grace: patience)
    }

    private func notJSONError() -> String {
        do {
            _ = try JSONParser.parse(bytes: Array("starting up".utf8))
            return "parsed"
        } catch {
            return "\(error)"
        }
    }
}

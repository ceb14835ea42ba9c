import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsTestSupport
import Foundation
import Testing

extension CodexAppServerTests {
    /// `process: shared` (the default): one `codex app-server` serves every live session of the
    /// instance, through the plugin loader as a daemon holds it; and `per-session` for comparison.
    @Suite("shared process")
    struct SharedProcessTests {
        /// A live session and the events it reported.
        struct Live: Sendable {
            let session: any ProviderSession
            let events: Events
            var thread: String { session.cursor?["threadId"]?.stringValue ?? "" }
        }

        private func start(
            _ provider: PluginProvider, _ codex: CodexWorkspace, thread: String, runtimeMode: String? = nil,
            resume: String? = nil, cwd: String? = nil
        ) async throws -> Live {
            let events = Events()
            let session = try await provider.start(
                .of(
                    thread: thread, cwd: cwd ?? codex.workspace, model: "mock-model",
                    runtimeMode: runtimeMode,
                    resumeCursor: resume.map { ["threadId": .string($0)] }),
                events: events.handler)
            return Live(session: session, events: events)
        }

        /// Waits until exactly `count` app-servers of this workspace run, and returns them.
        private func appServers(_ codex: CodexWorkspace, count: Int) async throws -> [pid_t] {
            try await waitUntil("\(count) codex app-servers, found \(codex.appServers())") {
                codex.appServers().count == count
            }
            return codex.appServers()
        }

        @Test func warmThreadsShareOneProcessAndTurnsRunSideBySide() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider(options: ["process_linger_ms": 0])
            var warmed: [Live] = []
            for index in 1...4 {
                let live = try await start(provider, codex, thread: "t\(index)")
                #expect(
                    try await live.session.send(TurnRequest(text: "warm \(index)")).stopReason
                        == .endTurn)
                #expect(live.events.text == "mock#1: warm \(index)")
                warmed.append(live)
            }
            let sessions = warmed
            #expect(Set(sessions.map(\.thread)).count == 4)
            let process = try await appServers(codex, count: 1)

            // A turn held open on t1 while t2 runs two whole turns: each reply goes to its own thread.
            let held = Task { try await sessions[0].session.send(TurnRequest(text: "hold it [[hold]]")) }
            try await waitUntil("t1's reply to start; events: \(sessions[0].events.all)") {
                sessions[0].events.text.contains("mock#2")
            }
            #expect(
                try await sessions[1].session.send(TurnRequest(text: "meanwhile")).stopReason
                    == .endTurn)
            #expect(
                try await sessions[1].session.send(TurnRequest(text: "and again")).stopReason
                    == .endTurn)
            #expect(sessions[1].events.text == "mock#1: warm 2mock#2: meanwhilemock#3: and again")
            #expect(try await sessions[0].session.isBusy())
            #expect(try await !sessions[1].session.isBusy())
            #expect(!sessions[0].events.text.contains("meanwhile"))

            // Two turns started at once on two threads.
            async let third = sessions[2].session.send(TurnRequest(text: "together 3"))
            async let fourth = sessions[3].session.send(TurnRequest(text: "together 4"))
            #expect(
                try await [third, fourth].map(\.stopReason) == [.endTurn, .endTurn])
            #expect(sessions[2].events.text == "mock#1: warm 3mock#2: together 3")
            // Token usage is routed by thread too: each of the two turns got its own figures.
            for outcome in try await [third, fourth] {
                #expect((outcome.usage?.outputTokens ?? 0) > 0, "\(outcome)")
            }
            #expect(sessions[3].events.text == "mock#1: warm 4mock#2: together 4")

            try await sessions[0].session.interrupt()
            #expect(try await held.value.stopReason == .cancelled)
            #expect(codex.appServers() == process)
            for live in sessions { try await live.session.stop() }
            #expect(codex.codexGone())
        }

        @Test func stoppingOneThreadLeavesTheOthersRunning() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider(options: ["process_linger_ms": 0])
            let first = try await start(provider, codex, thread: "t1")
            let second = try await start(provider, codex, thread: "t2")
            let process = try await appServers(codex, count: 1)

            // t2's turn runs on while t1 is stopped in the middle of its own.
            let cut = Task { try await first.session.send(TurnRequest(text: "cut me off [[hold]]")) }
            let going = Task { try await second.session.send(TurnRequest(text: "keep going [[hold]]")) }
            try await waitUntil("both replies to start") {
                first.events.text.hasPrefix("mock#1") && second.events.text.hasPrefix("mock#1")
            }
            try await first.session.stop()
            #expect(try await cut.value.stopReason == .cancelled)
            #expect(try await second.session.isBusy())
            try await second.session.interrupt()
            #expect(try await going.value.stopReason == .cancelled)
            #expect(
                try await second.session.send(TurnRequest(text: "after")).stopReason == .endTurn
            )
            #expect(second.events.text.hasSuffix("mock#2: after"))
            #expect(codex.appServers() == process)
            // Nothing about t1 reaches anyone once it stopped.
            #expect(!first.events.text.contains("after"))

            // The stopped thread resumes on the same process, where codex still has it.
            let again = try await start(provider, codex, thread: "t1", resume: first.thread)
            #expect(again.thread == first.thread)
            #expect(
                try await again.session.send(TurnRequest(text: "back")).stopReason == .endTurn)
            #expect(again.events.text == "mock#2: back")
            #expect(codex.appServers() == process)
            try await again.session.stop()
            try await second.session.stop()
            #expect(codex.codexGone())
        }

        @Test func theProcessOutlivesItsLastSessionByTheLingerTime() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider(options: ["process_linger_ms": 600_000])
            let first = try await start(provider, codex, thread: "t1")
            let process = try await appServers(codex, count: 1)
            try await first.session.stop()
            // Still there for the next session, which uses it rather than starting another.
            #expect(codex.appServers() == process)
            let second = try await start(provider, codex, thread: "t2")
            #expect(
                try await second.session.send(TurnRequest(text: "hi")).stopReason == .endTurn)
            #expect(codex.appServers() == process)
            try await second.session.stop()
            #expect(codex.appServers() == process)
        }

        /// A stop's transcript capture exports right after the session let go of the shared
        /// process: the export asks that process (one thread/read) instead of starting an
        /// app-server of its own, and the process lingers on. With no process running, an export
        /// starts its own.
        @Test func anExportBorrowsTheRunningProcess() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider(options: ["process_linger_ms": 600_000])
            let live = try await start(provider, codex, thread: "t1")
            #expect(try await live.session.send(TurnRequest(text: "hi")).stopReason == .endTurn)
            let cursor = try #require(live.session.cursor)
            let process = try await appServers(codex, count: 1)
            try await live.session.stop()
            let request = TranscriptExportRequest(
                thread: try ThreadID("t1"), cursor: cursor, cwd: codex.workspace,
                destination: codex.workspace + "/.agentws/state/t1.transcript")
            #expect(try await provider.exportTranscript(request).format == "codex-rollout-jsonl")
            let exported = try #require(FileManager.default.contents(atPath: request.destination))
            #expect(String(decoding: exported, as: UTF8.self).contains("mock#1: hi"))
            #expect(codex.appServers() == process)
            #expect(codex.stderrLog.components(separatedBy: "started ").count == 2, "\(codex.stderrLog)")
            #expect(!codex.stderrLog.contains("for export of thread"), "\(codex.stderrLog)")

            // Another instance has no process running: its export starts one for itself.
            let other = try codex.pluginProvider()
            try FileManager.default.removeItem(atPath: request.destination)
            #expect(try await other.exportTranscript(request).format == "codex-rollout-jsonl")
            #expect(FileManager.default.contents(atPath: request.destination) == exported)
            #expect(codex.stderrLog.contains("for export of thread \(cursor["threadId"]?.stringValue ?? "")"))
        }

        @Test func approvalsAreAnsweredByTheirOwnThreadsMode() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider(options: [
                "process_linger_ms": 0, "approval_policy": "untrusted", "sandbox": "workspace-write",
            ])
            let guarded = try await start(provider, codex, thread: "guarded")
            let trusted = try await start(provider, codex, thread: "trusted", runtimeMode: "full-access")
            _ = try await appServers(codex, count: 1)
            async let declined = guarded.session.send(TurnRequest(text: "[[run:touch guarded.txt]]"))
            async let accepted = trusted.session.send(TurnRequest(text: "[[run:touch trusted.txt]]"))
            #expect(
                try await [declined, accepted].map(\.stopReason) == [.endTurn, .endTurn])
            #expect(guarded.events.notices.contains { $0.contains("declined codex's request to run") })
            #expect(!guarded.events.notices.contains { $0.contains("approved") })
            #expect(trusted.events.notices.contains { $0.contains("approved codex's request to run") })
            #expect(!trusted.events.notices.contains { $0.contains("declined") })
            #expect(!FileManager.default.fileExists(atPath: codex.workspace + "/guarded.txt"))
            #expect(FileManager.default.fileExists(atPath: codex.workspace + "/trusted.txt"))
            try await guarded.session.stop()
            try await trusted.session.stop()
        }

        /// A turn names neither the thread's cwd nor its approval policy again (codex keeps each
        /// thread's own from `thread/start`): threads of two directories and two modes, their turns
        /// taking turns on one process, each run where and as their own thread says.
        @Test func eachThreadKeepsItsOwnDirectoryAndModeFromTurnToTurn() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider(options: [
                "process_linger_ms": 0, "approval_policy": "untrusted", "sandbox": "workspace-write",
            ])
            let inner = codex.workspace + "/inner"
            try FileManager.default.createDirectory(atPath: inner, withIntermediateDirectories: false)
            let top = try await start(provider, codex, thread: "top", runtimeMode: "full-access")
            let below = try await start(
                provider, codex, thread: "below", runtimeMode: "full-access", cwd: inner)
            let guarded = try await start(provider, codex, thread: "guarded")
            _ = try await appServers(codex, count: 1)

            /// The reply of one turn of `live`: the text it added.
            func reply(_ live: Live, _ text: String) async throws -> String {
                let before = live.events.text.count
                #expect(try await live.session.send(TurnRequest(text: text)).stopReason == .endTurn)
                return String(live.events.text.dropFirst(before))
            }
            for round in 1...2 {
                let topReply = try await reply(top, "[[run:pwd]]")
                #expect(topReply.contains("tool output:"), "\(topReply)")
                #expect(topReply.contains(codex.workspace) && !topReply.contains(inner), "\(topReply)")
                let belowReply = try await reply(below, "[[run:pwd]]")
                #expect(belowReply.contains(inner), "\(belowReply)")
                _ = try await reply(guarded, "[[run:touch guarded-\(round).txt]]")
                #expect(
                    guarded.events.notices.filter { $0.contains("declined codex's request to run") }.count
                        == round, "\(guarded.events.notices)")
                _ = try await reply(top, "[[run:touch top-\(round).txt]]")
                #expect(FileManager.default.fileExists(atPath: codex.workspace + "/top-\(round).txt"))
            }
            #expect(!guarded.events.notices.contains { $0.contains("approved") })
            #expect(!FileManager.default.fileExists(atPath: codex.workspace + "/guarded-1.txt"))
            #expect(!FileManager.default.fileExists(atPath: codex.workspace + "/guarded-2.txt"))
            for live in [top, below, guarded] { try await live.session.stop() }
            #expect(codex.codexGone())
        }

        @Test func whenTheProcessDiesTheRunningTurnFailsAndTheOthersResumeOnANewOne() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider(options: ["process_linger_ms": 0])
            var warmed: [Live] = []
            for index in 1...3 {
                let live = try await start(provider, codex, thread: "t\(index)")
                #expect(
                    try await live.session.send(TurnRequest(text: "warm")).stopReason
                        == .endTurn)
                warmed.append(live)
            }
            let sessions = warmed
            let old = try #require(try await appServers(codex, count: 1).first)
            let running = Task { try await sessions[0].session.send(TurnRequest(text: "dying [[hold]]")) }
            try await waitUntil("the reply to start") { sessions[0].events.text.contains("mock#2") }
            kill(old, SIGKILL)

            let failure = await #expect(throws: ProviderError.self) { try await running.value }
            #expect(failure?.code == .providerFailed)
            #expect(
                failure?.message.contains("(pid \(old)) ended: killed by signal 9") == true,
                "\(String(describing: failure))")
            #expect(codex.stderrLog.contains("ended: killed by signal 9"))

            // The idle sessions go on: each next turn resumes its thread on one new process.
            for live in sessions.dropFirst() {
                #expect(
                    try await live.session.send(TurnRequest(text: "still there")).stopReason
                        == .endTurn)
                #expect(live.events.text.hasSuffix("mock#2: still there"))
                #expect(
                    live.events.notices.contains {
                        $0.contains("(pid \(old)) ended: killed by signal 9 (Killed) since the last turn")
                    }, "\(live.events.notices)")
            }
            let new = try await appServers(codex, count: 1)
            #expect(new != [old])

            // The failed session is stopped, as the host does; its thread resumes like any other.
            try await sessions[0].session.stop()
            let again = try await start(provider, codex, thread: "t1", resume: sessions[0].thread)
            #expect(
                try await again.session.send(TurnRequest(text: "back")).stopReason == .endTurn)
            #expect(
                again.events.text.hasSuffix(": back") && !again.events.text.hasPrefix("mock#1:"),
                "\(again.events.text)")
            #expect(codex.appServers() == new)
            for live in [again] + sessions.dropFirst() { try await live.session.stop() }
            #expect(codex.codexGone())
        }

        @Test func perSessionGivesEachSessionItsOwnProcess() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider(options: ["process": "per-session"])
            let first = try await start(provider, codex, thread: "t1")
            let second = try await start(provider, codex, thread: "t2")
            let both = try await appServers(codex, count: 2)
            #expect(
                try await first.session.send(TurnRequest(text: "one")).stopReason == .endTurn)
            #expect(
                try await second.session.send(TurnRequest(text: "two")).stopReason == .endTurn)
            #expect(first.events.text == "mock#1: one")
            #expect(second.events.text == "mock#1: two")
            try await first.session.stop()
            let left = try await appServers(codex, count: 1)
            #expect(Set(left).isSubset(of: Set(both)))
            #expect(
                try await second.session.send(TurnRequest(text: "on")).stopReason == .endTurn)
            try await second.session.stop()
            #expect(codex.codexGone())
        }

        @Test func aBadProcessOptionIsNamed() throws {
            let codex = try CodexWorkspace(options: ["process": "pooled"])
            defer { codex.close() }
            let result = try codex.run("send", "--thread", "t1", "hi")
            #expect(result.status != 0, "\(result)")
            #expect(
                result.stderr.contains("options.process: expected one of shared, per-session"), "\(result)")
        }
    }
}

import AgentProcess
import AgentwsSystem
import Foundation
import Testing

@Suite struct LineConnectionTests {
    @Test func linesArriveInOrderWhateverTheReadSizes() throws {
        var splitter = LineSplitter()
        var lines: [[UInt8]] = []
        for chunk in ["{\"a\":", "1}\n{\"b\"", ":2}\r\n\n", "tail"] {
            Array(chunk.utf8).withUnsafeBytes { lines += splitter.append($0) }
        }
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":2}", ""])
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "tail")
        #expect(splitter.finish() == nil)
    }

    @Test func aLineOverTheLimitIsDroppedWhetherItCameInOneReadOrMany() throws {
        var splitter = LineSplitter(limit: 8)
        var lines: [[UInt8]] = []
        for chunk in ["short\n123456789\nok\n", "1234", "56789", "0\nlast\n"] {
            Array(chunk.utf8).withUnsafeBytes { lines += splitter.append($0) }
        }
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["short", "ok", "last"])
        #expect(splitter.droppedLines == 2)
    }

    @Test func aChildsOutputIsHandedOnLineByLineAndItsEndReported() async throws {
        // The second line is written in two parts, with a pause between, so it takes two reads.
        let shell = try Shell(
            "printf 'first\\n\\n  \\nsec'; sleep 0.2; printf 'ond\\nlast'; echo warn >&2; exit 3")
        let recorder = Recorder()
        let connection = try shell.start(recording: recorder)
        #expect(await connection.waitUntilEnded(atMost: patience))
        #expect(recorder.lines == ["first", "second", "last"])
        let end = try #require(recorder.end)
        #expect(end.status == .exited(3))
        #expect(end.stderrTail == ["warn"])
        #expect(end.logPath == shell.logPath)
        #expect(end.summary == "tool (pid \(end.pid)) ended: exit status 3")
        #expect(end.details == "; its last stderr lines:\n  warn\n(full stderr: \(shell.logPath))")
        let log = try String(contentsOfFile: shell.logPath, encoding: .utf8)
        #expect(
            log == "tool[\(end.pid)] === started sh -c \(shell.script) for a test\n"
                + "tool[\(end.pid)] warn\ntool[\(end.pid)] === ended: exit status 3\n")
    }

    @Test func aChildKilledByASignalSaysWhich() async throws {
        let shell = try Shell("kill -KILL $$")
        let recorder = Recorder()
        let connection = try shell.start(recording: recorder)
        #expect(await connection.waitUntilEnded(atMost: patience))
        let end = try #require(recorder.end)
        #expect(end.status == .signalled(9))
        #expect(end.status.description == "killed by signal 9 (Killed)")
        #expect(end.stderrTail.isEmpty)
    }

    @Test func linesWrittenReachTheChildsInputAndTheChildRunsInItsDirectory() async throws {
        let shell = try Shell("while read -r line; do echo \"$(pwd -P): $line\"; done")
        let recorder = Recorder()
        let connection = try shell.start(recording: recorder)
        try connection.writeLine(Array("hello".utf8))
        try connection.write(["k": 1])
        // End of input ends the loop, and with it the child, without a signal.
        await connection.terminate(grace: patience)
        #expect(connection.hasEnded)
        let directory = URL(fileURLWithPath: shell.directory.path).resolvingSymlinksInPath().path
        #expect(recorder.lines == ["\(directory): hello", "\(directory): {\"k\":1}"])
        #expect(recorder.end?.status == .exited(0))
        #expect(recorder.logLines.isEmpty)
        #expect(throws: SystemError.self) { try connection.writeLine(Array("late".utf8)) }
    }

    @Test func terminateEscalatesToSIGTERMAndThenSIGKILL() async throws {
        let ignoresInput = try Shell("exec sleep 600")
        let first = Recorder()
        let sleeper = try ignoresInput.start("sleeper", recording: first)
        await sleeper.terminate(grace: .milliseconds(200))
        #expect(first.end?.status == .signalled(SIGTERM))
        #expect(
            first.logLines.map(\.message) == [
                "sleeper (pid \(sleeper.process.pid)) did not exit on end of input; sending SIGTERM"
            ])

        // The shell ignores SIGTERM; its `sleep` child is in the same process group and goes too.
        let ignoresTerm = try Shell("trap '' TERM; echo ready; while :; do sleep 1; done")
        let second = Recorder()
        let stubborn = try ignoresTerm.start("stubborn", recording: second)
        // Wait until the trap is set, or SIGTERM could arrive before it.
        while second.lines.isEmpty && !stubborn.hasEnded { try await Task.sleep(for: .milliseconds(20)) }
        await stubborn.terminate(grace: .milliseconds(200))
        #expect(second.end?.status == .signalled(SIGKILL))
        #expect(second.logLines.map(\.level) == [.warning, .warning])
        #expect(
            second.logLines.last?.message
                == "stubborn (pid \(stubborn.process.pid)) ignored SIGTERM; sending SIGKILL")
    }

    @Test func aProgramThatCannotStartIsAnError() throws {
        let shell = try Shell("")
        var command = shell.command
        command.executable = shell.directory.path + "/missing"
        #expect {
            try LineConnection.spawn(
                command, name: "tool", purpose: "a test", logPath: shell.logPath, log: { _, _ in })
        } throws: { error in
            (error as? SystemError)?.description
                == "cannot start \(command.executable): No such file or directory"
        }
    }

    @Test func programsAreFoundOnPathOrByPath() throws {
        let shell = try Shell("")
        #expect(
            try ProgramLookup.locate("sh", path: "relative:/nonexistent:/bin", relativeTo: "/") == "/bin/sh")
        #expect(try ProgramLookup.locate("../bin/sh", path: nil, relativeTo: "/usr") == "/usr/../bin/sh")
        #expect(throws: ProgramLookup.Failure.notOnPath(program: "no-such-agent", path: "/bin")) {
            try ProgramLookup.locate("no-such-agent", path: "/bin", relativeTo: "/")
        }
        #expect(
            ProgramLookup.Failure.notOnPath(program: "x", path: nil).description
                == "cannot find \"x\" on PATH (unset)")
        #expect {
            try ProgramLookup.locate("./agent", path: "/bin", relativeTo: shell.directory.path)
        } throws: { error in
            (error as? ProgramLookup.Failure)?.description
                == "cannot run \(shell.directory.path)/./agent: No such file or directory"
        }
        #expect(ProgramLookup.hostEnvironment()["PATH"] == ProcessInfo.processInfo.environment["PATH"])
    }
}

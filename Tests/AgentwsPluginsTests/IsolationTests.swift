import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Testing

/// Plugin isolation (issue 15, docs/plugin-abi.md "Isolation"): compiled plugins that crash, exit,
/// hang or misbehave run in plugin hosts, and the other providers keep working — in one-shot
/// commands and in the daemon — with messages that name the plugin.
@Suite("Plugin isolation", .serialized)
struct IsolationTests {
    /// A workspace with the fault plugin (`FaultPluginSource`) and one that segfaults in its
    /// constructor in `.agentws/plugins`, and providers: `good` (the fault plugin behaving), `echo`
    /// (shipped), and `bad` (the fault plugin with `fault`).
    final class Workspace {
        let directory: TemporaryDirectory
        let environment: [String: String]
        let marker: String
        var root: String { directory.path }

        init(fault: String) throws {
            _ = try BuildProducts.executable("agentws")
            directory = try TemporaryDirectory(prefix: "agentws-isolation")
            marker = "AGENTWS_ISOLATION_TEST=" + UUID().uuidString
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_CONFIG_HOME"] = directory.path + "/home/.config"
            environment["HOME"] = directory.path + "/home"
            for key in environment.keys where key.hasPrefix("AGENTWS_") { environment[key] = nil }
            let (name, value) = marker.split(separator: "=", maxSplits: 1).map(String.init).pair
            environment[name] = value
            self.environment = environment
            let initialised = try run("init")
            try #require(initialised.status == 0, "\(initialised)")
            let plugins = root + "/.agentws/plugins"
            try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
            try #require(chmod(plugins, 0o700) == 0)
            try FixtureCompiler.build(faultPluginSource, into: plugins + "/libfault.so")
            try FixtureCompiler.build(
                faultPluginSource, into: plugins + "/libsegv.so",
                defines: ["FAULT_CONSTRUCTOR_SEGV", "FIXTURE_NAME=\"segv\""])
            let config = """
                plugins:
                  call_timeout: 2s
                providers:
                  echo:
                    plugin: echo
                  good:
                    plugin: fault
                  bad:
                    plugin: \(fault == "constructor-segv" ? "segv" : "fault")
                    options: {fault: \(fault)}

                """
            try Data(config.utf8).write(to: URL(fileURLWithPath: root + "/.agentws/config.yaml"))
        }

        @discardableResult
        func run(_ arguments: String...) throws -> ProcessOutcome {
            try start(arguments).finish()
        }

        func start(_ arguments: [String]) throws -> RunningCommand {
            try RunningCommand(arguments, directory: root, environment: environment)
        }

        /// Starts `agentws serve` and waits until it serves.
        func startDaemon() throws -> RunningCommand {
            let daemon = try start(["serve"])
            try daemon.waitForError("serving")
            return daemon
        }

        /// The `plugin-host.log` of provider instance `provider`.
        func hostLog(_ provider: String) -> String {
            root + "/.agentws/state/providers/\(provider)/plugin-host.log"
        }

        /// What that log holds now; empty when there is none.
        func hostLogText(_ provider: String) -> String {
            (try? String(contentsOfFile: hostLog(provider), encoding: .utf8)) ?? ""
        }

        /// The plugin hosts of this workspace (children `agentws plugin-host` with its marker).
        func hosts() -> [pid_t] {
            ProcessScan.processes(withEnvironment: marker).filter { pid in
                let arguments = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
                return String(decoding: arguments, as: UTF8.self).contains("plugin-host")
            }
        }
    }

    static let faults = [
        "constructor-segv", "exit-in-create", "abort-in-send", "never-complete", "complete-twice",
        "events-after-destroy", "huge-event",
    ]

    /// What `send --provider bad` must say (exit status and a piece of stderr), per fault; nil
    /// status: the turn succeeds despite the fault.
    static func expectedFailure(_ fault: String) -> (status: Int32, text: String)? {
        switch fault {
        case "constructor-segv":
            return (3, "libsegv.so refused: loading it in a plugin host killed the host: killed by SIGSEGV")
        case "exit-in-create":
            return (6, "plugin host of provider bad (plugin fault) died: exited with status 3")
        case "abort-in-send": return (6, "plugin host of provider bad (plugin fault) died: killed by SIGABRT")
        case "never-complete":
            return (
                6,
                "plugin host of provider bad (plugin fault) died: hung: it did not answer the call describe within 2 s"
            )
        default: return nil
        }
    }

    /// One-shot commands: the faulty provider fails (or survives) with a message naming its plugin;
    /// `providers` lists the others and shows the broken one with the reason; `doctor` fails for a
    /// provider that cannot be created; the other providers answer.
    @Test(arguments: faults)
    func oneShotCommandsSurvive(fault: String) throws {
        let workspace = try Workspace(fault: fault)
        let bad = try workspace.run("send", "--provider", "bad", "--thread", "b1", "hello")
        if let expected = Self.expectedFailure(fault) {
            #expect(bad.status == expected.status, "\(bad)")
            #expect(bad.stderr.contains(expected.text), "\(bad)")
        } else {
            #expect(bad.status == 0, "\(bad)")
            #expect(bad.stdout.contains("fault plugin reply"), "\(bad)")
            if fault == "huge-event" {
                #expect(bad.stderr.contains("emitted an event of 52428840 bytes"), "\(bad)")
            }
        }
        let good = try workspace.run("send", "--provider", "good", "--thread", "g1", "hello")
        #expect(good.status == 0 && good.stdout.contains("fault plugin reply"), "\(good)")
        let echo = try workspace.run("send", "--provider", "echo", "--thread", "e1", "hello")
        #expect(echo.status == 0 && echo.stdout.contains("echo-1 turn 1"), "\(echo)")

        let providers = try workspace.run("providers", "--json")
        let report = try JSONParser.parse(bytes: Array(providers.stdout.utf8))
        let instances = report["providers"]?.arrayValue ?? []
        func instance(_ name: String) -> JSONValue? { instances.first { $0["name"]?.stringValue == name } }
        #expect(instance("good")?["capabilities"] != nil, "\(providers)")
        #expect(instance("echo")?["capabilities"] != nil, "\(providers)")
        let doctor = try workspace.run("doctor")
        if let expected = Self.expectedFailure(fault), fault != "abort-in-send" {
            #expect(
                instance("bad")?["error"]?.stringValue?.contains(
                    fault == "constructor-segv" ? "needs plugin 'segv'" : expected.text) == true,
                "\(providers)")
            #expect(doctor.status != 0, "\(doctor)")
            #expect(doctor.stdout.contains("✓ good (plugin fault) created"), "\(doctor)")
        } else {
            #expect(instance("bad")?["capabilities"] != nil, "\(providers)")
        }
        if fault == "constructor-segv" {
            #expect(providers.status == 5, "\(providers)")
            let refused = report["refused"]?.arrayValue ?? []
            #expect(
                refused.contains { $0["reason"]?.stringValue?.contains("killed by SIGSEGV") == true },
                "\(providers)")
        }
    }

    /// The daemon: a warm session of another provider stays warm through the fault, and the daemon
    /// keeps serving.
    @Test(arguments: faults)
    func theDaemonKeepsServing(fault: String) throws {
        let workspace = try Workspace(fault: fault)
        let daemon = try workspace.startDaemon()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.finish()
        }
        let first = try workspace.run("send", "--provider", "echo", "--thread", "e1", "one")
        #expect(first.stdout.contains("echo-1 turn 1 (start 1)"), "\(first)")
        let warmGood = try workspace.run("send", "--provider", "good", "--thread", "g1", "one")
        #expect(warmGood.status == 0, "\(warmGood)")

        let badStarted = ContinuousClock.now
        let bad = try workspace.run("send", "--provider", "bad", "--thread", "b1", "hello")
        let expected = Self.expectedFailure(fault)
        if let expected {
            #expect(bad.status == expected.status && bad.stderr.contains(expected.text), "\(bad)")
        } else {
            #expect(bad.status == 0 && bad.stdout.contains("fault plugin reply"), "\(bad)")
        }
        if fault == "exit-in-create", let expected {
            // Crashed at start: backed off and reported, not restarted in a loop. The backoff lasts
            // 1 s from the crash; on a loaded machine this send may come after it and start the host
            // again, which crashes again.
            let again = try workspace.run("send", "--provider", "bad", "--thread", "b1", "hello")
            let backedOff = again.stderr.contains("crashed while starting 1 time in a row")
            #expect(again.status == 6, "\(again)")
            if ContinuousClock.now - badStarted < .seconds(1) {
                #expect(backedOff, "\(again)")
            } else {
                #expect(backedOff || again.stderr.contains(expected.text), "\(again)")
            }
        }

        // The same warm echo session answers (start 1), and the good host still serves its session.
        let second = try workspace.run("send", "--provider", "echo", "--thread", "e1", "two")
        #expect(second.stdout.contains("echo-1 turn 2 (start 1)"), "\(second)")
        let good = try workspace.run("send", "--thread", "g1", "two")
        #expect(good.status == 0 && good.stdout.contains("fault plugin reply"), "\(good)")
        #expect(try workspace.run("list").status == 0)
        #expect(!daemon.stderrSoFar.contains("Fatal error"), "\(daemon.stderrSoFar)")
    }

    /// What a plugin says while its instance is destroyed (a line on stderr, a logged warning)
    /// reaches the instance's `plugin-host.log` after a one-shot send, which exits without waiting
    /// for its host: the host, left alone, logs it itself, in agentws's form. So does a host whose
    /// daemon exited.
    @Test func aPluginsLastWordsInDestroyAreLoggedAfterTheCommandExits() throws {
        let workspace = try Workspace(fault: "talks-in-destroy")
        func logText() -> String { workspace.hostLogText("bad") }
        let prefix = "plugin host of provider bad (plugin fault)["

        let send = try workspace.run("send", "--provider", "bad", "--thread", "b1", "hello")
        #expect(send.status == 0 && send.stdout.contains("fault plugin reply"), "\(send)")
        try waitUntil("the host's log ends: \(logText())", limit: .seconds(20)) {
            logText().contains("] === destroyed its instance; exiting")
        }
        let lines = logText().split(separator: "\n").map(String.init)
        func line(_ text: String) -> String? { lines.first { $0.contains(text) } }
        #expect(
            line("=== agentws has gone; the host destroys its instance")?.hasPrefix(prefix) == true,
            "\(lines)")
        #expect(line("fault plugin: last words on stderr in destroy")?.hasPrefix(prefix) == true, "\(lines)")
        #expect(line("fault plugin: a warning logged in destroy")?.hasPrefix(prefix) == true, "\(lines)")
        #expect(!logText().contains("Broken pipe"), "\(lines)")

        // A daemon that exits leaves its hosts in the same way.
        try Data().write(to: URL(fileURLWithPath: workspace.hostLog("bad")))
        let daemon = try workspace.startDaemon()
        let served = try workspace.run("send", "--provider", "bad", "--thread", "b1", "again")
        #expect(served.status == 0 && served.stdout.contains("fault plugin reply"), "\(served)")
        daemon.signal(SIGTERM)
        _ = daemon.finish()
        try waitUntil("the host's log ends after the daemon: \(logText())", limit: .seconds(20)) {
            logText().contains("] === destroyed its instance; exiting")
        }
        #expect(logText().contains("] fault plugin: a warning logged in destroy"), "\(logText())")
    }

    /// A daemon killed during a turn: the host finds it gone when it writes the turn's next event,
    /// writes nothing more, and destroys its instance once the call returns, logging what the
    /// plugin says then (at that failed write it used to exit without destroying anything).
    @Test func aHostWhoseDaemonIsKilledMidTurnStillDestroysItsInstance() throws {
        let workspace = try Workspace(fault: "slow-send talks-in-destroy")
        func logText() -> String { workspace.hostLogText("bad") }
        let daemon = try workspace.startDaemon()
        let send = try workspace.start(["send", "--provider", "bad", "--thread", "b1", "hello"])
        try send.waitForOutput("tick", limit: .seconds(20))
        daemon.signal(SIGKILL)
        _ = daemon.finish()
        _ = send.finish()
        try waitUntil("the host destroyed its instance: \(logText())", limit: .seconds(20)) {
            logText().contains("] === destroyed its instance; exiting")
        }
        #expect(logText().contains("] fault plugin: last words on stderr in destroy"), "\(logText())")
        #expect(workspace.hosts().isEmpty)
    }

    /// A host left alone whose plugin never returns from `destroy` does not linger: after the grace
    /// agentws would give it, it ends itself, and its log says why.
    @Test func aHostLeftAloneEndsItselfWhenDestroyHangs() throws {
        let workspace = try Workspace(fault: "hangs-in-destroy")
        func logText() -> String { workspace.hostLogText("bad") }
        let send = try workspace.run("send", "--provider", "bad", "--thread", "b1", "hello")
        #expect(send.status == 0 && send.stdout.contains("fault plugin reply"), "\(send)")
        try waitUntil("the host has ended: \(workspace.hosts()), \(logText())", limit: .seconds(30)) {
            workspace.hosts().isEmpty
        }
        let text = logText()
        #expect(text.contains("] fault plugin: hanging in destroy"), "\(text)")
        #expect(
            text.contains("] === the plugin's destroy did not return within 3 s; ending the host"), "\(text)")
    }

    /// A host killed between turns: the live session of its instance is stopped with the reason
    /// (binding and cursor kept), and the next send starts a new host that resumes the conversation.
    @Test func aHostThatDiesStopsItsSessionsAndTheNextSendResumes() throws {
        let workspace = try Workspace(fault: "none")
        let daemon = try workspace.startDaemon()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.finish()
        }
        let first = try workspace.run("send", "--provider", "good", "--thread", "g1", "one")
        #expect(first.status == 0, "\(first)")
        let hosts = workspace.hosts()
        try #require(hosts.count == 1, "plugin hosts: \(hosts)")
        kill(hosts[0], SIGKILL)
        var shown = JSONValue.null
        for _ in 0..<250 {
            shown = try JSONParser.parse(bytes: Array(try workspace.run("show", "g1", "--json").stdout.utf8))
            if shown["status"]?.stringValue != "live" { break }
            usleep(20_000)
        }
        let text = JSONWriter.compactString(shown)
        #expect(shown["status"]?.stringValue == "error", "\(text)")
        #expect(
            text.contains("plugin host of provider good (plugin fault) died: killed by SIGKILL"), "\(text)")
        #expect(text.contains("\"conversation\":\"c1\""), "the cursor is kept: \(text)")
        let next = try workspace.run("send", "--thread", "g1", "two")
        #expect(next.status == 0 && next.stderr.contains("resumed"), "\(next)")
        #expect(workspace.hosts().count == 1)
    }

    /// The early thread of a send starts on the other CPU; with one CPU to run on (`taskset`) there
    /// is none, and a send still prepares its provider early, in the forked spare host when it runs
    /// in one.
    @Test func aSendAllowedOneCPUStillGetsItsProviderReadyEarly() throws {
        let workspace = try Workspace(fault: "none")
        var environment = workspace.environment
        environment["AGENTWS_LOG_LEVEL"] = "debug"
        let allowed = try AllowedCPUs()
        let cpu = String(try #require(allowed.cpus.first, "\(allowed.list)"))
        func send(_ arguments: [String]) throws -> ProcessOutcome {
            try RunningCommand(
                ["send"] + arguments, directory: workspace.root, environment: environment,
                launcher: ["/usr/bin/taskset", "-c", cpu]
            ).finish()
        }
        let echo = try send(["--provider", "echo", "--thread", "e1", "hello"])
        #expect(echo.status == 0 && echo.stdout.contains("hello"), "\(echo)")
        #expect(
            echo.stderr.contains("provider 'echo' was prepared while the command line was read"), "\(echo)")
        for text in ["one", "two"] {
            let good = try send(["--provider", "good", "--thread", "g1", text])
            #expect(good.status == 0 && good.stdout.contains("fault plugin reply"), "\(good)")
            #expect(good.stderr.contains("provider 'good' was prepared"), "\(good)")
        }
        #expect(logLines(workspace.hostLog("good"), containing: "=== started agentws-plugin-host") == 1)
        #expect(logLines(workspace.hostLog("good"), containing: "=== started as a copy of agentws") == 1)
    }

    /// A one-shot send prepares its provider while its command line is parsed and starts exactly
    /// one plugin host: the first one for instance `good` by starting `agentws-plugin-host`, the
    /// next ones as copies of the send forked first thing in `main` (`good` ran in a host last time).
    /// A copy the send does not need (its instance runs in process) is ended unused; help, a send
    /// whose workspace has no instance that ran in a host, and a send the daemon serves fork none.
    @Test func aSendStartsItsPluginHostWhileItsCommandLineIsRead() throws {
        let workspace = try Workspace(fault: "none")
        let state = workspace.root + "/.agentws/state"
        let instanceLog = workspace.hostLog("good")
        var environment = workspace.environment
        environment["AGENTWS_LOG_LEVEL"] = "debug"
        func send(_ arguments: [String]) throws -> ProcessOutcome {
            try RunningCommand(["send"] + arguments, directory: workspace.root, environment: environment)
                .finish()
        }
        let prepared = "provider 'good' was prepared while the command line was read"
        let sends: [[String]] = [
            ["--provider", "good", "--thread", "g1", "one"], ["--thread=g1", "--json", "two"],
            ["--workspace", workspace.root, "--fresh", "--thread", "g1", "--", "--three"],
        ]
        for (index, arguments) in sends.enumerated() {
            let outcome = try send(arguments)
            #expect(outcome.status == 0 && outcome.stdout.contains("fault plugin reply"), "\(outcome)")
            #expect(outcome.stderr.contains(prepared), "\(outcome)")
            // One host per send: started for the instance the first time, then a forked copy.
            #expect(logLines(instanceLog, containing: "=== started") == index + 1, "\(arguments)")
            #expect(
                logLines(instanceLog, containing: "=== started as a copy of agentws (forked)") == index,
                "\(arguments)")
        }
        // `providers` creates every instance in a host to check it; that says nothing of how they
        // run, so it leaves no marker.
        _ = try workspace.run("providers", "--json")
        #expect(!FileManager.default.fileExists(atPath: state + "/providers/echo/runs-in-plugin-host"))
        let help = try send(["--help"])
        #expect(help.status == 0 && !(help.stdout + help.stderr).contains("was prepared"), "\(help)")

        // A send to echo, in process, in a workspace where `good` ran in a host: a copy is forked on
        // that guess and ended unused, and it does not outlive the send.
        let echo = try send(["--provider", "echo", "--thread", "e1", "hello"])
        #expect(echo.status == 0 && echo.stdout.contains("hello"), "\(echo)")
        #expect(echo.stderr.contains("provider 'echo' was prepared"), "\(echo)")
        #expect(
            ProcessScan.gone(withEnvironment: workspace.marker, within: .seconds(10)), "the unused copy ended"
        )
        #expect(logLines(instanceLog, containing: "=== started") == sends.count + 1, "providers' check only")

        // An instance that ran in a host last time but runs in process now: the copy forked on that
        // guess is ended unused, and the marker goes.
        let marker = state + "/providers/good/runs-in-plugin-host"
        let forcedInProcess = try send([
            "--set", "providers.good.isolation=in-process", "--thread", "g1", "four",
        ])
        #expect(forcedInProcess.status == 0, "\(forcedInProcess)")
        #expect(logLines(instanceLog, containing: "=== started") == sends.count + 1, "\(forcedInProcess)")
        #expect(!FileManager.default.fileExists(atPath: marker))

        let daemon = try workspace.startDaemon()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.finish()
        }
        let routed = try send(["--thread", "g1", "six"])
        #expect(routed.status == 0 && !routed.stderr.contains("was prepared"), "\(routed)")
        #expect(logLines(instanceLog, containing: "=== started") == sends.count + 2, "then the daemon's host")
        #expect(logLines(instanceLog, containing: "=== started agentws-plugin-host") == 3)
    }

    /// The copy maps ahead the plugin its instance's marker names, the file its host loaded last
    /// time, while the send reads its configuration; only while the file is unchanged (a marker is
    /// trusted for the stamp it holds) and from a directory searched whatever the configuration says,
    /// and a copy that mapped another plugin than its send needs does not serve it: here it maps the
    /// plugin that segfaults in its constructor, and the send starts a host of its own.
    @Test func aForkedCopyMapsItsInstancesPluginAheadAndServesNoOther() throws {
        let workspace = try Workspace(fault: "none")
        let plugins = workspace.root + "/.agentws/plugins"
        let markerPath = workspace.root + "/.agentws/state/providers/good/runs-in-plugin-host"
        let instanceLog = workspace.hostLog("good")
        var environment = workspace.environment
        environment["AGENTWS_LOG_LEVEL"] = "debug"
        func send(_ text: String) throws {
            let outcome = try RunningCommand(
                ["send", "--provider", "good", "--thread", "g1", text], directory: workspace.root,
                environment: environment
            ).finish()
            #expect(outcome.status == 0 && outcome.stdout.contains("fault plugin reply"), "\(outcome)")
        }
        func marker() throws -> JSONValue {
            try JSONParser.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: markerPath))))
        }
        func counts() -> [Int] {
            [
                "=== started agentws-plugin-host", "=== started as a copy",
                "libfault.so mapped ahead of create",
            ].map { logLines(instanceLog, containing: $0) }
        }
        try send("one")
        #expect(try marker()["path"]?.stringValue == plugins + "/libfault.so")
        #expect(try marker()["directory"]?.stringValue == plugins)
        try send("two")
        #expect(counts() == [1, 1, 1], "\(workspace.hostLogText("good"))")

        // A changed file (a chmod moves its change time) is not mapped ahead; the marker then
        // takes the new stamp, and the next copy maps it again.
        let before = try marker()
        usleep(10_000)
        #expect(chmod(plugins + "/libfault.so", 0o750) == 0)
        try send("three")
        #expect(counts() == [1, 2, 1])
        #expect(try marker() != before && marker()["path"] == before["path"])
        try send("four")
        #expect(counts() == [1, 3, 2])

        // A marker naming a file outside the directories searched whatever the configuration says
        // (a copy of the fault plugin), with its true stamp: a guess never maps it, and the copy
        // serves the send. One naming another plugin file in them with its true stamp (the plugin
        // that segfaults in its constructor): the copy maps it and dies, and the send to `good`
        // starts a host of its own.
        let elsewhere = workspace.root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
        try #require(chmod(elsewhere, 0o700) == 0)
        try FileManager.default.copyItem(atPath: plugins + "/libfault.so", toPath: elsewhere + "/libother.so")
        func mark(_ path: String, directory: String, offBy nanoseconds: Int = 0) throws {
            var info = stat()
            try #require(stat(path, &info) == 0)
            let stamp: JSONValue = [
                "inode": .integer(Int64(info.st_ino)), "size": .integer(Int64(info.st_size)),
                "mtime": .integer(Int64(info.st_mtim.tv_sec)),
                "mtimeNanoseconds": .integer(Int64(info.st_mtim.tv_nsec)),
                "ctime": .integer(Int64(info.st_ctim.tv_sec)),
                "ctimeNanoseconds": .integer(Int64(info.st_ctim.tv_nsec + nanoseconds)),
            ]
            let marker: JSONValue = ["path": .string(path), "directory": .string(directory), "stamp": stamp]
            try Data(JSONWriter.compact(marker)).write(to: URL(fileURLWithPath: markerPath))
        }
        try mark(elsewhere + "/libother.so", directory: elsewhere)
        try send("five")
        #expect(counts() == [1, 4, 2], "\(workspace.hostLogText("good"))")
        try mark(plugins + "/libsegv.so", directory: plugins)
        try send("six")
        #expect(counts() == [2, 4, 2], "\(workspace.hostLogText("good"))")

        // The same marker with a stamp one nanosecond off is not trusted: nothing is mapped, and
        // the copy serves the send.
        try mark(plugins + "/libsegv.so", directory: plugins, offBy: 1)
        try send("seven")
        #expect(counts() == [2, 5, 2], "\(workspace.hostLogText("good"))")
        #expect(ProcessScan.gone(withEnvironment: workspace.marker, within: .seconds(10)))
    }

    /// A copy that died before its send took it (killed from outside between the fork and the
    /// instance's launch) is not taken: the send starts a host of its own, and nothing of the dead
    /// copy reaches the user. A configuration that takes a while to read (an instance nobody uses,
    /// with many options) holds the launch back long enough to kill the copy first.
    @Test func aCopyThatDiedBeforeItWasTakenIsNotTaken() throws {
        let workspace = try Workspace(fault: "none")
        let first = try workspace.run("send", "--provider", "good", "--thread", "k1", "one")
        try #require(first.status == 0, "\(first)")
        #expect(ProcessScan.gone(withEnvironment: workspace.marker, within: .seconds(10)))
        let padding = (0..<60_000).map { "      k\($0): \"padding value \($0)\"\n" }.joined()
        let config = workspace.root + "/.agentws/config.yaml"
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text += "  unused:\n    plugin: fault\n    options:\n" + padding
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))

        let send = try workspace.start(["send", "--provider", "good", "--thread", "k1", "two"])
        let deadline = ContinuousClock.now + .seconds(10)
        var copy: pid_t?
        while copy == nil, ContinuousClock.now < deadline {
            copy = workspace.hosts().first { ProcessScan.parent(of: $0) == send.pid }
            if copy == nil { usleep(200) }
        }
        let found = try #require(copy, "no copy of the send was seen")
        #expect(kill(found, SIGKILL) == 0)
        let outcome = send.finish()
        #expect(outcome.status == 0 && outcome.stdout.contains("fault plugin reply"), "\(outcome)")
        #expect(!outcome.stderr.contains("died") && !outcome.stderr.contains("SIGKILL"), "\(outcome)")
        let log = workspace.hostLog("good")
        #expect(
            logLines(log, containing: "=== started agentws-plugin-host") == 2,
            "\(workspace.hostLogText("good"))")
        #expect(logLines(log, containing: "=== started as a copy") == 0, "\(workspace.hostLogText("good"))")
        #expect(ProcessScan.gone(withEnvironment: workspace.marker, within: .seconds(10)))
    }

    /// An instance taken out of the configuration loses its marker at the next send that forked a
    /// copy on it, so that sends stop forking copies nobody takes; the other instances keep theirs.
    @Test func aRemovedInstanceLosesItsMarker() throws {
        let workspace = try Workspace(fault: "none")
        let providers = workspace.root + "/.agentws/state/providers"
        for provider in ["good", "bad"] {
            let outcome = try workspace.run("send", "--provider", provider, "--thread", provider, "one")
            #expect(outcome.status == 0, "\(outcome)")
        }
        for provider in ["good", "bad"] {
            #expect(FileManager.default.fileExists(atPath: providers + "/\(provider)/runs-in-plugin-host"))
        }
        let config = workspace.root + "/.agentws/config.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "  good:\n    plugin: fault\n", with: "").utf8)
            .write(to: URL(fileURLWithPath: config))
        let echo = try workspace.run("send", "--provider", "echo", "--thread", "e1", "hello")
        #expect(echo.status == 0 && echo.stdout.contains("hello"), "\(echo)")
        #expect(!FileManager.default.fileExists(atPath: providers + "/good/runs-in-plugin-host"))
        #expect(FileManager.default.fileExists(atPath: providers + "/bad/runs-in-plugin-host"))
        #expect(FileManager.default.fileExists(atPath: providers + "/good"), "its state stays")
    }

    /// A forked copy is set up as a started `agentws-plugin-host` is, as its plugin sees it: a process
    /// group of its own, no signal blocked, SIGSEGV and SIGINT at their defaults (the Swift runtime's
    /// crash handler of agentws is gone, so a plugin's crash kills it with the signal), working
    /// directory `/`, `SWIFT_BACKTRACE=enable=no`, and the same open descriptors (none of agentws's).
    /// It shows in `ps` as `agentws-plugin-host`.
    @Test func aForkedCopyIsSetUpAsAStartedHost() throws {
        let workspace = try Workspace(fault: "tells-its-process")
        for text in ["one", "two"] {
            let outcome = try workspace.run("send", "--provider", "bad", "--thread", "b1", text)
            #expect(outcome.status == 0 && outcome.stdout.contains("fault plugin reply"), "\(outcome)")
        }
        let log = workspace.hostLogText("bad")
        let told = log.split(separator: "\n").compactMap { line -> Substring? in
            line.range(of: "fault plugin: process ").map { line[$0.upperBound...] }
        }
        #expect(
            log.contains("=== started agentws-plugin-host") && log.contains("=== started as a copy"), "\(log)"
        )
        #expect(told.count == 2 && told[0] == told[1], "\(log)")
        #expect(
            told.first?.hasPrefix("own-group=1 descriptors=") == true
                && told.first?.hasSuffix("blocked=0 segv-default=1 int-default=1 cwd=/ backtrace=enable=no")
                    == true,
            "\(log)")
        // A slow turn, to see the copy while it serves.
        let config = workspace.root + "/.agentws/config.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "{fault: tells-its-process}", with: "{fault: slow-send}").utf8)
            .write(to: URL(fileURLWithPath: config))
        let slow = try workspace.start(["send", "--thread", "b1", "three"])
        try waitUntil("the copy serving the send shows as agentws-plugin-host") {
            workspace.hosts().count == 1
        }
        let outcome = slow.finish()
        #expect(outcome.status == 0 && outcome.stdout.contains("fault plugin reply"), "\(outcome)")
        #expect(workspace.hostLogText("bad").contains("=== started as a copy"))
    }
}

extension Array where Element == String {
    fileprivate var pair: (String, String) { (self[0], count > 1 ? self[1] : "") }
}

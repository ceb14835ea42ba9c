import Foundation
import Testing

@Suite("CLI: workspace, list, show, config, doctor")
struct WorkspaceCommandTests {
    @Test func initIsIdempotentAndCommandsFindTheWorkspaceFromSubdirectories() throws {
        let cli = try CLIHarness(initialise: false)
        defer { cli.remove() }
        let first = try cli.run("init").expectSuccess()
        #expect(first.stdout.contains("created .agentws/bindings"))
        try cli.write(".agentws/config.yaml", "reaper:\n  idle_timeout: 5m\n")
        let second = try cli.run("init").expectSuccess()
        #expect(second.stdout.contains("nothing changed"))
        #expect(cli.read(".agentws/config.yaml") == "reaper:\n  idle_timeout: 5m\n")
        try FileManager.default.createDirectory(
            atPath: cli.path("src/deep"), withIntermediateDirectories: true)
        let list = try cli.run("list", in: cli.path("src/deep")).expectSuccess()
        #expect(list.stdout.contains("no threads yet"))
    }

    @Test func outsideAWorkspaceTheErrorSaysWhatToDo() throws {
        let cli = try CLIHarness(initialise: false)
        defer { cli.remove() }
        let result = try cli.run("list")
        result.expectExit(3)
        #expect(result.stderr.contains("no agentws workspace found"))
        #expect(result.stderr.contains("agentws init"))
    }

    @Test(arguments: [
        "", ".", "..", "../x", "a/b", "Upper", String(repeating: "a", count: 129), "a b", "café", "_x",
    ])
    func invalidThreadIDsAreRefusedBeforeAnyFileIsTouched(id: String) throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let before = try FileManager.default.subpathsOfDirectory(atPath: cli.path(".agentws")).sorted()
        for command in [
            ["show", id], ["stop", id], ["reset", id], ["unbind", id], ["send", "--thread", id, "hi"],
        ] {
            let result = try cli.start(command).finish()
            result.expectExit(64)
            #expect(result.stderr.contains("invalid thread id"), "\(command): \(result)")
        }
        let after = try FileManager.default.subpathsOfDirectory(atPath: cli.path(".agentws")).sorted()
        #expect(before == after)
    }

    @Test func aNULInAThreadIDIsRefused() throws {
        // A NUL cannot travel in argv; the library refuses it (see ThreadIDTests). Control characters can.
        let cli = try CLIHarness()
        defer { cli.remove() }
        let result = try cli.run("show", "a\u{1}b")
        result.expectExit(64)
        #expect(result.stderr.contains(#"invalid thread id "a\u{1}b""#))
    }

    @Test func showOfAnUnboundThreadIsNotFound() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let result = try cli.run("show", "nothing")
        result.expectExit(3)
        #expect(result.stderr.contains("thread nothing has no binding"))
    }

    @Test func configPrintsEveryValueWithItsOrigin() throws {
        let cli = try CLIHarness(config: "reaper:\n  idle_timeout: 5m\n")
        defer { cli.remove() }
        var environment = cli.environment
        environment["AGENTWS_MODELS_ON_CHANGE"] = "reject"
        var withEnvironment = cli
        withEnvironment.environment = environment
        let result = try withEnvironment.run("config", "--set", "reaper.sweep_interval=30s").expectSuccess()
        #expect(result.stdout.contains("reaper.idle_timeout = 5m"))
        #expect(result.stdout.contains(cli.path(".agentws/config.yaml") + ":2:"))
        #expect(result.stdout.contains("env AGENTWS_MODELS_ON_CHANGE"))
        #expect(result.stdout.contains("reaper.sweep_interval = 30s"))
        #expect(result.stdout.contains("flag --set"))
        #expect(result.stdout.contains("sessions.on_resume_failure = fail"))
        let json = try withEnvironment.run("config", "--json").expectSuccess()
        #expect(json.stdout.contains("\"origins\""))
    }

    @Test func aBadConfigurationIsReportedWithFileLineAndColumn() throws {
        let cli = try CLIHarness(config: "reaper:\n  idle_timeot: 5m\n")
        defer { cli.remove() }
        let result = try cli.run("list")
        result.expectExit(5)
        #expect(result.stderr.contains(cli.path(".agentws/config.yaml") + ":2:3:"))
        #expect(result.stderr.contains("did you mean 'idle_timeout'"))
    }

    @Test func doctorReportsBadBindingsAndExitsNonZero() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("doctor").expectSuccess()
        try cli.write(".agentws/bindings/broken.json", "{\n  \"schemaVersion\": 1,\n  oops\n}\n")
        let result = try cli.run("doctor")
        result.expectExit(5)
        #expect(result.stdout.contains(cli.path(".agentws/bindings/broken.json") + ":3:3: JSON syntax error"))
        let list = try cli.run("list")
        list.expectExit(5)
        #expect(list.stdout.contains("broken") && list.stdout.contains("unreadable"))
    }
}

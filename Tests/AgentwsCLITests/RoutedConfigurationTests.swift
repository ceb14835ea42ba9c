import AgentwsTestSupport
import Foundation
import Testing

/// Commands that go through a running daemon use the daemon's configuration, with `${VAR}`s from the
/// daemon's environment: a shell without the daemon's API key can still send, show, list and stop.
@Suite("CLI: commands routed to the daemon do not read the configuration")
struct RoutedConfigurationTests {
    static let config = """
        providers:
          vault:
            plugin: c-echo
            options:
              env: {TOKEN: "${DAEMON_ONLY_TOKEN}"}

        """

    @Test func aShellWithoutTheDaemonsVariableStillWorksThroughIt() throws {
        var cli = try CLIHarness(config: Self.config)
        defer { cli.remove() }
        cli.environment["DAEMON_ONLY_TOKEN"] = "token-" + "for-the-daemon"
        let daemon = try cli.startDaemon()
        cli.environment["DAEMON_ONLY_TOKEN"] = nil

        let sent = try cli.run("send", "--provider", "vault", "--thread", "t1", "one").expectSuccess()
        #expect(sent.stderr.contains("thread t1 · vault"), "\(sent)")
        let shown = try cli.run("show", "t1").expectSuccess()
        #expect(shown.stdout.contains("status       live"), "\(shown)")
        // The plugin line is this shell's to work out, with this shell's configuration: it says why not.
        #expect(shown.stdout.contains("the configuration cannot be read in this shell"), "\(shown)")
        #expect(shown.stdout.contains("DAEMON_ONLY_TOKEN"), "\(shown)")
        #expect(try cli.run("list").expectSuccess().stdout.contains("t1"))
        try cli.run("stop", "t1").expectSuccess()

        // Without the daemon the command runs here and needs the variable: refused, naming it.
        daemon.signal(SIGTERM)
        #expect(daemon.finish().status == 0)
        let local = try cli.run("send", "--thread", "t1", "two")
        local.expectExit(5)
        #expect(local.stderr.contains("DAEMON_ONLY_TOKEN"), "\(local)")
        cli.environment["DAEMON_ONLY_TOKEN"] = "token-" + "for-the-daemon"
        try cli.run("send", "--thread", "t1", "two").expectSuccess()
    }
}

import AgentwsTestSupport
import Foundation
import Testing

/// SPEC §14: `scripts/install` into a prefix, the installed agentws used from outside the repository,
/// then `--uninstall` leaving nothing behind. Installs the debug build the tests run against
/// (`--configuration debug --skip-build`; scripts/test builds generate-manual for it).
@Suite("Installation", .serialized)
struct InstallTests {
    static let repository = BuildProducts.repositoryRoot + "/"

    func run(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String])
        throws -> ProcessOutcome
    {
        try ChildProcess.run(executable, arguments, environment: environment, directory: directory)
    }

    func files(under directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + $0, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }.sorted()
    }

    @Test func installUseUninstall() throws {
        let cli = try CLIHarness(initialise: false)
        defer { cli.remove() }
        let prefix = cli.root + "/prefix"
        let install = try run(
            "/usr/bin/env",
            [
                "bash", Self.repository + "scripts/install", "--prefix", prefix, "--configuration", "debug",
                "--skip-build",
            ],
            in: Self.repository, environment: cli.environment)
        install.expectSuccess()
        let installed = files(under: prefix)
        for expected in [
            "bin/agentws", "bin/agentws-plugin-host", "lib/agentws/plugins/libAgentwsEcho.so",
            "lib/agentws/plugins/libAgentwsCEcho.so",
            "share/man/man1/agentws.1", "share/bash-completion/completions/agentws",
            "share/zsh/site-functions/_agentws", "share/fish/vendor_completions.d/agentws.fish",
            "lib/agentws/install-manifest",
        ] {
            #expect(installed.contains(expected), "\(expected) not in \(installed)")
        }
        // The plugin kit: the header with its pkg-config file, and the sources skeletons build against.
        for expected in [
            "include/agentws_provider.h", "lib/pkgconfig/agentws-provider.pc",
            "share/agentws/sdk/swift/agentws-provider-kit/Package.swift",
            "share/agentws/sdk/rust/agentws-provider/Cargo.toml",
        ] {
            #expect(installed.contains(expected), "\(expected) not in \(installed)")
        }
        for completion in installed
        where completion.hasPrefix("share/") && !completion.hasSuffix(".1")
            && !completion.hasPrefix("share/agentws/")
        {
            let text = try String(contentsOfFile: prefix + "/" + completion, encoding: .utf8)
            #expect(text.count > 200 && text.contains("agentws"), "\(completion)")
        }

        // Used from a directory outside the repository, with no PATH or plugin set-up.
        let project = cli.root + "/project"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        let agentws = prefix + "/bin/agentws"
        let version = try run(agentws, ["--version"], in: project, environment: cli.environment)
            .expectSuccess()
        #expect(version.stdout.contains("plugin ABI 1.") && version.stdout.contains("toolchain swift-"))
        try run(agentws, ["init"], in: project, environment: cli.environment).expectSuccess()
        let providers = try run(agentws, ["providers"], in: project, environment: cli.environment)
            .expectSuccess()
        #expect(
            providers.stdout.contains("installed plugins  \(prefix)/lib/agentws/plugins/libAgentwsEcho.so"),
            "\(providers)")
        let sent = try run(
            agentws, ["send", "--thread", "t1", "hello"], in: project, environment: cli.environment
        )
        .expectSuccess()
        #expect(sent.stdout == "echo-1 turn 1 (start 1): hello\n")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/man") {
            let man = try run(
                "/usr/bin/man", ["-l", prefix + "/share/man/man1/agentws.1"], in: project,
                environment: cli.environment.merging(["MANPAGER": "cat", "PAGER": "cat"]) { $1 }
            )
            .expectSuccess()
            #expect(man.stdout.contains("agentws") && man.stdout.contains("send"), "\(man)")
        }

        // Re-running upgrades in place; --uninstall removes exactly what it installed.
        try run(
            "/usr/bin/env",
            [
                "bash", Self.repository + "scripts/install", "--prefix", prefix, "--configuration", "debug",
                "--skip-build",
            ], in: Self.repository, environment: cli.environment
        ).expectSuccess()
        #expect(files(under: prefix) == installed)
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: prefix + "/bin/other-tool"))
        try run(
            "/usr/bin/env", ["bash", Self.repository + "scripts/install", "--prefix", prefix, "--uninstall"],
            in: Self.repository, environment: cli.environment
        ).expectSuccess()
        #expect(files(under: prefix) == ["bin/other-tool"])
    }

    /// docs/daemon.md's systemd user unit, as systemd itself reads it.
    @Test func theSystemdUnitInTheDocsIsValid() throws {
        let docs = try String(contentsOfFile: Self.repository + "docs/daemon.md", encoding: .utf8)
        let start = try #require(docs.range(of: "```ini\n# ~/.config/systemd/user/agentws@.service\n"))
        let end = try #require(docs.range(of: "```", range: start.upperBound..<docs.endIndex))
        let unit = String(docs[start.upperBound..<end.lowerBound])
        let cli = try CLIHarness(initialise: false)
        defer { cli.remove() }
        // systemd-analyze checks that ExecStart names an executable: point it at the built agentws.
        let path = cli.root + "/agentws@.service"
        try Data(unit.replacingOccurrences(of: "%h/.local/bin/agentws", with: BuildProducts.agentws).utf8)
            .write(
                to: URL(fileURLWithPath: path))
        let analyze = "/usr/bin/systemd-analyze"
        try #require(
            FileManager.default.isExecutableFile(atPath: analyze),
            "systemd-analyze is missing: .ci/run installs systemd for this test")
        let instance = cli.root + "/agentws@work.service"
        try FileManager.default.createSymbolicLink(atPath: instance, withDestinationPath: path)
        // System mode: a user manager needs a login session's runtime directory, which CI has not; the
        // unit's syntax and ExecStart are checked the same way.
        let verified = try run(analyze, ["verify", instance], in: cli.root, environment: cli.environment)
        #expect(verified.status == 0, "\(verified)")
        #expect(!verified.stderr.contains("agentws@"), "\(verified)")
    }
}

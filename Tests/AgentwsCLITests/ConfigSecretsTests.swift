import Foundation
import Testing

/// docs/configuration.md: `${NAME}` keeps credentials out of committed configuration; `config` never
/// prints what a reference resolves to; `doctor` warns about literal credentials in files git tracks.
@Suite("CLI: credentials in the configuration")
struct ConfigSecretsTests {
    /// Literal credentials, written so that no test source line holds one in full.
    static let openAIKey = "sk-proj-" + "Q7vX2mN9pL4kR8tW1yZ6aB3c"
    static let gitHubToken = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    static let password = "correct-" + "horse-battery"

    /// c-echo takes any options (doctor creates every instance, issue 15).
    static let literalConfig = """
        providers:
          vault:
            plugin: c-echo
            options:
              env:
                OPENAI_API_KEY: \(openAIKey)
                FROM_ENVIRONMENT: ${FROM_ENVIRONMENT}
              headers: {Authorization: "Bearer ${GITHUB_TOKEN}"}
              args: [--verbose, --password, \(password), "--header=X: \(gitHubToken)"]
              token_file: ~/.config/vault/token
              max_tokens: 4096

        """

    private func harness(config: String) throws -> CLIHarness {
        var cli = try CLIHarness(config: config)
        cli.environment["FROM_ENVIRONMENT"] = "env-" + "secret-value-42"
        cli.environment["GITHUB_TOKEN"] = Self.gitHubToken
        return cli
    }

    private func expectNoSecret(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in [Self.openAIKey, Self.gitHubToken, Self.password, "env-secret-value-42"] {
            #expect(!text.contains(secret), "the output holds a secret", sourceLocation: sourceLocation)
            // Not even partly: no run of eight characters of it.
            let characters = Array(secret)
            for start in 0...(characters.count - 8) {
                let piece = String(characters[start..<start + 8])
                #expect(
                    !text.contains(piece), "the output holds part of a secret: \(piece)",
                    sourceLocation: sourceLocation)
            }
        }
    }

    @Test func doctorWarnsAboutATrackedFileAndNotAnUntrackedOne() throws {
        let cli = try harness(config: Self.literalConfig)
        defer { cli.remove() }
        let file = cli.path(".agentws/config.yaml")
        try cli.git("init", "-q")

        // Untracked: nothing to warn about, whatever the file holds.
        let untracked = try cli.run("doctor").expectSuccess()
        #expect(!untracked.stdout.contains("credential"), "\(untracked)")

        // Added to the index is enough: the next commit would publish it.
        try cli.git("add", ".agentws/config.yaml")
        let staged = try cli.run("doctor").expectSuccess()
        let advice =
            "in a file git tracks: everyone with the repository can read it. Move it to an environment variable and write ${%@} instead (docs/configuration.md); rotate the credential, since it stays in the git history."
        func warning(_ position: String, _ key: String, _ reason: String, _ variable: String) -> String {
            "  ⚠ \(file):\(position): \(key) looks like a literal credential (\(reason)), "
                + advice.replacingOccurrences(of: "%@", with: variable)
        }
        let warnings = staged.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ⚠ ") }
        #expect(
            warnings == [
                warning(
                    "6:25", "providers.vault.options.env.OPENAI_API_KEY", "a credential-like key name",
                    "OPENAI_API_KEY"),
                warning("9:37", "providers.vault.options.args[2]", "a credential-like key name", "PASSWORD"),
                warning(
                    "9:60", "providers.vault.options.args[3]", "it looks like a GitHub token", "GITHUB_TOKEN"),
            ], "\(staged)")
        #expect(staged.stdout.contains("no problems found (3 warnings)"))
        expectNoSecret(staged.stdout + staged.stderr)

        try cli.git("commit", "-q", "-m", "configuration")
        let committed = try cli.run("doctor").expectSuccess()
        #expect(committed.stdout.split(separator: "\n").filter { $0.hasPrefix("  ⚠ ") }.count == 3)
        expectNoSecret(committed.stdout + committed.stderr)
    }

    @Test func referencesAreNotWarnedAboutAndNeverPrinted() throws {
        let config = """
            providers:
              vault:
                plugin: c-echo
                options:
                  env:
                    OPENAI_API_KEY: ${OPENAI_API_KEY}
                    FROM_ENVIRONMENT: "${FROM_ENVIRONMENT}"
                  headers: {Authorization: "Bearer ${GITHUB_TOKEN}"}
                  args: [--password, "${PASSWORD}"]

            """
        var cli = try harness(config: config)
        defer { cli.remove() }
        cli.environment["OPENAI_API_KEY"] = Self.openAIKey
        cli.environment["PASSWORD"] = Self.password
        try cli.git("init", "-q")
        try cli.git("add", ".agentws/config.yaml")
        try cli.git("commit", "-q", "-m", "configuration")

        let doctor = try cli.run("doctor").expectSuccess()
        #expect(!doctor.stdout.contains("⚠"), "\(doctor)")
        #expect(doctor.stdout.contains("no problems found\n"))

        let text = try cli.run("config").expectSuccess()
        #expect(text.stdout.contains("${OPENAI_API_KEY}"))
        #expect(
            text.stdout.contains(
                "\(cli.path(".agentws/config.yaml")):5:7 via env OPENAI_API_KEY, FROM_ENVIRONMENT, GITHUB_TOKEN, PASSWORD"
            ), "\(text)")
        let json = try cli.run("config", "--json").expectSuccess()
        #expect(json.stdout.contains("\"${OPENAI_API_KEY}\""))
        expectNoSecret(doctor.stdout + doctor.stderr + text.stdout + text.stderr + json.stdout + json.stderr)
    }

    @Test func aTrackedUserFileIsCheckedToo() throws {
        let cli = try harness(config: "")
        defer { cli.remove() }
        // The harness's XDG_CONFIG_HOME is inside the workspace; tracking it stands for a dotfiles repository.
        try FileManager.default.createDirectory(
            atPath: cli.path(".xdg/agentws"), withIntermediateDirectories: true)
        try cli.write(
            ".xdg/agentws/config.yaml",
            "providers:\n  echo:\n    plugin: c-echo\n    options: {api_key: \(Self.openAIKey)}\n")
        try cli.git("init", "-q")
        #expect(!(try cli.run("doctor").expectSuccess().stdout.contains("⚠")))
        try cli.git("add", ".xdg/agentws/config.yaml")
        let doctor = try cli.run("doctor").expectSuccess()
        #expect(
            doctor.stdout.contains(
                "  ⚠ \(cli.path(".xdg/agentws/config.yaml")):4:24: providers.echo.options.api_key looks like a literal credential (a credential-like key name)"
            ), "\(doctor)")
        expectNoSecret(doctor.stdout + doctor.stderr)
    }

    @Test func anUnsetVariableFailsWithItsPositionAndExitCode5() throws {
        let cli = try CLIHarness(
            config:
                "providers:\n  vault:\n    plugin: echo\n    options:\n      env: {OPENAI_API_KEY: \"${AGENTWS_TEST_UNSET_KEY}\"}\n"
        )
        defer { cli.remove() }
        let result = try cli.run("list")
        result.expectExit(5)
        #expect(
            result.stderr.contains(
                "\(cli.path(".agentws/config.yaml")):5:29: providers.vault.options.env.OPENAI_API_KEY: environment variable AGENTWS_TEST_UNSET_KEY is not set"
            ), "\(result)")
        let doctor = try cli.run("doctor")
        doctor.expectExit(5)
        #expect(doctor.stdout.contains("environment variable AGENTWS_TEST_UNSET_KEY is not set"))
    }
}

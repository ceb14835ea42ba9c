import AgentwsConfig
import Testing

/// `doctor`'s search for literal credentials in a configuration file (docs/configuration.md).
@Suite struct CredentialScannerTests {
    /// Findings as `line:column key (reason) -> VARIABLE`.
    private func scan(_ text: String) -> [String] {
        CredentialScanner.findings(in: text).map {
            "\($0.line):\($0.column) \($0.key) (\($0.reason)) -> \($0.suggestedVariable)"
        }
    }

    @Test func credentialLikeKeyNamesWithLiteralValues() {
        let yaml = """
            providers:
              codex:
                plugin: codex
                options:
                  env:
                    OPENAI_API_KEY: plain-literal
                    GITHUB_TOKEN: "quoted literal"
                    AWS_SECRET_ACCESS_KEY: abc
                    DB_PASSWORD: hunter2
                  apiKey: camel
                  client_secret: x
                  headers: {Authorization: Basic dXNlcg==}
                  secrets: [one, "${TWO}"]

            """
        #expect(
            scan(yaml) == [
                "6:25 providers.codex.options.env.OPENAI_API_KEY (a credential-like key name) -> OPENAI_API_KEY",
                "7:23 providers.codex.options.env.GITHUB_TOKEN (a credential-like key name) -> GITHUB_TOKEN",
                "8:32 providers.codex.options.env.AWS_SECRET_ACCESS_KEY (a credential-like key name) -> AWS_SECRET_ACCESS_KEY",
                "9:22 providers.codex.options.env.DB_PASSWORD (a credential-like key name) -> DB_PASSWORD",
                "10:15 providers.codex.options.apiKey (a credential-like key name) -> API_KEY",
                "11:22 providers.codex.options.client_secret (a credential-like key name) -> CLIENT_SECRET",
                "12:32 providers.codex.options.headers.Authorization (a credential-like key name) -> AUTHORIZATION",
                "13:17 providers.codex.options.secrets[0] (a credential-like key name) -> SECRETS",
            ])
    }

    @Test func referencesNonStringsAndDescriptiveNamesAreFine() {
        let yaml = """
            providers:
              codex:
                plugin: codex
                options:
                  env:
                    OPENAI_API_KEY: ${OPENAI_API_KEY}
                    GITHUB_TOKEN: "prefix-${GITHUB_TOKEN}"
                    EMPTY_TOKEN: ""
                    NO_PASSWORD:
                  headers: {Authorization: "Bearer ${TOKEN}"}
                  max_tokens: 4096
                  use_secret: true
                  token_file: ~/.token
                  api_key_env: OPENAI_API_KEY
                  password_command: [pass, show, api]
                  tokenizer: cl100k_base
                  keyboard: us
                  sort_key: name
                  command: [codex, app-server]

            """
        #expect(scan(yaml) == [])
    }

    @Test func wellKnownTokenPrefixesInAnyValue() {
        let long = String(repeating: "a1B2", count: 9)
        let aws = "AKIA" + "ABCDEFGHIJ234567"
        let yaml = """
            models:
              default: echo/echo-1
            providers:
              codex:
                plugin: codex
                options:
                  note: "use sk-\(long) here"
                  anthropic: sk-ant-\(long)
                  github: github_pat_\(long)
                  slack: xoxb-\(long)
                  aws: \(aws)
                  google: AIza\(long)
                  huggingface: hf_\(long)
                  gitlab: glpat-\(long)
                  args: [--flag, "--config=Authorization: ghp_\(long)"]
                  pem: "-----BEGIN OPENSSH PRIVATE KEY-----\\nabc\\n-----END OPENSSH PRIVATE KEY-----"
                  short: sk-abc
                  inside: task-\(long)
                  notAws: AKIA1234
                  template: sk-${KEY_SUFFIX}

            """
        #expect(
            scan(yaml) == [
                "7:13 providers.codex.options.note (it looks like an OpenAI API key) -> OPENAI_API_KEY",
                "8:18 providers.codex.options.anthropic (it looks like an Anthropic API key) -> ANTHROPIC_API_KEY",
                "9:15 providers.codex.options.github (it looks like a GitHub token) -> GITHUB_TOKEN",
                "10:14 providers.codex.options.slack (it looks like a Slack token) -> SLACK_TOKEN",
                "11:12 providers.codex.options.aws (it looks like an AWS access key id) -> AWS_ACCESS_KEY_ID",
                "12:15 providers.codex.options.google (it looks like a Google API key) -> GOOGLE_API_KEY",
                "13:20 providers.codex.options.huggingface (it looks like a Hugging Face token) -> HF_TOKEN",
                "14:15 providers.codex.options.gitlab (it looks like a GitLab token) -> GITLAB_TOKEN",
                "15:22 providers.codex.options.args[1] (it looks like a GitHub token) -> GITHUB_TOKEN",
                "16:12 providers.codex.options.pem (it looks like a private key) -> PRIVATE_KEY",
            ])
    }

    @Test func commandLineOptionsInLists() {
        let yaml = """
            providers:
              codex:
                plugin: codex
                options:
                  args: [--api-key, literal-value, --token=abc, --verbose, --password, "${PASSWORD}", --model, gpt-5]

            """
        #expect(
            scan(yaml) == [
                "5:25 providers.codex.options.args[1] (a credential-like key name) -> API_KEY",
                "5:40 providers.codex.options.args[2] (a credential-like key name) -> TOKEN",
            ])
    }

    @Test func aliasedValuesAreReportedOnceAndBadYAMLHasNoFindings() {
        let yaml = """
            providers:
              a:
                plugin: echo
                options: {env: &env {API_TOKEN: literal}}
              b:
                plugin: echo
                options: {env: *env}

            """
        #expect(
            scan(yaml) == ["4:37 providers.a.options.env.API_TOKEN (a credential-like key name) -> API_TOKEN"]
        )
        #expect(scan("providers: [unclosed\n  token: abc") == [])
    }

    @Test func aFindingNeverHoldsTheValue() {
        let secret = "ghp_" + String(repeating: "Zq9", count: 12)
        let findings = CredentialScanner.findings(in: "x:\n  GITHUB_TOKEN: \(secret)\n  other: \(secret)\n")
        #expect(findings.count == 2)
        let described = findings.map { String(describing: $0) }.joined()
        #expect(!described.contains("Zq9Zq9"))
    }
}

import AgentwsConfig
import AgentwsCore
import AgentwsJSON
import Testing

/// `${NAME}` in configuration values: resolved at load in every layer and every string value, with an
/// error naming the position and the variable when it cannot be.
@Suite struct VariableReferenceTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    private func errors(user: String, environment: [String: String] = [:]) throws -> [String] {
        try fixture.errors(user: user, environment: environment).map {
            $0.replacingOccurrences(of: fixture.userPath, with: "FILE")
        }
    }

    @Test func resolvesEveryStringValueIncludingNestedOptions() throws {
        let loaded = try fixture.load(
            user: """
                reaper:
                  idle_timeout: ${IDLE}
                models:
                  default: ${PROVIDER}/gpt-5
                  allow: [codex/*, "${EXTRA}"]
                  aliases:
                    fast: codex/${FAST_MODEL}
                plugins:
                  paths: ["${PLUGIN_HOME}/plugins"]
                providers:
                  codex:
                    plugin: ${PROVIDER}
                    options:
                      env:
                        OPENAI_API_KEY: ${OPENAI_API_KEY}
                      headers: {Authorization: "Bearer ${TOKEN}"}
                      args: [--port, "${PORT}", "${A}${B}-${A}"]
                      count: 3

                """,
            environment: [
                "IDLE": "2h", "PROVIDER": "codex", "EXTRA": "echo/*", "FAST_MODEL": "gpt-5-mini",
                "PLUGIN_HOME": "/opt/agentws", "OPENAI_API_KEY": "sk-test-1234567890abcdef", "TOKEN": "t0k",
                "PORT": "8080", "A": "a", "B": "b",
            ]
        )
        let configuration = loaded.configuration
        #expect(configuration.reaper.idleTimeout == .hours(2))
        #expect(configuration.models.defaultModel == "codex/gpt-5")
        #expect(configuration.models.allow == ["codex/*", "echo/*"])
        #expect(configuration.models.aliases == ["fast": "codex/gpt-5-mini"])
        #expect(configuration.plugins.paths == ["/opt/agentws/plugins"])
        #expect(configuration.providers["codex"]?.plugin == "codex")
        // A variable always gives a string, even where YAML would have typed the literal as a number.
        let expected: JSONValue = [
            "env": ["OPENAI_API_KEY": "sk-test-1234567890abcdef"],
            "headers": ["Authorization": "Bearer t0k"],
            "args": ["--port", "8080", "ab-a"],
            "count": 3,
        ]
        #expect(configuration.providers["codex"]?.options == expected)
    }

    @Test func dollarsAreTextExceptBeforeABrace() throws {
        let options = try fixture.load(
            user: #"""
                providers:
                  echo:
                    plugin: echo
                    options:
                      escaped: "$${HOME}"
                      dollarThenVariable: "$$${USER_NAME}"
                      twoEscapes: "$$$${X}"
                      shell: "echo $HOME $$ $1 cost: $5 {x} $"
                      braceOnly: "{USER_NAME}"

                """#,
            environment: ["USER_NAME": "ada", "HOME": "/home/ada"]
        ).configuration.providers["echo"]?.options
        let expected: JSONValue = [
            "escaped": "${HOME}",
            "dollarThenVariable": "$ada",
            "twoEscapes": "$${X}",
            "shell": "echo $HOME $$ $1 cost: $5 {x} $",
            "braceOnly": "{USER_NAME}",
        ]
        #expect(options == expected)
    }

    @Test func keysAreTakenLiterally() throws {
        let options = try fixture.load(
            user: "providers:\n  echo:\n    plugin: echo\n    options:\n      ${NAME}: value\n",
            environment: ["NAME": "resolved"]
        ).configuration.providers["echo"]?.options
        #expect(options == ["${NAME}": "value"])
    }

    @Test func everyLayerResolves() throws {
        let loaded = try fixture.load(
            user: "reaper:\n  sweep_interval: ${SWEEP}\n",
            workspace: "providers:\n  codex:\n    plugin: codex\n    options: {key: \"${KEY}\"}\n",
            environment: [
                "SWEEP": "10s", "KEY": "secret-key-value", "MODEL": "codex/gpt-5", "IDLE": "20m",
                "MODEL_NAME": "gpt-5-mini", "AGENTWS_MODELS_DEFAULT": "${MODEL}",
            ],
            overrides: [
                ConfigOverride(key: "reaper.idle_timeout", value: "${IDLE}"),
                ConfigOverride(key: "models.aliases.fast", value: "codex/${MODEL_NAME}"),
            ]
        )
        let configuration = loaded.configuration
        #expect(configuration.reaper.sweepInterval == .seconds(10))
        #expect(configuration.reaper.idleTimeout == .minutes(20))
        #expect(configuration.providers["codex"]?.options == ["key": "secret-key-value"])
        #expect(configuration.models.defaultModel == "codex/gpt-5")
        #expect(configuration.models.aliases == ["fast": "codex/gpt-5-mini"])
        #expect(loaded.origin(of: "models.default") == .environment(variable: "AGENTWS_MODELS_DEFAULT"))
        #expect(loaded.asWritten["reaper.idle_timeout"]?.variables == ["IDLE"])
        #expect(
            loaded.asWritten["models.default"] == ConfigWrittenValue(value: "${MODEL}", variables: ["MODEL"]))
    }

    @Test func anUnsetOrEmptyVariableIsAnErrorNamingPositionAndVariable() throws {
        let yaml = """
            reaper:
              idle_timeout: ${IDLE}
            providers:
              codex:
                plugin: codex
                options:
                  env:
                    OPENAI_API_KEY: ${OPENAI_API_KEY}
                  headers:
                    - {Authorization: "Bearer ${EMPTY_TOKEN}"}

            """
        let expected = [
            "FILE:2:17: reaper.idle_timeout: environment variable IDLE is not set (the value refers to it as ${IDLE}); set it in the environment agentws runs in, or write $${IDLE} for the literal text",
            "FILE:8:25: providers.codex.options.env.OPENAI_API_KEY: environment variable OPENAI_API_KEY is not set (the value refers to it as ${OPENAI_API_KEY}); set it in the environment agentws runs in, or write $${OPENAI_API_KEY} for the literal text",
            "FILE:10:27: providers.codex.options.headers.Authorization: environment variable EMPTY_TOKEN is empty (the value refers to it as ${EMPTY_TOKEN}); set it in the environment agentws runs in, or write $${EMPTY_TOKEN} for the literal text",
        ]
        let actual = try errors(user: yaml, environment: ["EMPTY_TOKEN": ""])
        #expect(actual == expected, "\(actual)")
        // Configuration errors are invalid data: exit code 5.
        #expect(throws: ConfigurationError.self) { try fixture.load(user: yaml) }
        #expect(ConfigurationError(diagnostics: []).category.exitCode == 5)
    }

    @Test func malformedReferencesAreErrors() throws {
        let yaml = """
            models:
              default: ${MODEL
              allow: ["${}", "${1ST}", "${MODEL:-echo/echo-1}", "${ spaced }"]
            providers:
              echo:
                plugin: echo
                options:
                  nested: {list: [ok, "prefix ${OPEN"]}

            """
        let unclosed =
            "a '${' is not closed by '}'; write ${NAME} to use an environment variable, or $${ for a literal '${'"
        func invalid(_ name: String) -> String {
            "'${\(name)}' is not a variable reference: a name is letters, digits and '_', not starting with a digit, and forms such as ${NAME:-default} are not supported; write $${ for a literal '${'"
        }
        let actual = try errors(user: yaml, environment: ["MODEL": "echo/echo-1"])
        #expect(
            actual == [
                "FILE:2:12: models.default: \(unclosed)",
                "FILE:3:11: models.allow: '${}' names no variable; write ${NAME}, or $${} for the literal text",
                "FILE:3:18: models.allow: \(invalid("1ST"))",
                "FILE:3:28: models.allow: \(invalid("MODEL:-echo/echo-1"))",
                "FILE:3:53: models.allow: \(invalid(" spaced "))",
                "FILE:8:27: providers.echo.options.nested.list: \(unclosed)",
            ],
            "\(actual)"
        )
    }

    @Test func anInvalidResolvedValueIsNotRepeatedInTheError() throws {
        let secret = "sk-live-0123456789abcdef"
        let yaml = """
            reaper:
              idle_timeout: ${IDLE}
            sessions:
              on_resume_failure: "${POLICY}"
            models:
              default: ${MODEL}

            """
        let errors = try errors(
            user: yaml, environment: ["IDLE": secret, "POLICY": secret, "MODEL": "\(secret)/model"])
        #expect(
            errors == [
                "FILE:2:17: reaper.idle_timeout: expected a duration like 5m, but ${IDLE} does not give one once the environment variables are substituted (their values are not shown)",
                "FILE:4:22: sessions.on_resume_failure: expected fail or fresh, but ${POLICY} does not give one once the environment variables are substituted (their values are not shown)",
                "FILE:6:12: models.default: the provider of \"${MODEL}\" is not defined under providers (defined: echo)",
            ]
        )
        #expect(!errors.joined().contains("0123456789"))
    }

    @Test func anInvalidAGENTWSVariableValueIsNotRepeatedEither() throws {
        let errors = try fixture.errors(environment: [
            "AGENTWS_REAPER_IDLE_TIMEOUT": "${IDLE}", "IDLE": "hunter2-password",
        ])
        #expect(
            errors == [
                "environment variable AGENTWS_REAPER_IDLE_TIMEOUT: reaper.idle_timeout: expected a duration like 5m, but ${IDLE} does not give one once the environment variables are substituted (their values are not shown)"
            ])
    }
}

import AgentwsConfig
import AgentwsCore
import AgentwsJSON
import Testing

/// The `agentws config` renderings.
@Suite struct ReportTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func defaultsAsText() throws {
        let text = try fixture.load().renderText()
        #expect(
            text == """
                reaper.idle_timeout = 30m             # default
                reaper.sweep_interval = 1m            # default
                sessions.on_resume_failure = fail     # default
                transcripts.mode = local              # default
                transcripts.max_size = 64MiB          # default
                models.default = echo/echo-1          # default
                models.allow = []                     # default
                models.aliases = {}                   # default
                models.on_change = restart            # default
                plugins.paths = [.agentws/plugins]    # default
                plugins.call_timeout = 2m             # default
                providers.echo.plugin = echo          # default

                """
        )
    }

    @Test func linesFollowTheLayers() throws {
        let loaded = try fixture.load(
            user: """
                models:
                  allow: [codex/*, "yes"]
                  aliases:
                    fast: codex/gpt-5-mini
                providers:
                  codex:
                    plugin: codex
                    idle_timeout: 2h
                    options:
                      command: [codex, app-server]

                """,
            environment: ["AGENTWS_MODELS_DEFAULT": "codex/gpt-5"]
        )
        let path = fixture.userPath
        #expect(
            loaded.report() == [
                ConfigReportLine(key: "reaper.idle_timeout", value: "30m", origin: .defaults),
                ConfigReportLine(key: "reaper.sweep_interval", value: "1m", origin: .defaults),
                ConfigReportLine(key: "sessions.on_resume_failure", value: "fail", origin: .defaults),
                ConfigReportLine(key: "transcripts.mode", value: "local", origin: .defaults),
                ConfigReportLine(key: "transcripts.max_size", value: "64MiB", origin: .defaults),
                ConfigReportLine(
                    key: "models.default",
                    value: "codex/gpt-5",
                    origin: .environment(variable: "AGENTWS_MODELS_DEFAULT")
                ),
                ConfigReportLine(
                    key: "models.allow", value: "[codex/*, \"yes\"]",
                    origin: .file(path: path, line: 2, column: 10)),
                ConfigReportLine(
                    key: "models.aliases.fast",
                    value: "codex/gpt-5-mini",
                    origin: .file(path: path, line: 4, column: 11)
                ),
                ConfigReportLine(key: "models.on_change", value: "restart", origin: .defaults),
                ConfigReportLine(key: "plugins.paths", value: "[.agentws/plugins]", origin: .defaults),
                ConfigReportLine(key: "plugins.call_timeout", value: "2m", origin: .defaults),
                ConfigReportLine(
                    key: "providers.codex.plugin", value: "codex",
                    origin: .file(path: path, line: 7, column: 13)),
                ConfigReportLine(
                    key: "providers.codex.idle_timeout",
                    value: "2h",
                    origin: .file(path: path, line: 8, column: 19)
                ),
                ConfigReportLine(
                    key: "providers.codex.options",
                    value: "{\"command\":[\"codex\",\"app-server\"]}",
                    origin: .file(path: path, line: 10, column: 7)
                ),
                ConfigReportLine(key: "providers.echo.plugin", value: "echo", origin: .defaults),
            ]
        )
        #expect(Set(loaded.report().map(\.key)) == Set(loaded.origins.keys))
    }

    @Test func json() throws {
        let loaded = try fixture.load(
            user: "providers:\n  codex:\n    plugin: codex\n    idle_timeout: 2h\n",
            overrides: [ConfigOverride(key: "models.aliases.fast", value: "codex/gpt-5-mini")]
        )
        let expected: JSONValue = [
            "configuration": [
                "reaper": ["idle_timeout": "30m", "sweep_interval": "1m"],
                "sessions": ["on_resume_failure": "fail"],
                "transcripts": ["mode": "local", "max_size": "64MiB"],
                "models": [
                    "default": "echo/echo-1", "allow": [], "aliases": ["fast": "codex/gpt-5-mini"],
                    "on_change": "restart",
                ],
                "plugins": ["paths": [".agentws/plugins"], "isolation": .null, "call_timeout": "2m"],
                "providers": [
                    "codex": ["plugin": "codex", "idle_timeout": "2h", "options": [:], "isolation": .null],
                    "echo": ["plugin": "echo", "idle_timeout": .null, "options": [:], "isolation": .null],
                ],
            ],
            "origins": [
                "reaper.idle_timeout": "default",
                "reaper.sweep_interval": "default",
                "sessions.on_resume_failure": "default",
                "transcripts.mode": "default",
                "transcripts.max_size": "default",
                "models.default": "default",
                "models.allow": "default",
                "models.aliases.fast": "flag --set",
                "models.on_change": "default",
                "plugins.paths": "default",
                "plugins.call_timeout": "default",
                "providers.codex.plugin": .string("\(fixture.userPath):3:13"),
                "providers.codex.idle_timeout": .string("\(fixture.userPath):4:19"),
                "providers.echo.plugin": "default",
            ],
            "variables": [:],
        ]
        #expect(loaded.renderJSON() == expected)
    }

    /// Values written with `${NAME}` are reported as written, with the variable named next to the
    /// origin; the effective text, which may be a secret, appears nowhere in either rendering.
    @Test func valuesFromTheEnvironmentAreShownAsWritten() throws {
        let secret = "sk-proj-Secret0123456789abcdefXYZ"
        let loaded = try fixture.load(
            user: """
                reaper:
                  idle_timeout: ${IDLE}
                models:
                  allow: [codex/*, "${ALLOWED}"]
                providers:
                  codex:
                    plugin: codex
                    options:
                      command: [codex, app-server]
                      env: {OPENAI_API_KEY: "${OPENAI_API_KEY}", LITERAL: "$${KEPT}"}
                      headers: ["Authorization: Bearer ${OPENAI_API_KEY}", "X-Org: ${ORG}"]

                """,
            environment: [
                "IDLE": "45m", "ALLOWED": "codex/gpt-5", "OPENAI_API_KEY": secret, "ORG": "org-9876543210",
            ]
        )
        let path = fixture.userPath
        let written =
            #"{"command":["codex","app-server"],"env":{"LITERAL":"$${KEPT}","OPENAI_API_KEY":"${OPENAI_API_KEY}"},"headers":["Authorization: Bearer ${OPENAI_API_KEY}","X-Org: ${ORG}"]}"#
        let lines = loaded.report()
        #expect(
            lines.first { $0.key == "reaper.idle_timeout" }
                == ConfigReportLine(
                    key: "reaper.idle_timeout", value: "\"${IDLE}\"",
                    origin: .file(path: path, line: 2, column: 17),
                    variables: ["IDLE"]))
        #expect(
            lines.first { $0.key == "models.allow" }
                == ConfigReportLine(
                    key: "models.allow", value: "[codex/*, \"${ALLOWED}\"]",
                    origin: .file(path: path, line: 4, column: 10), variables: ["ALLOWED"]))
        #expect(
            lines.first { $0.key == "providers.codex.options" }
                == ConfigReportLine(
                    key: "providers.codex.options", value: written,
                    origin: .file(path: path, line: 9, column: 7),
                    variables: ["OPENAI_API_KEY", "ORG"]))
        let text = loaded.renderText()
        #expect(
            text.contains(
                "providers.codex.options = \(written)    # \(path):9:7 via env OPENAI_API_KEY, ORG\n"))
        #expect(text.contains("# \(path):2:17 via env IDLE\n"))
        let json = loaded.renderJSON()
        #expect(
            json["configuration"]?["providers"]?["codex"]?["options"]?["env"]?["OPENAI_API_KEY"]
                == "${OPENAI_API_KEY}")
        #expect(json["configuration"]?["reaper"]?["idle_timeout"] == "${IDLE}")
        #expect(
            json["variables"]
                == [
                    "reaper.idle_timeout": ["IDLE"], "models.allow": ["ALLOWED"],
                    "providers.codex.options": ["OPENAI_API_KEY", "ORG"],
                ])
        let rendered = text + JSONWriter.compactString(json)
        for effective in [secret, "Secret0123", "org-9876543210", "45m", "codex/gpt-5"] {
            #expect(!rendered.contains(effective), "\(effective) was printed")
        }
        // The loaded configuration itself holds the effective values for the plugins.
        #expect(loaded.configuration.providers["codex"]?.options["env"]?["OPENAI_API_KEY"] == .string(secret))
        #expect(loaded.configuration.reaper.idleTimeout == .minutes(45))
    }
}

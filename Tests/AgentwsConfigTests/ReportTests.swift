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
                models.default = echo/echo-1          # default
                models.allow = []                     # default
                models.aliases = {}                   # default
                models.on_change = restart            # default
                plugins.paths = [.agentws/plugins]    # default
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
                "models": [
                    "default": "echo/echo-1", "allow": [], "aliases": ["fast": "codex/gpt-5-mini"],
                    "on_change": "restart",
                ],
                "plugins": ["paths": [".agentws/plugins"]],
                "providers": [
                    "codex": ["plugin": "codex", "idle_timeout": "2h", "options": [:]],
                    "echo": ["plugin": "echo", "idle_timeout": .null, "options": [:]],
                ],
            ],
            "origins": [
                "reaper.idle_timeout": "default",
                "reaper.sweep_interval": "default",
                "sessions.on_resume_failure": "default",
                "models.default": "default",
                "models.allow": "default",
                "models.aliases.fast": "flag --set",
                "models.on_change": "default",
                "plugins.paths": "default",
                "providers.codex.plugin": .string("\(fixture.userPath):3:13"),
                "providers.codex.idle_timeout": .string("\(fixture.userPath):4:19"),
                "providers.echo.plugin": "default",
            ],
        ]
        #expect(loaded.renderJSON() == expected)
    }
}

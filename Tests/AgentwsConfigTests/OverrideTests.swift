import AgentwsConfig
import AgentwsCore
import AgentwsJSON
import Testing

/// `--set key=value` overrides.
@Suite struct OverrideTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    private func load(_ arguments: String...) throws -> LoadedConfiguration {
        try fixture.load(overrides: arguments.map { try ConfigOverride(parsing: $0) })
    }

    private func errors(_ arguments: String...) throws -> [String] {
        try fixture.errors(overrides: arguments.map { try ConfigOverride(parsing: $0) })
    }

    @Test func parsesKeyEqualsValue() throws {
        #expect(try ConfigOverride(parsing: "a.b=c=d") == ConfigOverride(key: "a.b", value: "c=d"))
        #expect(
            try ConfigOverride(parsing: "models.default=") == ConfigOverride(key: "models.default", value: "")
        )
        #expect(
            throws: AgentwsError(
                .usage, "--set reaper: expected key=value, e.g. --set reaper.idle_timeout=5m")
        ) {
            try ConfigOverride(parsing: "reaper")
        }
        #expect(throws: AgentwsError(.usage, "--set =5m: the key before '=' is empty")) {
            try ConfigOverride(parsing: "=5m")
        }
    }

    @Test func setsScalarsListsAliasesAndProviderFields() throws {
        let loaded = try load(
            "reaper.sweep_interval=30s",
            "models.allow=[echo/*, codex/*]",
            "models.aliases.fast=echo/quick",
            "providers.codex.plugin=codex",
            "providers.codex.options={command: [codex, app-server]}",
            "models.default=codex/gpt-5"
        )
        let configuration = loaded.configuration
        #expect(configuration.reaper.sweepInterval == .seconds(30))
        #expect(configuration.models.allow == ["echo/*", "codex/*"])
        #expect(configuration.models.aliases == ["fast": "echo/quick"])
        #expect(configuration.models.defaultModel == "codex/gpt-5")
        #expect(
            configuration.providers["codex"]
                == Configuration.Provider(plugin: "codex", options: ["command": ["codex", "app-server"]])
        )
        #expect(
            loaded.origin(of: "models.aliases.fast")
                == .flag(name: "--set", argument: "models.aliases.fast=echo/quick"))
    }

    @Test func setsWholeSectionsAndProviders() throws {
        let loaded = try load(
            "reaper={idle_timeout: 2h, sweep_interval: 5m}", "providers.claude={plugin: claude}")
        #expect(
            loaded.configuration.reaper
                == Configuration.Reaper(idleTimeout: .hours(2), sweepInterval: .minutes(5)))
        #expect(loaded.configuration.providers["claude"] == Configuration.Provider(plugin: "claude"))
    }

    @Test func providerNamesMayContainDots() throws {
        let loaded = try load("providers.claude.work.plugin=claude", "providers.claude.work.idle_timeout=2h")
        #expect(
            loaded.configuration.providers["claude.work"]
                == Configuration.Provider(plugin: "claude", idleTimeout: .hours(2)))
    }

    @Test func laterOverridesWin() throws {
        #expect(
            try load("reaper.idle_timeout=5m", "reaper.idle_timeout=7m").configuration.reaper.idleTimeout
                == .minutes(7))
    }

    @Test func errorsNameTheFlag() throws {
        #expect(
            try errors(
                "reaper.idle_timout=5m", "reaper.idle_timeout=5", "models.default=",
                "sessions.on_resume_failure.x=1")
                == [
                    "--set reaper.idle_timout=5m: unknown key 'idle_timout' in reaper; did you mean 'idle_timeout'? (valid keys: idle_timeout, sweep_interval)",
                    "--set reaper.idle_timeout=5: reaper.idle_timeout: expected a duration like 5m, found a number (5); durations need a unit, e.g. 30s or 30m",
                    "--set models.default=: models.default: expected provider/model, found an empty value",
                    "--set sessions.on_resume_failure.x=1: sessions.on_resume_failure has no keys inside it; set 'sessions.on_resume_failure' itself",
                ]
        )
        #expect(
            try errors("reapr.idle_timeout=5m") == [
                "--set reapr.idle_timeout=5m: unknown top-level key 'reapr'; did you mean 'reaper'? (valid keys: reaper, sessions, transcripts, models, plugins, providers)"
            ]
        )
        #expect(
            try errors("models.allow=[a") == [
                "--set models.allow=[a: the value is not valid YAML: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 1)"
            ]
        )
        #expect(
            try errors("reaper..idle_timeout=5m") == [
                "--set reaper..idle_timeout=5m: 'reaper..idle_timeout' is not a dotted key like reaper.idle_timeout"
            ]
        )
    }
}

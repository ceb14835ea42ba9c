import AgentwsConfig
import AgentwsCore
import Testing

/// The checks that span keys and layers point at the value that caused them.
@Suite struct ValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func defaultModelProviderMustBeDefined() throws {
        #expect(
            try fixture.errors(workspace: "models:\n  default: codex/gpt-5\n") == [
                "\(fixture.workspacePath):2:12: models.default: provider 'codex' of codex/gpt-5 is not defined under providers (defined: echo)"
            ]
        )
    }

    @Test func providerDefinedInAnotherLayerCounts() throws {
        let loaded = try fixture.load(
            user: "providers:\n  codex:\n    plugin: codex\n",
            workspace: "models:\n  default: codex/gpt-5\n"
        )
        #expect(loaded.configuration.models.defaultModel == "codex/gpt-5")
    }

    @Test func aliasProviderMustBeDefined() throws {
        #expect(
            try fixture.errors(user: "models:\n  aliases:\n    fast: echo/echo-fast\n    big: claude/opus\n")
                == [
                    "\(fixture.userPath):4:10: models.aliases.big: provider 'claude' of claude/opus is not defined under providers (defined: echo)"
                ]
        )
    }

    @Test func aliasNamesCannotLookLikeModels() throws {
        #expect(
            try fixture.errors(user: "models:\n  aliases:\n    echo/x: echo/echo-1\n") == [
                "\(fixture.userPath):3:5: models.aliases: 'echo/x' is not a valid alias name (it must be non-empty, without '/' or spaces)"
            ]
        )
    }

    @Test func providerNeedsAPluginFromSomeLayer() throws {
        #expect(
            try fixture.errors(workspace: "providers:\n  codex:\n    idle_timeout: 2h\n") == [
                "\(fixture.workspacePath):2:3: providers.codex: no plugin is set; add 'plugin: <name>' with the name the plugin declares"
            ]
        )
        let loaded = try fixture.load(
            user: "providers:\n  codex:\n    plugin: codex\n",
            workspace: "providers:\n  codex:\n    idle_timeout: 2h\n"
        )
        #expect(
            loaded.configuration.providers["codex"]
                == Configuration.Provider(plugin: "codex", idleTimeout: .hours(2)))
    }

    @Test func sweepIntervalAboveTheGlobalIdleTimeoutPointsAtTheSweepInterval() throws {
        #expect(
            try fixture.errors(user: "reaper:\n  idle_timeout: 5m\n  sweep_interval: 10m\n") == [
                "\(fixture.userPath):3:19: reaper.sweep_interval (10m) is longer than reaper.idle_timeout (5m), so idle sessions would be stopped up to 10m late; make reaper.sweep_interval at most 5m or raise reaper.idle_timeout"
            ]
        )
    }

    @Test func sweepIntervalAboveAProviderIdleTimeoutPointsAtTheUserSetValue() throws {
        // The sweep interval is the default here, so the provider's idle timeout is what the user set.
        #expect(
            try fixture.errors(user: "providers:\n  echo:\n    idle_timeout: 30s\n") == [
                "\(fixture.userPath):3:19: reaper.sweep_interval (1m) is longer than providers.echo.idle_timeout (30s), so idle sessions would be stopped up to 1m late; make reaper.sweep_interval at most 30s or raise providers.echo.idle_timeout"
            ]
        )
        let loaded = try fixture.load(
            user: "reaper:\n  sweep_interval: 30s\nproviders:\n  echo:\n    idle_timeout: 30s\n")
        #expect(loaded.configuration.idleTimeout(forProvider: "echo") == .seconds(30))
    }
}

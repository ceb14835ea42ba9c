import AgentwsConfig
import AgentwsCore
import Testing

/// The `AGENTWS_*` variables for the scalar settings.
@Suite struct EnvironmentTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func everyVariableSetsItsKey() throws {
        let loaded = try fixture.load(
            user: "providers:\n  codex:\n    plugin: codex\n",
            environment: [
                "AGENTWS_REAPER_IDLE_TIMEOUT": "1h",
                "AGENTWS_REAPER_SWEEP_INTERVAL": "45s",
                "AGENTWS_SESSIONS_ON_RESUME_FAILURE": "fresh",
                "AGENTWS_MODELS_DEFAULT": "codex/gpt-5",
                "AGENTWS_MODELS_ON_CHANGE": "reject",
                "AGENTWS_TRANSCRIPTS_MODE": "commit",
                "AGENTWS_TRANSCRIPTS_MAX_SIZE": "1MiB",
                "AGENTWS_PLUGINS_ISOLATION": "in-process",
                "AGENTWS_PLUGINS_CALL_TIMEOUT": "10s",
            ]
        )
        let configuration = loaded.configuration
        #expect(configuration.transcripts.mode == .commit)
        #expect(configuration.transcripts.maxSize == .mebibytes(1))
        #expect(configuration.reaper.idleTimeout == .hours(1))
        #expect(configuration.reaper.sweepInterval == .seconds(45))
        #expect(configuration.sessions.onResumeFailure == .fresh)
        #expect(configuration.models.defaultModel == "codex/gpt-5")
        #expect(configuration.models.onChange == .reject)
        #expect(configuration.plugins.isolation == .inProcess)
        #expect(configuration.plugins.callTimeout == .seconds(10))
        for (variable, key) in ConfigurationLoader.environmentVariables {
            #expect(loaded.origin(of: key) == .environment(variable: variable))
        }
        #expect(ConfigurationLoader.environmentVariables.count == 9)
    }

    @Test func transcriptSettingsReadFromAFileWithABareByteCount() throws {
        let loaded = try fixture.load(workspace: "transcripts:\n  mode: commit\n  max_size: 4096\n")
        #expect(
            loaded.configuration.transcripts == .init(mode: .commit, maxSize: ConfigByteSize(bytes: 4096)))
    }

    @Test func anInvalidValueNamesTheVariable() throws {
        #expect(
            try fixture.errors(environment: [
                "AGENTWS_REAPER_IDLE_TIMEOUT": "ten minutes", "AGENTWS_SESSIONS_ON_RESUME_FAILURE": "retry",
            ]) == [
                "environment variable AGENTWS_REAPER_IDLE_TIMEOUT: reaper.idle_timeout: invalid duration \"ten minutes\": expected a number at \"ten minutes\" (examples: 45s, 5m, 2h, 1h30m, 200ms)",
                "environment variable AGENTWS_SESSIONS_ON_RESUME_FAILURE: sessions.on_resume_failure: expected fail or fresh, found \"retry\"",
            ]
        )
    }

    @Test func validationErrorsNameTheVariableToo() throws {
        #expect(
            try fixture.errors(environment: ["AGENTWS_MODELS_DEFAULT": "codex/gpt-5"]) == [
                "environment variable AGENTWS_MODELS_DEFAULT: models.default: provider 'codex' of codex/gpt-5 is not defined under providers (defined: echo)"
            ]
        )
    }

    @Test func emptyAndUnrelatedVariablesAreIgnored() throws {
        let loaded = try fixture.load(environment: [
            "AGENTWS_REAPER_IDLE_TIMEOUT": "", "AGENTWS_WORKSPACE": "/w", "AGENTWS_PLUGIN_PATH": "/p",
        ])
        #expect(loaded.configuration == Configuration.defaults)
    }
}

import AgentwsConfig
import AgentwsCore
import AgentwsJSON
import Testing

/// defaults → user file → workspace file → environment → flags, later winning, with origins.
@Suite struct LayeringTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func defaultsAloneHaveDefaultOrigins() throws {
        let loaded = try fixture.load()
        #expect(loaded.configuration == Configuration.defaults)
        #expect(loaded.origins.values.allSatisfy { $0 == .defaults })
        #expect(
            Set(loaded.origins.keys) == [
                "reaper.idle_timeout", "reaper.sweep_interval", "sessions.on_resume_failure",
                "transcripts.mode", "transcripts.max_size", "models.default",
                "models.allow", "models.aliases", "models.on_change", "plugins.paths",
                "plugins.call_timeout", "providers.echo.plugin",
            ]
        )
    }

    @Test func laterLayersWinPerKeyAndOriginsFollow() throws {
        let loaded = try fixture.load(
            user:
                "reaper:\n  idle_timeout: 10m\n  sweep_interval: 30s\nsessions:\n  on_resume_failure: fresh\n",
            workspace: "reaper:\n  idle_timeout: 20m\n",
            environment: ["AGENTWS_MODELS_ON_CHANGE": "reject", "AGENTWS_REAPER_IDLE_TIMEOUT": "40m"],
            overrides: [ConfigOverride(key: "reaper.idle_timeout", value: "50m")]
        )
        #expect(loaded.configuration.reaper.idleTimeout == .minutes(50))
        #expect(loaded.configuration.reaper.sweepInterval == .seconds(30))
        #expect(loaded.configuration.sessions.onResumeFailure == .fresh)
        #expect(loaded.configuration.models.onChange == .reject)
        #expect(
            loaded.origin(of: "reaper.idle_timeout")
                == .flag(name: "--set", argument: "reaper.idle_timeout=50m"))
        #expect(loaded.origin(of: "reaper.idle_timeout").description == "flag --set")
        #expect(
            loaded.origin(of: "reaper.sweep_interval") == .file(path: fixture.userPath, line: 3, column: 19))
        #expect(loaded.origin(of: "sessions.on_resume_failure").description == "\(fixture.userPath):5:22")
        #expect(loaded.origin(of: "models.on_change").description == "env AGENTWS_MODELS_ON_CHANGE")
        #expect(loaded.origin(of: "models.default").description == "default")
    }

    @Test func eachLayerOverridesTheOneBelow() throws {
        let user = "reaper:\n  idle_timeout: 10m\n"
        let workspace = "reaper:\n  idle_timeout: 20m\n"
        let environment = ["AGENTWS_REAPER_IDLE_TIMEOUT": "40m"]
        let flag = [ConfigOverride(key: "reaper.idle_timeout", value: "50m")]
        #expect(try fixture.load(user: user).configuration.reaper.idleTimeout == .minutes(10))
        #expect(
            try fixture.load(user: user, workspace: workspace).configuration.reaper.idleTimeout
                == .minutes(20))
        #expect(
            try fixture.load(user: user, workspace: workspace, environment: environment)
                .configuration.reaper.idleTimeout == .minutes(40)
        )
        #expect(
            try fixture.load(user: user, workspace: workspace, environment: environment, overrides: flag)
                .configuration.reaper.idleTimeout == .minutes(50)
        )
    }

    @Test func aliasesMergePerEntry() throws {
        let loaded = try fixture.load(
            user: "models:\n  aliases:\n    fast: echo/quick\n    slow: echo/careful\n",
            workspace: "models:\n  aliases:\n    fast: echo/quicker\n"
        )
        #expect(loaded.configuration.models.aliases == ["fast": "echo/quicker", "slow": "echo/careful"])
        #expect(
            loaded.origin(of: "models.aliases.fast")
                == .file(path: fixture.workspacePath, line: 3, column: 11))
        #expect(
            loaded.origin(of: "models.aliases.slow") == .file(path: fixture.userPath, line: 4, column: 11))
        #expect(loaded.origins["models.aliases"] == nil)
    }

    @Test func providersMergePerEntryAndPerField() throws {
        let loaded = try fixture.load(
            user: """
                providers:
                  codex:
                    plugin: codex
                    idle_timeout: 2h
                    options:
                      command: [codex, app-server]
                      sandbox: read-only

                """,
            workspace: """
                providers:
                  codex:
                    options:
                      sandbox: workspace-write
                  claude-work:
                    plugin: claude

                """
        )
        let providers = loaded.configuration.providers
        #expect(Set(providers.keys) == ["echo", "codex", "claude-work"])
        #expect(providers["echo"] == Configuration.Provider(plugin: "echo"))
        // plugin and idle_timeout come from the user file; options is replaced as a whole.
        #expect(
            providers["codex"]
                == Configuration.Provider(
                    plugin: "codex", idleTimeout: .hours(2), options: ["sandbox": "workspace-write"])
        )
        #expect(providers["claude-work"] == Configuration.Provider(plugin: "claude"))
        #expect(
            loaded.origin(of: "providers.codex.plugin") == .file(path: fixture.userPath, line: 3, column: 13))
        #expect(
            loaded.origin(of: "providers.codex.idle_timeout")
                == .file(path: fixture.userPath, line: 4, column: 19))
        #expect(
            loaded.origin(of: "providers.codex.options")
                == .file(path: fixture.workspacePath, line: 4, column: 7))
        #expect(loaded.origin(of: "providers.echo.plugin") == .defaults)
    }

    @Test func listsReplaceRatherThanAppend() throws {
        let loaded = try fixture.load(
            user: "models:\n  allow: [echo/*, codex/*]\nplugins:\n  paths: [/opt/agentws/plugins]\n",
            workspace: "models:\n  allow:\n    - echo/echo-1\n"
        )
        #expect(loaded.configuration.models.allow == ["echo/echo-1"])
        #expect(loaded.configuration.plugins.paths == ["/opt/agentws/plugins"])
        #expect(loaded.origin(of: "models.allow") == .file(path: fixture.workspacePath, line: 3, column: 5))
        #expect(loaded.origin(of: "plugins.paths") == .file(path: fixture.userPath, line: 4, column: 10))
    }

    @Test func anEmptyListClearsTheEarlierOne() throws {
        let loaded = try fixture.load(
            user: "models:\n  allow: [echo/*]\n", workspace: "models:\n  allow: []\n")
        #expect(loaded.configuration.models.allow.isEmpty)
    }

    @Test func userConfigPathFollowsXDG() {
        #expect(
            ConfigurationLoader.userConfigPath(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"])
                == "/x/cfg/agentws/config.yaml"
        )
        #expect(
            ConfigurationLoader.userConfigPath(environment: ["HOME": "/home/u"])
                == "/home/u/.config/agentws/config.yaml"
        )
        // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
        #expect(
            ConfigurationLoader.userConfigPath(environment: ["XDG_CONFIG_HOME": "cfg", "HOME": "/home/u/"])
                == "/home/u/.config/agentws/config.yaml"
        )
        #expect(ConfigurationLoader.userConfigPath(environment: [:]) == nil)
        #expect(ConfigurationLoader.workspaceConfigPath(workspaceRoot: "/w") == "/w/.agentws/config.yaml")
    }
}

/// `plugins.isolation` and its per-instance override (docs/plugin-abi.md, "Isolation").
@Suite struct IsolationSettingTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func unsetIsolatesEverythingButTheShippedPlugins() throws {
        let configuration = try fixture.load().configuration
        #expect(configuration.plugins.isolation == nil)
        #expect(configuration.isolation(forProvider: "echo", shipped: false) == .process)
        #expect(
            configuration.isolation(forProvider: "echo", shipped: true)
                == Configuration.Plugins.shippedIsolation)
    }

    @Test func theInstanceSettingWinsOverTheGlobalOne() throws {
        let loaded = try fixture.load(
            user: """
                plugins:
                  isolation: in-process
                  call_timeout: 5s
                providers:
                  third:
                    plugin: third
                    isolation: process

                """)
        let configuration = loaded.configuration
        #expect(configuration.plugins.callTimeout == .seconds(5))
        #expect(configuration.isolation(forProvider: "echo", shipped: false) == .inProcess)
        #expect(configuration.isolation(forProvider: "third", shipped: true) == .process)
        #expect(
            loaded.origin(of: "providers.third.isolation")
                == .file(path: fixture.userPath, line: 7, column: 16))
    }

    @Test func anUnknownValueIsRefusedWithTheChoices() throws {
        #expect(
            try fixture.errors(user: "plugins:\n  isolation: sandbox\n") == [
                "\(fixture.userPath):2:14: plugins.isolation: expected process or in-process, found \"sandbox\""
            ])
    }
}

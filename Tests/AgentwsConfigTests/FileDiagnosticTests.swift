import AgentwsConfig
import AgentwsCore
import Foundation
import Testing

/// Every class of problem in a file is printed as `file:line:column: message`.
@Suite struct FileDiagnosticTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    private func errors(_ yaml: String) throws -> [String] {
        try fixture.errors(user: yaml).map { $0.replacingOccurrences(of: fixture.userPath, with: "FILE") }
    }

    @Test func syntaxErrorHasThePositionYAMLReports() throws {
        #expect(
            try errors("reaper:\n  idle_timeout: 5m\n   sweep_interval: 1m\n") == [
                "FILE:3:18: YAML syntax error: mapping values are not allowed in this context"
            ]
        )
        #expect(
            try errors("reaper: {idle_timeout: 5m\n") == [
                "FILE:2:1: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping at line 1, column 9)"
            ]
        )
    }

    @Test func unreadableCharacterHasItsPosition() throws {
        #expect(
            try errors("reaper:\n  idle_timeout: 5m\u{01}\n") == [
                "FILE:2:19: cannot read the YAML: control characters are not allowed"
            ]
        )
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let loaded = try fixture.load(user: "\u{FEFF}reaper:\n  idle_timeout: 5m\n")
        #expect(loaded.configuration.reaper.idleTimeout == .minutes(5))
    }

    @Test func tabIndentationIsExplained() throws {
        let messages = try errors("reaper:\n\tidle_timeout: 5m\n")
        #expect(messages.count == 1)
        #expect(
            messages.first?.hasPrefix(
                "FILE:2:1: YAML syntax error: found character that cannot start any token") == true)
        #expect(messages.first?.hasSuffix("YAML does not allow tabs for indentation, use spaces") == true)
    }

    @Test func duplicateKeyIsASyntaxError() throws {
        #expect(
            try errors("reaper:\n  idle_timeout: 5m\n  idle_timeout: 6m\n") == [
                "FILE:2:3: duplicate key 'idle_timeout' in this mapping: each key may appear only once"
            ]
        )
    }

    @Test func secondDocumentIsRefused() throws {
        #expect(
            try errors("reaper: {}\n---\nmodels: {}\n") == [
                "FILE:2:1: a configuration file holds a single YAML document; a second one starts here"
            ]
        )
    }

    @Test func wrongTypeNamesWhatWasExpectedAndFound() throws {
        #expect(
            try errors("reaper:\n  idle_timeout: [5m]\n") == [
                "FILE:2:17: reaper.idle_timeout: expected a duration like 5m, found a list"
            ]
        )
        #expect(
            try errors("reaper:\n  sweep_interval: 30\n") == [
                "FILE:2:19: reaper.sweep_interval: expected a duration like 5m, found a number (30); durations need a unit, e.g. 30s or 30m"
            ]
        )
        #expect(
            try errors("models:\n  allow: codex/*\n") == [
                "FILE:2:10: models.allow: expected a list of globs over provider/model, found the string \"codex/*\"; write [codex/*] for a single entry"
            ]
        )
        #expect(
            try errors("providers:\n  echo:\n    plugin: yes\n") == [
                "FILE:3:13: providers.echo.plugin: expected a plugin name, found a boolean (yes); quote it to use it as text"
            ]
        )
        #expect(
            try errors("providers:\n  codex: codex\n") == [
                "FILE:2:10: providers.codex: expected a mapping with the keys plugin, idle_timeout, options, isolation, found the string \"codex\""
            ]
        )
        #expect(
            try errors("reaper: 5m\n") == [
                "FILE:1:9: reaper: expected a mapping with the keys idle_timeout, sweep_interval, found the string \"5m\""
            ]
        )
    }

    @Test func topLevelMustBeAMapping() throws {
        #expect(
            try errors("- reaper\n") == [
                "FILE:1:1: the top level must be a mapping with the sections reaper, sessions, transcripts, models, plugins, providers, found a list"
            ]
        )
        #expect(
            try errors("just text\n") == [
                "FILE:1:1: the top level must be a mapping with the sections reaper, sessions, transcripts, models, plugins, providers, found the string \"just text\""
            ]
        )
    }

    @Test func unknownKeySuggestsTheClosestAndListsTheValidOnes() throws {
        #expect(
            try errors("reaper:\n  idle_timout: 5m\n") == [
                "FILE:2:3: unknown key 'idle_timout' in reaper; did you mean 'idle_timeout'? (valid keys: idle_timeout, sweep_interval)"
            ]
        )
        #expect(
            try errors("models:\n  onChange: reject\n") == [
                "FILE:2:3: unknown key 'onChange' in models; did you mean 'on_change'? (valid keys: default, allow, aliases, on_change)"
            ]
        )
        #expect(
            try errors("reaper:\n  colour: red\n") == [
                "FILE:2:3: unknown key 'colour' in reaper (valid keys: idle_timeout, sweep_interval)"
            ]
        )
        #expect(
            try errors("providers:\n  echo:\n    idle_timeot: 5m\n") == [
                "FILE:3:5: unknown key 'idle_timeot' in providers.echo; did you mean 'idle_timeout'? (valid keys: plugin, idle_timeout, options, isolation)"
            ]
        )
    }

    @Test func unknownTopLevelKeyPointsIntoTheRightSection() throws {
        #expect(
            try errors("provider: {}\n") == [
                "FILE:1:1: unknown top-level key 'provider'; did you mean 'providers'? (valid keys: reaper, sessions, transcripts, models, plugins, providers)"
            ]
        )
        #expect(
            try errors("idle_timeout: 5m\n") == [
                "FILE:1:1: unknown top-level key 'idle_timeout'; did you mean 'reaper.idle_timeout'? (it belongs inside its section) (valid keys: reaper, sessions, transcripts, models, plugins, providers)"
            ]
        )
    }

    @Test func invalidValuesSayWhatIsWrong() throws {
        #expect(
            try errors("reaper:\n  idle_timeout: 5x\n") == [
                "FILE:2:17: reaper.idle_timeout: invalid duration \"5x\": unknown unit \"x\" (examples: 45s, 5m, 2h, 1h30m, 200ms)"
            ]
        )
        #expect(
            try errors("reaper:\n  idle_timeout: 0s\n") == [
                "FILE:2:17: reaper.idle_timeout: the duration must be positive, found \"0s\""
            ]
        )
        #expect(
            try errors("sessions:\n  on_resume_failure: frsh\n") == [
                "FILE:2:22: sessions.on_resume_failure: expected fail or fresh, found \"frsh\"; did you mean 'fresh'?"
            ]
        )
        #expect(
            try errors("transcripts:\n  mode: comit\n") == [
                "FILE:2:9: transcripts.mode: expected off, local or commit, found \"comit\"; did you mean 'commit'?"
            ]
        )
        #expect(
            try errors("transcripts:\n  max_size: 0\n") == [
                "FILE:2:13: transcripts.max_size: the size must be positive, found \"0\""
            ]
        )
        #expect(
            try errors("transcripts:\n  max_size: 1x\n") == [
                "FILE:2:13: transcripts.max_size: invalid size \"1x\": unknown unit \"x\" (examples: 64MiB, 512KiB, 1GiB, 4096)"
            ]
        )
        #expect(
            try errors("transcripts:\n  max_size: 64 MiB\n") == [
                "FILE:2:13: transcripts.max_size: invalid size \"64 MiB\": unknown unit \" MiB\" (examples: 64MiB, 512KiB, 1GiB, 4096)"
            ]
        )
        #expect(
            try errors("models:\n  on_change: ignore\n") == [
                "FILE:2:14: models.on_change: expected restart or reject, found \"ignore\""
            ]
        )
        #expect(
            try errors("models:\n  default: gpt-5\n") == [
                "FILE:2:12: models.default: expected provider/model (e.g. codex/gpt-5), found \"gpt-5\""
            ]
        )
        #expect(
            try errors("models:\n  default: echo/\n") == [
                "FILE:2:12: models.default: \"echo/\" names no model after the '/'"
            ]
        )
        #expect(
            try errors("models:\n  allow: [echo/*, '']\n") == [
                "FILE:2:19: models.allow: an entry is empty; remove it or fill it in"
            ]
        )
        #expect(
            try errors("plugins:\n  paths:\n") == [
                "FILE:2:9: plugins.paths: expected a list of directories, found an empty value; write [] for an empty list"
            ]
        )
    }

    @Test func providerNamesMustBeValidIDs() throws {
        #expect(
            try errors("providers:\n  My_Codex:\n    plugin: codex\n") == [
                "FILE:2:3: providers: 'My_Codex' is not a valid provider instance name: it has upper-case letters (ids are lower case so that case-insensitive file systems cannot collide)"
            ]
        )
        #expect(
            try errors("providers:\n  -codex:\n    plugin: codex\n") == [
                "FILE:2:3: providers: '-codex' is not a valid provider instance name: it must start with a lower-case letter or a digit"
            ]
        )
    }

    @Test func everyErrorInAFileIsReportedWithItsOwnPosition() throws {
        let yaml = """
            reaper:
              idle_timout: 5m
              sweep_interval: [1m]
            sessions:
              on_resume_failure: maybe
            models:
              default: gpt-5
              allow: ['']
            providers:
              codex:
                plugin: 3
                options:
                  limit: .nan
              claude: {}

            """
        #expect(
            try errors(yaml) == [
                "FILE:2:3: unknown key 'idle_timout' in reaper; did you mean 'idle_timeout'? (valid keys: idle_timeout, sweep_interval)",
                "FILE:3:19: reaper.sweep_interval: expected a duration like 5m, found a list",
                "FILE:5:22: sessions.on_resume_failure: expected fail or fresh, found \"maybe\"",
                "FILE:7:12: models.default: expected provider/model (e.g. codex/gpt-5), found \"gpt-5\"",
                "FILE:8:11: models.allow: an entry is empty; remove it or fill it in",
                "FILE:11:13: providers.codex.plugin: expected a plugin name, found a number (3); quote it to use it as text",
                "FILE:13:14: providers.codex.options.limit: .nan is not a finite number; JSON has no infinity or NaN",
                "FILE:14:3: providers.claude: no plugin is set; add 'plugin: <name>' with the name the plugin declares",
            ]
        )
    }

    @Test func emptyFilesAreEmptyLayers() throws {
        for yaml in [
            "", "\n", "# only a comment\n# and another\n", "---\n", "reaper:\n  # idle_timeout: 5m\n",
        ] {
            #expect(
                try fixture.load(user: yaml).configuration == Configuration.defaults,
                "\(yaml.debugDescription)")
        }
    }

    @Test func missingFilesAreAbsentLayers() throws {
        let loaded = try ConfigurationLoader(
            environment: [:],
            userConfigPath: "\(fixture.directory)/nope/config.yaml",
            workspaceConfigPath: "\(fixture.directory)/missing.yaml"
        ).load()
        #expect(loaded.configuration == Configuration.defaults)
    }

    @Test func unreadableFileIsAnErrorNamingThePath() throws {
        let path = "\(fixture.directory)/config.yaml"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let loader = ConfigurationLoader(environment: [:], userConfigPath: nil, workspaceConfigPath: path)
        #expect {
            try loader.load()
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.category == .invalidData
                && error.description == "\(path): cannot read the configuration file: Is a directory"
        }
    }

    @Test func invalidUTF8NamesTheLine() throws {
        let path = "\(fixture.directory)/config.yaml"
        try Data("reaper:\n  idle_timeout: 5m\n# caf\u{E9}\n".utf8.map { $0 == 0xC3 ? 0xFF : $0 })
            .write(to: URL(fileURLWithPath: path))
        let loader = ConfigurationLoader(environment: [:], userConfigPath: path, workspaceConfigPath: nil)
        #expect(
            throws: ConfigurationError(diagnostics: [
                ConfigDiagnostic(
                    location: "\(path):3:1", message: "the file is not valid UTF-8 text (on this line)")
            ])
        ) {
            try loader.load()
        }
    }

    @Test func errorsOfBothFilesAreReported() throws {
        let messages = try fixture.errors(
            user: "reaper:\n  idle_timeout: soon\n", workspace: "models:\n  default: x\n")
        #expect(messages.count == 2)
        #expect(
            messages.first?.hasPrefix("\(fixture.userPath):2:17: reaper.idle_timeout: invalid duration")
                == true)
        #expect(messages.last?.hasPrefix("\(fixture.workspacePath):2:12: models.default:") == true)
    }

    @Test func errorIsInvalidData() throws {
        #expect {
            try fixture.load(user: "reaper: []\n")
        } throws: { error in
            (error as? any AgentwsFailure)?.category == .invalidData
        }
    }
}

import AgentwsConfig
import AgentwsCore
import AgentwsJSON
import Testing

/// `providers.<name>.options`: YAML converted faithfully to the JSON the plugin receives.
@Suite struct OptionsTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    private func options(_ body: String) throws -> JSONValue? {
        let yaml = "providers:\n  echo:\n    plugin: echo\n    options:\n" + body
        return try fixture.load(user: yaml).configuration.providers["echo"]?.options
    }

    @Test func scalarsKeepTheirYAMLTypes() throws {
        let body = """
                  count: 42
                  hex: 0x1F
                  negative: -7
                  ratio: 0.5
                  exponent: 1e3
                  enabled: true
                  legacy: yes
                  nothing: null
                  tilde: ~
                  empty:
                  text: hello world
                  quoted: "42"
                  single: 'true'
                  quotedNull: "null"
                  date: 2024-05-01
                  version: 1.10.2
                  list: [1, two, 3.0, false]
                  nested: {a: {b: [x]}}

            """
        let expected: JSONValue = [
            "count": 42, "hex": 31, "negative": -7, "ratio": 0.5, "exponent": 1000.0, "enabled": true,
            "legacy": true,
            "nothing": .null, "tilde": .null, "empty": .null, "text": "hello world", "quoted": "42",
            "single": "true",
            "quotedNull": "null", "date": "2024-05-01", "version": "1.10.2", "list": [1, "two", 3.0, false],
            "nested": ["a": ["b": ["x"]]],
        ]
        #expect(try options(body) == expected)
    }

    @Test func emptyOptionsAreAnEmptyObject() throws {
        #expect(try options("") == .object([:]))
        #expect(try options("      {}\n") == .object([:]))
    }

    @Test func anchorsAndAliasesAreExpanded() throws {
        let body = "      base: &cmd [codex, app-server]\n      again: *cmd\n"
        #expect(try options(body) == ["base": ["codex", "app-server"], "again": ["codex", "app-server"]])
    }

    @Test func valuesJSONCannotHoldAreErrors() throws {
        let yaml = """
            providers:
              echo:
                plugin: echo
                options:
                  a: .inf
                  b: 123456789012345678901234
                  c: !custom thing
                  1: one
                  "1": uno

            """
        let errors = try fixture.errors(user: yaml).map {
            $0.replacingOccurrences(of: fixture.userPath, with: "FILE")
        }
        #expect(
            errors == [
                "FILE:5:10: providers.echo.options.a: .inf is not a finite number; JSON has no infinity or NaN",
                "FILE:6:10: providers.echo.options.b: the integer 123456789012345678901234 does not fit in 64 bits",
                "FILE:7:10: providers.echo.options.c: the YAML tag !custom is not supported; use a plain value",
                "FILE:9:7: providers.echo.options: the key '1' appears twice in this mapping",
            ]
        )
    }

    @Test func optionsMustBeAMapping() throws {
        let errors = try fixture.errors(user: "providers:\n  echo:\n    options: [a]\n")
        #expect(
            errors == [
                "\(fixture.userPath):3:14: providers.echo.options: expected a mapping of plugin options, found a list"
            ])
    }

    @Test func aliasExpansionIsBounded() throws {
        // Each level doubles the size: 2^20 leaves from a few lines of YAML.
        var yaml = "providers:\n  echo:\n    plugin: echo\n    options:\n      l0: &l0 [x, x]\n"
        for level in 1...20 {
            yaml += "      l\(level): &l\(level) [*l\(level - 1), *l\(level - 1)]\n"
        }
        let errors = try fixture.errors(user: yaml)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("the value is too large") == true, "\(errors)")
    }
}

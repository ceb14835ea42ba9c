import AgentwsConfig
import AgentwsCore
import Testing

/// Durations as the configuration accepts them.
@Suite struct DurationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test(arguments: [
        ("45s", Int64(45_000)), ("5m", 300_000), ("2h", 7_200_000), ("1h30m", 5_400_000), ("200ms", 200),
        ("1m30s500ms", 90_500), ("\"90s\"", 90_000),
    ])
    func accepted(text: String, milliseconds: Int64) throws {
        let loaded = try fixture.load(user: "reaper:\n  idle_timeout: \(text)\n  sweep_interval: 100ms\n")
        #expect(loaded.configuration.reaper.idleTimeout == ConfigDuration(milliseconds: milliseconds))
    }

    @Test(arguments: [
        ("5", "expected a duration like 5m, found a number (5); durations need a unit, e.g. 30s or 30m"),
        ("1.5h", "invalid duration \"1.5h\": fractions are not supported; combine units instead, e.g. 1h30m"),
        ("m", "invalid duration \"m\": expected a number at \"m\""),
        ("5 m", "invalid duration \"5 m\": 5 has no unit"),
        ("1m1h", "invalid duration \"1m1h\": units must go from largest to smallest, each once"),
        ("5d", "invalid duration \"5d\": unknown unit \"d\""),
        ("-5m", "invalid duration \"-5m\": expected a number at \"-5m\""),
        ("0ms", "the duration must be positive, found \"0ms\""),
        ("''", "invalid duration \"\": it is empty"),
    ])
    func refused(text: String, message: String) throws {
        let errors = try fixture.errors(user: "reaper:\n  idle_timeout: \(text)\n")
        #expect(errors.count == 1)
        let prefix = "\(fixture.userPath):2:17: reaper.idle_timeout: \(message)"
        #expect(errors.first?.hasPrefix(prefix) == true, "\(errors)")
    }

    @Test func providerIdleTimeoutOverridesTheGlobalOne() throws {
        let loaded = try fixture.load(user: "providers:\n  echo:\n    idle_timeout: 1h30m\n")
        #expect(loaded.configuration.idleTimeout(forProvider: "echo") == .minutes(90))
        #expect(loaded.configuration.idleTimeout(forProvider: "other") == .minutes(30))
    }
}

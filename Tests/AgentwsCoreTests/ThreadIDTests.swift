import AgentwsCore
import Testing

@Suite("Thread ids")
struct ThreadIDTests {
    @Test(arguments: [
        "a", "0", "fix-login-bug", "t1.2_x", String(repeating: "a", count: 128), "20261201-010224-k3f9",
        "a.b.c", "a._.b",
    ])
    func acceptsValidIDs(text: String) throws {
        #expect(try ThreadID(text).rawValue == text)
    }

    @Test(arguments: [
        ("", "empty"),
        (".", "reserved"),
        ("..", "reserved"),
        ("../x", "path separator"),
        ("a/b", "path separator"),
        ("Upper", "upper-case"),
        (String(repeating: "a", count: 129), "limit is 128"),
        ("a\u{0}b", "NUL"),
        ("a b", "space"),
        ("café", "non-ASCII"),
        ("-leading", "must start"),
        (".hidden", "must start"),
        ("a..b", "'..'"),
        ("trailing..", "'..'"),
        ("a...b", "'..'"),
        ("tab\there", "0x9"),
    ])
    func refusesInvalidIDs(text: String, reason: String) {
        #expect(throws: InvalidThreadID.self) { try ThreadID(text) }
        #expect(
            ThreadID.problem(with: text)?.contains(reason) == true,
            "\(ThreadID.problem(with: text) ?? "accepted")")
    }

    @Test func errorMessageShowsTheIDSafely() throws {
        let error = try #require(throws: InvalidThreadID.self) { try ThreadID("a\u{0}b") }
        #expect(error.description.contains(#""a\u{0}b""#))
        #expect(error.category.exitCode == 64)
    }

    @Test func generatedIDsAreValidSortableAndDistinct() {
        let generator = ThreadIDGenerator()
        let early = generator.makeID(at: UTCDateTime(secondsSinceEpoch: 1_764_550_944))
        let late = generator.makeID(at: UTCDateTime(secondsSinceEpoch: 1_764_550_945))
        #expect(early.rawValue.hasPrefix("20251201-010224-"))
        #expect(early < late)
        let many = Set((0..<200).map { _ in generator.makeID(at: UTCDateTime(secondsSinceEpoch: 0)) })
        #expect(many.count > 190)
    }
}

@Suite("UTC times")
struct UTCDateTimeTests {
    @Test func formatsAndParsesRFC3339() throws {
        let time = UTCDateTime(secondsSinceEpoch: 1_796_086_944)
        #expect(time.description == "2026-12-01T01:02:24Z")
        #expect(UTCDateTime(rfc3339: "2026-12-01T01:02:24Z") == time)
        #expect(UTCDateTime(rfc3339: "2026-12-01T02:02:24.123+01:00") == time)
        #expect(UTCDateTime(secondsSinceEpoch: 951_782_400).description == "2000-02-29T00:00:00Z")
        #expect(UTCDateTime(secondsSinceEpoch: -1).description == "1969-12-31T23:59:59Z")
    }

    @Test(arguments: [
        "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-01 01:02:24Z", "2026-12-01T01:02:24",
        "yesterday",
    ])
    func refusesMalformedTimes(text: String) {
        #expect(UTCDateTime(rfc3339: text) == nil)
    }
}

@Suite("Durations")
struct ConfigDurationTests {
    @Test(arguments: [
        ("45s", 45_000), ("5m", 300_000), ("2h", 7_200_000), ("1h30m", 5_400_000), ("200ms", 200),
        ("1m30s500ms", 90_500),
    ])
    func parses(text: String, milliseconds: Int64) throws {
        let duration = try ConfigDuration(parsing: text)
        #expect(duration.milliseconds == milliseconds)
        #expect(duration.description == text)
    }

    @Test(arguments: ["", "5", "m", "5x", "1m1h", "1h1h", "-5m", "5 m", "99999999999999999999h"])
    func refuses(text: String) {
        #expect(throws: InvalidDuration.self) { try ConfigDuration(parsing: text) }
    }
}

import Testing
import Yams

@testable import AgentwsConfig

/// `PlainScalarTag` against what it replaces: Yams' `Resolver.default` must tag every plain scalar
/// the same way.
@Suite struct PlainScalarTagTests {
    /// What Yams' default resolver makes of `text` as a plain scalar.
    static func yams(_ text: String) -> String { Node(text).tag.description }

    static let samples = [
        "", "~", "null", "Null", "NULL", "nULL", "yes", "Yes", "YES", "yEs", "no", "on", "Off", "true",
        "FALSE",
        "y", "n", "<<", "=", "0", "00", "08", "017", "0o17", "0o", "0o8", "0b", "0b101", "0b12", "0x", "0x1F",
        "0X1F", "0xg", "+0", "-0", "+", "-", "1_000", "_1", "1_", "12", "-12", "1:30", "1:60", "1:5", "0:30",
        "190:20:30", "1:123", "1:59:0", "1.", "1.5", ".5", "._", "+.5", ".5e+3", ".5e3", "1e5", "1E5", "1e+5",
        "1e", "1.2.3", "1._e5", "1_.5", "1:30.5", "0:30.", "190:20:30.15", ".inf", "-.Inf", "+.INF", ".nan",
        "-.nan", ".NaN", "2001-12-14", "2001-1-14", "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2001-12-15T02:59:43.1Z", "2001-12-15 2:59:43.10", "2002-12-14", "2001-12-14 21:59:43 ",
        "20011-12-14",
        "2001-123-14", "2001-12-14T21:59", "2001-12-14T21:59:43Z", "2001-12-14T21:59:43 Z",
        "2001-12-14T21:59:43+1:00",
        "2001-12-14T21:59:43+01:0", "codex/gpt-5", "30m", "echo", "yes\n", "12\r\n", "1.5\u{2028}", "\n",
        "a b",
        "12 ", " 12", "0x1F\n\n", "١٢",
    ]

    @Test func tagsTheSamplesAsYamsDoes() {
        for text in Self.samples {
            #expect(PlainScalarTag.of(text).rawValue == Self.yams(text), "\(text.debugDescription)")
        }
    }

    /// Every string up to three characters over the characters the patterns care about, and every
    /// one of four and five over those of numbers.
    @Test func tagsEveryShortStringAsYamsDoes() {
        var mismatches: [String] = []
        func check(_ alphabet: [Character], lengths: ClosedRange<Int>) {
            var strings = [""]
            for length in 1...lengths.upperBound {
                strings = strings.flatMap { prefix in alphabet.map { prefix + String($0) } }
                guard lengths.contains(length) else { continue }
                for text in strings where PlainScalarTag.of(text).rawValue != Self.yams(text) {
                    mismatches.append(text)
                }
            }
        }
        check(Array("01569_-+.:eExbo~<=ZTnN \t\n"), lengths: 1...3)
        check(Array("016_-+.:eE"), lengths: 4...5)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20).map(\.debugDescription))")
    }

    /// A document composed by `YAMLDocument` has the tags Yams' own composition gives it, nested,
    /// quoted, explicitly tagged and in flow style alike.
    @Test func composesWithTheTagsYamsGives() throws {
        let text = """
            a: 1
            b: [yes, "yes", !!str 2, !!int "3", 0x10, 1.5, .inf, ~, '', 2001-12-14]
            c:
              d: {e: off, f: text, g: 1:30}
              h:
                - null
                - - <<
                  - =
            "quoted key": 12
            """
        let ours = try #require(try YAMLDocument.compose(text))
        let theirs = try #require(try Yams.compose(yaml: text))
        #expect(Self.tags(ours) == Self.tags(theirs))
        #expect(Self.tags(ours).contains("1=tag:yaml.org,2002:int"))
    }

    /// Every scalar as `string=tag`, in document order.
    static func tags(_ node: Node) -> [String] {
        switch node {
        case .scalar(let scalar): return ["\(scalar.string)=\(node.tag.description)"]
        case .mapping(let mapping): return mapping.flatMap { tags($0.key) + tags($0.value) }
        case .sequence(let sequence): return sequence.flatMap(tags)
        case .alias: return []
        }
    }
}

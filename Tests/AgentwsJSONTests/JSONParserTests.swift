import AgentwsJSON
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(
            #"{"a": [1, -2.5, true, false, null, "x\u00e9\n"], "b": {}, "c": 12345678901234}"#)
        #expect(
            value
                == .object([
                    "a": [.integer(1), .double(-2.5), true, false, .null, .string("xé\n")],
                    "b": .object([:]),
                    "c": .integer(12_345_678_901_234),
                ]))
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: [
        ("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7, "expected ':'"),
        ("{\"a\": tru}", 1, 7, "invalid literal"),
        ("[1, 2", 1, 6, "unterminated array"),
        ("{\"a\": 1,}", 1, 9, "expected a member name"),
        ("\"abc", 1, 1, "unterminated string"),
        ("{\"a\": 01}", 1, 7, "leading zeros"),
        ("{} x", 1, 4, "unexpected text"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate member"),
        ("", 1, 1, "found end of input"),
        ("\"\\x\"", 1, 2, "invalid escape"),
        ("\"\\ud800\"", 1, 2, "unpaired surrogate"),
    ])
    func reportsLineAndColumn(text: String, line: Int, column: Int, reason: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes: bytes) }
    }

    @Test func refusesExcessiveNesting() {
        let text = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }
}

import AgentwsJSON
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    @Test func canonicalFormIsSortedIndentedAndEndsWithNewline() {
        let value: JSONValue = [
            "b": [1, "two", .null], "a": ["z": true, "y": .object([:])], "c": .array([]),
        ]
        let text = String(decoding: JSONWriter.canonical(value), as: UTF8.self)
        #expect(
            text == """
                {
                  "a": {
                    "y": {},
                    "z": true
                  },
                  "b": [
                    1,
                    "two",
                    null
                  ],
                  "c": []
                }

                """)
    }

    @Test func compactFormHasNoSpaces() {
        let value: JSONValue = ["b": [1, 2.5], "a": "x/y"]
        #expect(JSONWriter.compactString(value) == #"{"a":"x/y","b":[1,2.5]}"#)
    }

    @Test func escapesOnlyWhatJSONRequires() {
        let value: JSONValue = .string("quote\" backslash\\ slash/ tab\t nl\n bell\u{07} é 😀")
        #expect(JSONWriter.compactString(value) == #""quote\" backslash\\ slash/ tab\t nl\n bell\u0007 é 😀""#)
    }

    @Test func sameValueGivesSameBytesWhateverTheInsertionOrder() {
        var first: [String: JSONValue] = [:]
        var second: [String: JSONValue] = [:]
        for index in 0..<50 { first["k\(index)"] = .integer(Int64(index)) }
        for index in (0..<50).reversed() { second["k\(index)"] = .integer(Int64(index)) }
        #expect(JSONWriter.canonical(.object(first)) == JSONWriter.canonical(.object(second)))
    }

    @Test func roundTripsThroughTheParser() throws {
        let value: JSONValue = [
            "n": -0.125, "i": .integer(Int64.min), "s": "\u{0}\u{1f}", "w": 3.0, "nested": [["a": []]],
        ]
        #expect(try JSONParser.parse(bytes: JSONWriter.canonical(value)) == value)
        #expect(try JSONParser.parse(bytes: JSONWriter.compact(value)) == value)
    }
}

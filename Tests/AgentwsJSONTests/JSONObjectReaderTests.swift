import AgentwsJSON
import Testing

@Suite("JSON object reader")
struct JSONObjectReaderTests {
    let params = JSONObjectReader(
        members: [
            "cwd": 3, "thread": "t1", "model": .null, "flag": true, "list": [1, 2], "meta": ["a": "b"],
        ],
        path: "params")

    @Test func typedMembersAreRead() throws {
        #expect(try params.string("thread") == "t1")
        #expect(try params.bool("flag"))
        #expect(try params.array("list") == [1, 2])
        #expect(try params.integer("cwd") == 3)
        #expect(try params.object("meta").string("a") == "b")
        #expect(try params.optionalString("model") == nil)
        #expect(try params.optionalString("absent") == nil)
        #expect(try params.optionalObject("absent").members.isEmpty)
    }

    @Test func aMistypedMemberIsNamedByItsPathWithWhatItHolds() {
        #expect(throws: JSONFieldError(path: "params.cwd", expected: "a string", found: 3)) {
            try params.string("cwd")
        }
        #expect(
            JSONFieldError(path: "params.cwd", expected: "a string", found: 3).description
                == "params.cwd: expected a string, found 3")
        #expect(throws: JSONFieldError(path: "params.meta.a", expected: "true or false", found: "b")) {
            try params.object("meta").bool("a")
        }
    }

    @Test func missingAndNullAreToldApart() {
        let missing = JSONFieldError(path: "params.session", expected: "a string", found: nil)
        #expect(missing.description == "params.session: missing, expected a string")
        #expect(throws: missing) { try params.string("session") }
        #expect(throws: JSONFieldError(path: "params.model", expected: "a string", found: .null)) {
            try params.string("model")
        }
        #expect(
            JSONFieldError(path: "params.model", expected: "a string", found: .null).description
                == "params.model: expected a string, found null")
    }

    @Test func aValueThatIsNotAnObjectIsRefusedWithItsPath() {
        #expect(throws: JSONFieldError(path: "request", expected: "an object", found: [1])) {
            try JSONObjectReader([1], path: "request")
        }
        #expect(throws: Never.self) { try JSONObjectReader(optional: .null, path: "params") }
    }

    @Test func aHugeValueIsCutShortInTheMessage() {
        let huge = JSONValue.string(String(repeating: "x", count: 1000))
        let text = JSONFieldError(path: "p", expected: "a number", found: huge).description
        #expect(text.hasPrefix("p: expected a number, found \"xxx") && text.hasSuffix("…"))
        #expect(text.count < 250)
    }
}

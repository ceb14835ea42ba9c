import AgentwsCore
import AgentwsJSON
import Testing

@Suite("Turn usage")
struct TurnUsageTests {
    @Test func theWireFormLeavesOutWhatWasNotReportedAndReadsBack() throws {
        let usage = TurnUsage(inputTokens: 100, outputTokens: 7, cost: .init(amount: 0.0031, currency: "USD"))
        #expect(
            usage.json
                == [
                    "inputTokens": 100, "outputTokens": 7,
                    "cost": ["amount": .double(0.0031), "currency": "USD"],
                ])
        #expect(try TurnUsage(json: usage.json) == usage)
        #expect(try TurnUsage(json: [:]) == TurnUsage())
        // Members a provider adds for itself are not an error; null is "not reported".
        #expect(
            try TurnUsage(json: ["outputTokens": 2, "webSearches": 1, "inputTokens": .null])
                == TurnUsage(outputTokens: 2))
    }

    static let malformed: [(JSONValue, String)] = [
        (JSONValue.string("x"), "usage: expected an object, found a string"),
        (["inputTokens": "3"], "usage.inputTokens: expected a non-negative integer, found \"3\""),
        (["outputTokens": -1], "usage.outputTokens: expected a non-negative integer, found -1"),
        (
            ["thoughtTokens": JSONValue.double(1.5)],
            "usage.thoughtTokens: expected a non-negative integer, found 1.5"
        ),
        (["cost": ["currency": "USD"]], "usage.cost.amount: expected a non-negative number, found null"),
        (
            ["cost": ["amount": 1]],
            "usage.cost.currency: expected a currency code such as \"USD\", found null"
        ),
    ]

    @Test(arguments: malformed)
    func aMalformedUsageNamesTheMember(_ json: JSONValue, _ message: String) {
        #expect(throws: TurnUsage.Malformed(message)) { try TurnUsage(json: json) }
    }
}

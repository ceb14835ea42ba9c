import AgentwsJSON

/// What one turn cost, as the provider reports it (SPEC §8.1 `send`): tokens and money.
///
/// Every figure is optional because providers report different subsets (Codex: tokens, no price;
/// Claude Code: tokens and a dollar cost; most ACP agents: nothing). The member names follow ACP's
/// `Usage` (`PromptResponse.usage`) so the daemon can hand the figures on unchanged. All figures are
/// for the turn alone, never a running total: a caller that wants a session's total adds them up.
public struct TurnUsage: Sendable, Equatable {
    /// Money spent on the turn, in the provider's currency.
    public struct Cost: Sendable, Equatable {
        public var amount: Double
        /// ISO 4217 code, e.g. `USD`.
        public var currency: String
        public init(amount: Double, currency: String) {
            self.amount = amount
            self.currency = currency
        }
    }

    public var inputTokens: Int64?
    public var outputTokens: Int64?
    public var totalTokens: Int64?
    /// Reasoning ("thinking") tokens, when the provider counts them apart.
    public var thoughtTokens: Int64?
    public var cachedReadTokens: Int64?
    public var cachedWriteTokens: Int64?
    public var cost: Cost?

    public init(
        inputTokens: Int64? = nil, outputTokens: Int64? = nil, totalTokens: Int64? = nil,
        thoughtTokens: Int64? = nil, cachedReadTokens: Int64? = nil, cachedWriteTokens: Int64? = nil,
        cost: Cost? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
        self.thoughtTokens = thoughtTokens
        self.cachedReadTokens = cachedReadTokens
        self.cachedWriteTokens = cachedWriteTokens
        self.cost = cost
    }
}

extension TurnUsage {
    /// The token members, in the order they are written.
    private static var tokenKeys: [(String, WritableKeyPath<TurnUsage, Int64?>)] {
        [
            ("inputTokens", \.inputTokens), ("outputTokens", \.outputTokens), ("totalTokens", \.totalTokens),
            ("thoughtTokens", \.thoughtTokens), ("cachedReadTokens", \.cachedReadTokens),
            ("cachedWriteTokens", \.cachedWriteTokens),
        ]
    }

    /// The wire form shared by the plugin ABI, `--json` and ACP: absent figures are left out.
    public var json: JSONValue {
        var members: [String: JSONValue] = [:]
        for (key, path) in Self.tokenKeys {
            if let count = self[keyPath: path] { members[key] = .integer(count) }
        }
        if let cost {
            members["cost"] = ["amount": .double(cost.amount), "currency": .string(cost.currency)]
        }
        return .object(members)
    }

    /// Reads the wire form. Members it does not know are ignored, so a provider may add its own.
    /// Throws a description of the first bad member (e.g. `usage.inputTokens: expected a
    /// non-negative integer, found "3"`).
    public init(json: JSONValue) throws(Malformed) {
        guard let members = json.objectValue else {
            throw Malformed("usage: expected an object, found \(json.kindDescription)")
        }
        self.init()
        for (key, path) in Self.tokenKeys {
            guard let member = members[key], member != .null else { continue }
            guard let count = member.integerValue, count >= 0 else {
                throw Malformed(
                    "usage.\(key): expected a non-negative integer, found \(JSONWriter.compactString(member))"
                )
            }
            self[keyPath: path] = count
        }
        if let member = members["cost"], member != .null {
            guard let amount = member["amount"]?.doubleValue, amount.isFinite, amount >= 0 else {
                throw Malformed(
                    "usage.cost.amount: expected a non-negative number, found \(JSONWriter.compactString(member["amount"] ?? .null))"
                )
            }
            guard let currency = member["currency"]?.stringValue, !currency.isEmpty else {
                throw Malformed(
                    "usage.cost.currency: expected a currency code such as \"USD\", found \(JSONWriter.compactString(member["currency"] ?? .null))"
                )
            }
            cost = Cost(amount: amount, currency: currency)
        }
    }

    /// A usage object that is not what the wire form promises; the description names the member.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}

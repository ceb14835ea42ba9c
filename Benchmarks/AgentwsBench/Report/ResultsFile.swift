import AgentwsJSON

/// The ratio figures of a `benchmark-results.json` written by an earlier run, read back for `pool`.
struct ResultsFile: Sendable {
    /// One line of the table that has a ratio to a baseline.
    struct RatioLine: Sendable {
        let row: Int
        let label: String
        let baseline: String
        /// The per-round ratios of the run.
        let samples: [Double]
        let target: Target?
    }

    let path: String
    let quick: Bool
    let ratios: [RatioLine]

    /// Reads `path`; a file that is not such a document is refused naming the file and what is wrong.
    init(path: String) throws(BenchError) {
        guard let bytes = Files.read(path) else { throw BenchError.system("read", path) }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: bytes)
        } catch {
            throw BenchError("\(path): not JSON (\(error)); give files written by agentws-bench --json")
        }
        guard let rows = document["rows"]?.arrayValue else {
            throw BenchError("\(path): no \"rows\"; give files written by agentws-bench --json")
        }
        self.path = path
        quick = document["quick"]?.boolValue ?? false
        var ratios: [RatioLine] = []
        for row in rows {
            guard let number = row["row"]?.integerValue.flatMap({ Int(exactly: $0) }) else {
                throw BenchError("\(path): a row without its number")
            }
            for line in row["lines"]?.arrayValue ?? [] {
                guard let ratio = line["ratio"], let label = line["label"]?.stringValue else { continue }
                let samples = ratio["value"]?["samples"]?.arrayValue ?? []
                let values = samples.compactMap(\.doubleValue)
                guard !values.isEmpty, values.count == samples.count else {
                    throw BenchError("\(path): row \(number), \"\(label)\": no ratio samples")
                }
                ratios.append(
                    RatioLine(
                        row: number, label: label, baseline: ratio["baseline"]?.stringValue ?? "",
                        samples: values, target: ratio["target"].flatMap(Target.init(json:))))
            }
        }
        self.ratios = ratios
    }
}

extension Target {
    /// A target as `json(met:)` writes it.
    init?(json: JSONValue) {
        guard let limit = json["limit"]?.doubleValue else { return nil }
        switch json["direction"]?.stringValue {
        case "at most": self = .atMost(limit)
        case "at least": self = .atLeast(limit)
        default: return nil
        }
    }
}

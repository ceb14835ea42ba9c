import AgentwsJSON

/// The figures of a `benchmark-results.json` written by an earlier run that `pool` takes together:
/// every ratio to a baseline, and every other figure with a target.
struct ResultsFile: Sendable {
    /// One such figure of one run.
    struct Figure: Sendable {
        let row: Int
        let label: String
        /// What a ratio is to ("in process"); nil for a figure in its own unit.
        let baseline: String?
        /// "×" for a ratio, else the figure's unit.
        let unit: String
        /// The run's per-round values (ratios, for a ratio).
        let samples: [Double]
        let target: Target?
    }

    let path: String
    let quick: Bool
    let figures: [Figure]

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
        var figures: [Figure] = []
        for row in rows {
            guard let number = row["row"]?.integerValue.flatMap({ Int(exactly: $0) }) else {
                throw BenchError("\(path): a row without its number")
            }
            for line in row["lines"]?.arrayValue ?? [] {
                guard let label = line["label"]?.stringValue else { continue }
                let ratio = line["ratio"]
                let target = (ratio ?? line)["target"].flatMap(Target.init(json:))
                guard ratio != nil || target != nil else { continue }
                let samples = (ratio ?? line)["value"]?["samples"]?.arrayValue ?? []
                let values = samples.compactMap(\.doubleValue)
                guard !values.isEmpty, values.count == samples.count else {
                    throw BenchError("\(path): row \(number), \"\(label)\": no samples")
                }
                figures.append(
                    Figure(
                        row: number, label: label, baseline: ratio.map { $0["baseline"]?.stringValue ?? "" },
                        unit: ratio == nil ? line["unit"]?.stringValue ?? "" : "×", samples: values,
                        target: target))
            }
        }
        self.figures = figures
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

import AgentwsJSON
import Yams

extension LayerDecoder {
    /// `providers.<name>.options`: any YAML mapping, converted to a JSON object for the plugin. An empty
    /// value is an empty object.
    mutating func options(_ node: Node, key: String) -> Located<JSONValue>? {
        if node.isNullScalar { return located(.object([:]), node) }
        guard case .mapping = node else {
            report(node, "\(key): expected a mapping of plugin options, found \(node.kindDescription)")
            return nil
        }
        let before = diagnostics.count
        var variables: [String] = []
        let converted = json(node, key: key, variables: &variables)
        guard let converted, diagnostics.count == before else { return nil }
        var result = located(converted.value, node)
        result.written = converted.written.map { ConfigWrittenValue(value: $0, variables: variables) }
        return result
    }

    /// A converted node: its effective value, and its value as written when that differs (some string
    /// in it refers to environment variables).
    struct ConvertedJSON {
        var value: JSONValue
        var written: JSONValue?
    }

    /// Converts a node the way YAML types it: plain `42` is an integer, `4.2` a double, `true`/`yes` a
    /// boolean, `~`/`null`/empty null, and anything quoted a string, with its `${NAME}` references
    /// resolved (their names are added to `variables`). Dates stay the text they were written as; JSON
    /// has no date type. Keeps converting after an error so that every bad value is reported, and
    /// returns nil if there was any.
    mutating func json(_ node: Node, key: String, variables: inout [String]) -> ConvertedJSON? {
        optionNodeBudget -= 1
        if optionNodeBudget == 0 {
            report(
                node, "\(key): the value is too large (more than 100000 nodes once YAML aliases are expanded)"
            )
        }
        if optionNodeBudget <= 0 { return nil }
        switch node {
        case .scalar(let scalar):
            return jsonScalar(scalar, node: node, key: key, variables: &variables)
        case .sequence(let sequence):
            var elements: [ConvertedJSON] = []
            var failed = false
            for element in sequence {
                if let value = json(element, key: key, variables: &variables) {
                    elements.append(value)
                } else {
                    failed = true
                }
            }
            if failed { return nil }
            let written = elements.contains { $0.written != nil }
            return ConvertedJSON(
                value: .array(elements.map(\.value)),
                written: written ? .array(elements.map { $0.written ?? $0.value }) : nil)
        case .mapping(let mapping):
            var members: [String: ConvertedJSON] = [:]
            var failed = false
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    report(keyNode, "\(key): a key must be a plain name, found \(keyNode.kindDescription)")
                    failed = true
                    continue
                }
                let name = keyScalar.string
                if members[name] != nil {
                    // YAML keeps `1` and `"1"` apart; JSON cannot.
                    report(keyNode, "\(key): the key '\(name)' appears twice in this mapping")
                    failed = true
                    continue
                }
                if let value = json(valueNode, key: "\(key).\(name)", variables: &variables) {
                    members[name] = value
                } else {
                    failed = true
                }
            }
            if failed { return nil }
            let written = members.values.contains { $0.written != nil }
            return ConvertedJSON(
                value: .object(members.mapValues(\.value)),
                written: written ? .object(members.mapValues { $0.written ?? $0.value }) : nil)
        case .alias:
            // Yams resolves aliases while composing; this case only exists for hand-built trees.
            report(node, "\(key): unresolved YAML alias")
            return nil
        }
    }

    private mutating func jsonScalar(
        _ scalar: Node.Scalar, node: Node, key: String, variables: inout [String]
    ) -> ConvertedJSON? {
        let text = scalar.string
        switch node.tagName {
        case .null:
            return ConvertedJSON(value: .null)
        case .bool:
            if let value = Bool.construct(from: scalar) { return ConvertedJSON(value: .bool(value)) }
            report(node, "\(key): \"\(text)\" is not a boolean")
        case .int:
            if let value = Int64.construct(from: scalar) { return ConvertedJSON(value: .integer(value)) }
            report(node, "\(key): the integer \(text) does not fit in 64 bits")
        case .float:
            if let value = Double.construct(from: scalar), value.isFinite {
                return ConvertedJSON(value: .double(value))
            }
            report(node, "\(key): \(text) is not a finite number; JSON has no infinity or NaN")
        case .str:
            do {
                let resolution = try VariableReferences.resolve(text, key: key, environment: environment)
                for name in resolution.written?.variables ?? [] where !variables.contains(name) {
                    variables.append(name)
                }
                return ConvertedJSON(value: .string(resolution.value), written: resolution.written?.value)
            } catch {
                report(node, error.message)
            }
        case .timestamp, .binary, .value, .merge:
            return ConvertedJSON(value: .string(text))
        default:
            report(node, "\(key): the YAML tag \(node.tagName.rawValue) is not supported; use a plain value")
        }
        return nil
    }
}

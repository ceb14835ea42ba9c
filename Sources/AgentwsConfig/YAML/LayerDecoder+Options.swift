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
        let value = json(node, key: key)
        guard let value, diagnostics.count == before else { return nil }
        return located(value, node)
    }

    /// Converts a node the way YAML types it: plain `42` is an integer, `4.2` a double, `true`/`yes` a
    /// boolean, `~`/`null`/empty null, and anything quoted a string. Dates stay the text they were
    /// written as; JSON has no date type. Keeps converting after an error so that every bad value is
    /// reported, and returns nil if there was any.
    mutating func json(_ node: Node, key: String) -> JSONValue? {
        optionNodeBudget -= 1
        if optionNodeBudget == 0 {
            report(
                node, "\(key): the value is too large (more than 100000 nodes once YAML aliases are expanded)"
            )
        }
        if optionNodeBudget <= 0 { return nil }
        switch node {
        case .scalar(let scalar):
            return jsonScalar(scalar, node: node, key: key)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            var failed = false
            for element in sequence {
                if let value = json(element, key: key) { elements.append(value) } else { failed = true }
            }
            return failed ? nil : .array(elements)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
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
                if let value = json(valueNode, key: "\(key).\(name)") {
                    members[name] = value
                } else {
                    failed = true
                }
            }
            return failed ? nil : .object(members)
        case .alias:
            // Yams resolves aliases while composing; this case only exists for hand-built trees.
            report(node, "\(key): unresolved YAML alias")
            return nil
        }
    }

    private mutating func jsonScalar(_ scalar: Node.Scalar, node: Node, key: String) -> JSONValue? {
        let text = scalar.string
        switch node.tagName {
        case .null:
            return .null
        case .bool:
            if let value = Bool.construct(from: scalar) { return .bool(value) }
            report(node, "\(key): \"\(text)\" is not a boolean")
        case .int:
            if let value = Int64.construct(from: scalar) { return .integer(value) }
            report(node, "\(key): the integer \(text) does not fit in 64 bits")
        case .float:
            if let value = Double.construct(from: scalar), value.isFinite { return .double(value) }
            report(node, "\(key): \(text) is not a finite number; JSON has no infinity or NaN")
        case .str, .timestamp, .binary, .value, .merge:
            return .string(text)
        default:
            report(node, "\(key): the YAML tag \(node.tagName.rawValue) is not supported; use a plain value")
        }
        return nil
    }
}

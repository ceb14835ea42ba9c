import AgentwsCore
import AgentwsJSON
import Yams

/// Reads composed YAML nodes into a `ConfigLayer`, checking every key and value and collecting every
/// problem with its position rather than stopping at the first.
struct LayerDecoder {
    let source: LayerSource
    /// Where `${NAME}` in a value is looked up.
    let environment: [String: String]
    private(set) var layer = ConfigLayer()
    private(set) var diagnostics: [ConfigDiagnostic] = []
    /// How many more nodes `options` may expand to. YAML aliases share nodes, so a small file can
    /// describe an exponentially large value ("billion laughs"); the budget turns that into an error.
    var optionNodeBudget = 100_000

    init(source: LayerSource, environment: [String: String]) {
        self.source = source
        self.environment = environment
    }

    mutating func report(_ node: Node?, _ message: String) {
        diagnostics.append(ConfigDiagnostic(at: source.origin(of: node), message))
    }

    func located<Value>(_ value: Value, _ node: Node) -> Located<Value> {
        Located(value: value, origin: source.origin(of: node))
    }

    // MARK: Document structure

    /// The whole document: a mapping of sections. An empty document (only comments, or `---`) is an
    /// empty layer.
    mutating func decodeDocument(_ root: Node?) {
        guard let root, !root.isNullScalar else { return }
        let expected = "a mapping with the sections \(ConfigKeys.sections.joined(separator: ", "))"
        guard let entries = entries(of: root, key: nil, expected: expected) else { return }
        for entry in entries {
            guard ConfigKeys.sections.contains(entry.name) else {
                unknownTopLevelKey(entry.name, at: entry.keyNode)
                continue
            }
            decodeSection(entry.name, entry.value)
        }
    }

    /// One top-level section. A section left empty (e.g. all its keys commented out) sets nothing.
    mutating func decodeSection(_ section: String, _ value: Node) {
        if value.isNullScalar { return }
        if section == ConfigKeys.providers {
            let expected = "a mapping of provider instance names to their settings"
            guard let entries = entries(of: value, key: section, expected: expected) else { return }
            for entry in entries {
                decodeProvider(entry.name, keyNode: entry.keyNode, value: entry.value)
            }
            return
        }
        let keys = ConfigKeys.sectionKeys[section] ?? []
        let expected = "a mapping with the keys \(keys.joined(separator: ", "))"
        guard let entries = entries(of: value, key: section, expected: expected) else { return }
        for entry in entries {
            decodeSetting(section: section, name: entry.name, keyNode: entry.keyNode, value: entry.value)
        }
    }

    /// One key of a section other than `providers`.
    mutating func decodeSetting(section: String, name: String, keyNode: Node?, value: Node) {
        let key = "\(section).\(name)"
        switch key {
        case ConfigKeys.idleTimeout:
            layer.idleTimeout = duration(value, key: key)
        case ConfigKeys.sweepInterval:
            layer.sweepInterval = duration(value, key: key)
        case ConfigKeys.onResumeFailure:
            layer.onResumeFailure = parsed(value, key: key, expected: "fail or fresh") {
                text throws(InvalidSettingValue) in
                try SettingValues.choice(text, key: key)
            }
        case ConfigKeys.transcriptMode:
            layer.transcriptMode = parsed(value, key: key, expected: "off, local or commit") {
                text throws(InvalidSettingValue) in
                try SettingValues.choice(text, key: key)
            }
        case ConfigKeys.transcriptMaxSize:
            // A bare number is bytes, and YAML reads it as an integer rather than a string.
            if case .scalar(let scalar) = value, value.tagName == .int {
                do {
                    layer.transcriptMaxSize = located(
                        try SettingValues.byteSize(scalar.string, key: key), value)
                } catch {
                    report(value, error.message)
                }
                return
            }
            layer.transcriptMaxSize = parsed(value, key: key, expected: "a size like 64MiB") {
                text throws(InvalidSettingValue) in
                try SettingValues.byteSize(text, key: key)
            }
        case ConfigKeys.defaultModel:
            layer.defaultModel = modelReference(value, key: key)
        case ConfigKeys.allow:
            layer.allow = stringList(value, key: key, expected: "a list of globs over provider/model")
        case ConfigKeys.aliases:
            decodeAliases(value)
        case ConfigKeys.onChange:
            layer.onChange = parsed(value, key: key, expected: "restart or reject") {
                text throws(InvalidSettingValue) in
                try SettingValues.choice(text, key: key)
            }
        case ConfigKeys.pluginPaths:
            layer.pluginPaths = stringList(value, key: key, expected: "a list of directories")
        case ConfigKeys.isolation:
            layer.isolation = isolation(value, key: key)
        case ConfigKeys.callTimeout:
            layer.callTimeout = duration(value, key: key)
        default:
            unknownKey(name, at: keyNode ?? value, in: section, valid: ConfigKeys.sectionKeys[section] ?? [])
        }
    }

    mutating func decodeAliases(_ value: Node) {
        if value.isNullScalar { return }
        let expected = "a mapping of alias names to provider/model"
        guard let entries = entries(of: value, key: ConfigKeys.aliases, expected: expected) else { return }
        layer.aliasesOrigin = source.origin(of: value)
        for entry in entries {
            decodeAlias(entry.name, keyNode: entry.keyNode, value: entry.value)
        }
    }

    mutating func decodeAlias(_ name: String, keyNode: Node?, value: Node) {
        if name.isEmpty || name.contains("/") || name.contains(where: \.isWhitespace) {
            report(
                keyNode ?? value,
                "\(ConfigKeys.aliases): '\(name)' is not a valid alias name "
                    + "(it must be non-empty, without '/' or spaces)"
            )
            return
        }
        if let target = modelReference(value, key: ConfigKeys.alias(name)) {
            layer.aliases[name] = target
        }
    }

    /// `providers.<name>` as a whole.
    mutating func decodeProvider(_ name: String, keyNode: Node?, value: Node) {
        guard declareProvider(name, keyNode: keyNode, value: value) else { return }
        if value.isNullScalar { return }
        let expected = "a mapping with the keys \(ConfigKeys.providerFields.joined(separator: ", "))"
        guard let entries = entries(of: value, key: "\(ConfigKeys.providers).\(name)", expected: expected)
        else {
            // Already reported; "no plugin is set" on top of it would only repeat the problem.
            layer.providers[name]?.pluginRefused = true
            return
        }
        for entry in entries {
            decodeProviderField(name, field: entry.name, keyNode: entry.keyNode, value: entry.value)
        }
    }

    /// Checks the instance name and records that this layer mentions the instance.
    mutating func declareProvider(_ name: String, keyNode: Node?, value: Node) -> Bool {
        if let problem = SettingValues.providerNameProblem(name) {
            report(
                keyNode ?? value,
                "\(ConfigKeys.providers): '\(name)' is not a valid provider instance name: \(problem)")
            return false
        }
        if layer.providers[name] == nil {
            layer.providers[name] = ProviderLayer(declaredAt: source.origin(of: keyNode ?? value))
        }
        return true
    }

    /// One field of `providers.<name>`; the instance must have been declared.
    mutating func decodeProviderField(_ name: String, field: String, keyNode: Node?, value: Node) {
        let key = ConfigKeys.provider(name, field)
        switch field {
        case "plugin":
            if let plugin = string(value, key: key, expected: "a plugin name"), !plugin.value.isEmpty {
                layer.providers[name]?.plugin = plugin
            } else {
                if value.stringScalar == "" { report(value, "\(key): the plugin name is empty") }
                layer.providers[name]?.pluginRefused = true
            }
        case "idle_timeout":
            let timeout = duration(value, key: key)
            layer.providers[name]?.idleTimeout = timeout
        case "options":
            let options = options(value, key: key)
            layer.providers[name]?.options = options
        case "isolation":
            let isolation = isolation(value, key: key)
            layer.providers[name]?.isolation = isolation
        default:
            unknownKey(
                field,
                at: keyNode ?? value,
                in: "\(ConfigKeys.providers).\(name)",
                valid: ConfigKeys.providerFields
            )
        }
    }

    // MARK: Values

    /// The entries of a mapping, with their keys as text; nil (after reporting) when `node` is not a
    /// mapping. `key` is nil for the top level.
    mutating func entries(of node: Node, key: String?, expected: String) -> [(
        name: String, keyNode: Node, value: Node
    )]? {
        guard case .mapping(let mapping) = node else {
            let subject = key.map { "\($0): expected" } ?? "the top level must be"
            report(node, "\(subject) \(expected), found \(node.kindDescription)")
            return nil
        }
        var result: [(name: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                report(
                    keyNode,
                    (key.map { "\($0): " } ?? "")
                        + "a key must be a plain name, found \(keyNode.kindDescription)"
                )
                continue
            }
            result.append((scalar.string, keyNode, value))
        }
        return result
    }

    /// A scalar YAML reads as a string, with its `${NAME}` references resolved.
    mutating func string(_ node: Node, key: String, expected: String) -> Located<String>? {
        parsed(node, key: key, expected: expected) { text throws(InvalidSettingValue) in text }
    }

    /// A string scalar, its references resolved, turned into a value by `parse`, whose error message
    /// already names the key.
    mutating func parsed<Value>(
        _ node: Node,
        key: String,
        expected: String,
        _ parse: (String) throws(InvalidSettingValue) -> Value
    ) -> Located<Value>? {
        guard let text = node.stringScalar else {
            report(node, "\(key): expected \(expected), found \(node.kindDescription)\(node.quoteHint)")
            return nil
        }
        do {
            let parsed = try VariableReferences.resolveAndParse(
                text, key: key, expected: expected, environment: environment, parse)
            var result = located(parsed.value, node)
            result.written = parsed.written
            return result
        } catch {
            report(node, error.message)
            return nil
        }
    }

    mutating func isolation(_ node: Node, key: String) -> Located<Configuration.Isolation>? {
        parsed(node, key: key, expected: "process or in-process") { text throws(InvalidSettingValue) in
            try SettingValues.choice(text, key: key)
        }
    }

    mutating func duration(_ node: Node, key: String) -> Located<ConfigDuration>? {
        if case .scalar = node, node.tagName == .int || node.tagName == .float {
            report(
                node,
                "\(key): expected a duration like 5m, found \(node.kindDescription); "
                    + "durations need a unit, e.g. 30s or 30m"
            )
            return nil
        }
        return parsed(node, key: key, expected: "a duration like 5m") { text throws(InvalidSettingValue) in
            try SettingValues.duration(text, key: key)
        }
    }

    mutating func modelReference(_ node: Node, key: String) -> Located<String>? {
        parsed(node, key: key, expected: "provider/model") { text throws(InvalidSettingValue) in
            try SettingValues.modelReference(text, key: key)
        }
    }

    /// A list of non-empty strings; nil when the list or any entry is wrong, since a list replaces the
    /// earlier layers' list as a whole.
    mutating func stringList(_ node: Node, key: String, expected: String) -> Located<[Located<String>]>? {
        guard case .sequence(let sequence) = node else {
            let hint =
                node.stringScalar != nil ? "; write [\(node.stringScalar ?? "")] for a single entry" : ""
            let empty = node.isNullScalar ? "; write [] for an empty list" : ""
            report(node, "\(key): expected \(expected), found \(node.kindDescription)\(hint)\(empty)")
            return nil
        }
        var entries: [Located<String>] = []
        var valid = true
        for element in sequence {
            guard let entry = string(element, key: key, expected: "text in each entry") else {
                valid = false
                continue
            }
            if entry.value.trimmingWhitespace().isEmpty {
                report(element, "\(key): an entry is empty; remove it or fill it in")
                valid = false
                continue
            }
            entries.append(entry)
        }
        guard valid else { return nil }
        var list = located(entries, node)
        list.written = ConfigWrittenValue.list(entries.map { ($0.value, $0.written) })
        return list
    }

    // MARK: Unknown keys

    mutating func unknownKey(_ name: String, at node: Node, in scope: String, valid: [String]) {
        if name == "<<" {
            report(node, "\(scope): YAML merge keys ('<<') are not supported; write the keys out")
            return
        }
        let suggestion = Suggestions.didYouMean(name, among: valid)
        report(
            node,
            "unknown key '\(name)' in \(scope)\(suggestion) (valid keys: \(valid.joined(separator: ", ")))")
    }

    /// An unknown top-level key; a key that belongs inside a section is pointed there.
    mutating func unknownTopLevelKey(_ name: String, at node: Node) {
        if name == "<<" {
            report(node, "YAML merge keys ('<<') are not supported; write the keys out")
            return
        }
        var suggestion = Suggestions.didYouMean(name, among: ConfigKeys.sections)
        if suggestion.isEmpty {
            let nested = ConfigKeys.sections.flatMap { section in
                (ConfigKeys.sectionKeys[section] ?? []).map { "\(section).\($0)" }
            }
            let leaf = nested.map { String($0.drop { $0 != "." }.dropFirst()) }
            if let match = Suggestions.closest(to: name, among: leaf), let index = leaf.firstIndex(of: match)
            {
                suggestion = "; did you mean '\(nested[index])'? (it belongs inside its section)"
            }
        }
        report(
            node,
            "unknown top-level key '\(name)'\(suggestion) "
                + "(valid keys: \(ConfigKeys.sections.joined(separator: ", ")))"
        )
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let start = drop { $0.isWhitespace }
        return start.dropLast(start.reversed().prefix { $0.isWhitespace }.count)
    }
}

import Yams

extension LayerDecoder {
    /// One `--set key=value` override. The value is read as YAML, so `5m`, `[codex/*]` and
    /// `{plugin: codex}` all work; an empty value is an empty (null) value.
    mutating func decodeOverride(_ override: ConfigOverride) {
        let value: Node
        do {
            value =
                try YAMLDocument.compose(override.value)
                ?? Node.scalar(.init("", Tag(.null, .basic, .default)))
        } catch {
            report(nil, "the value is not valid YAML: \(error.message)")
            return
        }
        decodeOverride(key: override.key, value: value)
    }

    mutating func decodeOverride(key: String, value: Node) {
        let segments = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let section = segments.first, !segments.contains(where: \.isEmpty) else {
            report(value, "'\(key)' is not a dotted key like reaper.idle_timeout")
            return
        }
        guard ConfigKeys.sections.contains(section) else {
            unknownTopLevelKey(section, at: value)
            return
        }
        let rest = Array(segments.dropFirst())
        guard let first = rest.first else {
            decodeSection(section, value)
            return
        }
        if section == ConfigKeys.providers {
            // Provider names may contain dots, field names never do: the last segment is the field
            // when there are several. A whole provider whose name has a dot can be set through
            // `providers={name: {...}}`.
            guard rest.count > 1, let field = rest.last else {
                decodeProvider(first, keyNode: nil, value: value)
                return
            }
            let name = rest.dropLast().joined(separator: ".")
            guard declareProvider(name, keyNode: nil, value: value) else { return }
            decodeProviderField(name, field: field, keyNode: nil, value: value)
            return
        }
        if "\(section).\(first)" == ConfigKeys.aliases, rest.count > 1 {
            decodeAlias(rest.dropFirst().joined(separator: "."), keyNode: nil, value: value)
            return
        }
        let valid = ConfigKeys.sectionKeys[section] ?? []
        guard rest.count == 1 || !valid.contains(first) else {
            report(value, "\(section).\(first) has no keys inside it; set '\(section).\(first)' itself")
            return
        }
        decodeSetting(section: section, name: first, keyNode: nil, value: value)
    }
}

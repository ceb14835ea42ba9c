import AgentwsCore
import AgentwsJSON

/// Reads a method's result object; every missing or mistyped field is a `provider-failed` error
/// naming the plugin, its file and the method.
struct ReplyFields {
    let label: String
    let method: String
    let value: JSONValue
    private let fields: [String: JSONValue]

    init(_ value: JSONValue, label: String, method: String) throws(ProviderError) {
        self.label = label
        self.method = method
        self.value = value
        guard case .object(let fields) = value else {
            throw ReplyFields.malformed(
                label: label, method: method, "result is \(value.kindDescription), not an object")
        }
        self.fields = fields
    }

    func string(_ key: String) throws(ProviderError) -> String {
        guard let text = fields[key]?.stringValue else { throw missing(key, "a string") }
        return text
    }

    func bool(_ key: String) throws(ProviderError) -> Bool {
        guard let flag = fields[key]?.boolValue else { throw missing(key, "true or false") }
        return flag
    }

    /// A boolean member that may be absent or null (then nil).
    func optionalBool(_ key: String) throws(ProviderError) -> Bool? {
        guard let member = optional(key) else { return nil }
        guard let flag = member.boolValue else { throw missing(key, "true, false or null") }
        return flag
    }

    /// A string member that may be absent or null (then nil).
    func optionalString(_ key: String) throws(ProviderError) -> String? {
        guard let member = optional(key) else { return nil }
        guard let text = member.stringValue else { throw missing(key, "a string or null") }
        return text
    }

    /// The member, or nil when it is absent or null.
    func optional(_ key: String) -> JSONValue? {
        guard let member = fields[key], member != .null else { return nil }
        return member
    }

    /// An error for a result that does not say what the method promises.
    func malformed(_ problem: String) -> ProviderError {
        ReplyFields.malformed(label: label, method: method, "\(problem) in \(ReplyFields.excerpt(value))")
    }

    private func missing(_ key: String, _ expected: String) -> ProviderError {
        malformed("result needs \"\(key)\" (\(expected))")
    }

    static func malformed(label: String, method: String, _ problem: String) -> ProviderError {
        ProviderError(.providerFailed, "\(label): \(method) \(problem)")
    }

    /// Compact JSON, cut short so that a huge reply does not flood the terminal.
    static func excerpt(_ value: JSONValue) -> String {
        let text = JSONWriter.compactString(value)
        return text.count <= 200 ? text : text.prefix(200) + "…"
    }
}

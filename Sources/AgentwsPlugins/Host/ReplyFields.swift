import AgentwsCore
import AgentwsJSON

/// Reads a method's result object with `JSONObjectReader`; every missing or mistyped field is a
/// `provider-failed` error naming the plugin, its file and the method:
/// `plugin echo (/p/echo.so): send result.stopReason: missing, expected a string in {}`.
struct ReplyFields {
    let label: String
    let method: String
    let value: JSONValue
    private let reader: JSONObjectReader

    init(_ value: JSONValue, label: String, method: String) throws(ProviderError) {
        self.label = label
        self.method = method
        self.value = value
        do {
            reader = try JSONObjectReader(value, path: "result")
        } catch {
            throw ReplyFields.malformed(label: label, method: method, error.description)
        }
    }

    /// Runs a read of the reader, its problem made `provider-failed`.
    private func read<Value>(_ body: (JSONObjectReader) throws(JSONFieldError) -> Value) throws(ProviderError)
        -> Value
    {
        do {
            return try body(reader)
        } catch {
            throw malformed(error.description)
        }
    }

    func string(_ key: String) throws(ProviderError) -> String {
        try read { reader throws(JSONFieldError) in try reader.string(key) }
    }

    func bool(_ key: String) throws(ProviderError) -> Bool {
        try read { reader throws(JSONFieldError) in try reader.bool(key) }
    }

    /// A boolean member that may be absent or null (then nil).
    func optionalBool(_ key: String) throws(ProviderError) -> Bool? {
        try read { reader throws(JSONFieldError) in try reader.optionalBool(key) }
    }

    /// A string member that may be absent or null (then nil).
    func optionalString(_ key: String) throws(ProviderError) -> String? {
        try read { reader throws(JSONFieldError) in try reader.optionalString(key) }
    }

    /// The member, or nil when it is absent or null.
    func optional(_ key: String) -> JSONValue? { reader.optional(key) }

    /// An error for a result that does not say what the method promises.
    func malformed(_ problem: String) -> ProviderError {
        ReplyFields.malformed(label: label, method: method, "\(problem) in \(ReplyFields.excerpt(value))")
    }

    static func malformed(label: String, method: String, _ problem: String) -> ProviderError {
        ProviderError(.providerFailed, "\(label): \(method) \(problem)")
    }

    /// Compact JSON, cut short so that a huge reply does not flood the terminal.
    static func excerpt(_ value: JSONValue) -> String { JSONFieldError.excerpt(value) }
}

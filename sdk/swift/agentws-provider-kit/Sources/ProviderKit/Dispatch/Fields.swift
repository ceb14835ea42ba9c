import AgentwsJSON

/// The members of a request object, read with messages that name the method and the member.
struct Fields {
    /// What the object is, for messages: `start params`, `the configuration`.
    let context: String
    let members: [String: JSONValue]

    init(_ value: JSONValue, context: String) throws(PluginError) {
        guard case .object(let members) = value else {
            throw PluginError(
                code: .invalidRequest, message: "\(context) must be an object, got \(value.kindDescription)")
        }
        self.context = context
        self.members = members
    }

    func string(_ key: String) throws(PluginError) -> String {
        guard let value = members[key] else { throw missing(key) }
        guard case .string(let text) = value else { throw wrongKind(key, value, expected: "a string") }
        return text
    }

    /// A string member that may be absent or null.
    func optionalString(_ key: String) throws(PluginError) -> String? {
        guard let value = members[key], !value.isNull else { return nil }
        guard case .string(let text) = value else {
            throw wrongKind(key, value, expected: "a string or null")
        }
        return text
    }

    /// An object member that may be absent or null (then empty).
    func optionalObject(_ key: String) throws(PluginError) -> [String: JSONValue] {
        guard let value = members[key], !value.isNull else { return [:] }
        guard case .object(let object) = value else {
            throw wrongKind(key, value, expected: "an object or null")
        }
        return object
    }

    /// Any member that must be present and not null.
    func required(_ key: String) throws(PluginError) -> JSONValue {
        guard let value = optionalValue(key) else { throw missing(key) }
        return value
    }

    /// Any member that may be absent or null (then nil).
    func optionalValue(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    private func missing(_ key: String) -> PluginError {
        PluginError(code: .invalidRequest, message: "\(context): \"\(key)\" is missing")
    }

    private func wrongKind(_ key: String, _ value: JSONValue, expected: String) -> PluginError {
        PluginError(
            code: .invalidRequest,
            message: "\(context): \"\(key)\" must be \(expected), got \(value.kindDescription)"
        )
    }
}

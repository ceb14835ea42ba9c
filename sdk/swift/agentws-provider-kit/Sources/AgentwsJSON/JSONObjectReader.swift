/// A member of a JSON object that is missing or holds the wrong kind of value, named by its path:
/// `params.cwd: expected a string, found 3`, `params.cwd: missing, expected a string`. Every reader
/// of typed fields (plugin requests, plugin replies, ACP parameters, binding files, provider options)
/// reports its problems in these words and wraps them in its own error type.
public struct JSONFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the member is: `params.cwd`, `result.session`, `options.delay_ms`.
    public let path: String
    /// What it must be: `a string`, `a string or null`, `one of in-session, restart`.
    public let expected: String
    /// What is there; nil when the member is missing.
    public let found: JSONValue?

    public init(path: String, expected: String, found: JSONValue?) {
        self.path = path
        self.expected = expected
        self.found = found
    }

    public var description: String {
        guard let found else { return "\(path): missing, expected \(expected)" }
        return "\(path): expected \(expected), found \(Self.excerpt(found))"
    }

    /// Compact JSON, cut short so that a huge value does not flood a message.
    public static func excerpt(_ value: JSONValue, limit: Int = 200) -> String {
        let text = JSONWriter.compactString(value)
        return text.count <= limit ? text : text.prefix(limit) + "…"
    }
}

/// Reads the members of one JSON object by type. A member that is absent and one that is `null` are
/// the same to every `optional…` reader (nil); the other readers refuse both as missing.
public struct JSONObjectReader: Sendable {
    /// The object's own path, which prefixes every member's: `params`, `result`, `options`.
    public let path: String
    public let members: [String: JSONValue]

    /// The reader of `value`, which must be an object.
    public init(_ value: JSONValue, path: String) throws(JSONFieldError) {
        guard case .object(let members) = value else {
            throw JSONFieldError(path: path, expected: "an object", found: value)
        }
        self.init(members: members, path: path)
    }

    /// The reader of `value`, which may also be absent or null (then empty).
    public init(optional value: JSONValue?, path: String) throws(JSONFieldError) {
        guard let value, !value.isNull else {
            self.init(members: [:], path: path)
            return
        }
        try self.init(value, path: path)
    }

    public init(members: [String: JSONValue], path: String) {
        self.path = path
        self.members = members
    }

    /// The path of member `key`: `params.cwd`.
    public func path(of key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The error for member `key`, which is not `expected`; `found` nil means missing.
    public func problem(_ key: String, expected: String, found: JSONValue?) -> JSONFieldError {
        JSONFieldError(path: path(of: key), expected: expected, found: found)
    }

    /// Member `key`, nil when absent or null.
    public func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    /// Member `key`, which must be there and not null.
    public func required(_ key: String, expected: String = "a value") throws(JSONFieldError) -> JSONValue {
        guard let value = optional(key) else { throw problem(key, expected: expected, found: members[key]) }
        return value
    }

    /// Refuses a member whose name is not in `known`, naming the known ones.
    public func refuseUnknown(_ known: [String]) throws(JSONFieldError) {
        for name in members.keys.sorted() where !known.contains(name) {
            throw JSONFieldError(
                path: path(of: name),
                expected: "no such member (known: \(known.sorted().joined(separator: ", ")))",
                found: members[name])
        }
    }

    // MARK: typed members

    public func string(_ key: String) throws(JSONFieldError) -> String {
        try typed(key, "a string") { $0.stringValue }
    }

    public func optionalString(_ key: String) throws(JSONFieldError) -> String? {
        try optionalTyped(key, "a string or null") { $0.stringValue }
    }

    public func bool(_ key: String) throws(JSONFieldError) -> Bool {
        try typed(key, "true or false") { $0.boolValue }
    }

    public func optionalBool(_ key: String) throws(JSONFieldError) -> Bool? {
        try optionalTyped(key, "true, false or null") { $0.boolValue }
    }

    public func integer(_ key: String) throws(JSONFieldError) -> Int64 {
        try typed(key, "a whole number") { $0.integerValue }
    }

    public func optionalInteger(_ key: String) throws(JSONFieldError) -> Int64? {
        try optionalTyped(key, "a whole number or null") { $0.integerValue }
    }

    public func array(_ key: String) throws(JSONFieldError) -> [JSONValue] {
        try typed(key, "an array") { $0.arrayValue }
    }

    public func optionalArray(_ key: String) throws(JSONFieldError) -> [JSONValue]? {
        try optionalTyped(key, "an array or null") { $0.arrayValue }
    }

    /// Member `key` as an object, read by its own reader (whose path continues this one's).
    public func object(_ key: String) throws(JSONFieldError) -> JSONObjectReader {
        JSONObjectReader(members: try typed(key, "an object") { $0.objectValue }, path: path(of: key))
    }

    /// Member `key` as an object that may be absent or null (then empty).
    public func optionalObject(_ key: String) throws(JSONFieldError) -> JSONObjectReader {
        let members = try optionalTyped(key, "an object or null") { $0.objectValue }
        return JSONObjectReader(members: members ?? [:], path: path(of: key))
    }

    /// Member `key` converted by `convert`, which returns nil for a value that is not `expected`.
    public func typed<Value>(_ key: String, _ expected: String, _ convert: (JSONValue) -> Value?)
        throws(JSONFieldError) -> Value
    {
        guard let value = optional(key) else { throw problem(key, expected: expected, found: members[key]) }
        guard let converted = convert(value) else { throw problem(key, expected: expected, found: value) }
        return converted
    }

    /// `typed` for a member that may be absent or null (then nil).
    public func optionalTyped<Value>(_ key: String, _ expected: String, _ convert: (JSONValue) -> Value?)
        throws(JSONFieldError) -> Value?
    {
        guard let value = optional(key) else { return nil }
        guard let converted = convert(value) else { throw problem(key, expected: expected, found: value) }
        return converted
    }
}

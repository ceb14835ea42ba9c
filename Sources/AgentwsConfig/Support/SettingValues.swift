import AgentwsCore

/// Why a setting's text is not a valid value; the caller adds where it came from.
struct InvalidSettingValue: Error, Sendable, Equatable {
    let message: String
}

/// Parsing of the scalar settings from text, shared by the YAML files, the environment variables and
/// the flags so that all three accept and refuse exactly the same values.
enum SettingValues {
    /// A positive duration such as `45s`, `5m`, `1h30m` or `200ms`.
    static func duration(_ text: String, key: String) throws(InvalidSettingValue) -> ConfigDuration {
        if text.contains(".") {
            throw InvalidSettingValue(
                message: "\(key): invalid duration \"\(text)\": fractions are not supported; "
                    + "combine units instead, e.g. 1h30m"
            )
        }
        let duration: ConfigDuration
        do {
            duration = try ConfigDuration(parsing: text)
        } catch {
            throw InvalidSettingValue(message: "\(key): \(error)")
        }
        guard duration.milliseconds > 0 else {
            throw InvalidSettingValue(message: "\(key): the duration must be positive, found \"\(text)\"")
        }
        return duration
    }

    /// A positive size such as `64MiB`, `512KiB` or `4096` (bytes).
    static func byteSize(_ text: String, key: String) throws(InvalidSettingValue) -> ConfigByteSize {
        let size: ConfigByteSize
        do {
            size = try ConfigByteSize(parsing: text)
        } catch {
            throw InvalidSettingValue(message: "\(key): \(error)")
        }
        guard size.bytes > 0 else {
            throw InvalidSettingValue(message: "\(key): the size must be positive, found \"\(text)\"")
        }
        return size
    }

    /// One of the cases of a policy enum, by its raw value.
    static func choice<Choice: RawRepresentable & CaseIterable>(
        _ text: String,
        key: String,
        as type: Choice.Type = Choice.self
    ) throws(InvalidSettingValue) -> Choice where Choice.RawValue == String {
        if let choice = Choice(rawValue: text) { return choice }
        let names = Choice.allCases.map(\.rawValue)
        let list = names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        throw InvalidSettingValue(
            message: "\(key): expected \(list), found \"\(text)\""
                + Suggestions.didYouMean(text, among: names)
        )
    }

    /// A `provider/model` reference: a valid provider instance name, a slash, a non-empty model name
    /// (which may itself contain slashes, as some providers' model names do).
    static func modelReference(_ text: String, key: String) throws(InvalidSettingValue) -> String {
        guard let slash = text.firstIndex(of: "/") else {
            throw InvalidSettingValue(
                message: "\(key): expected provider/model (e.g. codex/gpt-5), found \"\(text)\"")
        }
        let provider = String(text[..<slash])
        let model = text[text.index(after: slash)...]
        if let problem = providerNameProblem(provider) {
            throw InvalidSettingValue(
                message: "\(key): \"\(text)\" does not start with a valid provider name: \(problem)"
            )
        }
        guard !model.isEmpty else {
            throw InvalidSettingValue(message: "\(key): \"\(text)\" names no model after the '/'")
        }
        return text
    }

    /// The provider part of a `provider/model` reference that `modelReference` accepted.
    static func provider(ofModelReference text: String) -> String {
        String(text.prefix { $0 != "/" })
    }

    /// Provider instance names follow the thread id rules (SPEC §3.1): they name state directories.
    static func providerNameProblem(_ name: String) -> String? {
        ThreadID.problem(with: name)
    }
}

import Yams

/// A value in a configuration file that looks like a literal credential. It says where the value is and
/// why it looks like one, and never holds the value (or any part of it).
package struct CredentialFinding: Sendable, Equatable {
    /// 1-based position of the value.
    package let line: Int
    package let column: Int
    /// The dotted key of the value, as in the configuration's other messages; a list item adds its
    /// index: `providers.codex.options.args[3]`.
    package let key: String
    /// Why the value looks like a credential: `a credential-like key name`, `it looks like a GitHub token`.
    package let reason: String
    /// A variable name to suggest for `${NAME}`.
    package let suggestedVariable: String
}

/// Finds literal credentials in the text of a configuration file (docs/configuration.md, "Credentials
/// in tracked files"): string values under credential-like key names that do not use `${NAME}`, and
/// string values holding a well-known token prefix. Works on the file as written, before
/// substitution; a file that is not valid YAML has no findings (loading reports it).
package enum CredentialScanner {
    /// The findings in `text`, in file order.
    package static func findings(in text: String) -> [CredentialFinding] {
        guard let root = try? YAMLDocument.compose(text) else { return [] }
        var scan = Scan()
        scan.walk(root, key: "", name: nil)
        return scan.findings.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// The findings in the file at `path`; none when it is absent or unreadable (loading reports that).
    package static func findings(inFileAt path: String) -> [CredentialFinding] {
        guard case .text(let text) = ConfigFileReader.read(path: path) else { return [] }
        return findings(in: text)
    }

    // MARK: Key names

    /// Words that make a key name a credential's.
    static let credentialWords: Set<String> = [
        "token", "secret", "secrets", "password", "passwd", "passphrase", "credential", "credentials",
        "authorization",
        "apikey", "bearer",
    ]
    /// Words that, before `key`, make the pair a credential's (`api_key`, `secret_access_key`).
    static let keyQualifiers: Set<String> = [
        "api", "access", "secret", "private", "auth", "client", "signing", "encryption", "master",
    ]
    /// Last words that say the value is about a credential rather than the credential itself.
    static let descriptiveWords: Set<String> = [
        "file", "path", "dir", "directory", "name", "env", "var", "variable", "url", "uri", "endpoint",
        "type", "kind", "mode", "count", "limit", "size", "length", "ttl", "timeout", "expiry", "expires",
        "header", "command", "cmd", "helper", "source", "format", "policy", "provider", "scope", "scopes",
        "enabled", "id",
    ]

    /// The words of a key: split at anything but letters and digits, and where a lowercase letter is
    /// followed by an uppercase one; lowercased.
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousIsLower = false
        for character in name {
            guard character.isLetter || character.isNumber else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousIsLower = false
                continue
            }
            if character.isUppercase, previousIsLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += character.lowercased()
            previousIsLower = character.isLowercase
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Whether a key (or a command-line option's name) names a credential.
    static func isCredentialName(_ name: String) -> Bool {
        let words = words(of: name)
        guard let last = words.last, !descriptiveWords.contains(last) else { return false }
        if words.contains(where: credentialWords.contains) { return true }
        return zip(words, words.dropFirst()).contains { keyQualifiers.contains($0) && $1 == "key" }
    }

    /// `OPENAI_API_KEY` for itself, `API_KEY` for `apiKey` or `--api-key`.
    static func variableName(for name: String) -> String {
        words(of: name).map { $0.uppercased() }.joined(separator: "_")
    }

    // MARK: Token prefixes

    /// A well-known credential format: one of some prefixes, then at least `minimum` token characters.
    struct TokenFormat {
        let prefixes: [String]
        let minimum: Int
        /// Exactly `minimum` characters, all uppercase letters or digits (AWS key ids); otherwise any
        /// number from `minimum` on, of letters, digits, `_` and `-`.
        var exactUppercase = false
        let kind: String
        let variable: String
    }

    /// Longer prefixes first, so `sk-ant-` is named before `sk-`.
    static let tokenFormats: [TokenFormat] = [
        TokenFormat(
            prefixes: ["sk-ant-"], minimum: 20, kind: "an Anthropic API key", variable: "ANTHROPIC_API_KEY"),
        TokenFormat(prefixes: ["sk-"], minimum: 20, kind: "an OpenAI API key", variable: "OPENAI_API_KEY"),
        TokenFormat(
            prefixes: ["github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"], minimum: 20,
            kind: "a GitHub token",
            variable: "GITHUB_TOKEN"),
        TokenFormat(prefixes: ["glpat-"], minimum: 20, kind: "a GitLab token", variable: "GITLAB_TOKEN"),
        TokenFormat(
            prefixes: ["xoxb-", "xoxp-", "xoxa-", "xapp-"], minimum: 10, kind: "a Slack token",
            variable: "SLACK_TOKEN"),
        TokenFormat(
            prefixes: ["AKIA", "ASIA"], minimum: 16, exactUppercase: true, kind: "an AWS access key id",
            variable: "AWS_ACCESS_KEY_ID"),
        TokenFormat(prefixes: ["AIza"], minimum: 30, kind: "a Google API key", variable: "GOOGLE_API_KEY"),
        TokenFormat(prefixes: ["hf_"], minimum: 20, kind: "a Hugging Face token", variable: "HF_TOKEN"),
        TokenFormat(
            prefixes: ["sk_live_", "rk_live_"], minimum: 16, kind: "a Stripe key", variable: "STRIPE_API_KEY"),
        TokenFormat(prefixes: ["npm_"], minimum: 30, kind: "an npm token", variable: "NPM_TOKEN"),
        TokenFormat(prefixes: ["pypi-"], minimum: 20, kind: "a PyPI token", variable: "PYPI_TOKEN"),
    ]

    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII
            && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
                || scalar == "-")
    }

    /// The well-known credential format a word of `text` has, if any.
    static func tokenFormat(in text: String) -> TokenFormat? {
        if text.contains("-----BEGIN"), text.contains("PRIVATE KEY") {
            return TokenFormat(prefixes: [], minimum: 0, kind: "a private key", variable: "PRIVATE_KEY")
        }
        let scalars = Array(text.unicodeScalars)
        for start in scalars.indices where start == 0 || !isTokenCharacter(scalars[start - 1]) {
            for format in tokenFormats
            where format.prefixes.contains(where: { matches(format, prefix: $0, scalars, at: start) }) {
                return format
            }
        }
        return nil
    }

    private static func matches(
        _ format: TokenFormat, prefix: String, _ scalars: [Unicode.Scalar], at start: Int
    ) -> Bool {
        let prefix = Array(prefix.unicodeScalars)
        guard start + prefix.count <= scalars.count, Array(scalars[start..<start + prefix.count]) == prefix
        else { return false }
        let rest = scalars[(start + prefix.count)...]
        if format.exactUppercase {
            let body = rest.prefix { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
            let next = rest.dropFirst(body.count).first
            return body.count == format.minimum && (next.map { !isTokenCharacter($0) } ?? true)
        }
        return rest.prefix(while: isTokenCharacter).count >= format.minimum
    }

    // MARK: Walking the document

    private struct Scan {
        var findings: [CredentialFinding] = []
        /// Positions already reported: an aliased node is reached once per alias.
        var reported: Set<[Int]> = []

        mutating func walk(_ node: Node, key: String, name: String?) {
            switch node {
            case .mapping(let mapping):
                for (keyNode, value) in mapping {
                    guard case .scalar(let scalar) = keyNode else { continue }
                    let child = scalar.string
                    walk(value, key: key.isEmpty ? child : "\(key).\(child)", name: child)
                }
            case .sequence(let sequence):
                var optionName: String?
                for (index, item) in sequence.enumerated() {
                    let itemKey = "\(key)[\(index)]"
                    guard let text = item.stringScalar else {
                        walk(item, key: itemKey, name: name)
                        optionName = nil
                        continue
                    }
                    if let option = optionName {
                        check(item, text: text, key: itemKey, name: option)
                        optionName = nil
                        continue
                    }
                    if text.hasPrefix("-"), let equals = text.firstIndex(of: "=") {
                        // `--api-key=VALUE`: the value is checked like that key's.
                        let option = String(text[..<equals])
                        let value = String(text[text.index(after: equals)...])
                        check(item, text: value, key: itemKey, name: isCredentialName(option) ? option : name)
                    } else if text.hasPrefix("-"), isCredentialName(text) {
                        optionName = text
                    } else {
                        check(item, text: text, key: itemKey, name: name)
                    }
                }
            case .scalar:
                guard let text = node.stringScalar else { return }
                check(node, text: text, key: key, name: name)
            case .alias:
                return
            }
        }

        /// Checks one string value whose key (or option) is `name`.
        mutating func check(_ node: Node, text: String, key: String, name: String?) {
            let parts = (try? VariableReferences.parse(text)) ?? [.literal(text)]
            let usesVariables = parts.contains { if case .variable = $0 { true } else { false } }
            let credentialName = name.map(isCredentialName) ?? false
            if credentialName, !usesVariables, !text.trimmingWhitespace().isEmpty {
                add(
                    node, key: key, reason: "a credential-like key name",
                    variable: variableName(for: name ?? key))
                return
            }
            for case .literal(let literal) in parts {
                guard let format = tokenFormat(in: literal) else { continue }
                let variable = credentialName ? variableName(for: name ?? key) : format.variable
                add(node, key: key, reason: "it looks like \(format.kind)", variable: variable)
                return
            }
        }

        mutating func add(_ node: Node, key: String, reason: String, variable: String) {
            let line = node.mark?.line ?? 1
            let column = node.mark?.column ?? 1
            guard reported.insert([line, column]).inserted else { return }
            findings.append(
                CredentialFinding(
                    line: line, column: column, key: key, reason: reason, suggestedVariable: variable))
        }
    }
}

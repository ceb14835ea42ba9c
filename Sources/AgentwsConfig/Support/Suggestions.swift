/// "Did you mean …?" for misspelt keys and values.
enum Suggestions {
    /// The candidate closest to `word`, when it is close enough to be a likely typo. Case, `_` and `-`
    /// are ignored, so `idle-timeout` and `IdleTimeout` both find `idle_timeout`.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let target = normalized(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let normalizedCandidate = normalized(candidate)
            // Roughly one edit per four characters: enough for typos, not enough for unrelated words.
            let limit = max(1, (normalizedCandidate.count + 2) / 4)
            let distance = editDistance(target, normalizedCandidate)
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// `; did you mean 'x'?` or nothing.
    static func didYouMean(_ word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    private static func normalized(_ text: String) -> [Character] {
        Array(text.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance: insertions, deletions and substitutions each cost one.
    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for (row, left) in lhs.enumerated() {
            current[0] = row + 1
            for (column, right) in rhs.enumerated() {
                let substitution = previous[column] + (left == right ? 0 : 1)
                current[column + 1] = min(substitution, previous[column + 1] + 1, current[column] + 1)
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }
}

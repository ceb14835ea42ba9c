/// Shell-style pattern matching for `models.allow`: `*` matches any run of characters (slashes
/// included), `?` exactly one; everything else matches itself.
struct Glob: Sendable, Equatable {
    let pattern: String
    private let characters: [Character]

    init(_ pattern: String) {
        self.pattern = pattern
        self.characters = Array(pattern)
    }

    func matches(_ text: String) -> Bool {
        let subject = Array(text)
        var p = 0
        var s = 0
        var starP = -1
        var starS = 0
        // Iterative matcher with single-star backtracking: linear in practice, no recursion.
        while s < subject.count {
            if p < characters.count
                && (characters[p] == "?" || (characters[p] != "*" && characters[p] == subject[s]))
            {
                p += 1
                s += 1
            } else if p < characters.count && characters[p] == "*" {
                starP = p
                starS = s
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starS += 1
                s = starS
            } else {
                return false
            }
        }
        while p < characters.count && characters[p] == "*" { p += 1 }
        return p == characters.count
    }
}

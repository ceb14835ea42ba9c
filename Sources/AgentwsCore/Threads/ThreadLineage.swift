/// Who forked from whom (SPEC §12), from the `parent` fields of every binding: what `list` and
/// `show` report as lineage and what `list --tree` draws. Built from whatever the files say — a
/// parent without a binding and parent chains that loop (hand edits, merges) included — and never
/// loops itself.
public struct ThreadLineage: Sendable, Equatable {
    /// Every thread with a binding file (readable or not) and its parent (nil for none, or for an
    /// unreadable file).
    public let parents: [String: String?]
    /// Each parent's children, sorted.
    public let children: [String: [String]]

    public init(parents: [String: String?]) {
        self.parents = parents
        var children: [String: [String]] = [:]
        for (thread, parent) in parents {
            if let parent { children[parent, default: []].append(thread) }
        }
        self.children = children.mapValues { $0.sorted() }
    }

    /// From a listing of binding files.
    public init(_ listings: [BindingListing]) {
        var parents: [String: String?] = [:]
        for listing in listings {
            switch listing {
            case .binding(let binding):
                // `.some`: assigning a plain nil would remove the key.
                parents[binding.threadID.rawValue] = .some(binding.parent?.thread.rawValue)
            case .unreadable(let thread, _): parents[thread] = .some(nil)
            }
        }
        self.init(parents: parents)
    }

    /// Whether the thread has a binding file.
    public func exists(_ thread: String) -> Bool { parents.index(forKey: thread) != nil }

    /// One entry of the drawn tree.
    public struct Node: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// A thread with a binding file.
            case thread
            /// A parent named by a binding that has no binding file (unbound, or not merged here).
            case missing
            /// A thread already drawn higher up this branch: its parent chain loops. Drawn once more
            /// to show where the loop closes, without its children.
            case cycle
        }

        public var thread: String
        public var kind: Kind
        public var children: [Node]

        public init(thread: String, kind: Kind, children: [Node] = []) {
            self.thread = thread
            self.kind = kind
            self.children = children
        }
    }

    /// The forest `list --tree` draws: threads without a parent at the top, a missing parent as a
    /// node of its own above its children, and every thread of a parent loop under the loop's
    /// smallest id. Each thread with a binding appears exactly once as `.thread`.
    public func tree() -> [Node] {
        var drawn: Set<String> = []
        var roots: [String] = []
        var missing: Set<String> = []
        for (thread, parent) in parents {
            guard let parent else {
                roots.append(thread)
                continue
            }
            if !exists(parent) {
                missing.insert(parent)
            }
        }
        var forest: [(String, Node)] = []
        for root in roots { forest.append((root, draw(root, drawn: &drawn, path: []))) }
        for parent in missing {
            let kids = (children[parent] ?? []).map { draw($0, drawn: &drawn, path: [parent]) }
            forest.append((parent, Node(thread: parent, kind: .missing, children: kids)))
        }
        // What is left hangs below a parent loop: start each loop at its smallest id.
        for thread in parents.keys.sorted() where !drawn.contains(thread) {
            let start = loopStart(above: thread)
            forest.append((start, draw(start, drawn: &drawn, path: [])))
        }
        return forest.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The smallest id of the parent loop that `thread`'s parent chain ends in (`thread` itself
    /// when the chain ends otherwise).
    private func loopStart(above thread: String) -> String {
        var seen: [String] = []
        var current = thread
        while !seen.contains(current) {
            seen.append(current)
            guard let parent = parents[current] ?? nil, exists(parent) else { return thread }
            current = parent
        }
        let loop = seen[(seen.firstIndex(of: current) ?? 0)...]
        return loop.min() ?? thread
    }

    private func draw(_ thread: String, drawn: inout Set<String>, path: Set<String>) -> Node {
        if path.contains(thread) || drawn.contains(thread) { return Node(thread: thread, kind: .cycle) }
        drawn.insert(thread)
        let below = path.union([thread])
        let kids = (children[thread] ?? []).map { draw($0, drawn: &drawn, path: below) }
        return Node(thread: thread, kind: .thread, children: kids)
    }
}

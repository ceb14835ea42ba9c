import Yams

/// Where the YAML nodes a `LayerDecoder` reads came from, which decides the origin of each value.
enum LayerSource: Sendable {
    /// A configuration file: each value's origin is its own position.
    case file(path: String)
    /// One command-line override: every value it sets has the override as its origin.
    case override(ConfigOverride)

    func origin(of node: Node?) -> ConfigOrigin {
        switch self {
        case .file(let path):
            // Yams gives every node it composes a mark; 1:1 is only a fallback for hand-built nodes.
            let mark = node?.mark
            return .file(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
        case .override(let override):
            return override.origin
        }
    }
}

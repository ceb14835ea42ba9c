import AgentwsCore
import AgentwsJSON

/// How `list` and `show` present a thread.
enum StatusFormatting {
    static func liveText(_ liveness: ThreadStatus.Liveness) -> String {
        switch liveness {
        case .none: return "-"
        case .live(let idle, let turnRunning, let busy):
            if turnRunning { return "turn running" }
            return "idle \(format(idle))" + (busy ? ", provider busy" : "")
        case .ownedElsewhere(let pid): return "live in pid \(pid.map(String.init) ?? "?")"
        case .orphaned: return "owner gone (recovered on next use)"
        }
    }

    static func lastStopText(_ runtime: RuntimeRecord?) -> String {
        guard let cause = runtime?.lastStopCause else { return "-" }
        return cause.rawValue + (runtime?.lastStoppedAt.map { " at \($0)" } ?? "")
    }

    /// A binding's parent, marked when it has no binding here.
    static func parentText(_ binding: Binding, exists: Bool?) -> String {
        guard let parent = binding.parent else { return "-" }
        return parent.thread.rawValue + (exists == false ? " (missing: no binding here)" : "")
    }

    /// The lineage forest as an indented tree, one thread a line with `describe`'s text after it.
    static func tree(_ nodes: [ThreadLineage.Node], describe: (String) -> String) -> String {
        var lines: [String] = []
        func draw(_ node: ThreadLineage.Node, prefix: String, connector: String, childPrefix: String) {
            let text: String
            switch node.kind {
            case .thread: text = node.thread + describe(node.thread)
            case .missing: text = node.thread + "  (missing: no binding here)"
            case .cycle: text = node.thread + "  (parent loop: drawn above)"
            }
            lines.append(prefix + connector + text)
            for (index, child) in node.children.enumerated() {
                let last = index == node.children.count - 1
                draw(
                    child, prefix: prefix + childPrefix, connector: last ? "└─ " : "├─ ",
                    childPrefix: last ? "   " : "│  ")
            }
        }
        for node in nodes { draw(node, prefix: "", connector: "", childPrefix: "") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ duration: Duration) -> String {
        let seconds = max(0, duration.components.seconds)
        return ConfigDuration.seconds(seconds).description
    }

    /// A fixed-width table; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

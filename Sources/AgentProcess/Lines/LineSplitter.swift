/// Cuts a byte stream into lines as it arrives.
///
/// A read returns whatever the pipe holds: part of a line, several lines, or the end of one and the
/// start of the next. The splitter keeps the unfinished tail until its newline comes, so a line is
/// never lost, cut or merged with its neighbour, whatever the read sizes.
package struct LineSplitter {
    /// A line longer than this is dropped rather than held in memory without bound. The longest
    /// messages agents write (codex's resumed thread with its whole history) stay far below it.
    package static let lineLimit = 256 << 20

    /// This splitter's limit: `lineLimit` unless a connection sets a smaller one.
    package let limit: Int

    private var pending: [UInt8] = []
    /// Set while the current line is being dropped for its length, until its newline passes.
    private var discarding = false
    /// How many over-long lines were dropped so far.
    package private(set) var droppedLines = 0

    package init(limit: Int = LineSplitter.lineLimit) {
        self.limit = limit
    }

    /// Adds the next bytes of the stream and returns the lines they complete, without their `\n`
    /// (and without a `\r` before it).
    package mutating func append(_ bytes: UnsafeRawBufferPointer) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if discarding {
                discarding = false
            } else if pending.count + (newline - start) > limit {
                // A whole line within one read is held to the limit too.
                droppedLines += 1
            } else {
                pending.append(contentsOf: bytes[start..<newline])
                lines.append(Self.withoutCarriageReturn(pending))
            }
            pending.removeAll(keepingCapacity: true)
            start = newline + 1
        }
        if !discarding {
            pending.append(contentsOf: bytes[start...])
            if pending.count > limit {
                pending = []
                discarding = true
                droppedLines += 1
            }
        }
        return lines
    }

    /// The unfinished last line at the end of the stream, if there is one.
    package mutating func finish() -> [UInt8]? {
        defer {
            pending = []
            discarding = false
        }
        guard !discarding, !pending.isEmpty else { return nil }
        return Self.withoutCarriageReturn(pending)
    }

    private static func withoutCarriageReturn(_ line: [UInt8]) -> [UInt8] {
        line.last == UInt8(ascii: "\r") ? Array(line.dropLast()) : line
    }
}

/// git's merge-conflict markers in a file agentws reads (a binding, a transcript manifest): a text
/// merge of one leaves them in place, and such a file is a conflict to resolve, not bad data.
package enum GitConflictMarkers {
    /// The 1-based line of the first git merge-conflict marker, if any.
    package static func firstLine(in bytes: [UInt8]) -> Int? {
        var line = 1
        var atLineStart = true
        var index = 0
        let markers: [[UInt8]] = [
            Array("<<<<<<< ".utf8), Array("=======".utf8), Array(">>>>>>> ".utf8), Array("<<<<<<<\n".utf8),
            Array(">>>>>>>\n".utf8),
        ]
        while index < bytes.count {
            if atLineStart {
                for marker in markers where bytes[index...].starts(with: marker) {
                    // "=======" must be the whole line to count.
                    if marker == Array("=======".utf8) {
                        let end = index + marker.count
                        if end < bytes.count && bytes[end] != UInt8(ascii: "\n")
                            && bytes[end] != UInt8(ascii: "\r")
                        {
                            continue
                        }
                    }
                    return line
                }
            }
            atLineStart = bytes[index] == UInt8(ascii: "\n")
            if atLineStart { line += 1 }
            index += 1
        }
        return nil
    }
}

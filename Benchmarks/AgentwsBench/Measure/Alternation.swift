/// One side of a comparison: runs piece `index` of a round and returns the nanoseconds it took.
struct Contender {
    let name: String
    let run: (_ index: Int) async throws -> UInt64
}

/// Runs every contender over the same pieces of work, interleaved, so that they share whatever
/// else the machine is doing at the time: piece `i` of each contender runs back to back, and the
/// order rotates from piece to piece so that no contender always goes first.
///
/// Returns each contender's total nanoseconds for the round, in the order given. `round` shifts the
/// rotation, so that a round of one piece does not always start with the same contender.
func alternate(pieces: Int, round: Int = 0, _ contenders: [Contender]) async throws -> [UInt64] {
    var totals = [UInt64](repeating: 0, count: contenders.count)
    for piece in 0..<pieces {
        for offset in 0..<contenders.count {
            let which = (round + piece + offset) % contenders.count
            totals[which] += try await contenders[which].run(piece)
        }
    }
    return totals
}

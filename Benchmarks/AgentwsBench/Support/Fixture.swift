import AgentwsCore
import AgentwsJSON

/// The bindings every row uses: one per thread, shaped like a real echo binding, and changed from
/// one generation to the next only in the cursor (so every rewrite has the same size).
enum Fixture {
    static let createdAt = UTCDateTime(secondsSinceEpoch: 1_767_225_600)

    static func threadName(_ index: Int) -> String {
        let digits = String(index)
        return "bench-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func thread(_ index: Int) throws -> ThreadID { try ThreadID(threadName(index)) }

    /// A 16-hex-digit conversation id that differs for every (thread, generation).
    static func conversation(_ index: Int, generation: Int) -> String {
        var value = UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
        value ^= UInt64(truncatingIfNeeded: generation) &* 0xC2B2_AE3D_27D4_EB4F
        value ^= value >> 29
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func binding(_ index: Int, generation: Int) throws -> Binding {
        Binding(
            threadID: try thread(index), provider: "echo", model: "echo-1",
            resumeCursor: ["conversation": .string(conversation(index, generation: generation))], cwd: ".",
            runtimeMode: "full-access", createdAt: createdAt)
    }
}

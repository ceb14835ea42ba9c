import AgentwsSystem

/// Why the benchmark could not measure something: it names what it was doing.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// A failed system call, with `errno`'s text.
    static func system(_ operation: String, _ path: String) -> BenchError {
        BenchError("\(path): cannot \(operation): \(String(cString: strerror(errno)))")
    }
}

import AgentwsSystem
import AgentwsTestSupport

/// The binary tools the kit's tests read built plugins with.
enum KitTools {
    /// The names of the global symbols `library` defines in its dynamic symbol table, sorted.
    static func exportedSymbols(_ library: String) throws -> [String] {
        guard let nm = ["/usr/bin/nm", "/bin/nm"].first(where: { FileIO.exists($0) }) else {
            throw TestFailure("nm is not installed (binutils, which .ci/run installs with the C compiler)")
        }
        let result = try BuildProducts.runToEnd(nm, ["-D", "-g", "--defined-only", library])
        guard result.status == 0 else { throw TestFailure("nm \(library): \(result.stderr)") }
        return result.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").last.map(String.init)
        }.sorted()
    }
}

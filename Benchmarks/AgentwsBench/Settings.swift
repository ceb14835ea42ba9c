/// What a run measures and where: sizes shrink with `--quick`, which is for trying the suite out,
/// not for figures.
struct Settings: Sendable {
    var quick: Bool
    /// Scratch space on the file system under test; every row makes its own directory in it.
    var scratch: String
    /// The directory holding the release build: agentws, the plugins, this benchmark.
    var buildDirectory: String
    var dropCaches: Bool
    /// `--rounds-factor`: every row's rounds (and row 11's pairs) are multiplied by it, for more
    /// samples where the spread is too wide to conclude.
    var roundsFactor = 1

    func rounds(_ full: Int) -> Int { quick ? min(full, 2) : full * roundsFactor }
    func size(_ full: Int, quick small: Int) -> Int { quick ? small : full }
}

import AgentwsCore
import AgentwsStorage
import ArgumentParser

/// `agentws-bench make-workspace`: a workspace of N fixture bindings, for profiling a listing by
/// hand (docs/performance.md shows the commands).
struct MakeWorkspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-workspace",
        abstract: "Create a workspace holding N fixture bindings (for profiling).")

    @Option(help: "The directory to create the workspace in.")
    var root: String

    @Option(help: "How many bindings.")
    var threads: Int = 100_000

    func run() throws {
        let workspace = Workspace(root: root)
        try Files.makeDirectories(workspace.bindingsDirectory)
        for index in 0..<threads {
            let binding = try Fixture.binding(index, generation: 0)
            try Files.write(try BindingCodec.encode(binding), to: workspace.bindingPath(binding.threadID))
        }
    }
}

/// `agentws-bench list-workspace`: open a workspace and list its bindings N times, as row 3 does,
/// so that a profiler sees nothing else.
struct ListWorkspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-workspace",
        abstract: "Open a workspace and list all bindings N times (for profiling).")

    @Option(help: "The workspace root.")
    var root: String

    @Option(help: "How many times.")
    var times: Int = 10

    func run() throws {
        var total = 0
        let start = MonotonicTime.now()
        for _ in 0..<times {
            let workspace = try Workspace.locate(explicit: root, environment: [:], currentDirectory: "/")
            total += try BindingStore.open(workspace).list().count
        }
        let elapsed = Double(MonotonicTime.now() - start) / 1e6 / Double(max(times, 1))
        print("\(total / max(times, 1)) bindings, \(Format.number(elapsed)) ms per open+list")
    }
}

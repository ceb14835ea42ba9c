import AgentwsCore
import ArgumentParser
import Foundation

struct MergeDriverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-driver",
        abstract: "The git merge driver for binding files (git runs it; see docs/git.md).",
        discussion: """
            Registered by 'agentws init' in a git repository: merge.agentws.driver = \
            'agentws merge-driver %O %A %B %P', selected for .agentws/bindings/*.json by .gitattributes. \
            A field changed on one side, or the same way on both, is merged; fields changed differently \
            on both sides (a cursor, the provider, the model, the cwd, the runtime mode) are a conflict: \
            the file becomes a conflict document holding both sides, which 'agentws resolve' ends.
            """)

    @Argument(help: "The common ancestor's version (%O; empty when both sides added the file).")
    var base: String
    @Argument(help: "Our version (%A); the result is written here.")
    var ours: String
    @Argument(help: "Their version (%B).")
    var theirs: String
    @Argument(help: "The file's path in the repository (%P).")
    var path: String

    mutating func run() throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard name.hasSuffix(".json"), let thread = try? ThreadID(String(name.dropLast(5))) else {
            Terminal.notice("merge-driver: \(path) is not a binding file (.agentws/bindings/<thread>.json)")
            throw ExitCode.failure
        }
        func read(_ file: String, _ side: String) throws -> Binding? {
            guard let data = FileManager.default.contents(atPath: file) else {
                Terminal.notice("merge-driver: cannot read \(side) version of \(path) (\(file))")
                throw ExitCode.failure
            }
            if data.isEmpty { return nil }
            do {
                return try BindingCodec.decode(Array(data), expectedThread: thread)
            } catch {
                Terminal.notice(
                    "merge-driver: \(side) version of \(path) is not a binding agentws can merge: \(error)")
                throw ExitCode.failure
            }
        }
        let baseBinding = try? read(base, "the common ancestor's")
        guard let ourBinding = try read(ours, "our"), let theirBinding = try read(theirs, "their") else {
            Terminal.notice("merge-driver: \(path): one side is empty; resolve it by hand")
            throw ExitCode.failure
        }
        switch BindingMerge.merge(base: baseBinding ?? nil, ours: ourBinding, theirs: theirBinding) {
        case .merged(let merged):
            do {
                try Data(try BindingCodec.encode(merged)).write(to: URL(fileURLWithPath: ours))
            } catch {
                Terminal.notice("merge-driver: \(path): \(error)")
                throw ExitCode.failure
            }
        case .conflict(let conflict):
            try Data(conflict.encode()).write(to: URL(fileURLWithPath: ours))
            Terminal.notice(
                "CONFLICT (agentws) in \(path): both branches changed thread \(thread) differently — \(conflict.summary). End it with '\(conflict.resolveCommand)', then 'git add \(path)'."
            )
            throw ExitCode.failure
        }
    }
}

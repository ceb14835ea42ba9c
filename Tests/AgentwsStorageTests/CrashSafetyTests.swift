import AgentwsCore
import AgentwsJSON
import AgentwsStorage
import AgentwsTestSupport
import Foundation
import Testing

/// A writer killed at random instants must leave every binding either as it was or as it was going
/// to be, never torn; and the next open removes its temporary files.
@Suite("Crash safety and locks", .serialized)
struct CrashSafetyTests {
    /// What the helper's write loop writes for a sequence number (mirrors Tests/Helper/main.swift).
    func loopBytes(thread: ThreadID, sequence: Int64) throws -> [UInt8] {
        try BindingCodec.encode(
            Binding(
                threadID: thread, provider: "echo", model: sequence % 2 == 0 ? "echo-1" : "echo-2",
                resumeCursor: [
                    "conversation": .string("c-\(sequence)"),
                    "padding": .string(String(repeating: "x", count: Int(sequence % 4000))),
                ],
                cwd: ".", createdAt: UTCDateTime(secondsSinceEpoch: 1_764_547_200)))
    }

    @Test func sigkilledWriterNeverLeavesATornFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = try WorkspaceInitializer.initialize(at: directory.path).workspace
        let helper = try helperPath()
        let threads = try (0..<3).map { try ThreadID("crash-\($0)") }
        var current: [ThreadID: [UInt8]] = [:]
        var nextSequence: Int64 = 1
        var temporariesSeen = 0
        var generator = SystemRandomNumberGenerator()

        for round in 0..<200 {
            let child = try Child(helper, ["write-loop", workspace.root, "3", String(nextSequence)])
            usleep(UInt32.random(in: 2_000...25_000, using: &generator))
            child.kill()
            var begun: [ThreadID: [Int64]] = [:]
            for line in child.remainingOutput().split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 3, parts[0] == "begin", let thread = try? ThreadID(String(parts[1])),
                    let sequence = Int64(parts[2])
                else { continue }
                begun[thread, default: []].append(sequence)
                nextSequence = max(nextSequence, sequence + 1)
            }
            temporariesSeen += try FileManager.default.contentsOfDirectory(
                atPath: workspace.bindingsDirectory
            )
            .filter { $0.contains(".tmp-") }.count
            for thread in threads {
                let path = workspace.bindingPath(thread)
                let onDisk = FileManager.default.contents(atPath: path).map { Array($0) }
                let sequences = begun[thread] ?? []
                // Allowed: the last write begun, or the one before it (or what was there before).
                var allowed: [[UInt8]?] = [current[thread]]
                if let last = sequences.last { allowed.append(try loopBytes(thread: thread, sequence: last)) }
                if sequences.count >= 2 {
                    allowed = [
                        try loopBytes(thread: thread, sequence: sequences[sequences.count - 2]), allowed[1],
                    ]
                }
                #expect(allowed.contains(onDisk), "round \(round): \(thread) holds unexpected bytes")
                if let onDisk {
                    #expect(
                        (try? BindingCodec.decode(onDisk, expectedThread: thread)) != nil,
                        "round \(round): \(thread) does not parse")
                }
                current[thread] = onDisk
            }
        }
        _ = try BindingStore.open(workspace)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: workspace.bindingsDirectory)
            .filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temporary files survived the next open: \(leftovers)")
        // The bindings the rounds produced all survived the cleanup.
        for thread in threads {
            #expect(
                FileManager.default.contents(atPath: workspace.bindingPath(thread)).map { Array($0) }
                    == current[thread])
        }
        print(
            "crash test: 200 kills, \(nextSequence - 1) writes, \(temporariesSeen) interrupted temporary files seen"
        )
    }

    @Test func twoProcessesUpdatingOneThreadLoseNoUpdate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = try WorkspaceInitializer.initialize(at: directory.path).workspace
        let helper = try helperPath()
        let first = try Child(helper, ["increment", workspace.root, "shared", "150"])
        let second = try Child(helper, ["increment", workspace.root, "shared", "150"])
        #expect(first.remainingOutput().contains("done"))
        #expect(second.remainingOutput().contains("done"))
        #expect(first.process.terminationStatus == 0 && second.process.terminationStatus == 0)
        let binding = try #require(try BindingStore.open(workspace).read(try ThreadID("shared")))
        #expect(binding.resumeCursor?["counter"]?.integerValue == 300)
    }

    @Test func aKilledHoldersLockIsFreeAtOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = try WorkspaceInitializer.initialize(at: directory.path).workspace
        let store = try BindingStore.open(workspace)
        let thread = try ThreadID("held")
        let holder = try Child(try helperPath(), ["hold-lock", workspace.root, "held"])
        let line = try #require(holder.waitForLine(startingWith: "locked"))
        #expect(line == "locked \(holder.pid)")
        #expect(try store.tryLock(thread) == nil)
        #expect(store.owner(of: thread) == holder.pid)
        holder.kill()
        let lock = try #require(try store.tryLock(thread), "the dead holder's lock was not released")
        #expect(store.owner(of: thread) == getpid())
        lock.release()
    }
}

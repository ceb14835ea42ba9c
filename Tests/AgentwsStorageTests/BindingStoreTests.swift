import AgentwsCore
import AgentwsJSON
import AgentwsStorage
import AgentwsTestSupport
import Foundation
import Testing

@Suite("Binding store")
struct BindingStoreTests {
    let directory: TemporaryDirectory
    let workspace: Workspace
    let store: BindingStore

    init() throws {
        directory = try TemporaryDirectory()
        workspace = try WorkspaceInitializer.initialize(at: directory.path).workspace
        store = try BindingStore.open(workspace)
    }

    func binding(_ id: String, model: String = "echo-1", cursor: JSONValue? = nil) throws -> Binding {
        Binding(
            threadID: try ThreadID(id), provider: "echo", model: model, resumeCursor: cursor,
            createdAt: UTCDateTime(secondsSinceEpoch: 1_796_086_944))
    }

    @Test func writesCanonicalBytesAndReadsThemBack() throws {
        defer { directory.remove() }
        let first = try binding("t1", cursor: ["conversation": "c1"])
        let lock = try store.lock(first.threadID)
        #expect(try store.write(first, holding: lock) == .written)
        let onDisk = try #require(FileManager.default.contents(atPath: workspace.bindingPath(first.threadID)))
        #expect(Array(onDisk) == (try BindingCodec.encode(first)))
        #expect(try store.read(first.threadID) == first)
        #expect(try store.read(try ThreadID("unbound")) == nil)
    }

    @Test func identicalRewriteLeavesTheFileUntouched() throws {
        defer { directory.remove() }
        let value = try binding("same")
        let lock = try store.lock(value.threadID)
        try store.write(value, holding: lock)
        let path = workspace.bindingPath(value.threadID)
        // Put the modification time far in the past, so any rewrite would be visible.
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
        let inodeBefore = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        #expect(try store.write(value, holding: lock) == .unchanged)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.modificationDate] as? Date == past)
        #expect(attributes[.systemFileNumber] as? Int == inodeBefore)
        // A changed binding is written.
        #expect(try store.write(try binding("same", model: "echo-2"), holding: lock) == .written)
    }

    /// The lock remembers the last binding's bytes, so a repeated write does not encode again; the
    /// file is still read every time, so a file changed underneath (a checkout, a hand edit) is
    /// still noticed and rewritten, and one that means the same is left alone.
    @Test func aRepeatedWriteStillSeesTheFileChangeUnderneath() throws {
        defer { directory.remove() }
        let value = try binding("memo", cursor: ["conversation": "c1"])
        let lock = try store.lock(value.threadID)
        #expect(try store.write(value, holding: lock) == .written)
        #expect(try store.write(value, holding: lock) == .unchanged)
        let path = workspace.bindingPath(value.threadID)
        try BindingCodec.encode(try binding("memo", model: "hand-edited", cursor: ["conversation": "c1"]))
            .withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        #expect(try store.write(value, holding: lock) == .written)
        #expect(
            Array(try #require(FileManager.default.contents(atPath: path)))
                == (try BindingCodec.encode(value)))
        // The same meaning in other bytes (reformatted by hand) is not rewritten.
        let reformatted = Array(try #require(FileManager.default.contents(atPath: path))) + Array("\n\n".utf8)
        try Data(reformatted).write(to: URL(fileURLWithPath: path))
        #expect(try store.write(value, holding: lock) == .unchanged)
        #expect(Array(try #require(FileManager.default.contents(atPath: path))) == reformatted)
        // A new lock on the thread starts without a remembered encoding and writes the same.
        lock.release()
        let again = try store.lock(value.threadID)
        #expect(try store.write(value, holding: again) == .unchanged)
    }

    /// A write of an unchanged binding uses the paths and bytes remembered on the lock, and still
    /// reads the file: a file removed underneath, or the whole bindings directory (git removes a
    /// directory a checkout empties), is written again where it belongs.
    @Test func aRememberedWriteStillSeesTheFileOrItsDirectoryGone() throws {
        defer { directory.remove() }
        let value = try binding("gone-underneath", cursor: ["conversation": "c1"])
        let lock = try store.lock(value.threadID)
        let path = workspace.bindingPath(value.threadID)
        #expect(try store.write(value, holding: lock) == .written)
        #expect(try store.write(value, holding: lock) == .unchanged)
        try FileManager.default.removeItem(atPath: path)
        #expect(try store.write(value, holding: lock) == .written)
        #expect(
            Array(try #require(FileManager.default.contents(atPath: path)))
                == (try BindingCodec.encode(value)))
        try FileManager.default.removeItem(atPath: workspace.bindingsDirectory)
        #expect(try store.write(value, holding: lock) == .written)
        #expect(try store.read(value.threadID) == value)
        #expect(try store.write(value, holding: lock) == .unchanged)
    }

    /// What a write remembers on the lock (its checked lock path, the binding's path and bytes)
    /// belongs to the store and thread that wrote: another workspace's store still refuses the lock,
    /// another store of the same workspace checks it for itself, and another thread's binding is
    /// refused however alike the two bindings are.
    @Test func aRememberedWriteBelongsToItsStoreAndThread() throws {
        defer { directory.remove() }
        let value = try binding("owned", cursor: ["conversation": "c1"])
        let lock = try store.lock(value.threadID)
        #expect(try store.write(value, holding: lock) == .written)
        #expect(try store.write(value, holding: lock) == .unchanged)

        let otherDirectory = try TemporaryDirectory()
        defer { otherDirectory.remove() }
        let otherWorkspace = try WorkspaceInitializer.initialize(at: otherDirectory.path).workspace
        let otherStore = try BindingStore.open(otherWorkspace)
        #expect(throws: AgentwsError.self) { try otherStore.write(value, holding: lock) }
        let changed = try binding("owned", model: "echo-2", cursor: ["conversation": "c1"])
        #expect(throws: AgentwsError.self) { try otherStore.write(changed, holding: lock) }
        #expect(!FileManager.default.fileExists(atPath: otherWorkspace.bindingPath(value.threadID)))
        #expect(try store.write(value, holding: lock) == .unchanged)

        // A second store of the same workspace: the lock is one of its locks too; it writes the
        // same file, and the first store, remembering `value`, sees that file changed.
        let sameWorkspaceStore = try BindingStore.open(workspace)
        #expect(try sameWorkspaceStore.write(changed, holding: lock) == .written)
        #expect(try store.read(value.threadID) == changed)
        #expect(try store.write(value, holding: lock) == .written)
        #expect(try store.read(value.threadID) == value)

        let otherThread = try binding("owned2", cursor: ["conversation": "c1"])
        #expect(throws: AgentwsError.self) { try store.write(otherThread, holding: lock) }
        #expect(!FileManager.default.fileExists(atPath: workspace.bindingPath(otherThread.threadID)))

        // Released, the lock is refused even for the binding it remembers.
        lock.release()
        #expect(throws: AgentwsError.self) { try store.write(value, holding: lock) }
    }

    @Test func writingNeedsTheThreadsLock() throws {
        defer { directory.remove() }
        let value = try binding("locked")
        let otherLock = try store.lock(try ThreadID("other"))
        #expect(throws: AgentwsError.self) { try store.write(value, holding: otherLock) }
        let lock = try store.lock(value.threadID)
        lock.release()
        #expect(throws: AgentwsError.self) { try store.write(value, holding: lock) }
        #expect(!FileManager.default.fileExists(atPath: workspace.bindingPath(value.threadID)))
    }

    @Test func aSecondLockOnTheSameThreadIsRefusedWithTheOwnersPID() throws {
        defer { directory.remove() }
        let thread = try ThreadID("busy")
        let lock = try store.lock(thread)
        #expect(try store.tryLock(thread) == nil)
        do {
            _ = try store.lock(thread)
            Issue.record("second lock was granted")
        } catch let busy as ThreadBusyError {
            #expect(busy.ownerPID == getpid())
            #expect(busy.description.contains("busy (owned by pid \(getpid()))"))
            #expect(busy.category.exitCode == 4)
        }
        lock.release()
        #expect(try store.tryLock(thread) != nil)
    }

    @Test func deleteRemovesTheFile() throws {
        defer { directory.remove() }
        let value = try binding("gone")
        let lock = try store.lock(value.threadID)
        try store.write(value, holding: lock)
        #expect(try store.delete(value.threadID, holding: lock))
        #expect(try store.read(value.threadID) == nil)
        #expect(try store.delete(value.threadID, holding: lock) == false)
    }

    @Test func aNewerSchemaIsReadableButNotWritable() throws {
        defer { directory.remove() }
        let value = try binding("future")
        let path = workspace.bindingPath(value.threadID)
        let text = String(decoding: try BindingCodec.encode(value), as: UTF8.self)
            .replacingOccurrences(of: "\"schemaVersion\": 2", with: "\"schemaVersion\": 7")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let read = try #require(try store.read(value.threadID))
        #expect(read.schemaVersion == 7)
        let lock = try store.lock(value.threadID)
        #expect(throws: NewerBindingSchema.self) { try store.write(value, holding: lock) }
        #expect(throws: NewerBindingSchema.self) { try store.write(read, holding: lock) }
        #expect(throws: NewerBindingSchema.self) { try store.delete(value.threadID, holding: lock) }
        #expect(
            String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self) == text)
    }

    @Test func aBadFileIsReportedWithItsPathWhileOtherThreadsKeepWorking() throws {
        defer { directory.remove() }
        let good = try binding("good")
        let lock = try store.lock(good.threadID)
        try store.write(good, holding: lock)
        let badPath = workspace.bindingsDirectory + "/bad.json"
        try Data("{\n  \"schemaVersion\": 1,\n  oops\n}\n".utf8).write(to: URL(fileURLWithPath: badPath))
        let mismatchPath = workspace.bindingsDirectory + "/renamed.json"
        try Data(try BindingCodec.encode(try binding("original"))).write(
            to: URL(fileURLWithPath: mismatchPath))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: workspace.bindingsDirectory + "/Bad Name.json"))

        let listings = try store.list()
        #expect(listings.map(\.threadName) == ["Bad Name", "bad", "good", "renamed"])
        #expect(listings[2] == .binding(good))
        guard case .unreadable(_, let badError) = listings[1],
            case .unreadable(_, let mismatchError) = listings[3],
            case .unreadable(_, let nameError) = listings[0]
        else {
            Issue.record("expected unreadable entries: \(listings)")
            return
        }
        #expect(badError.description.hasPrefix(badPath + ":3:3: JSON syntax error"))
        #expect(
            mismatchError.description.hasPrefix(
                mismatchPath + #": threadId: expected the thread named by the file's name, found "original""#)
        )
        #expect(nameError.description.contains("not a valid thread id"))
        #expect(throws: BindingReadFailure.self) { try store.read(try ThreadID("bad")) }
    }

    @Test func initIsIdempotentAndNeverOverwrites() throws {
        defer { directory.remove() }
        let config = workspace.configPath
        try Data("reaper:\n  idle_timeout: 5m\n".utf8).write(to: URL(fileURLWithPath: config))
        let again = try WorkspaceInitializer.initialize(at: directory.path)
        #expect(again.created.isEmpty)
        #expect(
            String(decoding: try #require(FileManager.default.contents(atPath: config)), as: UTF8.self)
                == "reaper:\n  idle_timeout: 5m\n")
        let ignore = String(
            decoding: try #require(
                FileManager.default.contents(atPath: workspace.agentwsDirectory + "/.gitignore")),
            as: UTF8.self)
        #expect(ignore.contains("/state/"))
    }

    @Test func workspaceIsFoundFromASubdirectoryAndByOverride() throws {
        defer { directory.remove() }
        let nested = directory.path + "/a/b/c"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        #expect(try Workspace.locate(explicit: nil, environment: [:], currentDirectory: nested) == workspace)
        #expect(
            try Workspace.locate(explicit: directory.path, environment: [:], currentDirectory: "/")
                == workspace)
        #expect(
            try Workspace.locate(
                explicit: nil, environment: ["AGENTWS_WORKSPACE": directory.path], currentDirectory: "/")
                == workspace)
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        #expect(throws: WorkspaceError.self) {
            try Workspace.locate(explicit: nil, environment: [:], currentDirectory: outside.path)
        }
        #expect(throws: WorkspaceError.self) {
            try Workspace.locate(explicit: outside.path, environment: [:], currentDirectory: "/")
        }
        #expect(workspace.relativePath(of: nested) == "a/b/c")
        #expect(workspace.relativePath(of: outside.path) == nil)
    }
}

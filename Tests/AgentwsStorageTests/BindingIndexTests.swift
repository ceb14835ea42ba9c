import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Testing

@testable import AgentwsStorage

/// `state/bindings.index` must never change what a listing says: files changed underneath — by
/// git, an editor, a copy — are read again, and a damaged index is rebuilt.
@Suite("Binding index")
struct BindingIndexTests {
    let directory: TemporaryDirectory
    let workspace: Workspace
    let store: BindingStore

    init() throws {
        directory = try TemporaryDirectory()
        workspace = try WorkspaceInitializer.initialize(at: directory.path).workspace
        store = try BindingStore.open(workspace)
    }

    /// A time far enough ahead that every file is older than the racy window, so that everything
    /// read enters the index.
    var later: Int64 { FileStamp.wallClockNow() + 60 * 1_000_000_000 }

    func binding(_ id: String, cursor: String = "0000000000000000") throws -> Binding {
        Binding(
            threadID: try ThreadID(id), provider: "echo", model: "echo-1",
            resumeCursor: ["conversation": .string(cursor)],
            createdAt: UTCDateTime(secondsSinceEpoch: 1_796_086_944))
    }

    /// Writes bindings the way git checks files out: plain files, no lock, no store.
    func checkOut(_ binding: Binding) throws {
        try Data(try BindingCodec.encode(binding)).write(
            to: URL(fileURLWithPath: workspace.bindingPath(binding.threadID)))
    }

    /// The file's access and modification times, to the nanosecond.
    func times(_ path: String) throws -> [timespec] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw TestFailure("cannot stat \(path)") }
        return [info.st_atim, info.st_mtim]
    }

    /// Rewrites `path` in place (same inode), then puts its old times back, as `tar` or `touch -d`
    /// can: only the change time, which no one can set, still tells the versions apart.
    func rewriteInPlaceKeepingTimes(_ path: String, _ binding: Binding) throws {
        let saved = try times(path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(try BindingCodec.encode(binding)))
        try handle.close()
        guard utimensat(AT_FDCWD, path, saved, 0) == 0 else {
            throw TestFailure("cannot set times of \(path)")
        }
        let restored = try times(path)[1]
        #expect(restored.tv_sec == saved[1].tv_sec && restored.tv_nsec == saved[1].tv_nsec)
    }

    /// What the files say, with no index at all.
    func listingWithoutIndex() throws -> [BindingListing] {
        let saved = try? Data(contentsOf: URL(fileURLWithPath: workspace.bindingIndexPath))
        try? FileManager.default.removeItem(atPath: workspace.bindingIndexPath)
        defer { if let saved { try? saved.write(to: URL(fileURLWithPath: workspace.bindingIndexPath)) } }
        return try store.listing(now: 0).listings
    }

    @Test func aSecondListingComesFromTheIndexAndSaysTheSame() throws {
        defer { directory.remove() }
        for index in 0..<20 { try checkOut(try binding("thread-\(index)")) }
        try Data("{ broken".utf8).write(
            to: URL(fileURLWithPath: workspace.bindingsDirectory + "/broken.json"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: workspace.bindingsDirectory + "/Bad Name.json"))

        let first = try store.listing(now: later)
        #expect(first.filesRead == 21)
        #expect(first.listings.count == 22)
        let second = try store.listing(now: later)
        // Only the file that does not parse is read again: errors are never cached.
        #expect(second.filesRead == 1)
        #expect(second.listings == first.listings)
        #expect(try listingWithoutIndex() == first.listings)
    }

    @Test func everyKindOfCursorSurvivesTheIndex() throws {
        defer { directory.remove() }
        let cursor: JSONValue = [
            "session": "ümlaut ✓ \u{1F600}", "turn": 42, "ratio": 0.25, "flags": [true, false, .null],
            "nested": ["deep": ["deeper": ["x"]]], "negative": -7,
        ]
        var rich = try binding("rich")
        rich.resumeCursor = cursor
        rich.parent = Binding.Parent(thread: try ThreadID("bare"))
        rich.runtimeMode = "full-access"
        rich.cwd = "src/app"
        let bare = Binding(
            threadID: try ThreadID("bare"), provider: "codex", model: nil,
            createdAt: UTCDateTime(secondsSinceEpoch: 0))
        try checkOut(rich)
        try checkOut(bare)
        _ = try store.listing(now: later)
        let cached = try store.listing(now: later)
        #expect(cached.filesRead == 0)
        #expect(cached.listings == [.binding(bare), .binding(rich)])
    }

    @Test func filesChangedUnderneathAreReadAgain() throws {
        defer { directory.remove() }
        for index in 0..<5 { try checkOut(try binding("thread-\(index)")) }
        _ = try store.listing(now: later)

        // As a checkout would: one file removed, one added, one replaced by a new file (new inode),
        // one rewritten in place with a different size.
        try FileManager.default.removeItem(atPath: workspace.bindingPath(try ThreadID("thread-0")))
        try checkOut(try binding("thread-9"))
        let replacement = workspace.bindingsDirectory + "/.replacement"
        try Data(try BindingCodec.encode(try binding("thread-1", cursor: "1111111111111111"))).write(
            to: URL(fileURLWithPath: replacement))
        #expect(rename(replacement, workspace.bindingPath(try ThreadID("thread-1"))) == 0)
        var grown = try binding("thread-2")
        grown.runtimeMode = "now longer than before"
        try checkOut(grown)

        let after = try store.listing(now: later)
        #expect(after.filesRead == 3)
        #expect(
            after.listings.map(\.threadName) == ["thread-1", "thread-2", "thread-3", "thread-4", "thread-9"])
        #expect(after.listings[0] == .binding(try binding("thread-1", cursor: "1111111111111111")))
        #expect(after.listings[1] == .binding(grown))
        #expect(try listingWithoutIndex() == after.listings)
        #expect(try store.listing(now: later).filesRead == 0)
    }

    @Test func anInPlaceEditOfTheSameSizeWithItsOldMtimeIsReadAgain() throws {
        defer { directory.remove() }
        let path = workspace.bindingPath(try ThreadID("edited"))
        try checkOut(try binding("edited", cursor: "aaaaaaaaaaaaaaaa"))
        _ = try store.listing(now: later)
        // Let the file system's clock move on (one tick: at most 10 ms at HZ=100), as it has for any
        // file older than the racy window.
        usleep(50_000)

        try rewriteInPlaceKeepingTimes(path, try binding("edited", cursor: "bbbbbbbbbbbbbbbb"))
        let after = try store.listing(now: later)
        #expect(after.filesRead == 1)
        #expect(after.listings == [.binding(try binding("edited", cursor: "bbbbbbbbbbbbbbbb"))])
    }

    @Test func aFileChangedWithinTheRacyWindowIsNeverTakenFromTheIndex() throws {
        defer { directory.remove() }
        let path = workspace.bindingPath(try ThreadID("fresh"))
        try checkOut(try binding("fresh", cursor: "aaaaaaaaaaaaaaaa"))
        // At the real time the file is too new to be trusted, so it stays out of the index.
        #expect(try store.list() == [.binding(try binding("fresh", cursor: "aaaaaaaaaaaaaaaa"))])
        #expect(try store.listing(now: FileStamp.wallClockNow()).filesRead == 1)

        // Rewritten at once, possibly within the same clock tick: same inode, size and times.
        try rewriteInPlaceKeepingTimes(path, try binding("fresh", cursor: "bbbbbbbbbbbbbbbb"))
        #expect(try store.list() == [.binding(try binding("fresh", cursor: "bbbbbbbbbbbbbbbb"))])
    }

    @Test(arguments: ["garbage", "truncated", "flipped byte", "empty", "directory"])
    func aDamagedIndexIsIgnoredAndRebuilt(damage: String) throws {
        defer { directory.remove() }
        for index in 0..<8 { try checkOut(try binding("thread-\(index)")) }
        let expected = try store.listing(now: later).listings
        let path = workspace.bindingIndexPath
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.removeItem(atPath: path)
        switch damage {
        case "garbage": bytes = Data(repeating: 0x41, count: bytes.count)
        case "truncated": bytes = bytes.prefix(bytes.count / 2)
        case "flipped byte": bytes[bytes.count - 20] ^= 0x01
        case "empty": bytes = Data()
        default: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        }
        if damage != "directory" { try bytes.write(to: URL(fileURLWithPath: path)) }

        let after = try store.listing(now: later)
        #expect(after.filesRead == 8)
        #expect(after.listings == expected)
        // Rebuilt, except where a directory is in the way: listing still works, just without it.
        #expect(try store.listing(now: later).filesRead == (damage == "directory" ? 8 : 0))
    }

    @Test func writesLeaveTheIndexAloneAndAreSeenByTheNextListing() throws {
        defer { directory.remove() }
        let value = try binding("written")
        let lock = try store.lock(value.threadID)
        try store.write(value, holding: lock)
        _ = try store.listing(now: later)
        let indexBefore = try Data(contentsOf: URL(fileURLWithPath: workspace.bindingIndexPath))

        var changed = value
        changed.resumeCursor = ["conversation": "ffffffffffffffff"]
        try store.write(changed, holding: lock)
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.bindingIndexPath)) == indexBefore)
        let after = try store.listing(now: later)
        #expect(after.filesRead == 1)
        #expect(after.listings == [.binding(changed)])
    }
}

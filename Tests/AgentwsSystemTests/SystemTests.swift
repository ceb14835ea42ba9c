import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Testing

@Suite struct SystemTests {
    @Test func anErrnoErrorNamesTheFileTheCallAndTheReason() {
        #expect(
            SystemError("open", path: "/w/x.json", code: ENOENT).description
                == "/w/x.json: cannot open: No such file or directory")
        #expect(
            SystemError("cannot start /bin/none", code: EACCES).description
                == "cannot start /bin/none: Permission denied")
        errno = EEXIST
        #expect(SystemError.last("create", "/w").code == EEXIST)
    }

    @Test func createNewWritesAWholeFileOnceAndLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        #expect(try AtomicFile.createNew(Array("one".utf8), directory: directory.path, fileName: "a.json"))
        #expect(!(try AtomicFile.createNew(Array("two".utf8), directory: directory.path, fileName: "a.json")))
        #expect(try FileIO.readIfPresent(directory.path + "/a.json") == Array("one".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.json"])
        #expect {
            try AtomicFile.createNew([], directory: directory.path + "/missing", fileName: "b.json")
        } throws: { error in
            (error as? SystemError)?.operation == "create temporary file"
                && (error as? SystemError)?.code == ENOENT
        }
    }

    @Test func replaceSwapsTheWholeContent() throws {
        let directory = try TemporaryDirectory()
        #expect(try AtomicFile.write(Array("v1".utf8), directory: directory.path, fileName: "f") == .written)
        #expect(
            try AtomicFile.write(Array("v1".utf8), directory: directory.path, fileName: "f") == .unchanged)
        try AtomicFile.replace(Array("v2".utf8), directory: directory.path, fileName: "f")
        #expect(try FileIO.readIfPresent(directory.path + "/f") == Array("v2".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["f"])
    }

    @Test func lockedGuardsAValueAndPassesTypedErrorsThrough() {
        let counter = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 100) { _ in counter.withLock { $0 += 1 } }
        #expect(counter.withLock { $0 } == 100)
        #expect(throws: SystemError("x", code: EPERM)) {
            try counter.withLock { _ throws(SystemError) in throw SystemError("x", code: EPERM) }
        }
    }
}

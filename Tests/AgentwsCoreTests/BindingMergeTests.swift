import AgentwsCore
import AgentwsJSON
import Testing

/// The three-way merge of one binding (SPEC §13), field by field.
@Suite("Binding merge")
struct BindingMergeTests {
    let created = UTCDateTime(secondsSinceEpoch: 1_796_086_944)

    func binding(cursor: String?, model: String = "m1", mode: String? = nil) throws -> Binding {
        Binding(
            threadID: try ThreadID("t1"), provider: "echo", model: model,
            resumeCursor: cursor.map { ["conversation": .string($0)] }, runtimeMode: mode, createdAt: created)
    }

    @Test func aChangeOnOneSideIsTaken() throws {
        let base = try binding(cursor: "a")
        let theirs = try binding(cursor: "b")
        #expect(BindingMerge.merge(base: base, ours: base, theirs: theirs) == .merged(theirs))
        #expect(BindingMerge.merge(base: base, ours: theirs, theirs: base) == .merged(theirs))
    }

    @Test func changesToDifferentFieldsAreBothTaken() throws {
        let base = try binding(cursor: "a")
        let ours = try binding(cursor: "a", model: "m2")
        let theirs = try binding(cursor: "b")
        #expect(
            BindingMerge.merge(base: base, ours: ours, theirs: theirs)
                == .merged(try binding(cursor: "b", model: "m2")))
    }

    @Test func theSameChangeOnBothSidesIsTakenOnce() throws {
        let base = try binding(cursor: "a")
        let changed = try binding(cursor: "b", mode: "read-only")
        #expect(BindingMerge.merge(base: base, ours: changed, theirs: changed) == .merged(changed))
    }

    @Test func differentChangesToOneFieldAreAConflictNamingIt() throws {
        let base = try binding(cursor: "a")
        let ours = try binding(cursor: "b", model: "m2")
        let theirs = try binding(cursor: "c", model: "m2")
        guard case .conflict(let conflict) = BindingMerge.merge(base: base, ours: ours, theirs: theirs) else {
            Issue.record("merged a split conversation")
            return
        }
        #expect(conflict.fields == ["resumeCursor"])
        #expect(conflict.summary == #"resumeCursor: ours {"conversation":"b"}, theirs {"conversation":"c"}"#)
        // The conflict document is read back as such, with both sides.
        let thread = try ThreadID("t1")
        do throws(BindingFileProblem) {
            _ = try BindingCodec.decode(conflict.encode(), expectedThread: thread)
            Issue.record("a conflict document decoded as a binding")
        } catch {
            #expect(error == .conflicted(conflict))
            #expect(error.description.contains("agentws resolve t1 --ours|--theirs|--both"))
        }
    }

    /// A conflict document's side with a bad field is reported by the field's path in the document.
    @Test func aBadSideOfAConflictDocumentNamesItsField() throws {
        let thread = try ThreadID("t1")
        let ours = try binding(cursor: "b")
        let theirs = try binding(cursor: "c")
        let document = try #require(
            JSONParser.parse(
                bytes: ConflictedBinding(
                    thread: thread, base: nil, ours: ours, theirs: theirs, fields: ["resumeCursor"]
                ).encode()
            ).objectValue)
        var broken = document
        var side = try #require(document["theirs"]?.objectValue)
        side["provider"] = 3
        broken["theirs"] = .object(side)
        #expect(
            throws: BindingFileProblem.field(
                JSONFieldError(path: "theirs.provider", expected: "a non-empty string", found: 3))
        ) {
            try BindingCodec.decode(JSONWriter.canonical(.object(broken)), expectedThread: thread)
        }
        broken = document
        broken["ours"] = nil
        #expect(
            throws: BindingFileProblem.field(
                JSONFieldError(
                    path: "ours", expected: "a binding (a merge conflict document holds both sides)",
                    found: nil))
        ) {
            try BindingCodec.decode(JSONWriter.canonical(.object(broken)), expectedThread: thread)
        }
    }

    @Test func bothSidesAddingTheThreadDifferentlyIsAConflict() throws {
        let ours = try binding(cursor: "b")
        let theirs = try binding(cursor: "c")
        guard case .conflict(let conflict) = BindingMerge.merge(base: nil, ours: ours, theirs: theirs) else {
            Issue.record("add/add merged")
            return
        }
        #expect(conflict.base == nil && conflict.fields == ["resumeCursor"])
        #expect(BindingMerge.merge(base: nil, ours: ours, theirs: ours) == .merged(ours))
    }

    @Test func aSchema1SideMeaningTheSameMergesIntoSchema2() throws {
        var old = try binding(cursor: "a")
        old.schemaVersion = 1
        old.legacy = .init(status: "active", lastError: nil)
        let current = try binding(cursor: "a")
        #expect(BindingMerge.merge(base: old, ours: old, theirs: current) == .merged(current))
    }
}

import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import AgentwsTestSupport
import Testing

@testable import AgentwsCore

@Suite("Transcript manifests and hashes")
struct TranscriptManifestTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func sha256MatchesTheStandardVectors(text: String, digest: String) {
        #expect(SHA256.hex(of: Array(text.utf8)) == digest)
        // The same through a non-contiguous sequence (copied once) and byte by byte.
        #expect(SHA256.hex(of: text.utf8) == digest)
        var hasher = SHA256()
        for byte in text.utf8 { hasher.update(CollectionOfOne(byte)) }
        #expect(hasher.finalizeHex() == digest)
    }

    @Test func sha256OfAMillionAsInPiecesOfAnySize() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hex(of: million) == digest)
        var hasher = SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
        var left = 1_000_000
        while left > 0 {
            let count = min(left, piece.count - left % 7)
            hasher.update(piece[0..<count])
            left -= count
        }
        #expect(hasher.finalizeHex() == digest)
    }

    @Test func sha256FinalizeAnswersTheDigestBytes() {
        var hasher = SHA256()
        hasher.update(Array("abc".utf8))
        let digest = hasher.finalize()
        #expect(digest.count == 32)
        #expect(digest.prefix(4) == [0xba, 0x78, 0x16, 0xbf])
        #expect(digest.suffix(4) == [0xf2, 0x00, 0x15, 0xad])
    }

    /// Random files of the sizes around the padding boundaries (55 bytes is the last that pads in one
    /// block, 56 the first that needs two) and one that is not a whole number of blocks, each hashed
    /// whole and in uneven chunks, against coreutils' `sha256sum`.
    @Test(arguments: [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1_048_579])
    func sha256AgreesWithSha256sum(size: Int) throws {
        let directory = try TemporaryDirectory(prefix: "agentws-sha256")
        defer { directory.remove() }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = directory.path + "/random-\(size)"
        try #require(try FileIO.createExclusively(path, bytes))
        let outcome = try ChildProcess.run("/usr/bin/env", ["sha256sum", path])
        try #require(outcome.status == 0, "sha256sum failed: \(outcome)")
        let expected = String(outcome.stdout.prefix(64))
        #expect(SHA256.hex(of: bytes) == expected)
        var hasher = SHA256()
        var start = 0
        var chunk = 1
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            bytes[start..<end].withUnsafeBytes { hasher.update($0) }
            start = end
            chunk = chunk * 3 + 1
        }
        #expect(hasher.finalizeHex() == expected)
    }

    func manifest() throws -> TranscriptManifest {
        TranscriptManifest(
            thread: try ThreadID("t1"), provider: "echo", format: "echo-json", cursor: ["conversation": "c1"],
            size: 3, sha256: SHA256.hex(of: Array("abc".utf8)),
            capturedAt: UTCDateTime(secondsSinceEpoch: 1_796_086_944))
    }

    @Test func aManifestReadsBackAndChecksItsTranscript() throws {
        let written = try manifest()
        #expect(written.file == "transcript-ba7816bf8f01cfea.json")
        let read = try TranscriptManifest(json: try JSONParser.parse(bytes: written.encoded))
        #expect(read == written)
        try read.check(Array("abc".utf8))
        #expect(throws: TranscriptProblem.self) { try read.check(Array("ab".utf8)) }
        #expect(throws: TranscriptProblem.self) { try read.check(Array("abd".utf8)) }
    }

    @Test(arguments: [
        ("version", JSONValue.integer(2), "the manifest has version 2; this agentws reads version 1"),
        ("version", JSONValue.integer(0), "version: expected a whole number of 1 or more, found 0"),
        ("cursor", JSONValue.string("c1"), "cursor: expected an object, found \"c1\""),
        ("sha256", JSONValue.string("xyz"), "sha256: expected 64 lower-case hex digits, found \"xyz\""),
        ("thread", JSONValue.string("../t"), "thread: expected a thread id, found \"../t\""),
        ("size", JSONValue.integer(-1), "size: expected a whole number of 0 or more, found -1"),
        ("provider", JSONValue.string(""), "provider: expected a non-empty string, found \"\""),
        (
            "capturedAt", JSONValue.string("yesterday"),
            "capturedAt: expected an RFC 3339 time, found \"yesterday\""
        ),
        (
            "file", JSONValue.string("../../bindings/t1.json"),
            "the manifest names the file \"../../bindings/t1.json\", but its hash and format give \"transcript-ba7816bf8f01cfea.json\""
        ),
        (
            "extra", JSONValue.bool(true),
            "extra: expected no such member (known: capturedAt, cursor, file, format, provider, sha256, size, thread, version), found true"
        ),
    ])
    func badManifestsAreRefusedWithTheField(key: String, value: JSONValue, reason: String) throws {
        guard case .object(var members) = try manifest().jsonValue else { return }
        members[key] = value
        #expect {
            try TranscriptManifest(json: .object(members))
        } throws: { error in
            (error as? TranscriptProblem)?.reason == reason
        }
    }

    @Test(arguments: [
        ("64MiB", Int64(64 << 20)), ("512KiB", 512 << 10), ("4096", 4096), ("1GB", 1_000_000_000),
    ])
    func sizesParse(text: String, bytes: Int64) throws {
        #expect(try ConfigByteSize(parsing: text).bytes == bytes)
    }

    @Test func sizesPrintShortestAndRefuseNonsense() {
        #expect(ConfigByteSize.mebibytes(64).description == "64MiB")
        #expect(ConfigByteSize(bytes: 1536).description == "1536B")
        #expect(ConfigByteSize(bytes: 3072).description == "3KiB")
        #expect(ConfigByteSize(bytes: 1536).approximate == "1.5 KiB")
        #expect(throws: InvalidByteSize.self) { try ConfigByteSize(parsing: "64 MiB") }
        #expect(throws: InvalidByteSize.self) { try ConfigByteSize(parsing: "MiB") }
        #expect(throws: InvalidByteSize.self) { try ConfigByteSize(parsing: "99999999999GiB") }
    }
}

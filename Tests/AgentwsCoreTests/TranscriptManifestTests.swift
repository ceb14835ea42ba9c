import AgentwsCore
import AgentwsJSON
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
    ])
    func sha256MatchesTheStandardVectors(text: String, digest: String) {
        #expect(SHA256.hex(of: Array(text.utf8)) == digest)
    }

    @Test func sha256OfAMillionAsInPiecesOfAnySize() {
        var hasher = SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
        var left = 1_000_000
        while left > 0 {
            let count = min(left, piece.count - left % 7)
            hasher.update(piece[0..<count])
            left -= count
        }
        #expect(hasher.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
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
        ("version", JSONValue.integer(2), "version 2"),
        ("cursor", JSONValue.string("c1"), "\"cursor\""),
        ("sha256", JSONValue.string("xyz"), "\"sha256\""),
        ("file", JSONValue.string("../../bindings/t1.json"), "names the file"),
        ("extra", JSONValue.bool(true), "unknown field \"extra\""),
    ])
    func badManifestsAreRefusedWithTheField(key: String, value: JSONValue, reason: String) throws {
        guard case .object(var members) = try manifest().jsonValue else { return }
        members[key] = value
        #expect {
            try TranscriptManifest(json: .object(members))
        } throws: { error in
            (error as? TranscriptProblem)?.reason.contains(reason) == true
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

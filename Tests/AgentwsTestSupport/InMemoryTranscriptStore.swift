import AgentwsCore
import AgentwsSystem

/// A `TranscriptStore` in memory, for tests of the session logic. Scratch "files" are entries in a
/// table; a test provider writes its export with `putScratch`.
package final class InMemoryTranscriptStore: TranscriptStore {
    private struct State {
        var scratch: [String: [UInt8]] = [:]
        var held: [ThreadID: (manifest: TranscriptManifest, bytes: [UInt8])] = [:]
        var installs = 0
    }

    private let state = Locked(State())

    package init() {}

    /// How many times a transcript or manifest was written.
    package var installCount: Int { state.withLock { $0.installs } }
    /// What a provider's export writes to a scratch path.
    package func putScratch(_ path: String, _ bytes: [UInt8]) { state.withLock { $0.scratch[path] = bytes } }

    /// Replaces the held transcript's bytes without its manifest, as damage or a hand edit would.
    package func damageHeld(_ thread: ThreadID, _ bytes: [UInt8]) {
        state.withLock { state in
            guard let held = state.held[thread] else { return }
            state.held[thread] = (held.manifest, bytes)
        }
    }

    package func scratchSize(_ path: String) throws -> Int64? {
        state.withLock { $0.scratch[path].map { Int64($0.count) } }
    }

    package func readScratch(_ path: String) throws -> [UInt8] {
        guard let bytes = state.withLock({ $0.scratch[path] }) else {
            throw AgentwsError(.notFound, "\(path): nothing written there")
        }
        return bytes
    }

    package func writeScratch(_ bytes: [UInt8], to path: String) throws { putScratch(path, bytes) }

    package func manifest(of thread: ThreadID) throws -> TranscriptManifest? {
        state.withLock { $0.held[thread]?.manifest }
    }

    package func readHeld(_ thread: ThreadID) throws -> (manifest: TranscriptManifest, bytes: [UInt8])? {
        guard let held = state.withLock({ $0.held[thread] }) else { return nil }
        try held.manifest.check(held.bytes)
        return held
    }

    package func heldBytesUnchecked(_ manifest: TranscriptManifest) throws -> [UInt8]? {
        state.withLock { state in
            state.held[manifest.thread].flatMap { $0.manifest.file == manifest.file ? $0.bytes : nil }
        }
    }

    package func install(_ bytes: [UInt8], manifest: TranscriptManifest) throws {
        state.withLock {
            $0.held[manifest.thread] = (manifest, bytes)
            $0.installs += 1
        }
    }

    package func writeManifest(_ manifest: TranscriptManifest) throws {
        state.withLock { state in
            guard let held = state.held[manifest.thread] else { return }
            state.held[manifest.thread] = (manifest, held.bytes)
            state.installs += 1
        }
    }

    package func removeHeld(_ thread: ThreadID) throws -> Bool {
        state.withLock { $0.held.removeValue(forKey: thread) != nil }
    }
}

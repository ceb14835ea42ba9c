import AgentwsCore
import AgentwsSystem

/// A per-machine cache of decoded bindings, `state/bindings.index`, so that listing a workspace of
/// many threads reads one file and checks each binding file's stamp instead of reading and parsing
/// every file.
///
/// The binding files stay the truth. An entry is used only while its file's inode, size,
/// modification and change times are exactly those recorded, so anything that changes files
/// underneath — `git checkout`, a merge, an editor, a copy — is seen on the next listing; and an
/// entry is recorded only once its file has been unchanged for `FileStamp.racyWindowNanoseconds`,
/// so a change within one tick of the file system's clock cannot hide behind equal times. A missing,
/// damaged or foreign index is ignored and rebuilt. Writes never touch it: a written binding has a
/// new stamp, and the next listing reads that one file again.
struct BindingIndex {
    /// One binding file as it was when it was read.
    struct Entry: Sendable {
        var name: String
        var stamp: FileStamp
        var binding: Binding
    }

    /// Identifies the format, and the decoder: bump `formatVersion` whenever `BindingCodec.decode`
    /// changes what it accepts or yields, so that entries decoded by an older build are dropped.
    static let magic: [UInt8] = Array("AWBINDEX".utf8)
    static let formatVersion: UInt32 = 2
    static let headerSize = 24

    /// Entries sorted by file name, the order listings want, so that matching them with the
    /// directory's sorted names is a merge rather than a hash lookup per file.
    var entries: [Entry] = []

    /// The index at `path`, or an empty one when there is none or it cannot be trusted.
    static func load(_ path: String) -> BindingIndex {
        guard let bytes = try? FileIO.readIfPresentSized(path), let index = try? decode(bytes) else {
            return BindingIndex()
        }
        return index
    }

    static func decode(_ bytes: [UInt8]) throws(IndexDamage) -> BindingIndex {
        let decoded: Result<BindingIndex, IndexDamage> = bytes.withUnsafeBytes { buffer in
            do throws(IndexDamage) {
                return .success(try decode(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try decoded.get()
    }

    private static func decode(_ buffer: UnsafeRawBufferPointer) throws(IndexDamage) -> BindingIndex {
        guard buffer.count >= headerSize, buffer.prefix(8).elementsEqual(magic) else { throw IndexDamage() }
        var header = IndexByteReader(buffer, offset: 8)
        guard try header.uint32() == formatVersion else { throw IndexDamage() }
        let count = Int(try header.uint32())
        let checksum = try header.uint64()
        let body = UnsafeRawBufferPointer(rebasing: buffer[headerSize...])
        guard IndexChecksum.of(body) == checksum, count <= body.count else { throw IndexDamage() }
        var reader = IndexByteReader(buffer, offset: headerSize)
        var index = BindingIndex()
        index.entries.reserveCapacity(count)
        for _ in 0..<count {
            let entry = try readEntry(&reader)
            if let last = index.entries.last, !(last.name < entry.name) { throw IndexDamage() }
            index.entries.append(entry)
        }
        guard reader.isAtEnd else { throw IndexDamage() }
        return index
    }

    private static func readEntry(_ reader: inout IndexByteReader) throws(IndexDamage) -> Entry {
        let name = try reader.string()
        let stamp = FileStamp(
            inode: try reader.uint64(), size: try reader.int64(), modifiedSeconds: try reader.int64(),
            modifiedNanoseconds: try reader.int64(), changedSeconds: try reader.int64(),
            changedNanoseconds: try reader.int64())
        let schemaVersion = try reader.int64()
        let provider = try reader.string()
        let model = try reader.optionalString()
        let cursor = try reader.optionalJSON()
        let cwd = try reader.string()
        let runtimeMode = try reader.optionalString()
        let parentText = try reader.optionalString()
        let createdAt = UTCDateTime(secondsSinceEpoch: try reader.int64())
        let legacyCode = Int(try reader.byte())
        guard legacyCode <= legacyStatuses.count else { throw IndexDamage() }
        let legacyError = try reader.optionalString()
        var parent: Binding.Parent?
        if let parentText {
            guard let parentThread = try? ThreadID(parentText) else { throw IndexDamage() }
            parent = Binding.Parent(thread: parentThread)
        }
        let legacy =
            legacyCode == 0
            ? nil : Binding.LegacyRuntime(status: legacyStatuses[legacyCode - 1], lastError: legacyError)
        // The name is checked again, so that even a tampered index cannot produce an invalid id.
        guard name.hasSuffix(".json"), let thread = try? ThreadID(String(name.dropLast(5))) else {
            throw IndexDamage()
        }
        return Entry(
            name: name, stamp: stamp,
            binding: Binding(
                threadID: thread, provider: provider, model: model, resumeCursor: cursor, cwd: cwd,
                runtimeMode: runtimeMode, parent: parent, createdAt: createdAt, schemaVersion: schemaVersion,
                legacy: legacy))
    }

    /// The statuses of schema-1 files by the code the index stores (their position plus one; zero
    /// for a file without one).
    private static let legacyStatuses = ["active", "stopped", "error"]

    /// The bytes of an index holding `entries`.
    static func encode(_ entries: [Entry]) -> [UInt8] {
        var writer = IndexByteWriter(capacity: headerSize + entries.count * 256)
        for byte in magic { writer.append(byte) }
        writer.append(formatVersion)
        writer.append(UInt32(entries.count))
        writer.append(UInt64(0))
        for entry in entries {
            let binding = entry.binding
            writer.append(entry.name)
            writer.append(entry.stamp.inode)
            writer.append(entry.stamp.size)
            writer.append(entry.stamp.modifiedSeconds)
            writer.append(entry.stamp.modifiedNanoseconds)
            writer.append(entry.stamp.changedSeconds)
            writer.append(entry.stamp.changedNanoseconds)
            writer.append(binding.schemaVersion)
            writer.append(binding.provider)
            writer.append(optional: binding.model)
            if let cursor = binding.resumeCursor {
                writer.append(cursor)
            } else {
                writer.append(IndexJSONTag.absent.rawValue)
            }
            writer.append(binding.cwd)
            writer.append(optional: binding.runtimeMode)
            writer.append(optional: binding.parent?.thread.rawValue)
            writer.append(binding.createdAt.secondsSinceEpoch)
            let legacyCode = binding.legacy.flatMap { legacyStatuses.firstIndex(of: $0.status) }.map {
                $0 + 1
            }
            writer.append(UInt8(legacyCode ?? 0))
            writer.append(optional: binding.legacy?.lastError)
        }
        let checksum = writer.bytes.withUnsafeBytes {
            IndexChecksum.of(UnsafeRawBufferPointer(rebasing: $0[headerSize...]))
        }
        writer.patch(checksum, at: 16)
        return writer.bytes
    }
}

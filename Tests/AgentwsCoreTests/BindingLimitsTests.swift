import AgentwsCore
import AgentwsJSON
import Testing

/// The upper bounds of binding fields (`BindingCodec.Limits`): refused with the field and the limit,
/// when writing and when reading.
@Suite("Binding field limits")
struct BindingLimitsTests {
    static let created = UTCDateTime(secondsSinceEpoch: 1_796_086_944)

    static func binding() throws -> Binding {
        Binding(threadID: try ThreadID("t1"), provider: "echo", model: "echo-1", createdAt: created)
    }

    static func text(_ count: Int) -> String { String(repeating: "a", count: count) }

    @Test func fieldsAtTheirLimitAreWrittenAndReadBack() throws {
        var binding = try Self.binding()
        binding.cwd = Self.text(BindingCodec.Limits.cwd)
        binding.model = Self.text(BindingCodec.Limits.model)
        binding.runtimeMode = Self.text(BindingCodec.Limits.runtimeMode)
        // {"k":"…"} is 8 bytes around the text.
        binding.resumeCursor = ["k": .string(Self.text(BindingCodec.Limits.resumeCursor - 8))]
        let bytes = try BindingCodec.encode(binding)
        #expect(try BindingCodec.decode(bytes, expectedThread: binding.threadID) == binding)
    }

    @Test(arguments: ["cwd", "model", "runtimeMode", "provider", "resumeCursor"])
    func aFieldOverItsLimitIsRefusedForWriting(field: String) throws {
        var binding = try Self.binding()
        let limit: Int
        switch field {
        case "cwd":
            limit = BindingCodec.Limits.cwd
            binding.cwd = Self.text(limit + 1)
        case "model":
            limit = BindingCodec.Limits.model
            binding.model = Self.text(limit + 1)
        case "runtimeMode":
            limit = BindingCodec.Limits.runtimeMode
            binding.runtimeMode = Self.text(limit + 1)
        case "provider":
            limit = BindingCodec.Limits.provider
            binding.provider = Self.text(limit + 1)
        default:
            limit = BindingCodec.Limits.resumeCursor
            binding.resumeCursor = ["k": .string(Self.text(limit - 7))]
        }
        #expect(
            throws: OversizedBindingField(
                thread: binding.threadID, field: field, size: limit + 1, limit: limit)
        ) {
            try BindingCodec.encode(binding)
        }
        let message = OversizedBindingField(
            thread: binding.threadID, field: field, size: limit + 1, limit: limit
        )
        .description
        #expect(message.contains("\"\(field)\"") && message.contains("\(limit) bytes"))
    }

    /// A file edited by hand (or by another tool) with an oversized field is refused on read, naming
    /// the field and its limit.
    @Test(arguments: ["cwd", "model"])
    func aFieldOverItsLimitIsRefusedWhenRead(field: String) throws {
        let binding = try Self.binding()
        var object = BindingCodec.jsonValue(of: binding).objectValue ?? [:]
        object[field] = .string(Self.text(BindingCodec.Limits.cwd + 1))
        let bytes = JSONWriter.canonical(.object(object))
        do {
            _ = try BindingCodec.decode(bytes, expectedThread: binding.threadID)
            Issue.record("an oversized \(field) was accepted")
        } catch {
            #expect(
                error.description
                    == "\(field): expected at most \(field == "cwd" ? BindingCodec.Limits.cwd : BindingCodec.Limits.model) bytes, found \(JSONFieldError.excerpt(.string(Self.text(BindingCodec.Limits.cwd + 1)))); it is \(BindingCodec.Limits.cwd + 1) bytes (the limits are in docs/bindings.md). Fix the field or 'agentws unbind' the thread."
            )
        }
    }

    /// An 8 MiB `cwd` is refused by its size before it is parsed.
    @Test func aHugeFileIsRefusedBeforeItIsParsed() throws {
        let binding = try Self.binding()
        var object = BindingCodec.jsonValue(of: binding).objectValue ?? [:]
        object["cwd"] = .string(Self.text(8 << 20))
        let bytes = JSONWriter.canonical(.object(object))
        do {
            _ = try BindingCodec.decode(bytes, expectedThread: binding.threadID)
            Issue.record("an 8 MiB binding file was accepted")
        } catch {
            #expect(error.description.contains("a binding file is at most \(BindingCodec.Limits.file) bytes"))
        }
    }
}

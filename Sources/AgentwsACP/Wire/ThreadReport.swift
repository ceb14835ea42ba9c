import AgentwsCore
import AgentwsJSON

/// A thread as `list` and `show` present it, in a form that crosses the socket: the binding (or why
/// its file cannot be read), the live state and the runtime record. Its JSON is what
/// `agentws list --json` prints.
package struct ThreadReport: Sendable, Equatable {
    package var thread: String
    package var binding: Binding?
    /// Why the binding file could not be read, when it could not.
    package var error: String?
    package var liveness: ThreadStatus.Liveness
    package var runtime: RuntimeRecord?
    /// `live`, `stopped` or `error` on the machine that made the report (nil for an unreadable file).
    package var state: ThreadState?
    /// The schema version of the file as it is on disk (1 until `agentws migrate` or a change).
    package var fileSchemaVersion: Int64?
    /// The threads forked from this one, sorted.
    package var children: [String]
    /// Whether the binding's parent has a binding here (nil without a parent).
    package var parentExists: Bool?

    package init(_ status: ThreadStatus) {
        thread = status.thread
        children = status.children
        parentExists = status.parentExists
        switch status.listing {
        case .binding(let binding):
            self.binding = binding
            error = nil
        case .unreadable(_, let problem):
            binding = nil
            error = problem.description
        }
        liveness = status.liveness
        runtime = status.runtime
        state = binding == nil ? nil : status.state
        fileSchemaVersion = binding?.schemaVersion
    }

    package var json: JSONValue {
        [
            "thread": .string(thread),
            "binding": binding.map(BindingCodec.jsonValue(of:)) ?? .null,
            "fileSchemaVersion": fileSchemaVersion.map(JSONValue.integer) ?? .null,
            "status": .optional(state?.name),
            "lastError": .optional(state?.errorText),
            "error": .optional(error),
            "live": Self.json(liveness),
            "runtime": runtime?.jsonValue ?? .null,
            "lineage": [
                "parent": .optional(binding?.parent?.thread.rawValue),
                "parentExists": parentExists.map(JSONValue.bool) ?? .null,
                "children": .array(children.map(JSONValue.string)),
            ],
        ]
    }

    /// Reads a report written by `json`.
    package init(json value: JSONValue) throws(JSONRPCError) {
        func bad(_ reason: String) -> JSONRPCError {
            JSONRPCError(
                code: JSONRPCError.Code.internalError,
                message: "the daemon sent a thread report this agentws cannot read: \(reason)",
                data: ["exitCode": 1])
        }
        guard let thread = value["thread"]?.stringValue else { throw bad("no thread") }
        self.thread = thread
        if let bindingJSON = value["binding"], bindingJSON != .null {
            guard let id = try? ThreadID(thread) else { throw bad("invalid thread id \(thread)") }
            do {
                binding = try BindingCodec.decode(JSONWriter.canonical(bindingJSON), expectedThread: id)
            } catch {
                throw bad("binding of \(thread): \(error)")
            }
        } else {
            binding = nil
        }
        error = value["error"]?.stringValue
        fileSchemaVersion = value["fileSchemaVersion"]?.integerValue
        switch value["status"]?.stringValue {
        case "live": state = .live
        case "stopped": state = .stopped
        case "error": state = .error(value["lastError"]?.stringValue ?? "")
        default: state = nil
        }
        guard let live = value["live"], let liveness = Self.liveness(live) else { throw bad("no live state") }
        self.liveness = liveness
        runtime = value["runtime"].flatMap { $0 == .null ? nil : RuntimeRecord(json: $0) }
        let lineage = value["lineage"]
        children = lineage?["children"]?.arrayValue?.compactMap(\.stringValue) ?? []
        parentExists = lineage?["parentExists"]?.boolValue
    }

    static func json(_ liveness: ThreadStatus.Liveness) -> JSONValue {
        switch liveness {
        case .none: return ["state": "none"]
        case .live(let idle, let turnRunning, let busy):
            return [
                "state": "live", "idleMs": .integer(milliseconds(idle)), "turnRunning": .bool(turnRunning),
                "providerBusy": .bool(busy),
            ]
        case .ownedElsewhere(let pid):
            return ["state": "owned-elsewhere", "ownerPid": pid.map { .integer(Int64($0)) } ?? .null]
        case .orphaned: return ["state": "orphaned"]
        }
    }

    static func liveness(_ value: JSONValue) -> ThreadStatus.Liveness? {
        switch value["state"]?.stringValue {
        case "none": return ThreadStatus.Liveness.none
        case "live":
            guard let idle = value["idleMs"]?.integerValue else { return nil }
            return .live(
                idle: .milliseconds(idle), turnRunning: value["turnRunning"]?.boolValue ?? false,
                providerBusy: value["providerBusy"]?.boolValue ?? false)
        case "owned-elsewhere":
            return .ownedElsewhere(pid: value["ownerPid"]?.integerValue.flatMap { Int32(exactly: $0) })
        case "orphaned": return .orphaned
        default: return nil
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

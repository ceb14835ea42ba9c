import AgentwsCore
import AgentwsJSON
import Logging

/// The `_agentws/*` methods: the CLI's session commands over the protocol. Their events (reply text,
/// notices, warnings) arrive as `_agentws/event` notifications carrying the request's id, in the
/// form `agentws send --json` prints; results carry what the CLI prints from.
extension ACPAgent {
    /// `_agentws/send` — `agentws send`: `{thread?, text, model?, provider?, fresh?, wait?, cwd?}` →
    /// `{thread, provider, model, start, stopReason, usage}` (`usage` null when not reported). `cwd` is relative to the workspace root.
    func send(_ params: Params, _ context: RequestContext) async throws -> JSONValue {
        // The thread (a new one's id too) was settled when the request arrived.
        guard let thread = try params.optionalThread("thread") ?? context.prompt?.thread else {
            throw AgentwsError(.failure, "internal error: a send without its prompt registration")
        }
        let cwd = try params.optionalString("cwd") ?? "."
        if cwd.hasPrefix("/") || cwd.split(separator: "/").contains("..") {
            throw JSONRPCError.invalidParams(
                params.method, "'cwd' must be relative to the workspace root, not \(cwd)")
        }
        let request = SendRequest(
            thread: thread, text: try params.string("text"), model: try params.optionalString("model"),
            provider: try params.optionalString("provider"), freshOnResumeFailure: try params.bool("fresh"),
            waitForOwner: try params.bool("wait"), cwd: cwd,
            runtimeMode: try params.optionalString("runtimeMode"))
        let forward = forwarder(context)
        let (result, _) = try await runPrompt(request, context, events: forward)
        return [
            "thread": .string(result.thread.rawValue), "provider": .string(result.provider),
            "model": .optional(result.model), "start": .string(result.start.rawValue),
            "stopReason": .string(result.stopReason.rawValue), "usage": result.usage?.json ?? .null,
        ]
    }

    /// `_agentws/stop` — `agentws stop`: `{thread}` → `{thread}`.
    func stop(_ params: Params, _ context: RequestContext) async throws -> JSONValue {
        let thread = try params.thread("thread")
        try await service.stop(thread, events: forwarder(context))
        return ["thread": .string(thread.rawValue)]
    }

    /// `_agentws/interrupt` — `agentws interrupt`: `{thread}` → `{thread}`.
    func interrupt(_ params: Params) async throws -> JSONValue {
        let thread = try params.thread("thread")
        try await service.interrupt(thread)
        return ["thread": .string(thread.rawValue)]
    }

    /// `_agentws/reset` — `agentws reset`: `{thread}` → `{thread}`.
    func reset(_ params: Params, _ context: RequestContext) async throws -> JSONValue {
        let thread = try params.thread("thread")
        try await service.reset(thread, events: forwarder(context))
        return ["thread": .string(thread.rawValue)]
    }

    /// `_agentws/unbind` — `agentws unbind`: `{thread}` → `{thread}`. The ACP session goes with it.
    func unbind(_ params: Params, _ context: RequestContext) async throws -> JSONValue {
        let thread = try params.thread("thread")
        try await service.unbind(thread, events: forwarder(context))
        sessions.remove(thread)
        return ["thread": .string(thread.rawValue)]
    }

    /// `_agentws/fork` — `agentws fork`: `{thread, newThread?}` → `{thread, parent, provider, model,
    /// method}` (SPEC §12).
    func fork(_ params: Params, _ context: RequestContext) async throws -> JSONValue {
        let source = try params.thread("thread")
        let result = try await service.fork(
            source, into: try params.optionalThread("newThread"), events: forwarder(context))
        return Self.forkJSON(result)
    }

    /// A fork's result as `_agentws/fork` answers it and `agentws fork --json` prints it.
    package static func forkJSON(_ result: ForkResult) -> JSONValue {
        [
            "thread": .string(result.thread.rawValue),
            "parent": .optional(result.binding.parent?.thread.rawValue),
            "provider": .string(result.binding.provider), "model": .optional(result.binding.model),
            "method": .string(result.method.rawValue),
        ]
    }

    /// `_agentws/list` — `agentws list`: `{}` → `{threads: [report]}`.
    func list() async throws -> JSONValue {
        ["threads": .array(try await service.list().map { ThreadReport($0).json })]
    }

    /// `_agentws/show` — `agentws show`: `{thread}` → `{thread: report}`.
    func show(_ params: Params) async throws -> JSONValue {
        ["thread": ThreadReport(try await service.show(try params.thread("thread"))).json]
    }

    /// `_agentws/reap` — `agentws reap`: `{dryRun?}` → the sweep's report.
    func reap(_ params: Params) async throws -> JSONValue {
        let report = await service.reap(dryRun: try params.bool("dryRun"))
        ReapLog.log(report, to: logger)
        return ReapReportJSON.encode(report)
    }

    /// Sends a request's events as `_agentws/event` notifications.
    private func forwarder(_ context: RequestContext) -> @Sendable (SessionEvent) -> Void {
        let connection = context.connection
        let id = context.id.json
        return { event in
            connection.send(
                OutgoingMessage.notification(
                    ACPMethod.event, ["requestId": id, "event": SessionEventJSON.encode(event)]))
        }
    }
}

/// Logs a reaper sweep's decisions: stops, recoveries and failures at `info` and above, sessions
/// kept at `debug` (a daemon would otherwise log every live session every sweep).
package enum ReapLog {
    package static func log(_ report: ReapReport, to logger: Logger) {
        for decision in report.decisions {
            let metadata: Logger.Metadata = [
                "thread": "\(decision.thread)", "provider": "\(decision.provider)",
                "idle": "\(ThreadReport.milliseconds(decision.idle))ms",
                "reason": "\(ReapReportJSON.verdictName(decision.verdict))",
            ]
            let stopped = report.stopped.contains(decision.thread)
            if decision.verdict == .stop && (stopped || report.dryRun) {
                logger.info("reaper: \(report.dryRun ? "would " : "")\(decision)", metadata: metadata)
            } else if decision.verdict == .stop {
                logger.debug("reaper: \(decision) (not stopped: failed or busy again)", metadata: metadata)
            } else {
                logger.debug("reaper: \(decision)", metadata: metadata)
            }
        }
        for thread in report.recovered {
            logger.info(
                "reaper: recovered \(thread): binding left active by a process that is gone → stopped, cursor kept",
                metadata: ["thread": "\(thread)", "reason": "recovered"])
        }
        for (thread, reason) in report.failures.sorted(by: { $0.key < $1.key }) {
            logger.warning("reaper: stopping \(thread) failed: \(reason)", metadata: ["thread": "\(thread)"])
        }
        for (thread, reason) in report.unreadable.sorted(by: { $0.key < $1.key }) {
            logger.warning("reaper: skipped \(thread): \(reason)", metadata: ["thread": "\(thread)"])
        }
    }
}

import AgentwsCore
import AgentwsJSON
import Logging
import Synchronization

/// The agent side of the Agent Client Protocol over a session service (SPEC §10): a thread is an
/// ACP session, the operations ACP has no word for are `_agentws/*` extension methods.
///
/// One agent serves every connection of a process (the daemon's socket clients, or `agentws acp`'s
/// stdio); each connection is an `ACPConnection`. It does no I/O of its own: transports hand it
/// decoded lines and write what it sends.
package final class ACPAgent: Sendable {
    package let service: SessionService
    let environment: ACPEnvironment
    let logger: Logger
    let sessions = OpenSessions()
    private let shuttingDown = Atomic<Bool>(false)

    package init(service: SessionService, environment: ACPEnvironment, logger: Logger) {
        self.service = service
        self.environment = environment
        self.logger = logger
    }

    /// From now on requests are refused: the process is shutting down. Running prompts finish
    /// (shutdown interrupts their turns).
    package func beginShutdown() { shuttingDown.store(true, ordering: .relaxed) }

    var configuration: Configuration { service.configuration }

    /// Runs a request and returns its result.
    func call(_ method: String, _ raw: JSONValue?, _ context: RequestContext) async throws -> JSONValue {
        if shuttingDown.load(ordering: .relaxed) {
            throw AgentwsError(.failure, "agentws is shutting down here; run the command again")
        }
        let params = try Params(method: method, raw)
        switch method {
        case ACPMethod.initialize: return try initialize(params)
        case ACPMethod.sessionNew: return try await newSession(params)
        case ACPMethod.sessionResume: return try await resumeSession(params)
        case ACPMethod.sessionPrompt: return try await prompt(params, context)
        case ACPMethod.sessionList: return try await listSessions(params)
        case ACPMethod.sessionClose: return try await closeSession(params)
        case ACPMethod.sessionFork: return try await forkSession(params)
        case ACPMethod.sessionSetConfigOption: return try await setConfigOption(params)
        case ACPMethod.send: return try await send(params, context)
        case ACPMethod.stop: return try await stop(params, context)
        case ACPMethod.interrupt: return try await interrupt(params)
        case ACPMethod.reset: return try await reset(params, context)
        case ACPMethod.unbind: return try await unbind(params, context)
        case ACPMethod.fork: return try await fork(params, context)
        case ACPMethod.list: return try await list()
        case ACPMethod.show: return try await show(params)
        case ACPMethod.reap: return try await reap(params)
        case ACPMethod.providers: return await environment.providersReport()
        case ACPMethod.sessionCancel:
            throw JSONRPCError.invalidRequest("session/cancel is a notification: send it without an id")
        default: throw JSONRPCError.methodNotFound(method)
        }
    }

    /// Handles a notification, in arrival order. Notifications get no answer, so problems are only
    /// logged.
    func notify(_ method: String, _ raw: JSONValue?, _ connection: ACPConnection) {
        switch method {
        case ACPMethod.sessionCancel:
            do {
                let params = try Params(method: method, raw)
                cancel(try params.thread("sessionId"), connection)
            } catch {
                logger.debug("ignored session/cancel: \(JSONRPCError(error).message)")
            }
        default:
            // Unknown notifications are ignored, as JSON-RPC and ACP ask.
            logger.debug("ignored notification \(method)")
        }
    }

    /// The session whose earlier requests on this connection a request must wait for, if any.
    /// Requests that must get through while a turn runs (`_agentws/interrupt`), and those about no
    /// session in particular, wait for nothing. `session/close` cancels the session's running
    /// prompts here, in arrival order, and then waits for them to end, as ACP asks.
    func orderingKey(_ method: String, _ raw: JSONValue?, _ connection: ACPConnection) -> ThreadID? {
        let text: String?
        switch method {
        case ACPMethod.sessionNew: text = raw?["_meta"]?["agentws"]?["thread"]?.stringValue
        case ACPMethod.sessionResume, ACPMethod.sessionPrompt, ACPMethod.sessionSetConfigOption,
            ACPMethod.sessionClose, ACPMethod.sessionFork:
            text = raw?["sessionId"]?.stringValue
        case ACPMethod.send, ACPMethod.stop, ACPMethod.reset, ACPMethod.unbind, ACPMethod.show,
            ACPMethod.fork:
            text = raw?["thread"]?.stringValue
        default: text = nil
        }
        guard let thread = text.flatMap({ try? ThreadID($0) }) else { return nil }
        if method == ACPMethod.sessionClose { cancel(thread, connection) }
        return thread
    }

    /// Registers a request that runs a turn (`session/prompt`, `_agentws/send`) as a prompt of the
    /// connection, in arrival order, so that a `session/cancel` sent right after it finds it. A
    /// send without a thread gets its new thread id here. Nil for other requests, and for
    /// parameters the request itself will refuse.
    func registerPrompt(_ method: String, _ raw: JSONValue?, _ connection: ACPConnection) -> RegisteredPrompt?
    {
        let thread: ThreadID?
        switch method {
        case ACPMethod.sessionPrompt:
            thread = raw?["sessionId"]?.stringValue.flatMap { try? ThreadID($0) }
        case ACPMethod.send:
            if let text = raw?["thread"]?.stringValue {
                thread = try? ThreadID(text)
            } else {
                thread = ThreadIDGenerator().makeID(at: environment.now())
            }
        default:
            thread = nil
        }
        guard let thread else { return nil }
        return RegisteredPrompt(token: connection.prompts.begin(thread), thread: thread)
    }

    /// Interrupts the thread's running turn, if it has one; a failure is only logged (there may
    /// simply be nothing left to interrupt).
    func interruptQuietly(_ thread: ThreadID) {
        let service = service
        let logger = logger
        Task {
            do {
                try await service.interrupt(thread)
            } catch {
                logger.debug("interrupt of \(thread) did nothing: \(error)")
            }
        }
    }

    /// Interrupts the turn of a cancelled prompt, again and again until the prompt has ended. A
    /// provider may receive the interrupt an instant before the turn it is meant for (the session
    /// service counts the turn as running before the provider has it), and then ignores it; while
    /// the prompt is registered its turn is the thread's running one, so repeating is safe.
    func interrupt(_ thread: ThreadID, until token: Int, of connection: ACPConnection) {
        let service = service
        let logger = logger
        Task {
            var pause = Duration.milliseconds(50)
            let deadline = ContinuousClock.now + .seconds(60)
            while connection.prompts.isRunning(token), ContinuousClock.now < deadline {
                do {
                    try await service.interrupt(thread)
                } catch {
                    logger.debug("interrupt of \(thread) did nothing: \(error)")
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(1))
            }
        }
    }
}

/// The request being handled: its id, the connection to send its notifications on, and its
/// registration as a prompt when it runs a turn.
struct RequestContext: Sendable {
    let id: JSONRPCID
    let connection: ACPConnection
    let prompt: RegisteredPrompt?
}

/// A turn-running request, registered with its connection's prompts.
struct RegisteredPrompt: Sendable {
    let token: Int
    let thread: ThreadID
}

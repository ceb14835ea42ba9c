import AgentProcess
import AgentwsSystem
import Dispatch

/// The log of a plugin host's standard error once agentws has gone, kept by the host itself.
///
/// agentws reads a host's standard error and logs it (`StderrLog`, in the instance's
/// `plugin-host.log`). A one-shot command exits without waiting for its host, which then destroys
/// its instance with nobody reading: what the plugin wrote during `destroy`, often its last words
/// about the processes it ends, was lost. So a host whose input ends without agentws's `closing`
/// (`PluginHostProtocol`) points its standard error and output at a socket of its own, and one
/// thread logs what comes through into the same file, in the same form, until the host exits. The
/// log is opened with the first bytes: a plugin that says nothing leaves it as it was, and costs
/// the host no file at all.
///
/// Nobody would end a host whose plugin hangs in `destroy` either, so the same thread does what
/// agentws does to a host it ends (`PluginHost.terminate`): after `destroyLimit`, SIGTERM to the
/// host's process group (the host and what the plugin started in it), then SIGKILL.
final class PluginHostLeftAlone: Sendable {
    private let path: String
    private let name: String
    /// The log, once something is written to it.
    private let log = Locked<StderrLog?>(nil)
    /// Set by `finish`, once the instance is destroyed.
    private let destroyed = Locked(false)
    private let readerEnded = DispatchSemaphore(value: 0)

    private init(path: String, name: String) {
        self.path = path
        self.name = name
    }

    /// How long `finish` waits for the last writer of the socket: a process the plugin started may
    /// hold it open after the host has nothing more to say.
    static let drainLimit: DispatchTimeInterval = .seconds(2)
    /// How long the plugin's `destroy` may take, and then how long SIGTERM has before SIGKILL, in
    /// seconds: the grace agentws gives a host it ends.
    static let destroyLimit = 3

    /// Starts logging this process's standard error and output in the log at `path`, each line
    /// prefixed `name[pid] ` as agentws does; nil (standard error left as it is) when no socket or
    /// thread can be made.
    static func begin(path: String, name: String) -> PluginHostLeftAlone? {
        // A socket pair, as agentws gives its children for standard error (Glibc's module has no pipe2).
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0
        else { return nil }
        let alone = PluginHostLeftAlone(path: path, name: name)
        let reading = ends[0]
        do {
            try DetachedThread.start { alone.readUntilEnd(reading) }
        } catch {
            close(ends[0])
            close(ends[1])
            return nil
        }
        // The C library's buffered standard error is flushed into the old one first.
        fflush(nil)
        dup2(ends[1], 1)
        dup2(ends[1], 2)
        close(ends[1])
        return alone
    }

    /// Ends the log once the instance is destroyed: closes this process's ends of the socket, waits
    /// (at most `drainLimit`) for the rest of what was written, and closes the log with a footer if
    /// there is one.
    func finish() {
        destroyed.withLock { $0 = true }
        fflush(nil)
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        if null >= 0 {
            dup2(null, 1)
            dup2(null, 2)
            close(null)
        }
        if readerEnded.wait(timeout: .now() + Self.drainLimit) == .success {
            log.withLock { $0 }?.finish(footer: "destroyed its instance; exiting")
        } else {
            opened().finish(
                footer: "destroyed its instance; exiting while another process (one the plugin started?) "
                    + "still holds its standard error, which is not logged further")
        }
    }

    /// The log, opened now if nothing opened it yet.
    private func opened() -> StderrLog {
        log.withLock { log in
            if let log { return log }
            let made = StderrLog(
                path: path, name: name, pid: getpid(),
                header: "agentws has gone; the host destroys its instance and logs its standard error itself")
            log = made
            return made
        }
    }

    /// Logs what comes through the socket until its end; until the instance is destroyed, ends the
    /// host when `destroy` takes too long.
    private func readUntilEnd(_ descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 14)
        var signalled: [Int32] = []
        var deadline = ContinuousClock.now + .seconds(Self.destroyLimit)
        while true {
            let waiting = destroyed.withLock { !$0 } && signalled.count < 2
            let timeout = waiting ? (deadline - .now).pollTimeout : -1
            var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&watched, 1, timeout)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 {
                guard destroyed.withLock({ !$0 }) else { continue }
                if signalled.isEmpty {
                    opened().finish(
                        footer:
                            "the plugin's destroy did not return within \(Self.destroyLimit) s; ending the "
                            + "host (SIGTERM, then SIGKILL)")
                }
                signalled.append(signalled.isEmpty ? SIGTERM : SIGKILL)
                // Only a host that leads its own process group (as agentws starts it) signals the group.
                kill(getpgrp() == getpid() ? 0 : getpid(), signalled[signalled.count - 1])
                deadline = .now + .seconds(Self.destroyLimit)
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            let log = opened()
            buffer.withUnsafeBytes { log.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        close(descriptor)
        readerEnded.signal()
    }
}

import AgentwsCore
import AgentwsSystem

/// Keeps a connection's requests on one session in the order they arrived, while requests on
/// other sessions (and `session/cancel`) go on at the same time: a client that sends `session/new`
/// and `session/prompt` without waiting between them gets them carried out in that order.
///
/// Each request takes a ticket when it arrives (in line order) and waits for its turn before it
/// runs. Tickets are taken in the order the transport starts the work, so the first ticket of a
/// session is always already running: no request can wait on one that has not started.
final class RequestOrdering: Sendable {
    private struct Line {
        var issued = 0
        var served = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let lines = Locked<[ThreadID: Line]>([:])

    /// The next ticket for `thread`'s line. Call in arrival order.
    func ticket(_ thread: ThreadID) -> Int {
        lines.withLock { lines in
            defer { lines[thread, default: Line()].issued += 1 }
            return lines[thread, default: Line()].issued
        }
    }

    /// Returns when every earlier ticket of `thread` is done.
    func wait(_ thread: ThreadID, _ ticket: Int) async {
        await withCheckedContinuation { continuation in
            let now = lines.withLock { lines -> Bool in
                if lines[thread]?.served == ticket { return true }
                lines[thread]?.waiting[ticket] = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Ticket `ticket` of `thread` is done: the next one may run.
    func done(_ thread: ThreadID, _ ticket: Int) {
        let next = lines.withLock { lines -> CheckedContinuation<Void, Never>? in
            guard var line = lines[thread] else { return nil }
            line.served = ticket + 1
            if line.served == line.issued {
                lines[thread] = nil
                return nil
            }
            let next = line.waiting.removeValue(forKey: line.served)
            lines[thread] = line
            return next
        }
        next?.resume()
    }
}

/// Serialises operations on one thread inside a process (a second `send` to a thread waits for the
/// first), without holding anything across other threads' provider calls.
struct ThreadGates {
    private var busy: Set<ThreadID> = []
    private var waiters: [ThreadID: [CheckedContinuation<Void, Never>]] = [:]

    /// Takes the gate if free; returns false when someone holds it.
    mutating func tryEnter(_ thread: ThreadID) -> Bool {
        busy.insert(thread).inserted
    }

    /// Registers a waiter to be resumed when the gate passes to it.
    mutating func enqueue(_ thread: ThreadID, _ continuation: CheckedContinuation<Void, Never>) {
        waiters[thread, default: []].append(continuation)
    }

    /// Passes the gate to the next waiter, or frees it.
    mutating func leave(_ thread: ThreadID) {
        if var queue = waiters[thread], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[thread] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busy.remove(thread)
        }
    }

    func isHeld(_ thread: ThreadID) -> Bool { busy.contains(thread) }
}

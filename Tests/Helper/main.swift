// A child process for the storage tests: it writes bindings in a loop (to be SIGKILLed at random
// moments), increments a counter under the thread lock, or holds a lock until killed.
import AgentwsCore
import AgentwsJSON
import AgentwsStorage
import AgentwsSystem

func say(_ text: String) {
    // Unbuffered, so that whatever was said before a SIGKILL is in the pipe.
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

func fail(_ text: String) -> Never {
    let bytes = Array(("agentws-test-helper: " + text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

/// The binding the write loop writes for sequence number `sequence` (the tests rebuild it).
func loopBinding(thread: ThreadID, sequence: Int64) -> Binding {
    Binding(
        threadID: thread, provider: "echo", model: sequence % 2 == 0 ? "echo-1" : "echo-2",
        resumeCursor: [
            "conversation": .string("c-\(sequence)"),
            "padding": .string(String(repeating: "x", count: Int(sequence % 4000))),
        ],
        cwd: ".", createdAt: UTCDateTime(secondsSinceEpoch: 1_764_547_200))
}

func lockWaiting(_ store: BindingStore, _ thread: ThreadID) -> ThreadLock {
    while true {
        do {
            if let lock = try store.tryLock(thread) { return lock }
        } catch {
            fail("\(error)")
        }
        usleep(1000)
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    fail("usage: agentws-test-helper write-loop|increment|hold-lock WORKSPACE …")
}
let workspace = Workspace(root: arguments[2])
let store: BindingStore
do {
    store = try BindingStore.open(workspace)
} catch {
    fail("\(error)")
}

switch arguments[1] {
case "write-loop":
    // write-loop WORKSPACE THREADS FIRST: writes bindings FIRST, FIRST+1, … round-robin over THREADS
    // threads, saying "begin" before and "end" after each write.
    let count = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
    let threads = (0..<count).compactMap { try? ThreadID("crash-\($0)") }
    var sequence: Int64 = arguments.count > 4 ? Int64(arguments[4]) ?? 1 : 1
    while true {
        let thread = threads[Int(sequence) % threads.count]
        say("begin \(thread) \(sequence)")
        let lock = lockWaiting(store, thread)
        do {
            try store.write(loopBinding(thread: thread, sequence: sequence), holding: lock)
        } catch {
            fail("\(error)")
        }
        lock.release()
        say("end \(thread) \(sequence)")
        sequence += 1
    }
case "increment":
    // increment WORKSPACE THREAD N: N read-modify-write cycles of the cursor's counter under the lock.
    guard arguments.count == 5, let thread = try? ThreadID(arguments[3]), let times = Int(arguments[4]) else {
        fail("usage: increment WORKSPACE THREAD N")
    }
    for _ in 0..<times {
        let lock = lockWaiting(store, thread)
        do {
            var binding =
                try store.read(thread)
                ?? Binding(
                    threadID: thread, provider: "echo", model: nil,
                    createdAt: UTCDateTime(secondsSinceEpoch: 0))
            let counter = binding.resumeCursor?["counter"]?.integerValue ?? 0
            // Give the other process every chance to interleave if the lock did not work.
            sched_yield()
            binding.resumeCursor = ["counter": .integer(counter + 1)]
            try store.write(binding, holding: lock)
        } catch {
            fail("\(error)")
        }
        lock.release()
    }
    say("done")
case "hold-lock":
    // hold-lock WORKSPACE THREAD: takes the lock, says so, and sleeps until killed.
    guard arguments.count == 4, let thread = try? ThreadID(arguments[3]) else {
        fail("usage: hold-lock WORKSPACE THREAD")
    }
    let lock = lockWaiting(store, thread)
    say("locked \(getpid())")
    while lock.isHeld { sleep(60) }
default:
    fail("unknown command \(arguments[1])")
}

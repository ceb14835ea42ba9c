import AgentwsSystem

/// Which CPUs a thread may run on (Linux `sched_setaffinity`), for a thread that must run beside
/// its creator from its first instant (`DetachedThread.start(onAnotherCPU:)`).
///
/// A CPU set holds 1024 CPUs; on a machine with more the calls fail, and nothing here changes where
/// threads run.
package enum CPUAffinity {
    private typealias CurrentCPU = @convention(c) () -> Int32
    private typealias GetSet = @convention(c) (pid_t, Int, UnsafeMutablePointer<cpu_set_t>?) -> Int32
    private typealias SetSet = @convention(c) (pid_t, Int, UnsafePointer<cpu_set_t>?) -> Int32
    private typealias SetAttributeSet =
        @convention(c) (UnsafeMutablePointer<pthread_attr_t>?, Int, UnsafePointer<cpu_set_t>?) -> Int32

    private static let currentCPU = CLibrary.function("sched_getcpu", as: CurrentCPU.self)
    private static let getSet = CLibrary.function("sched_getaffinity", as: GetSet.self)
    private static let setSet = CLibrary.function("sched_setaffinity", as: SetSet.self)
    private static let setAttributeSet = CLibrary.function(
        "pthread_attr_setaffinity_np", as: SetAttributeSet.self)

    /// Makes a thread created with `attributes` start on one of the process's CPUs (its main
    /// thread's) other than the one the caller runs on now; false when there is no other (or the
    /// sets cannot be read or set).
    package static func startOnAnotherCPU(_ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Bool {
        guard let currentCPU, let setAttributeSet, var set = cpus(of: getpid()) else { return false }
        let current = Int(currentCPU())
        guard current >= 0, current < MemoryLayout<cpu_set_t>.size * 8 else { return false }
        withUnsafeMutableBytes(of: &set) { $0[current / 8] &= ~(UInt8(1) << UInt8(current % 8)) }
        guard count(set) > 0 else { return false }
        return setAttributeSet(attributes, MemoryLayout<cpu_set_t>.size, &set) == 0
    }

    /// Lets the calling thread run on every CPU the process's main thread may run on.
    package static func runAnywhere() {
        // The process id names the main thread.
        guard let setSet, var set = cpus(of: getpid()) else { return }
        _ = setSet(0, MemoryLayout<cpu_set_t>.size, &set)
    }

    /// Whether the calling thread may run on exactly the CPUs of the process's main thread; nil when
    /// the sets cannot be read.
    package static func runsAnywhere() -> Bool? {
        guard let mine = cpus(of: 0), let main = cpus(of: getpid()) else { return nil }
        return withUnsafeBytes(of: mine) { mine in withUnsafeBytes(of: main) { mine.elementsEqual($0) } }
    }

    /// How many CPUs the calling thread may run on; nil when its set cannot be read.
    package static func allowedCount() -> Int? { cpus(of: 0).map(count) }

    /// The CPU set of thread `thread` (0: the calling one).
    private static func cpus(of thread: pid_t) -> cpu_set_t? {
        guard let getSet else { return nil }
        var set = cpu_set_t()
        return getSet(thread, MemoryLayout<cpu_set_t>.size, &set) == 0 ? set : nil
    }

    // A CPU set is glibc's array of unsigned longs, CPU n at bit n % 64 of long n / 64: on the
    // little-endian machines agentws builds for, bit n % 8 of byte n / 8.

    private static func count(_ set: cpu_set_t) -> Int {
        withUnsafeBytes(of: set) { $0.reduce(0) { $0 + $1.nonzeroBitCount } }
    }
}

import AgentProcess
import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Testing

@Suite struct DetachedThreadTests {
    /// A thread started on another CPU keeps nothing of that: once running it may use every CPU
    /// the process may, and so may a process it spawns (a plugin host pinned to one CPU was slower).
    @Test func aThreadStartedOnAnotherCPUAndWhatItSpawnsMayRunOnEveryCPU() async throws {
        let shell = try Shell("sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status")
        let recorder = Recorder()
        let result = Locked<(runsAnywhere: Bool?, connection: LineConnection?, error: String?)>(
            (nil, nil, nil))
        let ran = Latch()
        try DetachedThread.start(onAnotherCPU: true) {
            defer { ran.open() }
            let runsAnywhere = CPUAffinity.runsAnywhere()
            do {
                let connection = try shell.start(recording: recorder)
                result.withLock { $0 = (runsAnywhere, connection, nil) }
            } catch {
                result.withLock { $0 = (runsAnywhere, nil, "\(error)") }
            }
        }
        #expect(await ran.wait(atMost: patience))
        let (runsAnywhere, connection, error) = result.withLock { $0 }
        #expect(error == nil)
        #expect(runsAnywhere == true)
        let child = try #require(connection)
        #expect(await child.waitUntilEnded(atMost: patience))
        #expect(recorder.lines == [try AllowedCPUs().list])
    }

    /// With more than one CPU to run on (as on every CI machine), a new thread can be given another;
    /// with one (`taskset -c 0 swift test …`), it cannot.
    @Test func aThreadCanBeGivenAnotherCPUWhenTheProcessHasOne() throws {
        let allowed = try AllowedCPUs()
        let count = allowed.cpus.count
        #expect(CPUAffinity.allowedCount() == count, "\(allowed.list)")
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        // The caller is pinned for the check, so that "the CPU it runs on" stays the same one.
        let pinned = try Self.pinCallingThreadToItsCPU()
        defer { CPUAffinity.runAnywhere() }
        #expect(CPUAffinity.startOnAnotherCPU(&attributes) == (count > 1), "\(allowed.list)")
        guard count > 1 else { return }
        // The set given to the new thread: all of the process's CPUs but the caller's.
        typealias GetAttributeSet =
            @convention(c) (UnsafePointer<pthread_attr_t>?, Int, UnsafeMutablePointer<cpu_set_t>?) -> Int32
        let getAttributeSet = try #require(
            CLibrary.function("pthread_attr_getaffinity_np", as: GetAttributeSet.self))
        var given = cpu_set_t()
        #expect(getAttributeSet(&attributes, MemoryLayout<cpu_set_t>.size, &given) == 0)
        let bits = withUnsafeBytes(of: given) { bytes in
            (0..<(bytes.count * 8)).filter { bytes[$0 / 8] & (UInt8(1) << UInt8($0 % 8)) != 0 }
        }
        #expect(!bits.contains(pinned) && bits.count == count - 1, "\(bits), caller on \(pinned)")
    }

    /// Pins the calling thread to the CPU it runs on; that CPU.
    private static func pinCallingThreadToItsCPU() throws -> Int {
        typealias CurrentCPU = @convention(c) () -> Int32
        typealias SetSet = @convention(c) (pid_t, Int, UnsafePointer<cpu_set_t>?) -> Int32
        let current = try #require(CLibrary.function("sched_getcpu", as: CurrentCPU.self))
        let setSet = try #require(CLibrary.function("sched_setaffinity", as: SetSet.self))
        let cpu = Int(current())
        var set = cpu_set_t()
        withUnsafeMutableBytes(of: &set) { $0[cpu / 8] |= UInt8(1) << UInt8(cpu % 8) }
        try #require(setSet(0, MemoryLayout<cpu_set_t>.size, &set) == 0)
        return cpu
    }
}

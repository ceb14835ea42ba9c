import AgentProcess
import AgentwsSystem
import CAgentwsScheduling
import Foundation
import Testing

@Suite struct DetachedThreadTests {
    /// A thread started on another CPU keeps nothing of that: once running it may use every CPU
    /// the process may, and so may a process it spawns (a plugin host pinned to one CPU was slower).
    @Test func aThreadStartedOnAnotherCPUAndWhatItSpawnsMayRunOnEveryCPU() async throws {
        let shell = try Shell("grep '^Cpus_allowed_list:' /proc/self/status")
        let recorder = Recorder()
        let result = Locked<(runsAnywhere: Int32, connection: LineConnection?, error: String?)>(
            (-2, nil, nil))
        let ran = Latch()
        try DetachedThread.start(onAnotherCPU: true) {
            defer { ran.open() }
            let runsAnywhere = agentws_thread_runs_anywhere()
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
        #expect(runsAnywhere == 1)
        let child = try #require(connection)
        #expect(await child.waitUntilEnded(atMost: patience))
        let ours = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        let line = try #require(ours)
        #expect(recorder.lines == [String(line)])
    }

    /// With more than one CPU to run on (as on every CI machine), a new thread can be given another.
    @Test func aThreadCanBeGivenAnotherCPUWhenTheProcessHasOne() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let list = try #require(
            status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }?
                .dropFirst("Cpus_allowed_list:".count))
        // "0-1,4": ranges and single CPUs.
        let count = list.split(separator: ",").reduce(0) { count, item in
            let bounds = item.split(separator: "-").compactMap {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            return count + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1)
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        #expect(agentws_attr_start_on_another_cpu(&attributes) == (count > 1 ? 0 : -1), "\(list)")
    }
}

import Foundation

/// Waits until `condition` holds, looking again every 20 ms; throws a `TestFailure` naming `what`
/// when it still does not hold after `limit`. For a thread that may block (a test without a task);
/// async code gets the overload below.
@_disfavoredOverload
package func waitUntil(
    _ what: @autoclosure () -> String, limit: Duration = .seconds(30), _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + limit
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what())") }
        usleep(20_000)
    }
}

/// `waitUntil` for async tests: sleeps the task rather than the thread between looks.
package func waitUntil(
    _ what: @autoclosure () -> String, limit: Duration = .seconds(30), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what())") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

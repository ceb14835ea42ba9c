import AgentwsCore
import ArgumentParser
import Foundation

/// Runs a command body and turns every failure into the message and exit code of SPEC §9.
func reportingFailures(json: Bool = false, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let failure as any AgentwsFailure {
        Terminal.error(failure.description, json: json, exitCode: failure.category.exitCode)
        throw ExitCode(failure.category.exitCode)
    } catch is CancellationError {
        Terminal.error("cancelled", json: json, exitCode: 1)
        throw ExitCode.failure
    } catch {
        Terminal.error("\(error)", json: json, exitCode: 1)
        throw ExitCode.failure
    }
}

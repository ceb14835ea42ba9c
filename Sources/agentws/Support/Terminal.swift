import AgentwsJSON
import Foundation

/// Writes to the standard streams without buffering surprises: reply text goes to stdout as it
/// arrives, notices and errors to stderr.
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func line(_ text: String) { out(text + "\n") }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func notice(_ text: String) { err("agentws: " + text + "\n") }

    static func warning(_ text: String) { err("agentws: warning: " + text + "\n") }

    static func error(_ text: String, json: Bool, exitCode: Int32) {
        if json {
            // Machine readers get the error on stdout, in the same stream as the rest.
            jsonLine(["type": "error", "message": .string(text), "exitCode": .integer(Int64(exitCode))])
        }
        err("agentws: error: " + text + "\n")
    }

    static func jsonLine(_ value: JSONValue) {
        var bytes = JSONWriter.compact(value)
        bytes.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(Data(bytes))
    }

    static func json(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data(JSONWriter.canonical(value)))
    }
}

import AgentwsJSON
import CAgentwsProvider
import ProviderKit
import Testing

@Suite("create and destroy through the entry table")
struct CreateTests {
    private func refusal(_ bytes: [UInt8]) throws -> CreateRefused {
        switch PluginDriver.create(entry: ProbeExport.entry, configurationBytes: bytes) {
        case .success: throw Failure("create accepted \(String(decoding: bytes, as: UTF8.self))")
        case .failure(let refused): return refused
        }
    }

    private func refusal(_ configuration: JSONValue) throws -> CreateRefused {
        try refusal(JSONWriter.compact(configuration))
    }

    @Test func configurationThatIsNotJSONIsAnInvalidRequest() throws {
        let refused = try refusal(Array("{\"provider\": ".utf8))
        #expect(refused.status != 0)
        #expect(refused.code == "invalid-request")
        #expect(refused.message?.contains("not valid JSON") == true, "\(refused.json)")
    }

    @Test func missingConfigurationMemberIsNamed() throws {
        let refused = try refusal(["provider": "p", "workspace": "/w"])
        #expect(refused.code == "invalid-request")
        #expect(refused.message == "configuration.stateDirectory: missing, expected a string")
    }

    @Test func optionsOfTheWrongKindAreNamed() throws {
        let refused = try refusal([
            "provider": "p", "workspace": "/w", "stateDirectory": "/s", "options": [1],
        ])
        #expect(refused.message == "configuration.options: expected an object or null, found [1]")
    }

    @Test func pluginErrorFromInitKeepsItsCode() throws {
        let refused = try refusal(ProbeExport.configuration("refusing", options: ["refuse": true]))
        #expect(refused.code == "invalid-request")
        #expect(refused.message == "the probe refuses option refuse")
    }

    @Test func otherErrorFromInitIsProviderFailed() throws {
        let refused = try refusal(ProbeExport.configuration("breaking", options: ["break": true]))
        #expect(refused.code == "provider-failed")
        #expect(refused.message == "the probe broke down")
    }

    @Test func tooSmallHostTableIsRefused() throws {
        let recorder = HostRecorder()
        let callbacks = recorder.makeCallbacks()
        defer { callbacks.deallocate() }
        callbacks.pointee.struct_size = 8
        var instance: UnsafeMutableRawPointer?
        var errorBuffer: UnsafeMutablePointer<CChar>?
        var errorLength = 0
        let bytes = JSONWriter.compact(ProbeExport.configuration("small-host"))
        let entry = ProbeExport.entry
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                entry.create?($0.baseAddress, $0.count, callbacks, &instance, &errorBuffer, &errorLength)
            }
        }
        #expect(status == 1)
        #expect(instance == nil)
        let buffer = try #require(errorBuffer)
        let error = try JSONParser.parse(bytes: readBytes(buffer, errorLength))
        entry.free_buffer?(buffer, errorLength)
        #expect(error["code"] == "invalid-request")
        #expect(error["message"]?.stringValue?.contains("declares 8 bytes") == true, "\(error)")
    }

    @Test func createLogsThroughTheHost() throws {
        let driver = try ProbeExport.create("logging")
        #expect(
            driver.host.logLines
                == [
                    HostRecorder.LogLine(level: Int32(AGENTWS_LOG_INFO), message: "probe created for logging")
                ])
    }

    @Test(.timeLimit(.minutes(3)))
    func destroyClosesTheHostBeforeShutdownRuns() async throws {
        let driver = try ProbeExport.create("destroyed")
        let before = driver.host.events.count
        let logLines = driver.host.logLines.count
        driver.destroy()
        await ShutdownLog.waitFor("destroyed")
        #expect(driver.host.events.count == before)
        #expect(driver.host.logLines.count == logLines)
    }
}

/// A test failure with a message.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Testing

/// A bare Unix socket client for talking to the daemon byte by byte, hostile input included.
final class SocketClient {
    private var fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket(): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw TestFailure("path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw TestFailure("connect(\(path)): \(reason)")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func send(_ text: String) throws { try send(bytes: Array(text.utf8)) }

    func send(bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw TestFailure("send: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Sends one JSON-RPC message.
    func send(json: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: json)
        try send(bytes: Array(data) + [UInt8(ascii: "\n")])
    }

    /// The next line, or nil at end of stream; fails after `limit`.
    func readLine(limit: Duration = .seconds(30)) throws -> String? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("no line from the daemon in time")
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { continue }
            if poller.revents == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { return nil }
                throw TestFailure("recv: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return buffer.isEmpty ? nil : String(decoding: buffer, as: UTF8.self) }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// The next message as a dictionary.
    func readMessage(limit: Duration = .seconds(30)) throws -> [String: Any] {
        let line = try #require(try readLine(limit: limit), "the daemon closed the connection")
        let message = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(message as? [String: Any], "\(line)")
    }

    /// Reads messages until the response to request `id`, returning it and the notifications before it.
    func response(to id: Int, limit: Duration = .seconds(30)) throws -> (
        response: [String: Any], notifications: [[String: Any]]
    ) {
        var notifications: [[String: Any]] = []
        while true {
            let message = try readMessage(limit: limit)
            if (message["id"] as? Int) == id { return (message, notifications) }
            notifications.append(message)
        }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}

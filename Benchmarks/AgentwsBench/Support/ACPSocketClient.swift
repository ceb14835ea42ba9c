import AgentwsJSON
import AgentwsSystem

/// One ACP client on the daemon's Unix socket: its own connection, JSON-RPC 2.0 messages one per
/// line. The descriptor is non-blocking so that one thread can drive many clients with `poll`;
/// every wait is bounded by a deadline.
final class ACPSocketClient {
    /// The daemon answers a longer line with an error; a reply this long means something is wrong.
    static let maximumLine = 1 << 20

    let descriptor: Int32
    private var pending: [UInt8] = []
    private var nextID: Int64 = 1

    /// Connects to `socketPath`; fails at once when nothing listens there.
    init(socketPath: String) throws(BenchError) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw .system("create a socket for", socketPath) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else {
            close(fd)
            throw BenchError("\(socketPath): longer than a Unix socket path may be (\(capacity - 1) bytes)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.enumerated() { raw[index] = byte }
            raw[path.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected != 0 {
            let error = BenchError.system("connect to", socketPath)
            close(fd)
            throw error
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// A fresh request id on this connection.
    func makeID() -> Int64 {
        defer { nextID += 1 }
        return nextID
    }

    /// Writes one message and its newline, waiting for room in the socket until `deadline`.
    func send(_ message: JSONValue, deadline: UInt64) throws(BenchError) {
        let line = JSONWriter.compact(message) + [UInt8(ascii: "\n")]
        var offset = 0
        while offset < line.count {
            let count = line.withUnsafeBytes {
                Glibc.send(
                    descriptor, $0.baseAddress.map { $0 + offset }, line.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count >= 0 {
                offset += count
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLOUT), until: deadline)
            } else if errno != EINTR {
                throw .system("write to", "the daemon socket")
            }
        }
    }

    /// Reads what has arrived, without blocking, and returns the complete messages in it. The
    /// daemon closing the connection is an error: the benchmark never asks it to.
    func receiveAvailable() throws(BenchError) -> [JSONValue] {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                pending.append(contentsOf: chunk[0..<count])
                continue
            }
            if count == 0 { throw BenchError("the daemon closed an ACP connection") }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { break }
            throw .system("read from", "the daemon socket")
        }
        var messages: [JSONValue] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            do {
                messages.append(try JSONParser.parse(bytes: pending[start..<newline]))
            } catch {
                throw BenchError("the daemon sent a line that is not JSON: \(error)")
            }
            start = newline + 1
        }
        pending.removeFirst(start)
        if pending.count > Self.maximumLine {
            throw BenchError("the daemon sent a line over \(Self.maximumLine) bytes")
        }
        return messages
    }

    /// Sends a request and waits for its answer until `timeout` nanoseconds have passed, setting
    /// aside the notifications that come first. Returns the result; a JSON-RPC error is thrown.
    func request(_ method: String, _ params: JSONValue, timeout: UInt64) throws(BenchError) -> JSONValue {
        let id = makeID()
        let deadline = MonotonicTime.now() + timeout
        try send(
            ["jsonrpc": "2.0", "id": .integer(id), "method": .string(method), "params": params],
            deadline: deadline)
        while true {
            for message in try receiveAvailable() where message["id"]?.integerValue == id {
                return try Self.result(of: message, method: method)
            }
            try wait(for: Int16(POLLIN), until: deadline)
        }
    }

    /// The result of an answer, or the JSON-RPC error it carries as a benchmark error.
    static func result(of message: JSONValue, method: String) throws(BenchError) -> JSONValue {
        if let result = message["result"] { return result }
        let error = message["error"]?["message"]?.stringValue ?? JSONWriter.compactString(message)
        throw BenchError("\(method) failed: \(error)")
    }

    private func wait(for events: Int16, until deadline: UInt64) throws(BenchError) {
        let now = MonotonicTime.now()
        guard now < deadline else { throw BenchError("the daemon did not answer in time") }
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        let milliseconds = Int32(min((deadline - now) / 1_000_000 + 1, 1_000))
        if poll(&entry, 1, milliseconds) < 0 && errno != EINTR { throw .system("poll", "the daemon socket") }
    }
}

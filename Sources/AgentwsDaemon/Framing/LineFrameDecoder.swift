import NIOCore

/// Splits a byte stream into lines (newline-terminated, the newline dropped; a `\r` before it is
/// dropped too), refusing to buffer a line longer than `maximumLength`: a peer that never sends a
/// newline cannot make the daemon hold an unbounded amount of memory.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maximumLength: Int
    /// Where the search for the next newline resumes: bytes already searched are not searched again.
    private var searched = 0

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let start = view.index(view.startIndex, offsetBy: searched)
        guard let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            searched = view.count
            if view.count > maximumLength { throw LineTooLong(limit: maximumLength) }
            return .needMoreData
        }
        let length = newline - view.startIndex
        searched = 0
        if length > maximumLength { throw LineTooLong(limit: maximumLength) }
        var line = buffer.readSlice(length: length) ?? ByteBuffer()
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last line without its newline is still a message.
        if buffer.readableBytes > 0 {
            let line = buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
            searched = 0
            context.fireChannelRead(wrapInboundOut(line))
        }
        return .needMoreData
    }
}

/// A peer sent more than the line limit without a newline.
struct LineTooLong: Error, CustomStringConvertible {
    let limit: Int
    var description: String { "a line is longer than \(limit) bytes" }
}

/// Limits of the line protocol.
enum LineLimits {
    /// The longest message the daemon (and `agentws acp`) reads: 1 MiB.
    static let server = 1 << 20
    /// The longest message the CLI reads from the daemon: a `list` of many threads is long.
    static let client = 256 << 20
}

import AgentwsSystem
import NIOCore

/// Who is at the other end of a Unix socket, as the kernel recorded it when the peer connected
/// (`SO_PEERCRED`): it cannot be forged by the peer.
struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    let pid: Int32
    let uid: UInt32
    let gid: UInt32

    /// Reads the credentials of `channel`'s peer.
    static func of(_ channel: any Channel) async throws -> PeerCredentials {
        guard let provider = channel as? any SocketOptionProvider else {
            throw PeerCredentialsUnavailable()
        }
        // `struct ucred` is only declared for _GNU_SOURCE, which Swift's Glibc module does not set;
        // a tuple has its layout: pid, uid, gid, each 32 bits, in that order.
        let credentials: (pid: Int32, uid: UInt32, gid: UInt32) = try await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        ).get()
        return PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
    }

    var description: String { "uid \(uid), gid \(gid), pid \(pid)" }
}

struct PeerCredentialsUnavailable: Error, CustomStringConvertible {
    var description: String { "the connection has no peer credentials (not a Unix socket)" }
}

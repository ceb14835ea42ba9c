/// What kind of failure an error is; decides the process exit code (SPEC §9).
public enum ErrorCategory: Sendable, Equatable {
    case failure
    case notFound
    case conflict
    case invalidData
    case providerFailure
    case usage

    /// The exit code §9 assigns to this category.
    public var exitCode: Int32 {
        switch self {
        case .failure: return 1
        case .notFound: return 3
        case .conflict: return 4
        case .invalidData: return 5
        case .providerFailure: return 6
        case .usage: return 64
        }
    }
}

/// An error that knows its category and carries a message written for the user: what went wrong,
/// where (file, line, thread, plugin) and what to do about it.
public protocol AgentwsFailure: Error, CustomStringConvertible {
    var category: ErrorCategory { get }
}

/// A failure with a category and a message, for cases that need no type of their own.
public struct AgentwsError: AgentwsFailure, Equatable {
    public var category: ErrorCategory
    public var message: String

    public init(_ category: ErrorCategory, _ message: String) {
        self.category = category
        self.message = message
    }

    public var description: String { message }
}

import AgentwsCore
import AgentwsSystem

/// A failed system call is an agentws failure like any other: a missing file is "not found" (exit 3),
/// anything else a plain failure.
extension SystemError: AgentwsFailure {
    public var category: ErrorCategory { code == ENOENT ? .notFound : .failure }  // public: AgentwsFailure's requirement on a type of the kit package
}

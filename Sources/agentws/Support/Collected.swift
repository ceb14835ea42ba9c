import AgentwsSystem

/// Carries a value out of a `@Sendable` closure (a routed command's body) to the code after it.
final class Collected<Value: Sendable>: Sendable {
    private let storage = Locked<Value?>(nil)

    func set(_ value: Value) { storage.withLock { $0 = value } }

    var value: Value? { storage.withLock { $0 } }
}

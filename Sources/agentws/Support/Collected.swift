import Synchronization

/// Carries a value out of a `@Sendable` closure (a routed command's body) to the code after it.
final class Collected<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    func set(_ value: Value) { storage.withLock { $0 = value } }

    var value: Value? { storage.withLock { $0 } }
}

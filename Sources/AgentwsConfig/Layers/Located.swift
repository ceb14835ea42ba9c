/// A value together with where it was set, so that both the report and a later validation error can
/// point at it.
struct Located<Value> {
    var value: Value
    var origin: ConfigOrigin
}

extension Located: Sendable where Value: Sendable {}
extension Located: Equatable where Value: Equatable {}

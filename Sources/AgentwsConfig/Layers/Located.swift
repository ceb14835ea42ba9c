/// A value together with where it was set, so that both the report and a later validation error can
/// point at it.
struct Located<Value> {
    var value: Value
    var origin: ConfigOrigin
    /// The value as written, when it refers to environment variables (`${NAME}`): what the report
    /// shows instead of the effective value.
    var written: ConfigWrittenValue? = nil
}

extension Located: Sendable where Value: Sendable {}
extension Located: Equatable where Value: Equatable {}

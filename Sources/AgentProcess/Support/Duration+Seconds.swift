extension Duration {
    /// Whole seconds, rounded up, for messages.
    package var seconds: Int64 {
        let (seconds, attoseconds) = components
        return attoseconds > 0 ? seconds + 1 : seconds
    }
}

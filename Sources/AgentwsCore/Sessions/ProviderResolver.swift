/// Finds the provider instance for a name from the configuration (`providers.<name>`), loading its
/// plugin on first use.
public protocol ProviderResolver: Sendable {
    func provider(named name: String) async throws -> any Provider
}

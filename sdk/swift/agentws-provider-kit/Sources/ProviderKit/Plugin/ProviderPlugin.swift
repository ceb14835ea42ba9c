import AgentwsJSON

/// What a Swift provider plugin implements: one type, exported with two `@_cdecl` functions.
///
/// ```swift
/// @_cdecl("agentws_provider_magic")
/// public func agentwsProviderMagic() -> UnsafeRawPointer { ProviderExport.magic(MyPlugin.self) }
///
/// @_cdecl("agentws_provider_entry")
/// public func agentwsProviderEntry() -> UnsafeRawPointer { ProviderExport.entry(MyPlugin.self) }
/// ```
///
/// The host creates one value per configured provider instance and may call its methods
/// concurrently, each on its own task, so conforming types are usually actors. Any error a method
/// throws is answered as a plugin error: a `PluginError` keeps its code, anything else becomes
/// `provider-failed` with the error's description.
public protocol ProviderPlugin: Sendable {
    /// The plugin name configurations refer to: `[a-z0-9][a-z0-9._-]*`.
    static var name: String { get }
    /// The plugin's version, shown by the host (semantic version recommended).
    static var version: String { get }

    /// Creates an instance from the host's configuration. Throw to refuse it (bad options, …).
    init(configuration: PluginConfiguration, host: PluginHost) throws

    /// What this instance can do (`describe`).
    func describe() async throws -> PluginCapabilities
    /// Starts a session: a fresh conversation, or the one behind `request.resumeCursor`. A cursor
    /// whose conversation is gone must fail with `resume-failed`, never start a fresh one.
    func start(_ request: StartRequest) async throws -> StartResult
    /// Runs one turn, emitting its events through the host before returning.
    func send(_ request: PluginTurnRequest) async throws -> PluginTurnResult
    /// Interrupts the session's running turn, if any; that turn then ends as `cancelled`.
    func interrupt(session: String) async throws
    /// Whether the session has work in progress.
    func status(session: String) async throws -> SessionStatus
    /// Ends the session; its conversation stays resumable from its cursor.
    func stop(session: String) async throws
    /// Called once when the host destroys the instance, after the host callbacks are closed, so
    /// that child processes and timers can be ended. Runs after `destroy` has returned.
    func shutdown() async
}

extension ProviderPlugin {
    /// Nothing to release by default.
    public func shutdown() async {}
}

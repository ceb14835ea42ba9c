import Testing

/// The codex plugin against the real `codex app-server` 0.163.0 and a loopback model mock, through
/// the real `agentws` CLI (and, where the CLI cannot reach, through the plugin loader).
///
/// One test at a time: each starts codex processes and a mock, and two cores are shared.
@Suite("codex app-server", .serialized)
struct CodexAppServerTests {}

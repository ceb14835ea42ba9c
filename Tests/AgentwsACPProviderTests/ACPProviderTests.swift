import Testing

/// The acp plugin against real ACP agents from PyPI, run offline (docs/providers/acp.md). The
/// agents are Python programs that take a few seconds to start, so the suites run one at a time.
@Suite("acp provider", .serialized)
struct ACPProviderTests {}

import AgentwsPlugins
import AgentwsSystem

// `agentws-plugin-host`: serves one provider instance's plugin for agentws over standard input and
// output (docs/plugin-abi.md §13). It is `agentws plugin-host` without the rest of agentws — no
// Foundation, no command-line parser — so that a plugin host starts in about half the time. agentws
// starts it; it is not meant to be run by hand.
exit(PluginHostServer.main())

/// The end every C fixture plugin shares: the magic block, the entry table and the two exported
/// functions, for functions named `<prefix>_create`, `<prefix>_call`, `<prefix>_destroy` and
/// `<prefix>_free_buffer`. `name` is a C expression (a string literal or a macro).
func cPluginExports(prefix: String, name: String) -> String {
    """

    static const agentws_plugin_magic magic = {
        .magic = AGENTWS_PROVIDER_MAGIC,
        .abi_major = AGENTWS_PROVIDER_ABI_MAJOR,
        .abi_minor = AGENTWS_PROVIDER_ABI_MINOR,
        .struct_size = sizeof(agentws_plugin_magic),
        .plugin_name = \(name),
        .plugin_version = "0.1",
        .toolchain = "gcc",
    };

    static const agentws_plugin_entry entry = {
        .struct_size = sizeof(agentws_plugin_entry),
        .abi_minor = AGENTWS_PROVIDER_ABI_MINOR,
        .create = \(prefix)_create,
        .call = \(prefix)_call,
        .destroy = \(prefix)_destroy,
        .free_buffer = \(prefix)_free_buffer,
    };

    const agentws_plugin_magic *agentws_provider_magic(void);
    const agentws_plugin_magic *agentws_provider_magic(void) { return &magic; }
    const agentws_plugin_entry *agentws_provider_entry(void);
    const agentws_plugin_entry *agentws_provider_entry(void) { return &entry; }

    """
}

/* The C echo provider exports only the ABI symbols declared in agentws_provider.h. */

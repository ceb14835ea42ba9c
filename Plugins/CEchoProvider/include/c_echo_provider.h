/*
 * c-echo: an agentws provider written in plain C11. It answers each turn with "c-echo turn N: <text>"
 * and keeps its conversations on disk under the state directory the host gives, so a stopped session
 * resumes by cursor in any later process.
 *
 * It exports only the two functions of the plugin ABI (agentws_provider.h); everything else is hidden.
 */
#ifndef C_ECHO_PROVIDER_H
#define C_ECHO_PROVIDER_H

#include "agentws_provider.h"

#define C_ECHO_EXPORT __attribute__((visibility("default")))

C_ECHO_EXPORT const agentws_plugin_magic *agentws_provider_magic(void);
C_ECHO_EXPORT const agentws_plugin_entry *agentws_provider_entry(void);

#endif

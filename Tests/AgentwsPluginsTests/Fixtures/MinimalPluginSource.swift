/// A minimal plugin whose every part can be broken with a `-D` definition, to produce each refusal
/// the loader knows. Unbroken it loads as plugin "fixture" and answers `describe`.
/// `FIXTURE_ABI_MINOR=0` makes it a plugin built for ABI 1.0; `FIXTURE_CLAIMS_TRANSCRIPTS` makes its
/// `describe` claim export, import and fork, and its `export` answer a format without writing a file.
let minimalPluginSource = #"""
    #define _GNU_SOURCE /* memmem */
    #include <stdlib.h>
    #include <string.h>

    #include "agentws_provider.h"

    #ifndef FIXTURE_NAME
    #define FIXTURE_NAME "fixture"
    #endif
    #ifndef FIXTURE_MAGIC
    #define FIXTURE_MAGIC AGENTWS_PROVIDER_MAGIC
    #endif
    #ifndef FIXTURE_ABI_MAJOR
    #define FIXTURE_ABI_MAJOR AGENTWS_PROVIDER_ABI_MAJOR
    #endif
    #ifndef FIXTURE_MAGIC_SIZE
    #define FIXTURE_MAGIC_SIZE sizeof(agentws_plugin_magic)
    #endif
    #ifndef FIXTURE_ABI_MINOR
    #define FIXTURE_ABI_MINOR AGENTWS_PROVIDER_ABI_MINOR
    #endif
    #ifndef FIXTURE_TOOLCHAIN
    #define FIXTURE_TOOLCHAIN "gcc"
    #endif

    #ifdef FIXTURE_UNDEFINED
    extern void agentws_fixture_missing_function(void);
    #endif

    static int32_t fixture_create(const char *config, size_t config_len, const agentws_host_callbacks *host,
                                  void **instance_out, char **error_json_out, size_t *error_len_out) {
        (void)config;
        (void)config_len;
        (void)host;
    #ifdef FIXTURE_UNDEFINED
        agentws_fixture_missing_function();
    #endif
    #ifdef FIXTURE_CREATE_FAILS
        (void)instance_out;
        static const char error[] = "{\"code\":\"invalid-request\",\"message\":\"options.mode is required\"}";
        char *copy = malloc(sizeof error - 1);
        if (copy == NULL) return 1;
        memcpy(copy, error, sizeof error - 1);
        *error_json_out = copy;
        *error_len_out = sizeof error - 1;
        return 1;
    #else
        (void)error_json_out;
        (void)error_len_out;
        *instance_out = NULL;
        return 0;
    #endif
    }

    /* Unused when FIXTURE_NULL_CALL leaves it out of the table. */
    __attribute__((unused))
    static void fixture_call(void *instance, const char *request, size_t request_len,
                             agentws_completion_fn completion, void *call_context) {
        (void)instance;
    #ifdef FIXTURE_CLAIMS_TRANSCRIPTS
        static const char export_method[] = "\"method\":\"" AGENTWS_METHOD_EXPORT "\"";
        if (memmem(request, request_len, export_method, sizeof export_method - 1) != NULL) {
            static const char exported[] = "{\"format\":\"fixture-text\"}";
            completion(call_context, AGENTWS_CALL_OK, exported, sizeof exported - 1);
            return;
        }
        static const char reply[] = "{\"modelSwitch\":\"restart\",\"models\":null,\"canResume\":false,"
                                    "\"canExport\":true,\"canImport\":true,\"canFork\":true,"
                                    "\"transcriptFormat\":\"fixture-text\"}";
    #else
        (void)request;
        (void)request_len;
        static const char reply[] = "{\"modelSwitch\":\"restart\",\"models\":null,\"canResume\":false}";
    #endif
        completion(call_context, AGENTWS_CALL_OK, reply, sizeof reply - 1);
    }

    static void fixture_destroy(void *instance) { (void)instance; }

    static void fixture_free_buffer(char *buffer, size_t length) {
        (void)length;
        free(buffer);
    }

    /* Unused when FIXTURE_NO_MAGIC or FIXTURE_NO_ENTRY leave the functions out. */
    __attribute__((unused))
    static const agentws_plugin_magic magic = {
        .magic = FIXTURE_MAGIC,
        .abi_major = FIXTURE_ABI_MAJOR,
        .abi_minor = FIXTURE_ABI_MINOR,
        .struct_size = FIXTURE_MAGIC_SIZE,
        .plugin_name = FIXTURE_NAME,
        .plugin_version = "0.1",
        .toolchain = FIXTURE_TOOLCHAIN,
    };

    __attribute__((unused))
    static const agentws_plugin_entry entry = {
        .struct_size = sizeof(agentws_plugin_entry),
        .abi_minor = FIXTURE_ABI_MINOR,
        .create = fixture_create,
    #ifndef FIXTURE_NULL_CALL
        .call = fixture_call,
    #endif
        .destroy = fixture_destroy,
        .free_buffer = fixture_free_buffer,
    };

    #ifndef FIXTURE_NO_MAGIC
    const agentws_plugin_magic *agentws_provider_magic(void);
    const agentws_plugin_magic *agentws_provider_magic(void) { return &magic; }
    #endif

    #ifndef FIXTURE_NO_ENTRY
    const agentws_plugin_entry *agentws_provider_entry(void);
    const agentws_plugin_entry *agentws_provider_entry(void) { return &entry; }
    #endif
    """#

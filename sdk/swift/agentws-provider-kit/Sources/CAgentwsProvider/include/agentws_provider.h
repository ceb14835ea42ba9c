/*
 * agentws provider plugin ABI.
 *
 * This header is the whole contract between the agentws host and a provider plugin. A plugin is a
 * shared object that exports two functions (the PostgreSQL `Pg_magic_func` pattern: a function
 * rather than a data symbol, so that languages without C data exports, Swift among them, can
 * provide it):
 *
 *   const agentws_plugin_magic *agentws_provider_magic(void);  called first, before anything else
 *   const agentws_plugin_entry *agentws_provider_entry(void);  the function table
 *
 * Both must return pointers to static data that lives as long as the process, do no other work
 * and have no side effects. The host checks the magic block (magic number, ABI major, struct size)
 * before it looks at the entry table, and checks the table (size, no NULL function pointers) before
 * it calls anything. A plugin learns about the host only through the agentws_host_callbacks table
 * handed to create().
 *
 * Struct sizes on the 64-bit Linux targets agentws supports (x86_64, aarch64; LP64, natural
 * alignment), which a plugin written in another language must reproduce exactly:
 *   agentws_plugin_magic    48 bytes  (AGENTWS_PLUGIN_MAGIC_SIZE)
 *   agentws_host_callbacks  32 bytes  (AGENTWS_HOST_CALLBACKS_SIZE, as of ABI 1.1)
 *   agentws_plugin_entry    40 bytes  (AGENTWS_PLUGIN_ENTRY_SIZE, as of ABI 1.1)
 * The compiler checks them at the end of this header.
 *
 * All data crosses the boundary as UTF-8 JSON given as pointer + length (never NUL-terminated by
 * contract, although the host always adds a NUL after its own buffers as a convenience).
 *
 * Ownership, threading and versioning rules: docs/plugin-abi.md.
 */
#ifndef AGENTWS_PROVIDER_H
#define AGENTWS_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "AGWSPRV1" read as a little-endian 64-bit integer is not the point; it is simply unlikely. */
#define AGENTWS_PROVIDER_MAGIC 0x4147575350525631ULL /* a plain literal so that Swift imports it */

/* A different major version is refused. Minor versions only append fields at the end of structs. */
#define AGENTWS_PROVIDER_ABI_MAJOR 1
#define AGENTWS_PROVIDER_ABI_MINOR 1

#define AGENTWS_PROVIDER_MAGIC_SYMBOL "agentws_provider_magic"
#define AGENTWS_PROVIDER_ENTRY_SYMBOL "agentws_provider_entry"

/*
 * Method names: the "method" member of a call() request. ABI 1.0 has the first six; 1.1 adds the
 * optional transcript and fork methods, each advertised by describe (docs/plugin-abi.md).
 */
#define AGENTWS_METHOD_DESCRIBE "describe"
#define AGENTWS_METHOD_START "start"
#define AGENTWS_METHOD_SEND "send"
#define AGENTWS_METHOD_INTERRUPT "interrupt"
#define AGENTWS_METHOD_STATUS "status"
#define AGENTWS_METHOD_STOP "stop"
#define AGENTWS_METHOD_EXPORT "export" /* 1.1 */
#define AGENTWS_METHOD_IMPORT "import" /* 1.1 */
#define AGENTWS_METHOD_FORK "fork"     /* 1.1 */

/* Error codes: the "code" member of an error object. No others are allowed. */
#define AGENTWS_ERROR_INVALID_REQUEST "invalid-request"
#define AGENTWS_ERROR_NOT_FOUND "not-found"
#define AGENTWS_ERROR_RESUME_FAILED "resume-failed"
#define AGENTWS_ERROR_PROVIDER_FAILED "provider-failed"
#define AGENTWS_ERROR_UNSUPPORTED "unsupported"

/* Capability members of the describe result. */
#define AGENTWS_CAPABILITY_MODEL_SWITCH "modelSwitch"
#define AGENTWS_CAPABILITY_MODELS "models"
#define AGENTWS_CAPABILITY_CAN_RESUME "canResume"
#define AGENTWS_CAPABILITY_CAN_EXPORT "canExport"               /* 1.1 */
#define AGENTWS_CAPABILITY_CAN_IMPORT "canImport"               /* 1.1 */
#define AGENTWS_CAPABILITY_CAN_FORK "canFork"                   /* 1.1 */
#define AGENTWS_CAPABILITY_TRANSCRIPT_FORMAT "transcriptFormat" /* 1.1 */
#define AGENTWS_CAPABILITY_CAN_REPLACE "canReplace"             /* 1.1: import accepts "replace": true */

/* Identifies the plugin. Returned by `agentws_provider_magic()`. */
typedef struct agentws_plugin_magic {
    uint64_t magic;          /* AGENTWS_PROVIDER_MAGIC */
    uint32_t abi_major;      /* AGENTWS_PROVIDER_ABI_MAJOR the plugin was built against */
    uint32_t abi_minor;      /* AGENTWS_PROVIDER_ABI_MINOR the plugin was built against */
    uint32_t struct_size;    /* sizeof(agentws_plugin_magic) as the plugin saw it */
    uint32_t reserved;       /* 0 */
    const char *plugin_name;    /* NUL-terminated, [a-z0-9][a-z0-9._-]*: the name configs refer to */
    const char *plugin_version; /* NUL-terminated, free form (semantic version recommended) */
    const char *toolchain;      /* NUL-terminated, e.g. "swift-6.3" (ProviderKit's form) or "gcc-12.2.0" */
} agentws_plugin_magic;

/* Log levels for agentws_host_callbacks.log. */
enum {
    AGENTWS_LOG_DEBUG = 0,
    AGENTWS_LOG_INFO = 1,
    AGENTWS_LOG_WARNING = 2,
    AGENTWS_LOG_ERROR = 3,
};

/*
 * Callbacks the host hands to create(). The table and `context` stay valid until destroy() returns.
 * Both functions may be called from any thread, at any time between create() and destroy(). The JSON
 * or text passed in is only read during the call (the host copies what it keeps).
 */
typedef struct agentws_host_callbacks {
    uint32_t struct_size; /* sizeof(agentws_host_callbacks) as the host saw it */
    uint32_t abi_minor;   /* host's AGENTWS_PROVIDER_ABI_MINOR */
    void *context;        /* opaque, passed back as the first argument */
    /* An event of a session: {"session": "...", "type": "...", ...}; see docs/plugin-abi.md. */
    void (*emit_event)(void *context, const char *json, size_t json_len);
    /* A diagnostic line for the host's log. */
    void (*log)(void *context, int32_t level, const char *message, size_t message_len);
} agentws_host_callbacks;

/* Completion status values. */
enum {
    AGENTWS_CALL_OK = 0,    /* json is the method's result object */
    AGENTWS_CALL_ERROR = 1, /* json is {"code": "...", "message": "..."} */
};

/*
 * Answers one call(). Must be invoked exactly once per call, from any thread, possibly before call()
 * returns. `json` belongs to the plugin and only needs to stay valid until the completion returns.
 */
typedef void (*agentws_completion_fn)(void *call_context, int32_t status, const char *json,
                                      size_t json_len);

/* The function table. Returned by `agentws_provider_entry()`. */
typedef struct agentws_plugin_entry {
    uint32_t struct_size; /* sizeof(agentws_plugin_entry) as the plugin saw it */
    uint32_t abi_minor;   /* the plugin's AGENTWS_PROVIDER_ABI_MINOR */

    /*
     * Creates an instance from a JSON configuration. Returns 0 and sets *instance_out, or returns
     * non-zero and may set *error_json_out / *error_len_out to an error object the host releases
     * with free_buffer(). `host` stays valid until destroy(instance) returns.
     */
    int32_t (*create)(const char *config_json, size_t config_len, const agentws_host_callbacks *host,
                      void **instance_out, char **error_json_out, size_t *error_len_out);

    /*
     * Calls a method: request is {"method": "...", "params": {...}}. The answer arrives through
     * `completion`, exactly once. May be called concurrently from several threads.
     */
    void (*call)(void *instance, const char *request_json, size_t request_len,
                 agentws_completion_fn completion, void *call_context);

    /* Destroys an instance. No call is outstanding; no callback may be made after it returns. */
    void (*destroy)(void *instance);

    /* Releases a buffer the plugin allocated and handed to the host (create's error). */
    void (*free_buffer)(char *buffer, size_t length);
} agentws_plugin_entry;

/* The two exported functions. */
typedef const agentws_plugin_magic *(*agentws_provider_magic_fn)(void);
typedef const agentws_plugin_entry *(*agentws_provider_entry_fn)(void);

/* The struct sizes documented at the top, checked by the compiler on the supported targets. */
#define AGENTWS_PLUGIN_MAGIC_SIZE 48
#define AGENTWS_HOST_CALLBACKS_SIZE 32
#define AGENTWS_PLUGIN_ENTRY_SIZE 40
#if defined(__LP64__)
#ifdef __cplusplus
#define AGENTWS_SIZE_CHECK static_assert
#else
#define AGENTWS_SIZE_CHECK _Static_assert
#endif
AGENTWS_SIZE_CHECK(sizeof(agentws_plugin_magic) == AGENTWS_PLUGIN_MAGIC_SIZE, "agentws_plugin_magic size");
AGENTWS_SIZE_CHECK(sizeof(agentws_host_callbacks) == AGENTWS_HOST_CALLBACKS_SIZE,
                   "agentws_host_callbacks size");
AGENTWS_SIZE_CHECK(sizeof(agentws_plugin_entry) == AGENTWS_PLUGIN_ENTRY_SIZE, "agentws_plugin_entry size");
#undef AGENTWS_SIZE_CHECK
#endif

#ifdef __cplusplus
}
#endif

#endif /* AGENTWS_PROVIDER_H */

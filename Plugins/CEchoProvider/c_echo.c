/* The ABI glue of c-echo: magic block, entry table, instance lifetime and request decoding. */
#include <stdlib.h>
#include <string.h>

#include "c_echo_internal.h"
#include "c_echo_provider.h"

#define C_ECHO_TEXT(x) #x
#define C_ECHO_STRING(x) C_ECHO_TEXT(x)
#if defined(__clang__)
#define C_ECHO_TOOLCHAIN \
    "clang-" C_ECHO_STRING(__clang_major__) "." C_ECHO_STRING(__clang_minor__) "." \
        C_ECHO_STRING(__clang_patchlevel__)
#elif defined(__GNUC__)
#define C_ECHO_TOOLCHAIN \
    "gcc-" C_ECHO_STRING(__GNUC__) "." C_ECHO_STRING(__GNUC_MINOR__) "." C_ECHO_STRING(__GNUC_PATCHLEVEL__)
#else
#define C_ECHO_TOOLCHAIN "c11"
#endif

/* True when the host's callback table is large enough to hold `field` (older hosts have fewer). */
#define HOST_HAS(host, field) \
    ((host)->struct_size >= offsetof(agentws_host_callbacks, field) + sizeof((host)->field))

static void write_error(json_buffer *buffer, const char *code, const char *message) {
    json_buffer_raw(buffer, "{\"code\":");
    json_buffer_string(buffer, code, strlen(code));
    json_buffer_raw(buffer, ",\"message\":");
    json_buffer_string(buffer, message, strlen(message));
    json_buffer_raw(buffer, "}");
}

static int32_t refuse_create(const char *message, char **error_json_out, size_t *error_len_out) {
    json_buffer error = {0};
    write_error(&error, AGENTWS_ERROR_INVALID_REQUEST, message);
    if (error.failed) {
        json_buffer_free(&error);
        return 1;
    }
    *error_json_out = error.data;
    *error_len_out = error.length;
    return 1;
}

static int32_t c_echo_create(const char *config_json, size_t config_len, const agentws_host_callbacks *host,
                             void **instance_out, char **error_json_out, size_t *error_len_out) {
    json_span config, options;
    if (!json_parse(config_json, config_len, &config) || json_kind_of(config) != JSON_OBJECT) {
        return refuse_create("the configuration is not a JSON object", error_json_out, error_len_out);
    }
    if (json_member(config, "options", &options) && json_kind_of(options) != JSON_OBJECT) {
        return refuse_create("options must be an object", error_json_out, error_len_out);
    }
    json_span state_value;
    size_t state_length = 0;
    char *state_directory = NULL;
    if (!json_member(config, "stateDirectory", &state_value) || json_kind_of(state_value) != JSON_STRING ||
        (state_directory = json_string_dup(state_value, &state_length)) == NULL) {
        return refuse_create("stateDirectory is required (a string)", error_json_out, error_len_out);
    }
    if (state_directory[0] != '/' || strlen(state_directory) != state_length) {
        free(state_directory);
        return refuse_create("stateDirectory must be an absolute path", error_json_out, error_len_out);
    }
    c_echo_instance *instance = calloc(1, sizeof *instance);
    if (instance == NULL || !store_init(&instance->store, state_directory)) {
        free(state_directory);
        if (instance != NULL) store_free(&instance->store);
        free(instance);
        return refuse_create("out of memory", error_json_out, error_len_out);
    }
    free(state_directory);
    pthread_mutex_init(&instance->lock, NULL);
    if (host != NULL) {
        instance->host_context = HOST_HAS(host, context) ? host->context : NULL;
        instance->emit_event = HOST_HAS(host, emit_event) ? host->emit_event : NULL;
        instance->log = HOST_HAS(host, log) ? host->log : NULL;
    }
    if (instance->log != NULL) {
        static const char ready[] = "c-echo instance ready";
        instance->log(instance->host_context, AGENTWS_LOG_DEBUG, ready, sizeof ready - 1);
    }
    *instance_out = instance;
    return 0;
}

static void c_echo_call(void *opaque, const char *request_json, size_t request_len,
                        agentws_completion_fn completion, void *call_context) {
    c_echo_instance *instance = opaque;
    c_echo_reply reply = {0};
    json_span request, method_value, params;
    char *method = NULL;
    size_t method_length = 0;
    if (!json_parse(request_json, request_len, &request) || json_kind_of(request) != JSON_OBJECT) {
        reply_error(&reply, AGENTWS_ERROR_INVALID_REQUEST, "the request is not a JSON object");
    } else if (!json_member(request, "method", &method_value) || json_kind_of(method_value) != JSON_STRING ||
               (method = json_string_dup(method_value, &method_length)) == NULL) {
        reply_error(&reply, AGENTWS_ERROR_INVALID_REQUEST, "request.method is required (a string)");
    } else {
        static const char empty[] = "{}";
        if (!json_member(request, "params", &params)) params = (json_span){empty, empty + 2};
        if (json_kind_of(params) != JSON_OBJECT) {
            reply_error(&reply, AGENTWS_ERROR_INVALID_REQUEST, "request.params must be an object");
        } else {
            run_method(instance, method, params, &reply);
        }
    }
    if (reply.result.failed || reply.event.failed) reply_error(&reply, AGENTWS_ERROR_PROVIDER_FAILED, "out of memory");
    if (reply.event.length > 0 && instance->emit_event != NULL) {
        instance->emit_event(instance->host_context, reply.event.data, reply.event.length);
    }
    if (reply.result.failed) {
        static const char fallback[] = "{\"code\":\"provider-failed\",\"message\":\"out of memory\"}";
        completion(call_context, AGENTWS_CALL_ERROR, fallback, sizeof fallback - 1);
    } else {
        completion(call_context, reply.status, reply.result.data, reply.result.length);
    }
    json_buffer_free(&reply.result);
    json_buffer_free(&reply.event);
    free(method);
}

static void c_echo_destroy(void *opaque) {
    c_echo_instance *instance = opaque;
    store_free(&instance->store);
    pthread_mutex_destroy(&instance->lock);
    free(instance);
}

static void c_echo_free_buffer(char *buffer, size_t length) {
    (void)length;
    free(buffer);
}

/*
 * c-echo is deliberately a 1.0-style plugin: it keeps no transcripts and cannot fork, so it declares
 * ABI 1.0 and the host never calls export, import or fork on it (docs/plugin-abi.md §10). It still
 * uses the header's method and error constants, which are valid for every 1.x plugin.
 */
#define C_ECHO_ABI_MINOR 0

static const agentws_plugin_magic c_echo_magic = {
    .magic = AGENTWS_PROVIDER_MAGIC,
    .abi_major = AGENTWS_PROVIDER_ABI_MAJOR,
    .abi_minor = C_ECHO_ABI_MINOR,
    .struct_size = sizeof(agentws_plugin_magic),
    .reserved = 0,
    .plugin_name = "c-echo",
    .plugin_version = "1.0.0",
    .toolchain = C_ECHO_TOOLCHAIN,
};

static const agentws_plugin_entry c_echo_entry = {
    .struct_size = sizeof(agentws_plugin_entry),
    .abi_minor = C_ECHO_ABI_MINOR,
    .create = c_echo_create,
    .call = c_echo_call,
    .destroy = c_echo_destroy,
    .free_buffer = c_echo_free_buffer,
};

const agentws_plugin_magic *agentws_provider_magic(void) { return &c_echo_magic; }

const agentws_plugin_entry *agentws_provider_entry(void) { return &c_echo_entry; }

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_echo_internal.h"

static const char *const models[] = {"c-echo-1", "c-echo-2"};

void reply_error(c_echo_reply *reply, const char *code, const char *format, ...) {
    char message[512];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, sizeof message, format, arguments);
    va_end(arguments);
    json_buffer_free(&reply->result);
    json_buffer_free(&reply->event);
    reply->status = AGENTWS_CALL_ERROR;
    json_buffer_raw(&reply->result, "{\"code\":");
    json_buffer_string(&reply->result, code, strlen(code));
    json_buffer_raw(&reply->result, ",\"message\":");
    json_buffer_string(&reply->result, message, strlen(message));
    json_buffer_raw(&reply->result, "}");
}

/*
 * Reads params[key] as a string into *out (from malloc; NULL when absent or null). False, with the
 * reply set to an error, when it has another type or is required and missing.
 */
static bool string_param(json_span params, const char *key, bool required, char **out,
                         c_echo_reply *reply) {
    *out = NULL;
    json_span value;
    bool present = json_member(params, key, &value) && json_kind_of(value) != JSON_NULL;
    if (!present) {
        if (required) reply_error(reply, AGENTWS_ERROR_INVALID_REQUEST, "params.%s is required (a string)", key);
        return !required;
    }
    size_t length;
    if (json_kind_of(value) != JSON_STRING) {
        reply_error(reply, AGENTWS_ERROR_INVALID_REQUEST, "params.%s must be a string", key);
        return false;
    }
    if ((*out = json_string_dup(value, &length)) == NULL) {
        reply_error(reply, AGENTWS_ERROR_PROVIDER_FAILED, "out of memory");
        return false;
    }
    if (strlen(*out) != length) {
        reply_error(reply, AGENTWS_ERROR_INVALID_REQUEST, "params.%s contains a NUL character", key);
        free(*out);
        *out = NULL;
        return false;
    }
    return true;
}

static bool check_model(const char *model, c_echo_reply *reply) {
    if (model == NULL) return true;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        if (strcmp(model, models[i]) == 0) return true;
    }
    reply_error(reply, AGENTWS_ERROR_INVALID_REQUEST, "unknown model \"%s\"; c-echo has c-echo-1 and c-echo-2", model);
    return false;
}

static void write_cursor(json_buffer *buffer, const c_echo_conversation *conversation) {
    json_buffer_raw(buffer, "{\"conversation\":");
    json_buffer_string(buffer, conversation->id, strlen(conversation->id));
    json_buffer_raw(buffer, "}");
}

static void describe(c_echo_reply *reply) {
    json_buffer_raw(&reply->result, "{\"modelSwitch\":\"in-session\",\"models\":[");
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        if (i > 0) json_buffer_raw(&reply->result, ",");
        json_buffer_string(&reply->result, models[i], strlen(models[i]));
    }
    json_buffer_raw(&reply->result, "],\"canResume\":true}");
}

/* Finds the conversation a resume cursor names; NULL with the reply set when there is none. */
static c_echo_conversation *resumed_conversation(c_echo_store *store, json_span cursor,
                                                 c_echo_reply *reply) {
    char *id = NULL;
    if (json_kind_of(cursor) != JSON_OBJECT || !string_param(cursor, "conversation", true, &id, reply)) {
        reply_error(reply, AGENTWS_ERROR_INVALID_REQUEST,
                    "params.resumeCursor must be {\"conversation\": \"...\"}, as c-echo returned it");
        return NULL;
    }
    const char *problem = NULL;
    c_echo_conversation *conversation = store_find_conversation(store, id, &problem);
    if (conversation == NULL && problem == NULL) {
        reply_error(reply, AGENTWS_ERROR_RESUME_FAILED, "no conversation \"%s\" in %s", id, store->directory);
    } else if (conversation == NULL) {
        reply_error(reply, AGENTWS_ERROR_RESUME_FAILED, "conversation \"%s\" in %s cannot be read: %s", id,
                    store->directory, problem);
    }
    free(id);
    return conversation;
}

/* A new conversation; NULL with the reply set when it cannot be stored. */
static c_echo_conversation *new_conversation(c_echo_store *store, c_echo_reply *reply) {
    const char *problem = NULL;
    c_echo_conversation *conversation = store_add_conversation(store, &problem);
    if (conversation == NULL) {
        reply_error(reply, AGENTWS_ERROR_PROVIDER_FAILED, "cannot store a new conversation in %s: %s",
                    store->directory, problem);
    }
    return conversation;
}

static void start(c_echo_instance *instance, json_span params, c_echo_reply *reply) {
    char *thread = NULL, *cwd = NULL, *model = NULL;
    if (!string_param(params, "thread", true, &thread, reply) ||
        !string_param(params, "cwd", true, &cwd, reply) ||
        !string_param(params, "model", false, &model, reply) || !check_model(model, reply)) {
        goto done;
    }
    if (cwd[0] != '/') {
        reply_error(reply, AGENTWS_ERROR_INVALID_REQUEST, "params.cwd must be an absolute path, not \"%s\"", cwd);
        goto done;
    }
    json_span cursor;
    bool resuming = json_member(params, "resumeCursor", &cursor) && json_kind_of(cursor) != JSON_NULL;

    pthread_mutex_lock(&instance->lock);
    c_echo_conversation *conversation = resuming ? resumed_conversation(&instance->store, cursor, reply)
                                                 : new_conversation(&instance->store, reply);
    c_echo_session *session = conversation == NULL ? NULL : store_add_session(&instance->store, conversation);
    if (session != NULL) {
        json_buffer_raw(&reply->result, "{\"session\":");
        json_buffer_string(&reply->result, session->id, strlen(session->id));
        json_buffer_raw(&reply->result, ",\"cursor\":");
        write_cursor(&reply->result, conversation);
        json_buffer_raw(&reply->result, resuming ? ",\"resumed\":true}" : ",\"resumed\":false}");
    } else if (reply->status != AGENTWS_CALL_ERROR) {
        reply_error(reply, AGENTWS_ERROR_PROVIDER_FAILED, "out of memory");
    }
    pthread_mutex_unlock(&instance->lock);
done:
    free(thread);
    free(cwd);
    free(model);
}

static void send_turn(c_echo_instance *instance, json_span params, c_echo_reply *reply) {
    char *id = NULL, *text = NULL, *model = NULL;
    size_t text_length = 0;
    json_span text_value;
    if (!string_param(params, "session", true, &id, reply) ||
        !string_param(params, "model", false, &model, reply) || !check_model(model, reply)) {
        goto done;
    }
    if (!json_member(params, "text", &text_value) || json_kind_of(text_value) != JSON_STRING) {
        reply_error(reply, AGENTWS_ERROR_INVALID_REQUEST, "params.text is required (a string)");
        goto done;
    }
    if ((text = json_string_dup(text_value, &text_length)) == NULL) {
        reply_error(reply, AGENTWS_ERROR_PROVIDER_FAILED, "out of memory");
        goto done;
    }

    pthread_mutex_lock(&instance->lock);
    c_echo_session *session = store_find_session(&instance->store, id);
    unsigned long turn = session == NULL ? 0 : ++session->conversation->turns;
    const char *problem = NULL;
    bool saved = session == NULL || store_save_conversation(&instance->store, session->conversation, &problem);
    if (!saved) {
        session->conversation->turns--; /* the turn did not happen */
        reply_error(reply, AGENTWS_ERROR_PROVIDER_FAILED, "cannot store conversation \"%s\" in %s: %s",
                    session->conversation->id, instance->store.directory, problem);
    }
    pthread_mutex_unlock(&instance->lock);
    if (session == NULL) {
        reply_error(reply, AGENTWS_ERROR_NOT_FOUND, "no session \"%s\"", id);
        goto done;
    }
    if (!saved) goto done;

    char prefix[64];
    snprintf(prefix, sizeof prefix, "c-echo turn %lu: ", turn);
    size_t prefix_length = strlen(prefix);
    char *reply_text = malloc(prefix_length + text_length);
    if (reply_text == NULL) {
        reply_error(reply, AGENTWS_ERROR_PROVIDER_FAILED, "out of memory");
        goto done;
    }
    memcpy(reply_text, prefix, prefix_length);
    memcpy(reply_text + prefix_length, text, text_length);
    json_buffer_raw(&reply->event, "{\"session\":");
    json_buffer_string(&reply->event, id, strlen(id));
    json_buffer_raw(&reply->event, ",\"type\":\"text\",\"text\":");
    json_buffer_string(&reply->event, reply_text, prefix_length + text_length);
    json_buffer_raw(&reply->event, "}");
    free(reply_text);
    json_buffer_raw(&reply->result, "{\"stopReason\":\"end_turn\"}");
done:
    free(id);
    free(text);
    free(model);
}

/* interrupt, status and stop: each names a session and answers with a constant. */
static void session_method(c_echo_instance *instance, const char *method, json_span params,
                           c_echo_reply *reply) {
    char *id = NULL;
    if (!string_param(params, "session", true, &id, reply)) return;
    pthread_mutex_lock(&instance->lock);
    bool found = strcmp(method, AGENTWS_METHOD_STOP) == 0 ? store_remove_session(&instance->store, id)
                                             : store_find_session(&instance->store, id) != NULL;
    pthread_mutex_unlock(&instance->lock);
    if (!found) {
        reply_error(reply, AGENTWS_ERROR_NOT_FOUND, "no session \"%s\"", id);
    } else {
        /* Turns finish before send() completes, so nothing ever runs in the background. */
        json_buffer_raw(&reply->result, strcmp(method, AGENTWS_METHOD_STATUS) == 0 ? "{\"busy\":false}" : "{}");
    }
    free(id);
}

void run_method(c_echo_instance *instance, const char *method, json_span params, c_echo_reply *reply) {
    if (strcmp(method, AGENTWS_METHOD_DESCRIBE) == 0) {
        describe(reply);
    } else if (strcmp(method, AGENTWS_METHOD_START) == 0) {
        start(instance, params, reply);
    } else if (strcmp(method, AGENTWS_METHOD_SEND) == 0) {
        send_turn(instance, params, reply);
    } else if (strcmp(method, AGENTWS_METHOD_INTERRUPT) == 0 || strcmp(method, AGENTWS_METHOD_STATUS) == 0 ||
               strcmp(method, AGENTWS_METHOD_STOP) == 0) {
        session_method(instance, method, params, reply);
    } else {
        reply_error(reply, AGENTWS_ERROR_UNSUPPORTED, "c-echo has no method \"%s\"", method);
    }
}

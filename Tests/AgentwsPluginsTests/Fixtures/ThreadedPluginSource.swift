/// A plugin "threaded" that answers every call and emits every event from a thread of its own, as
/// providers that talk to a child process do. Its requests come from the host's compact JSON writer,
/// so plain string search is enough to read them.
///
/// - start: emits a notice for the new session, then answers; a resume is never honoured
///   (it answers resumed: false), which the host must turn into resume-failed.
/// - send: emits busy, text, tool_call, an unknown event and busy again, then answers according to
///   the text: "bad-json", "no-stop-reason", "bad-code", "fail", "new-cursor", else end_turn.
/// - status: completes twice, synchronously, to test that the host ignores the second completion.
let threadedPluginSource = #"""
    #define _POSIX_C_SOURCE 200809L /* strndup */

    #include <pthread.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>

    #include "agentws_provider.h"

    typedef struct instance {
        const agentws_host_callbacks *host;
        pthread_mutex_t lock;
        pthread_cond_t idle;
        int running;      /* threads not yet finished; destroy waits for none */
        int sessions;     /* session ids handed out */
    } instance;

    typedef struct job {
        instance *owner;
        char *request;
        agentws_completion_fn completion;
        void *call_context;
    } job;

    /* Copies the string value that follows `"key":"` in the request into out. */
    static void string_value(const char *request, const char *key, char *out, size_t size) {
        char pattern[64];
        snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
        const char *start = strstr(request, pattern);
        out[0] = '\0';
        if (start == NULL) return;
        start += strlen(pattern);
        const char *end = strchr(start, '"');
        size_t length = end == NULL ? 0 : (size_t)(end - start);
        if (length >= size) length = size - 1;
        memcpy(out, start, length);
        out[length] = '\0';
    }

    static void emit(instance *owner, const char *json) {
        owner->host->emit_event(owner->host->context, json, strlen(json));
    }

    static void answer(job *work, int32_t status, const char *json) {
        work->completion(work->call_context, status, json, strlen(json));
    }

    static void run_send(job *work) {
        char session[64], text[256], event[512];
        string_value(work->request, "session", session, sizeof session);
        string_value(work->request, "text", text, sizeof text);
        snprintf(event, sizeof event, "{\"session\":\"%s\",\"type\":\"busy\",\"busy\":true}", session);
        emit(work->owner, event);
        snprintf(event, sizeof event, "{\"session\":\"%s\",\"type\":\"text\",\"text\":\"thread says: %s\"}",
                 session, text);
        emit(work->owner, event);
        snprintf(event, sizeof event,
                 "{\"session\":\"%s\",\"type\":\"tool_call\","
                 "\"toolCall\":{\"id\":\"1\",\"status\":\"done\"}}",
                 session);
        emit(work->owner, event);
        snprintf(event, sizeof event, "{\"session\":\"%s\",\"type\":\"plan\",\"steps\":2}", session);
        emit(work->owner, event);
        snprintf(event, sizeof event, "{\"session\":\"%s\",\"type\":\"busy\",\"busy\":false}", session);
        emit(work->owner, event);
        if (strcmp(text, "bad-json") == 0) {
            answer(work, AGENTWS_CALL_OK, "{\"stopReason\":");
        } else if (strcmp(text, "no-stop-reason") == 0) {
            answer(work, AGENTWS_CALL_OK, "{}");
        } else if (strcmp(text, "bad-code") == 0) {
            answer(work, AGENTWS_CALL_ERROR, "{\"code\":\"weird\",\"message\":\"strange things\"}");
        } else if (strcmp(text, "fail") == 0) {
            answer(work, AGENTWS_CALL_ERROR,
                   "{\"code\":\"provider-failed\",\"message\":\"the model is tired\"}");
        } else if (strcmp(text, "new-cursor") == 0) {
            answer(work, AGENTWS_CALL_OK, "{\"stopReason\":\"end_turn\",\"cursor\":{\"n\":99}}");
        } else {
            answer(work, AGENTWS_CALL_OK, "{\"stopReason\":\"end_turn\"}");
        }
    }

    static void run_start(job *work) {
        pthread_mutex_lock(&work->owner->lock);
        int number = ++work->owner->sessions;
        pthread_mutex_unlock(&work->owner->lock);
        char event[256], reply[256];
        snprintf(event, sizeof event, "{\"session\":\"t%d\",\"type\":\"notice\",\"text\":\"starting t%d\"}",
                 number, number);
        emit(work->owner, event);
        snprintf(reply, sizeof reply, "{\"session\":\"t%d\",\"cursor\":{\"n\":%d},\"resumed\":false}", number,
                 number);
        answer(work, AGENTWS_CALL_OK, reply);
    }

    static void *run(void *argument) {
        job *work = argument;
        instance *owner = work->owner;
        if (strstr(work->request, "\"method\":\"describe\"") != NULL) {
            answer(work, AGENTWS_CALL_OK, "{\"modelSwitch\":\"restart\",\"models\":null,\"canResume\":true}");
        } else if (strstr(work->request, "\"method\":\"start\"") != NULL) {
            run_start(work);
        } else if (strstr(work->request, "\"method\":\"send\"") != NULL) {
            run_send(work);
        } else {
            answer(work, AGENTWS_CALL_OK, "{}");
        }
        free(work->request);
        free(work);
        pthread_mutex_lock(&owner->lock);
        if (--owner->running == 0) pthread_cond_broadcast(&owner->idle);
        pthread_mutex_unlock(&owner->lock);
        return NULL;
    }

    static int32_t threaded_create(const char *config, size_t config_len, const agentws_host_callbacks *host,
                                   void **instance_out, char **error_json_out, size_t *error_len_out) {
        (void)config;
        (void)config_len;
        (void)error_json_out;
        (void)error_len_out;
        instance *created = calloc(1, sizeof *created);
        if (created == NULL) return 1;
        created->host = host;
        pthread_mutex_init(&created->lock, NULL);
        pthread_cond_init(&created->idle, NULL);
        *instance_out = created;
        return 0;
    }

    static void threaded_call(void *opaque, const char *request, size_t request_len,
                              agentws_completion_fn completion, void *call_context) {
        instance *owner = opaque;
        if (strstr(request, "\"method\":\"status\"") != NULL) {
            completion(call_context, AGENTWS_CALL_OK, "{\"busy\":true}", 13);
            completion(call_context, AGENTWS_CALL_OK, "{\"busy\":false}", 14);
            return;
        }
        job *work = calloc(1, sizeof *work);
        work->owner = owner;
        work->request = strndup(request, request_len);
        work->completion = completion;
        work->call_context = call_context;
        pthread_mutex_lock(&owner->lock);
        owner->running++;
        pthread_mutex_unlock(&owner->lock);
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, run, work) != 0) run(work);
        pthread_attr_destroy(&attributes);
    }

    static void threaded_destroy(void *opaque) {
        instance *owner = opaque;
        pthread_mutex_lock(&owner->lock);
        while (owner->running > 0) pthread_cond_wait(&owner->idle, &owner->lock);
        pthread_mutex_unlock(&owner->lock);
        pthread_cond_destroy(&owner->idle);
        pthread_mutex_destroy(&owner->lock);
        free(owner);
    }

    static void threaded_free_buffer(char *buffer, size_t length) {
        (void)length;
        free(buffer);
    }

    """# + cPluginExports(prefix: "threaded", name: #""threaded""#)

/* Shared between the ABI glue (c_echo.c) and the methods (methods.c). */
#ifndef C_ECHO_INTERNAL_H
#define C_ECHO_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "agentws_provider.h"
#include "json_buffer.h"
#include "store.h"

typedef struct c_echo_instance {
    pthread_mutex_t lock; /* guards `store`; call() may run on several threads at once */
    c_echo_store store;
    /* Copied from the host's table, NULL where the host's table is too old to have the field. */
    void *host_context;
    void (*emit_event)(void *context, const char *json, size_t json_len);
    void (*log)(void *context, int32_t level, const char *message, size_t message_len);
} c_echo_instance;

/* What a method produces: the completion's status and JSON, and an event to emit before it. */
typedef struct c_echo_reply {
    int32_t status;
    json_buffer result;
    json_buffer event;
} c_echo_reply;

/* Replaces the reply with an error object {"code": ..., "message": ...}. */
C_ECHO_INTERNAL void reply_error(c_echo_reply *reply, const char *code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Runs `method` with its validated `params` object; fills `reply`. Takes the instance lock itself. */
C_ECHO_INTERNAL void run_method(c_echo_instance *instance, const char *method, json_span params,
                                c_echo_reply *reply);

#endif

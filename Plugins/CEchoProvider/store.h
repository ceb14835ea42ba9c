/* The conversations and sessions of one c-echo instance. Not synchronized: the caller holds the lock. */
#ifndef C_ECHO_STORE_H
#define C_ECHO_STORE_H

#include <stdbool.h>

#include "json_reader.h"

/* A conversation lives as long as its instance, so stopped sessions can be resumed by cursor. */
typedef struct c_echo_conversation {
    struct c_echo_conversation *next;
    char *id;
    unsigned long turns;
} c_echo_conversation;

typedef struct c_echo_session {
    struct c_echo_session *next;
    char *id;
    c_echo_conversation *conversation;
} c_echo_session;

typedef struct c_echo_store {
    c_echo_conversation *conversations;
    c_echo_session *sessions;
    unsigned long conversation_count;
    unsigned long session_count;
    /* Makes ids unique across instances and processes, so that a cursor from an earlier process never
       names a conversation of this one by accident. */
    char prefix[48];
} c_echo_store;

C_ECHO_INTERNAL void store_init(c_echo_store *store);
C_ECHO_INTERNAL void store_free(c_echo_store *store);
/* NULL when memory runs out. */
C_ECHO_INTERNAL c_echo_conversation *store_add_conversation(c_echo_store *store);
C_ECHO_INTERNAL c_echo_conversation *store_find_conversation(c_echo_store *store, const char *id);
/* NULL when memory runs out. */
C_ECHO_INTERNAL c_echo_session *store_add_session(c_echo_store *store, c_echo_conversation *conversation);
C_ECHO_INTERNAL c_echo_session *store_find_session(c_echo_store *store, const char *id);
/* False when there is no such session. */
C_ECHO_INTERNAL bool store_remove_session(c_echo_store *store, const char *id);

#endif

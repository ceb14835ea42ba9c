/* The conversations and sessions of one c-echo instance. Not synchronized: the caller holds the lock. */
#ifndef C_ECHO_STORE_H
#define C_ECHO_STORE_H

#include <stdbool.h>

#include "json_reader.h"

/* Everything but the two ABI functions is hidden (c_echo_provider.h exports those). */
#define C_ECHO_INTERNAL __attribute__((visibility("hidden")))

/*
 * A conversation is kept on disk, one file per conversation under the state directory the host gives
 * (`<stateDirectory>/conversations/<id>`, the text "turns N\n", replaced atomically after every turn):
 * without a daemon every agentws command is a new process, so a stopped session is resumed by a
 * process that never saw it. Conversations read or made by this instance are cached in memory.
 */
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
    char *directory; /* <stateDirectory>/conversations */
    c_echo_conversation *conversations;
    c_echo_session *sessions;
    unsigned long conversation_count;
    unsigned long session_count;
    /* Makes ids unique across instances and processes, so that a cursor from an earlier process never
       names a conversation of this one by accident. */
    char prefix[48];
} c_echo_store;

/* False when memory runs out. */
C_ECHO_INTERNAL bool store_init(c_echo_store *store, const char *state_directory);
C_ECHO_INTERNAL void store_free(c_echo_store *store);
/* A new conversation, already on disk. NULL with `problem` (a static or errno text) on failure. */
C_ECHO_INTERNAL c_echo_conversation *store_add_conversation(c_echo_store *store, const char **problem);
/* The conversation `id` from memory or disk. NULL with `problem` set when there is none or it cannot
   be read; `problem` is NULL when the id simply names no conversation. */
C_ECHO_INTERNAL c_echo_conversation *store_find_conversation(c_echo_store *store, const char *id,
                                                             const char **problem);
/* Writes the conversation's file whole (temporary file, fsync, rename, fsync of the directory). False
   with `problem` set on failure. */
C_ECHO_INTERNAL bool store_save_conversation(c_echo_store *store, const c_echo_conversation *conversation,
                                             const char **problem);
/* NULL when memory runs out. */
C_ECHO_INTERNAL c_echo_session *store_add_session(c_echo_store *store, c_echo_conversation *conversation);
C_ECHO_INTERNAL c_echo_session *store_find_session(c_echo_store *store, const char *id);
/* False when there is no such session. */
C_ECHO_INTERNAL bool store_remove_session(c_echo_store *store, const char *id);

#endif

/* clock_gettime and getpid are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *format_id(const char *prefix, const char *kind, unsigned long number) {
    int length = snprintf(NULL, 0, "%s-%s%lu", prefix, kind, number);
    char *id = malloc((size_t)length + 1);
    if (id != NULL) snprintf(id, (size_t)length + 1, "%s-%s%lu", prefix, kind, number);
    return id;
}

void store_init(c_echo_store *store) {
    *store = (c_echo_store){0};
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(store->prefix, sizeof store->prefix, "%ld-%llx", (long)getpid(),
             (unsigned long long)now.tv_sec * 1000000000ULL + (unsigned long long)now.tv_nsec);
}

void store_free(c_echo_store *store) {
    while (store->sessions != NULL) {
        c_echo_session *next = store->sessions->next;
        free(store->sessions->id);
        free(store->sessions);
        store->sessions = next;
    }
    while (store->conversations != NULL) {
        c_echo_conversation *next = store->conversations->next;
        free(store->conversations->id);
        free(store->conversations);
        store->conversations = next;
    }
}

c_echo_conversation *store_add_conversation(c_echo_store *store) {
    c_echo_conversation *conversation = calloc(1, sizeof *conversation);
    if (conversation == NULL) return NULL;
    conversation->id = format_id(store->prefix, "c", ++store->conversation_count);
    if (conversation->id == NULL) {
        free(conversation);
        return NULL;
    }
    conversation->next = store->conversations;
    store->conversations = conversation;
    return conversation;
}

c_echo_conversation *store_find_conversation(c_echo_store *store, const char *id) {
    for (c_echo_conversation *c = store->conversations; c != NULL; c = c->next) {
        if (strcmp(c->id, id) == 0) return c;
    }
    return NULL;
}

c_echo_session *store_add_session(c_echo_store *store, c_echo_conversation *conversation) {
    c_echo_session *session = calloc(1, sizeof *session);
    if (session == NULL) return NULL;
    session->id = format_id(store->prefix, "s", ++store->session_count);
    if (session->id == NULL) {
        free(session);
        return NULL;
    }
    session->conversation = conversation;
    session->next = store->sessions;
    store->sessions = session;
    return session;
}

c_echo_session *store_find_session(c_echo_store *store, const char *id) {
    for (c_echo_session *s = store->sessions; s != NULL; s = s->next) {
        if (strcmp(s->id, id) == 0) return s;
    }
    return NULL;
}

bool store_remove_session(c_echo_store *store, const char *id) {
    for (c_echo_session **link = &store->sessions; *link != NULL; link = &(*link)->next) {
        if (strcmp((*link)->id, id) == 0) {
            c_echo_session *session = *link;
            *link = session->next;
            free(session->id);
            free(session);
            return true;
        }
    }
    return false;
}

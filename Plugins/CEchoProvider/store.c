/* clock_gettime and getpid are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *format_id(const char *prefix, const char *kind, unsigned long number) {
    int length = snprintf(NULL, 0, "%s-%s%lu", prefix, kind, number);
    char *id = malloc((size_t)length + 1);
    if (id != NULL) snprintf(id, (size_t)length + 1, "%s-%s%lu", prefix, kind, number);
    return id;
}

bool store_init(c_echo_store *store, const char *state_directory) {
    *store = (c_echo_store){0};
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(store->prefix, sizeof store->prefix, "%ld-%llx", (long)getpid(),
             (unsigned long long)now.tv_sec * 1000000000ULL + (unsigned long long)now.tv_nsec);
    static const char subdirectory[] = "/conversations";
    size_t length = strlen(state_directory);
    store->directory = malloc(length + sizeof subdirectory);
    if (store->directory == NULL) return false;
    memcpy(store->directory, state_directory, length);
    memcpy(store->directory + length, subdirectory, sizeof subdirectory);
    return true;
}

void store_free(c_echo_store *store) {
    free(store->directory);
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

/* Ids this store makes are "<pid>-<hex>-c<n>"; anything else read from a cursor is refused before it
   becomes part of a path. */
static bool valid_id(const char *id) {
    if (id[0] == '\0' || strlen(id) > 64) return false;
    for (const char *c = id; *c != '\0'; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) return false;
    }
    return true;
}

/* "<directory>/<prefix><id>" from malloc, or NULL. */
static char *path_of(const c_echo_store *store, const char *prefix, const char *id) {
    int length = snprintf(NULL, 0, "%s/%s%s", store->directory, prefix, id);
    char *path = malloc((size_t)length + 1);
    if (path != NULL) snprintf(path, (size_t)length + 1, "%s/%s%s", store->directory, prefix, id);
    return path;
}

static c_echo_conversation *remember(c_echo_store *store, char *id, unsigned long turns) {
    c_echo_conversation *conversation = calloc(1, sizeof *conversation);
    if (conversation == NULL) {
        free(id);
        return NULL;
    }
    conversation->id = id;
    conversation->turns = turns;
    conversation->next = store->conversations;
    store->conversations = conversation;
    return conversation;
}

bool store_save_conversation(c_echo_store *store, const c_echo_conversation *conversation,
                             const char **problem) {
    if (mkdir(store->directory, 0700) != 0 && errno != EEXIST) {
        *problem = strerror(errno);
        return false;
    }
    char *temporary = path_of(store, ".tmp-", conversation->id);
    char *path = path_of(store, "", conversation->id);
    char text[32];
    int length = snprintf(text, sizeof text, "turns %lu\n", conversation->turns);
    bool saved = false;
    *problem = "out of memory";
    if (temporary != NULL && path != NULL) {
        int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ssize_t written = write(fd, text, (size_t)length);
            saved = written == length && fsync(fd) == 0;
            if (!saved) *problem = written >= 0 && written < length ? "short write" : strerror(errno);
            if (close(fd) != 0 && saved) {
                saved = false;
                *problem = strerror(errno);
            }
            if (saved && rename(temporary, path) != 0) {
                saved = false;
                *problem = strerror(errno);
            }
            if (!saved) unlink(temporary);
        } else {
            *problem = strerror(errno);
        }
    }
    if (saved) {
        /* The rename is durable once the directory is synced. */
        int directory = open(store->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (directory >= 0) {
            if (fsync(directory) != 0) {
                saved = false;
                *problem = strerror(errno);
            }
            close(directory);
        }
    }
    free(temporary);
    free(path);
    return saved;
}

c_echo_conversation *store_add_conversation(c_echo_store *store, const char **problem) {
    *problem = "out of memory";
    char *id = format_id(store->prefix, "c", ++store->conversation_count);
    if (id == NULL) return NULL;
    c_echo_conversation *conversation = remember(store, id, 0);
    if (conversation == NULL) return NULL;
    if (store_save_conversation(store, conversation, problem)) return conversation;
    store->conversations = conversation->next; /* remember() put it first */
    free(conversation->id);
    free(conversation);
    return NULL;
}

c_echo_conversation *store_find_conversation(c_echo_store *store, const char *id, const char **problem) {
    *problem = NULL;
    for (c_echo_conversation *c = store->conversations; c != NULL; c = c->next) {
        if (strcmp(c->id, id) == 0) return c;
    }
    if (!valid_id(id)) return NULL;
    char *path = path_of(store, "", id);
    if (path == NULL) {
        *problem = "out of memory";
        return NULL;
    }
    FILE *file = fopen(path, "re");
    free(path);
    if (file == NULL) {
        if (errno != ENOENT) *problem = strerror(errno);
        return NULL;
    }
    unsigned long turns = 0;
    char end = 0;
    int matched = fscanf(file, "turns %lu%c", &turns, &end);
    fclose(file);
    if (matched != 2 || end != '\n') {
        *problem = "its file is damaged (expected \"turns N\")";
        return NULL;
    }
    char *copy = malloc(strlen(id) + 1);
    if (copy == NULL) {
        *problem = "out of memory";
        return NULL;
    }
    strcpy(copy, id);
    c_echo_conversation *conversation = remember(store, copy, turns);
    if (conversation == NULL) *problem = "out of memory";
    return conversation;
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

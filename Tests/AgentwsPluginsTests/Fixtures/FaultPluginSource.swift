/// A plugin that misbehaves in the ways plugin isolation must survive (docs/plugin-abi.md,
/// "Isolation"). Well-behaved it answers the method protocol like a tiny echo provider: `start`
/// gives session "s<n>" (resumed when given a cursor), `send` emits one text event and ends the turn.
///
/// `options.fault` picks faults made at run time, one or more separated by spaces:
/// - `exit-in-create`: `create` calls `exit(3)`;
/// - `abort-in-send`: `send` calls `abort()`;
/// - `never-complete`: `describe` returns without ever completing;
/// - `complete-twice`: every call is completed twice;
/// - `events-after-destroy`: `destroy` leaves a thread that emits events afterwards;
/// - `huge-event`: `send` emits a 50 MB text event before it completes;
/// - `talks-in-destroy`: `destroy` writes a line to standard error and logs one through the host;
/// - `hangs-in-destroy`: `destroy` says so on standard error and never returns;
/// - `slow-send`: `send` emits a text event every 10 ms for a second, from the calling thread, before
///   it completes;
/// - `tells-its-process`: `create` writes to standard error how its process is set up (process
///   group, descriptors, blocked and default signals, working directory, `SWIFT_BACKTRACE`).
/// `-DFAULT_CONSTRUCTOR_SEGV` adds a constructor that dereferences NULL when the file is loaded.
let faultPluginSource = #"""
    #define _GNU_SOURCE
    #include <dirent.h>
    #include <pthread.h>
    #include <signal.h>
    #include <stdatomic.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <unistd.h>

    #include "agentws_provider.h"

    #ifndef FIXTURE_NAME
    #define FIXTURE_NAME "fault"
    #endif

    #ifdef FAULT_CONSTRUCTOR_SEGV
    __attribute__((constructor)) static void fault_constructor(void) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
    #endif

    typedef struct {
        char fault[64];
        const agentws_host_callbacks *host;
        atomic_int sessions;
    } fault_instance;

    static int has(const char *request, size_t length, const char *text) {
        return memmem(request, length, text, strlen(text)) != NULL;
    }

    static int faulty(const fault_instance *instance, const char *fault) {
        return has(instance->fault, strlen(instance->fault), fault);
    }

    static void tell_process(void) {
        int descriptors = 0;
        DIR *directory = opendir("/proc/self/fd");
        if (directory != NULL) {
            for (struct dirent *entry; (entry = readdir(directory)) != NULL;) {
                if (entry->d_name[0] != '.') descriptors++;
            }
            closedir(directory);
        }
        sigset_t blocked;
        sigprocmask(SIG_BLOCK, NULL, &blocked);
        int anyBlocked = 0;
        for (int signal = 1; signal < 32; signal++) anyBlocked |= sigismember(&blocked, signal) == 1;
        struct sigaction segv, interrupt;
        sigaction(SIGSEGV, NULL, &segv);
        sigaction(SIGINT, NULL, &interrupt);
        char cwd[256] = "";
        if (getcwd(cwd, sizeof cwd) == NULL) cwd[0] = 0;
        const char *backtrace = getenv("SWIFT_BACKTRACE");
        fprintf(stderr, "fault plugin: process own-group=%d descriptors=%d blocked=%d segv-default=%d int-default=%d cwd=%s backtrace=%s\n",
                getpgid(0) == getpid(), descriptors - 1, anyBlocked, segv.sa_handler == SIG_DFL,
                interrupt.sa_handler == SIG_DFL, cwd, backtrace ? backtrace : "(unset)");
        fflush(stderr);
    }

    static int32_t fault_create(const char *config, size_t config_len, const agentws_host_callbacks *host,
                                void **instance_out, char **error_json_out, size_t *error_len_out) {
        (void)error_json_out;
        (void)error_len_out;
        fault_instance *instance = calloc(1, sizeof *instance);
        if (instance == NULL) return 1;
        instance->host = host;
        static const char key[] = "\"fault\":\"";
        const char *found = memmem(config, config_len, key, sizeof key - 1);
        if (found != NULL) {
            found += sizeof key - 1;
            size_t length = 0;
            while (found + length < config + config_len && found[length] != '"' && length < 63) length++;
            memcpy(instance->fault, found, length);
        }
        if (faulty(instance, "tells-its-process")) tell_process();
        if (faulty(instance, "exit-in-create")) {
            fprintf(stderr, "fault plugin: exiting in create\n");
            exit(3);
        }
        *instance_out = instance;
        return 0;
    }

    static void emit_text(const fault_instance *instance, const char *session, const char *text) {
        size_t length = strlen(text) + strlen(session) + 64;
        char *event = malloc(length);
        if (event == NULL) return;
        int written = snprintf(event, length, "{\"session\":\"%s\",\"type\":\"text\",\"text\":\"%s\"}", session, text);
        instance->host->emit_event(instance->host->context, event, (size_t)written);
        free(event);
    }

    static void fault_call(void *handle, const char *request, size_t request_len, agentws_completion_fn completion,
                           void *call_context) {
        fault_instance *instance = handle;
        char reply[256];
        int twice = faulty(instance, "complete-twice");
        if (has(request, request_len, "\"method\":\"describe\"")) {
            if (faulty(instance, "never-complete")) return;
            snprintf(reply, sizeof reply, "{\"modelSwitch\":\"restart\",\"models\":null,\"canResume\":true}");
        } else if (has(request, request_len, "\"method\":\"start\"")) {
            int number = atomic_fetch_add(&instance->sessions, 1) + 1;
            int resumed = has(request, request_len, "\"resumeCursor\":{");
            snprintf(reply, sizeof reply, "{\"session\":\"s%d\",\"cursor\":{\"conversation\":\"c1\"},\"resumed\":%s}",
                     number, resumed ? "true" : "false");
        } else if (has(request, request_len, "\"method\":\"send\"")) {
            if (faulty(instance, "abort-in-send")) {
                fprintf(stderr, "fault plugin: aborting in send\n");
                abort();
            }
            const char *session = memmem(request, request_len, "\"session\":\"s", 12);
            char name[32] = "s1";
            if (session != NULL) {
                session += 11;
                size_t length = 0;
                while (session[length] != '"' && length < 31) length++;
                memcpy(name, session, length);
                name[length] = 0;
            }
            if (faulty(instance, "slow-send")) {
                for (int tick = 0; tick < 100; tick++) {
                    usleep(10000);
                    emit_text(instance, name, "tick");
                }
            }
            if (faulty(instance, "huge-event")) {
                size_t size = 50u << 20;
                char *text = malloc(size + 1);
                if (text != NULL) {
                    memset(text, 'x', size);
                    text[size] = 0;
                    emit_text(instance, name, text);
                    free(text);
                }
            }
            emit_text(instance, name, "fault plugin reply");
            snprintf(reply, sizeof reply, "{\"stopReason\":\"end_turn\"}");
        } else if (has(request, request_len, "\"method\":\"status\"")) {
            snprintf(reply, sizeof reply, "{\"busy\":false}");
        } else {
            snprintf(reply, sizeof reply, "{}");
        }
        completion(call_context, AGENTWS_CALL_OK, reply, strlen(reply));
        if (twice) completion(call_context, AGENTWS_CALL_OK, reply, strlen(reply));
    }

    static void *emit_after_destroy(void *argument) {
        fault_instance *instance = argument;
        for (int i = 0; i < 20; i++) {
            usleep(5000);
            emit_text(instance, "s1", "after destroy");
        }
        return NULL;
    }

    static void fault_destroy(void *handle) {
        fault_instance *instance = handle;
        if (instance == NULL) return;
        if (faulty(instance, "hangs-in-destroy")) {
            fprintf(stderr, "fault plugin: hanging in destroy\n");
            for (;;) pause();
        }
        if (faulty(instance, "talks-in-destroy")) {
            fprintf(stderr, "fault plugin: last words on stderr in destroy\n");
            static const char line[] = "fault plugin: a warning logged in destroy";
            instance->host->log(instance->host->context, AGENTWS_LOG_WARNING, line, sizeof line - 1);
        }
        if (faulty(instance, "events-after-destroy")) {
            /* Deliberately leaked and left running: the plugin breaks the ABI's promise. */
            pthread_t thread;
            if (pthread_create(&thread, NULL, emit_after_destroy, instance) == 0) pthread_detach(thread);
            return;
        }
        free(instance);
    }

    static void fault_free_buffer(char *buffer, size_t length) {
        (void)length;
        free(buffer);
    }

    """# + cPluginExports(prefix: "fault", name: #"FIXTURE_NAME"#)

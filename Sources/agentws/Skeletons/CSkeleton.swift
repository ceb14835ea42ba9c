import AgentwsCore
import AgentwsSystem

/// The C plugin `agentws plugin new --lang c` writes: one source file, the kit's JSON reader and
/// writer copied beside it, and a Makefile that compiles against the installed header.
enum CSkeleton {
    static func files(_ names: SkeletonNames, kit: PluginKitLocation) throws -> [(path: String, text: String)]
    {
        var files: [(path: String, text: String)] = [
            ("Makefile", makefile(names, kit: kit)),
            ("src/\(names.name).c", source(names)),
            (".gitignore", "*.o\n*.so\n"),
            ("README.md", readme(names, kit: kit)),
        ]
        // The JSON helper is the kit's own (c-echo uses the same files), copied so that the plugin
        // builds on its own.
        for file in ["json_reader.c", "json_buffer.c", "include/json_reader.h", "include/json_buffer.h"] {
            let path = kit.cJSONSources + "/" + file
            guard let bytes = try FileIO.readIfPresent(path) else {
                throw AgentwsError(
                    .notFound, "the plugin kit at \(kit.root) has no \(path); reinstall agentws")
            }
            let name = file.split(separator: "/").last.map(String.init) ?? file
            files.append(("src/" + name, String(decoding: bytes, as: UTF8.self)))
        }
        return files
    }

    private static func makefile(_ names: SkeletonNames, kit: PluginKitLocation) -> String {
        """
        # Builds lib\(names.name).so, the file agentws loads.
        # AGENTWS_INCLUDE is where agentws_provider.h is: `pkg-config --variable=includedir agentws-provider`
        # after scripts/install, or `dirname "$(agentws plugin header --path)"`.
        AGENTWS_INCLUDE ?= \(kit.headerDirectory)
        CC ?= cc
        CFLAGS ?= -O2 -g
        CFLAGS += -std=c11 -Wall -Wextra -fPIC -fvisibility=hidden -I$(AGENTWS_INCLUDE) -Isrc
        LDFLAGS += -shared
        LDLIBS += -lpthread

        SOURCES = src/\(names.name).c src/json_reader.c src/json_buffer.c

        lib\(names.name).so: $(SOURCES) src/json_reader.h src/json_buffer.h $(AGENTWS_INCLUDE)/agentws_provider.h
        \t$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SOURCES) $(LDLIBS)

        clean:
        \trm -f lib\(names.name).so

        .PHONY: clean

        """
    }

    private static func source(_ names: SkeletonNames) -> String {
        """
        /*
         * \(names.name): an agentws provider plugin in C11. It answers every turn with
         * "\(names.name) turn N: <text>"; put your agent where send_turn() makes that reply.
         *
         * Without the agentws daemon every command is a new process that loads this plugin afresh, so
         * each conversation is a file under the state directory the host gives
         * (<stateDirectory>/conversations/<id>, "turns N\\n", replaced atomically after every turn), and
         * a resume cursor from an earlier process finds it there. Sessions live in memory.
         */
        #define _POSIX_C_SOURCE 200809L

        #include <errno.h>
        #include <fcntl.h>
        #include <pthread.h>
        #include <stdarg.h>
        #include <stdbool.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/stat.h>
        #include <time.h>
        #include <unistd.h>

        #include "agentws_provider.h"
        #include "json_buffer.h"
        #include "json_reader.h"

        #define PLUGIN_NAME "\(names.name)"
        #define EXPORT __attribute__((visibility("default")))
        #define HOST_HAS(host, field) \\
            ((host)->struct_size >= offsetof(agentws_host_callbacks, field) + sizeof((host)->field))

        enum { ID_SIZE = 48 };

        typedef struct session {
            struct session *next;
            char id[ID_SIZE];
            char conversation[ID_SIZE];
        } session;

        typedef struct instance {
            pthread_mutex_t lock; /* guards sessions and counter: call() may run on several threads */
            session *sessions;
            unsigned long counter;
            char *conversations; /* <stateDirectory>/conversations */
            void *host_context;
            void (*emit_event)(void *context, const char *json, size_t json_len);
        } instance;

        typedef struct reply {
            int32_t status;
            json_buffer json;
        } reply;

        static void fail(reply *r, const char *code, const char *format, ...) __attribute__((format(printf, 3, 4)));
        static void fail(reply *r, const char *code, const char *format, ...) {
            char message[512];
            va_list arguments;
            va_start(arguments, format);
            vsnprintf(message, sizeof message, format, arguments);
            va_end(arguments);
            json_buffer_free(&r->json);
            r->status = AGENTWS_CALL_ERROR;
            json_buffer_raw(&r->json, "{\\"code\\":");
            json_buffer_string(&r->json, code, strlen(code));
            json_buffer_raw(&r->json, ",\\"message\\":");
            json_buffer_string(&r->json, message, strlen(message));
            json_buffer_raw(&r->json, "}");
        }

        /* params[key] as a new NUL-terminated string, or NULL (with the reply set) when missing. */
        static char *string_param(json_span params, const char *key, reply *r) {
            json_span value;
            size_t length = 0;
            char *text = NULL;
            if (!json_member(params, key, &value) || json_kind_of(value) != JSON_STRING ||
                (text = json_string_dup(value, &length)) == NULL || strlen(text) != length) {
                free(text);
                fail(r, AGENTWS_ERROR_INVALID_REQUEST, "params.%s must be a string", key);
                return NULL;
            }
            return text;
        }

        /* Ids this plugin makes are lowercase hex and dashes; a cursor holding anything else never
           becomes part of a path. */
        static bool valid_id(const char *id) {
            size_t length = strlen(id);
            if (length == 0 || length >= ID_SIZE) return false;
            for (const char *c = id; *c != '\\0'; c++) {
                if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || *c == '-')) return false;
            }
            return true;
        }

        static void new_id(instance *self, char out[ID_SIZE]) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            pthread_mutex_lock(&self->lock);
            unsigned long counter = ++self->counter;
            pthread_mutex_unlock(&self->lock);
            snprintf(out, ID_SIZE, "%lx-%llx-%lx", (unsigned long)getpid(),
                     (unsigned long long)now.tv_sec * 1000000000ULL + (unsigned long long)now.tv_nsec, counter);
        }

        /* Reads a conversation's turns; false when it has no readable file. */
        static bool load_turns(instance *self, const char *id, unsigned long *turns) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", self->conversations, id);
            FILE *file = fopen(path, "re");
            if (file == NULL) return false;
            char end = 0;
            bool ok = fscanf(file, "turns %lu%c", turns, &end) == 2 && end == '\\n';
            fclose(file);
            return ok;
        }

        /* Writes a conversation's file whole: temporary file, fsync, rename, fsync of the directory. */
        static bool save_turns(instance *self, const char *id, unsigned long turns) {
            char path[4096], temporary[4096], text[32];
            snprintf(path, sizeof path, "%s/%s", self->conversations, id);
            snprintf(temporary, sizeof temporary, "%s/.tmp-%s", self->conversations, id);
            int length = snprintf(text, sizeof text, "turns %lu\\n", turns);
            if (mkdir(self->conversations, 0700) != 0 && errno != EEXIST) return false;
            int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (fd < 0) return false;
            bool ok = write(fd, text, (size_t)length) == length && fsync(fd) == 0;
            ok = close(fd) == 0 && ok;
            if (!ok || rename(temporary, path) != 0) {
                unlink(temporary);
                return false;
            }
            int directory = open(self->conversations, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (directory >= 0) {
                fsync(directory);
                close(directory);
            }
            return true;
        }

        /* The conversation of a live session, copied out under the lock; false when there is none. */
        static bool conversation_of(instance *self, const char *session_id, char out[ID_SIZE]) {
            bool found = false;
            pthread_mutex_lock(&self->lock);
            for (session *s = self->sessions; s != NULL; s = s->next) {
                if (strcmp(s->id, session_id) == 0) {
                    memcpy(out, s->conversation, ID_SIZE);
                    found = true;
                    break;
                }
            }
            pthread_mutex_unlock(&self->lock);
            return found;
        }

        static void describe(reply *r) {
            json_buffer_raw(&r->json, "{\\"modelSwitch\\":\\"in-session\\",\\"models\\":[\\"" PLUGIN_NAME "-1\\"],"
                                      "\\"canResume\\":true,\\"canExport\\":false,\\"canImport\\":false,\\"canFork\\":false}");
        }

        static void start(instance *self, json_span params, reply *r) {
            char conversation[ID_SIZE];
            json_span cursor, id_value;
            bool resuming = json_member(params, "resumeCursor", &cursor) && json_kind_of(cursor) != JSON_NULL;
            if (resuming) {
                size_t length = 0;
                char *id = NULL;
                unsigned long turns = 0;
                if (json_kind_of(cursor) != JSON_OBJECT || !json_member(cursor, "conversation", &id_value) ||
                    json_kind_of(id_value) != JSON_STRING || (id = json_string_dup(id_value, &length)) == NULL ||
                    strlen(id) != length || !valid_id(id) || !load_turns(self, id, &turns)) {
                    fail(r, AGENTWS_ERROR_RESUME_FAILED, "no conversation %s in %s", id != NULL ? id : "(malformed cursor)",
                         self->conversations);
                    free(id);
                    return;
                }
                snprintf(conversation, sizeof conversation, "%s", id);
                free(id);
            } else {
                new_id(self, conversation);
                if (!save_turns(self, conversation, 0)) {
                    fail(r, AGENTWS_ERROR_PROVIDER_FAILED, "cannot store a conversation in %s: %s", self->conversations,
                         strerror(errno));
                    return;
                }
            }
            session *s = calloc(1, sizeof *s);
            if (s == NULL) {
                fail(r, AGENTWS_ERROR_PROVIDER_FAILED, "out of memory");
                return;
            }
            new_id(self, s->id);
            memcpy(s->conversation, conversation, ID_SIZE);
            pthread_mutex_lock(&self->lock);
            s->next = self->sessions;
            self->sessions = s;
            pthread_mutex_unlock(&self->lock);
            json_buffer_raw(&r->json, "{\\"session\\":");
            json_buffer_string(&r->json, s->id, strlen(s->id));
            json_buffer_raw(&r->json, ",\\"cursor\\":{\\"conversation\\":");
            json_buffer_string(&r->json, conversation, strlen(conversation));
            json_buffer_raw(&r->json, resuming ? "},\\"resumed\\":true}" : "},\\"resumed\\":false}");
        }

        static void send_turn(instance *self, json_span params, reply *r) {
            char conversation[ID_SIZE];
            char *id = string_param(params, "session", r);
            if (id == NULL) return;
            char *text = string_param(params, "text", r);
            unsigned long turns = 0;
            if (text == NULL) {
                /* the reply says what is wrong */
            } else if (!conversation_of(self, id, conversation)) {
                fail(r, AGENTWS_ERROR_NOT_FOUND, "no session %s", id);
            } else if (!load_turns(self, conversation, &turns) || !save_turns(self, conversation, turns + 1)) {
                fail(r, AGENTWS_ERROR_PROVIDER_FAILED, "cannot update conversation %s in %s", conversation,
                     self->conversations);
            } else {
                /* Your agent goes here: emit its output as events, then complete the call. */
                char prefix[64];
                snprintf(prefix, sizeof prefix, PLUGIN_NAME " turn %lu: ", turns + 1);
                json_buffer event = {0};
                json_buffer_raw(&event, "{\\"session\\":");
                json_buffer_string(&event, id, strlen(id));
                json_buffer_raw(&event, ",\\"type\\":\\"text\\",\\"text\\":");
                size_t prefix_length = strlen(prefix), text_length = strlen(text);
                char *line = malloc(prefix_length + text_length + 1);
                if (line != NULL) {
                    memcpy(line, prefix, prefix_length);
                    memcpy(line + prefix_length, text, text_length + 1);
                    json_buffer_string(&event, line, prefix_length + text_length);
                    free(line);
                }
                json_buffer_raw(&event, "}");
                if (line == NULL || event.failed) {
                    fail(r, AGENTWS_ERROR_PROVIDER_FAILED, "out of memory");
                } else {
                    if (self->emit_event != NULL) self->emit_event(self->host_context, event.data, event.length);
                    json_buffer_raw(&r->json, "{\\"stopReason\\":\\"end_turn\\"}");
                }
                json_buffer_free(&event);
            }
            free(text);
            free(id);
        }

        /* interrupt, status and stop. */
        static void session_method(instance *self, const char *method, json_span params, reply *r) {
            char *id = string_param(params, "session", r);
            if (id == NULL) return;
            bool found = false;
            pthread_mutex_lock(&self->lock);
            for (session **link = &self->sessions; *link != NULL; link = &(*link)->next) {
                if (strcmp((*link)->id, id) == 0) {
                    found = true;
                    if (strcmp(method, AGENTWS_METHOD_STOP) == 0) {
                        session *gone = *link;
                        *link = gone->next;
                        free(gone);
                    }
                    break;
                }
            }
            pthread_mutex_unlock(&self->lock);
            if (!found) {
                fail(r, AGENTWS_ERROR_NOT_FOUND, "no session %s", id);
            } else {
                json_buffer_raw(&r->json, strcmp(method, AGENTWS_METHOD_STATUS) == 0 ? "{\\"busy\\":false}" : "{}");
            }
            free(id);
        }

        static void run(instance *self, const char *method, json_span params, reply *r) {
            if (strcmp(method, AGENTWS_METHOD_DESCRIBE) == 0) {
                describe(r);
            } else if (strcmp(method, AGENTWS_METHOD_START) == 0) {
                start(self, params, r);
            } else if (strcmp(method, AGENTWS_METHOD_SEND) == 0) {
                send_turn(self, params, r);
            } else if (strcmp(method, AGENTWS_METHOD_INTERRUPT) == 0 || strcmp(method, AGENTWS_METHOD_STATUS) == 0 ||
                       strcmp(method, AGENTWS_METHOD_STOP) == 0) {
                session_method(self, method, params, r);
            } else if (strcmp(method, AGENTWS_METHOD_EXPORT) == 0 || strcmp(method, AGENTWS_METHOD_IMPORT) == 0 ||
                       strcmp(method, AGENTWS_METHOD_FORK) == 0) {
                /* Not offered yet (describe says canExport/canImport/canFork false): implement them here. */
                fail(r, AGENTWS_ERROR_UNSUPPORTED, PLUGIN_NAME " does not %s conversations yet", method);
            } else {
                fail(r, AGENTWS_ERROR_UNSUPPORTED, PLUGIN_NAME " has no method %s", method);
            }
        }

        static int32_t refuse(const char *message, char **error_json_out, size_t *error_len_out) {
            reply r = {0};
            fail(&r, AGENTWS_ERROR_INVALID_REQUEST, "%s", message);
            if (!r.json.failed) {
                *error_json_out = r.json.data;
                *error_len_out = r.json.length;
            }
            return 1;
        }

        static int32_t plugin_create(const char *config_json, size_t config_len, const agentws_host_callbacks *host,
                                     void **instance_out, char **error_json_out, size_t *error_len_out) {
            json_span config, state;
            size_t length = 0;
            char *directory = NULL;
            if (!json_parse(config_json, config_len, &config) || !json_member(config, "stateDirectory", &state) ||
                json_kind_of(state) != JSON_STRING || (directory = json_string_dup(state, &length)) == NULL ||
                directory[0] != '/' || strlen(directory) != length) {
                free(directory);
                return refuse("the configuration has no absolute stateDirectory", error_json_out, error_len_out);
            }
            instance *self = calloc(1, sizeof *self);
            char *conversations = malloc(length + sizeof "/conversations");
            if (self == NULL || conversations == NULL) {
                free(self);
                free(conversations);
                free(directory);
                return refuse("out of memory", error_json_out, error_len_out);
            }
            snprintf(conversations, length + sizeof "/conversations", "%s/conversations", directory);
            free(directory);
            self->conversations = conversations;
            pthread_mutex_init(&self->lock, NULL);
            if (host != NULL && HOST_HAS(host, emit_event)) {
                self->host_context = host->context;
                self->emit_event = host->emit_event;
            }
            *instance_out = self;
            return 0;
        }

        static void plugin_call(void *opaque, const char *request_json, size_t request_len,
                                agentws_completion_fn completion, void *call_context) {
            instance *self = opaque;
            reply r = {0};
            json_span request, method_value, params;
            size_t length = 0;
            char *method = NULL;
            if (!json_parse(request_json, request_len, &request) || !json_member(request, "method", &method_value) ||
                json_kind_of(method_value) != JSON_STRING || (method = json_string_dup(method_value, &length)) == NULL) {
                fail(&r, AGENTWS_ERROR_INVALID_REQUEST, "the request has no method");
            } else {
                static const char empty[] = "{}";
                if (!json_member(request, "params", &params)) params = (json_span){empty, empty + 2};
                if (json_kind_of(params) != JSON_OBJECT) {
                    fail(&r, AGENTWS_ERROR_INVALID_REQUEST, "params must be an object");
                } else {
                    run(self, method, params, &r);
                }
            }
            if (r.json.failed) {
                static const char fallback[] = "{\\"code\\":\\"provider-failed\\",\\"message\\":\\"out of memory\\"}";
                completion(call_context, AGENTWS_CALL_ERROR, fallback, sizeof fallback - 1);
            } else {
                completion(call_context, r.status, r.json.data, r.json.length);
            }
            json_buffer_free(&r.json);
            free(method);
        }

        static void plugin_destroy(void *opaque) {
            instance *self = opaque;
            while (self->sessions != NULL) {
                session *next = self->sessions->next;
                free(self->sessions);
                self->sessions = next;
            }
            pthread_mutex_destroy(&self->lock);
            free(self->conversations);
            free(self);
        }

        static void plugin_free_buffer(char *buffer, size_t length) {
            (void)length;
            free(buffer);
        }

        #define TEXT(x) #x
        #define STRING(x) TEXT(x)
        #if defined(__clang__)
        #define TOOLCHAIN "clang-" STRING(__clang_major__) "." STRING(__clang_minor__) "." STRING(__clang_patchlevel__)
        #elif defined(__GNUC__)
        #define TOOLCHAIN "gcc-" STRING(__GNUC__) "." STRING(__GNUC_MINOR__) "." STRING(__GNUC_PATCHLEVEL__)
        #else
        #define TOOLCHAIN "c11"
        #endif

        static const agentws_plugin_magic magic = {
            .magic = AGENTWS_PROVIDER_MAGIC,
            .abi_major = AGENTWS_PROVIDER_ABI_MAJOR,
            .abi_minor = AGENTWS_PROVIDER_ABI_MINOR,
            .struct_size = sizeof(agentws_plugin_magic),
            .plugin_name = PLUGIN_NAME,
            .plugin_version = "0.1.0",
            .toolchain = TOOLCHAIN,
        };

        static const agentws_plugin_entry entry = {
            .struct_size = sizeof(agentws_plugin_entry),
            .abi_minor = AGENTWS_PROVIDER_ABI_MINOR,
            .create = plugin_create,
            .call = plugin_call,
            .destroy = plugin_destroy,
            .free_buffer = plugin_free_buffer,
        };

        EXPORT const agentws_plugin_magic *agentws_provider_magic(void) { return &magic; }

        EXPORT const agentws_plugin_entry *agentws_provider_entry(void) { return &entry; }

        """
    }

    private static func readme(_ names: SkeletonNames, kit: PluginKitLocation) -> String {
        """
        # \(names.name): an agentws provider plugin in C

        Written by `agentws plugin new \(names.name) --lang c`. `src/\(names.name).c` is the plugin;
        `src/json_*` are the agentws kit's small JSON reader and writer (C11, hidden symbols).

        ## Build

            make                      # → lib\(names.name).so
            make AGENTWS_INCLUDE=$(pkg-config --variable=includedir agentws-provider)

        Only `agentws_provider_magic` and `agentws_provider_entry` are exported (`-fvisibility=hidden`);
        `nm -D -g --defined-only lib\(names.name).so` shows them.

        \(names.developmentLoop(pluginPath: "$PWD", library: "lib\(names.name).so"))
        ## Rules that matter

        - Every agentws command without the daemon is a new process: keep what must outlive it under
          the `stateDirectory` of the configuration `create` receives, never only in memory.
        - Answer every call exactly once through its completion, from any thread.
        - The contract: `agentws plugin header`, and docs/plugin-abi.md in the agentws repository.

        """
    }
}

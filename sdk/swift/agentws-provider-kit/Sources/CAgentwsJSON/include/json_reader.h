/*
 * A small validating JSON reader for the requests the host sends: the C plugin's half of the kit
 * (c-echo uses it, and `agentws plugin new --lang c` copies it into a new plugin). Its functions are
 * hidden, so a plugin that compiles it in still exports only the two ABI functions.
 *
 * It builds no tree: a value is a span of the original text, and an object's members are looked up
 * when asked for. That is all a provider with a handful of flat parameters needs.
 */
#ifndef AGENTWS_JSON_READER_H
#define AGENTWS_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>

#define AGENTWS_JSON_INTERNAL __attribute__((visibility("hidden")))

typedef enum json_kind {
    JSON_INVALID,
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} json_kind;

/* A span of validated JSON text holding exactly one value. */
typedef struct json_span {
    const char *start;
    const char *end;
} json_span;

/* Checks that `text` is exactly one JSON value (surrounding whitespace allowed) and spans it. */
AGENTWS_JSON_INTERNAL bool json_parse(const char *text, size_t length, json_span *value);

/* The kind of a validated value. */
AGENTWS_JSON_INTERNAL json_kind json_kind_of(json_span value);

/* Finds the member `key` of a validated object; false when absent or when `object` is no object. */
AGENTWS_JSON_INTERNAL bool json_member(json_span object, const char *key, json_span *value);

/*
 * Decodes a validated string into a NUL-terminated buffer from malloc (the caller frees it) and stores
 * its length, which counts any escaped NUL characters inside. NULL when `value` is no string or when
 * memory runs out.
 */
AGENTWS_JSON_INTERNAL char *json_string_dup(json_span value, size_t *length_out);

#endif

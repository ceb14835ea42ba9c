/* A growable buffer for writing JSON replies and events. */
#ifndef AGENTWS_JSON_BUFFER_H
#define AGENTWS_JSON_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

#include "json_reader.h"

/* Starts zeroed. After an allocation failure `failed` is set and further appends do nothing. */
typedef struct json_buffer {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;
} json_buffer;

/* Appends text as is. */
AGENTWS_JSON_INTERNAL void json_buffer_raw(json_buffer *buffer, const char *text);

/* Appends `length` bytes of UTF-8 as a quoted, escaped JSON string. */
AGENTWS_JSON_INTERNAL void json_buffer_string(json_buffer *buffer, const char *text, size_t length);

/* Appends a span of validated JSON as is. */
AGENTWS_JSON_INTERNAL void json_buffer_span(json_buffer *buffer, json_span value);

AGENTWS_JSON_INTERNAL void json_buffer_free(json_buffer *buffer);

#endif

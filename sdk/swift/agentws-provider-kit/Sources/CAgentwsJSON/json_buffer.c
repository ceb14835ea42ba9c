#include "json_buffer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append(json_buffer *buffer, const char *bytes, size_t count) {
    if (buffer->failed) return;
    /* Keep one byte spare so that the text can always be NUL-terminated for the log. */
    if (buffer->length + count + 1 > buffer->capacity) {
        size_t capacity = buffer->capacity == 0 ? 256 : buffer->capacity;
        while (capacity < buffer->length + count + 1) capacity *= 2;
        char *data = realloc(buffer->data, capacity);
        if (data == NULL) {
            buffer->failed = true;
            return;
        }
        buffer->data = data;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, bytes, count);
    buffer->length += count;
    buffer->data[buffer->length] = '\0';
}

void json_buffer_raw(json_buffer *buffer, const char *text) {
    append(buffer, text, strlen(text));
}

void json_buffer_string(json_buffer *buffer, const char *text, size_t length) {
    append(buffer, "\"", 1);
    size_t plain = 0; /* start of the run of bytes that need no escape */
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        append(buffer, text + plain, i - plain);
        char escape[8];
        switch (c) {
        case '"': memcpy(escape, "\\\"", 3); break;
        case '\\': memcpy(escape, "\\\\", 3); break;
        case '\n': memcpy(escape, "\\n", 3); break;
        case '\r': memcpy(escape, "\\r", 3); break;
        case '\t': memcpy(escape, "\\t", 3); break;
        default: snprintf(escape, sizeof escape, "\\u%04x", c); break;
        }
        json_buffer_raw(buffer, escape);
        plain = i + 1;
    }
    append(buffer, text + plain, length - plain);
    append(buffer, "\"", 1);
}

void json_buffer_span(json_buffer *buffer, json_span value) {
    append(buffer, value.start, (size_t)(value.end - value.start));
}

void json_buffer_free(json_buffer *buffer) {
    free(buffer->data);
    *buffer = (json_buffer){0};
}

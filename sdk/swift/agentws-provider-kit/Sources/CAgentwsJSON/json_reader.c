#include "json_reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Requests are a few levels deep; anything deeper is not a request. */
enum { MAX_DEPTH = 64 };

static const char *skip_space(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    return p;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_hex4(const char *p, const char *end, uint32_t *out) {
    if (end - p < 4) return false;
    uint32_t value = 0;
    for (int i = 0; i < 4; i++) {
        int digit = hex_value(p[i]);
        if (digit < 0) return false;
        value = value * 16 + (uint32_t)digit;
    }
    *out = value;
    return true;
}

/* p points at the opening quote; returns the position after the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *end) {
    p++;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') return p + 1;
        if (c < 0x20) return NULL;
        if (c != '\\') {
            p++;
            continue;
        }
        if (++p == end) return NULL;
        switch (*p) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p++;
            break;
        case 'u': {
            uint32_t ignored;
            if (!read_hex4(p + 1, end, &ignored)) return NULL;
            p += 5;
            break;
        }
        default:
            return NULL;
        }
    }
    return NULL;
}

static const char *skip_digits(const char *p, const char *end) {
    const char *start = p;
    while (p < end && *p >= '0' && *p <= '9') p++;
    return p == start ? NULL : p;
}

static const char *skip_number(const char *p, const char *end) {
    if (*p == '-') p++;
    if (p == end) return NULL;
    if (*p == '0') {
        p++;
    } else if ((p = skip_digits(p, end)) == NULL) {
        return NULL;
    }
    if (p < end && *p == '.') {
        if ((p = skip_digits(p + 1, end)) == NULL) return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if ((p = skip_digits(p, end)) == NULL) return NULL;
    }
    return p;
}

static const char *skip_literal(const char *p, const char *end, const char *word) {
    size_t length = strlen(word);
    if ((size_t)(end - p) < length || memcmp(p, word, length) != 0) return NULL;
    return p + length;
}

static const char *skip_value(const char *p, const char *end, int depth);

/* Arrays and objects share one loop; `close` tells them apart. */
static const char *skip_container(const char *p, const char *end, int depth, char close) {
    if (depth >= MAX_DEPTH) return NULL;
    p = skip_space(p + 1, end);
    if (p < end && *p == close) return p + 1;
    for (;;) {
        if (close == '}') {
            if (p == end || *p != '"' || (p = skip_string(p, end)) == NULL) return NULL;
            p = skip_space(p, end);
            if (p == end || *p != ':') return NULL;
            p = skip_space(p + 1, end);
        }
        if ((p = skip_value(p, end, depth + 1)) == NULL) return NULL;
        p = skip_space(p, end);
        if (p == end) return NULL;
        if (*p == close) return p + 1;
        if (*p != ',') return NULL;
        p = skip_space(p + 1, end);
    }
}

static const char *skip_value(const char *p, const char *end, int depth) {
    if (p == end) return NULL;
    switch (*p) {
    case '{': return skip_container(p, end, depth, '}');
    case '[': return skip_container(p, end, depth, ']');
    case '"': return skip_string(p, end);
    case 't': return skip_literal(p, end, "true");
    case 'f': return skip_literal(p, end, "false");
    case 'n': return skip_literal(p, end, "null");
    default: return skip_number(p, end);
    }
}

bool json_parse(const char *text, size_t length, json_span *value) {
    const char *end = text + length;
    const char *start = skip_space(text, end);
    const char *after = skip_value(start, end, 0);
    if (after == NULL || skip_space(after, end) != end) return false;
    value->start = start;
    value->end = after;
    return true;
}

json_kind json_kind_of(json_span value) {
    if (value.start == value.end) return JSON_INVALID;
    switch (*value.start) {
    case '{': return JSON_OBJECT;
    case '[': return JSON_ARRAY;
    case '"': return JSON_STRING;
    case 't': case 'f': return JSON_BOOL;
    case 'n': return JSON_NULL;
    default: return JSON_NUMBER;
    }
}

bool json_member(json_span object, const char *key, json_span *value) {
    if (json_kind_of(object) != JSON_OBJECT) return false;
    const char *p = skip_space(object.start + 1, object.end);
    size_t key_length = strlen(key);
    while (p < object.end && *p == '"') {
        json_span name = {p, skip_string(p, object.end)};
        p = skip_space(name.end, object.end) + 1; /* the colon */
        p = skip_space(p, object.end);
        const char *after = skip_value(p, object.end, 0);
        size_t name_length;
        char *decoded = json_string_dup(name, &name_length);
        bool found = decoded != NULL && name_length == key_length && memcmp(decoded, key, key_length) == 0;
        free(decoded);
        if (found) {
            value->start = p;
            value->end = after;
            return true;
        }
        p = skip_space(after, object.end);
        if (p < object.end && *p == ',') p = skip_space(p + 1, object.end);
    }
    return false;
}

static size_t put_utf8(char *out, uint32_t code) {
    if (code < 0x80) {
        out[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        out[0] = (char)(0xC0 | (code >> 6));
        out[1] = (char)(0x80 | (code & 0x3F));
        return 2;
    }
    if (code < 0x10000) {
        out[0] = (char)(0xE0 | (code >> 12));
        out[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        out[2] = (char)(0x80 | (code & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (code >> 18));
    out[1] = (char)(0x80 | ((code >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((code >> 6) & 0x3F));
    out[3] = (char)(0x80 | (code & 0x3F));
    return 4;
}

/* Decodes the escape after a backslash at p; stores the bytes and returns the position after it. */
static const char *decode_escape(const char *p, const char *end, char *out, size_t *written) {
    static const char simple_from[] = "\"\\/bfnrt";
    static const char simple_to[] = "\"\\/\b\f\n\r\t";
    const char *simple = strchr(simple_from, *p);
    if (*p != 'u' && simple != NULL) {
        *out = simple_to[simple - simple_from];
        *written = 1;
        return p + 1;
    }
    uint32_t code;
    read_hex4(p + 1, end, &code);
    p += 5;
    if (code >= 0xD800 && code <= 0xDBFF) {
        uint32_t low;
        if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && read_hex4(p + 2, end, &low) && low >= 0xDC00 &&
            low <= 0xDFFF) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            p += 6;
        } else {
            code = 0xFFFD;
        }
    } else if (code >= 0xDC00 && code <= 0xDFFF) {
        code = 0xFFFD; /* a lone low surrogate has no UTF-8 form */
    }
    *written = put_utf8(out, code);
    return p;
}

char *json_string_dup(json_span value, size_t *length_out) {
    if (json_kind_of(value) != JSON_STRING) return NULL;
    /* Decoding never makes a string longer than its escaped form (a \uXXXX is 6 bytes, at most 3 in
       UTF-8; a surrogate pair is 12, 4 in UTF-8). */
    char *out = malloc((size_t)(value.end - value.start) + 1);
    if (out == NULL) return NULL;
    size_t length = 0;
    const char *p = value.start + 1;
    const char *end = value.end - 1;
    while (p < end) {
        if (*p != '\\') {
            out[length++] = *p++;
            continue;
        }
        size_t written;
        p = decode_escape(p + 1, end, out + length, &written);
        length += written;
    }
    out[length] = '\0';
    *length_out = length;
    return out;
}

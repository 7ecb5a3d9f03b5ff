/*
 * json_util.h - just enough JSON for the C examples: a growable buffer that builds JSON text
 * (with correct string escaping, shortest round-trip numbers, base64, and U+FFFD for bytes
 * that are not UTF-8), and a small reader that finds values inside JSON text the
 * engine hands over (arguments, client answers) without building a tree.
 *
 * Header-only (static inline), C11, no dependencies beyond libc.
 *
 * Limits of the reader, by design:
 * - It reads well-formed JSON (what the engine produces). On malformed input it returns
 *   NULL rather than guessing, but it does not validate everything (numbers and literals
 *   are taken as "the characters up to the next delimiter").
 * - Object keys are compared byte for byte with the raw text between the quotes, so a key
 *   written with escapes (`"n\u0061me"`) does not match `name`. The engine never escapes
 *   plain ASCII keys.
 * - Lookups walk the text each time (linear in its size): fine for arguments and answers,
 *   not for large documents. Use a real JSON library for anything bigger.
 */
#ifndef MCPF_EXAMPLES_JSON_UTIL_H
#define MCPF_EXAMPLES_JSON_UTIL_H

#include <float.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Building JSON text ------------------------------------------------------------- */

/* A growable, NUL-terminated text buffer. Start with `struct json_buf b = {0};`, append,
 * then take `b.data` (owned; free it with json_buf_free or free). On allocation failure
 * `failed` is set, later appends do nothing, and `data` may be partial: check `failed`. */
struct json_buf {
    char *data;
    size_t len, cap;
    int failed;
};

static inline int json_buf_reserve(struct json_buf *b, size_t extra) {
    if (b->failed) return 0;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return 0;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *data = realloc(b->data, cap);
    if (data == NULL) {
        b->failed = 1;
        return 0;
    }
    b->data = data;
    b->cap = cap;
    return 1;
}

/* Appends `n` bytes of raw text (already JSON, or plain text destined for it). */
static inline void json_buf_append(struct json_buf *b, const char *s, size_t n) {
    if (!json_buf_reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void json_buf_puts(struct json_buf *b, const char *s) {
    json_buf_append(b, s, strlen(s));
}

/* Appends formatted raw text (printf rules). */
static inline void json_buf_printf(struct json_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static inline void json_buf_printf(struct json_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!json_buf_reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Appends `s` (UTF-8, `n` bytes) as a quoted JSON string: `"` and `\` escaped, control
 * characters as \n, \t, ... or \u00XX; other bytes (UTF-8 included) copied as they are. */
static inline void json_buf_string_n(struct json_buf *b, const char *s, size_t n) {
    json_buf_append(b, "\"", 1);
    size_t run = 0; /* bytes of s[i - run .. i) that need no escaping */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char hex[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (c < 0x20) {
                snprintf(hex, sizeof hex, "\\u%04x", c);
                esc = hex;
            }
        }
        if (esc == NULL) {
            run++;
            continue;
        }
        json_buf_append(b, s + i - run, run);
        run = 0;
        json_buf_puts(b, esc);
    }
    json_buf_append(b, s + n - run, run);
    json_buf_append(b, "\"", 1);
}

static inline void json_buf_string(struct json_buf *b, const char *s) {
    json_buf_string_n(b, s, strlen(s));
}

/* Appends `x` as a JSON number: the shortest decimal that reads back as the same double
 * (`14`, `0.1`, `1e+21`); NaN and the infinities, which JSON cannot express, as `null`. */
static inline void json_buf_number(struct json_buf *b, double x) {
    if (x != x || x > DBL_MAX || x < -DBL_MAX) {
        json_buf_puts(b, "null");
        return;
    }
    char text[32];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, x);
        if (strtod(text, NULL) == x) break;
    }
    json_buf_puts(b, text);
}

/* The length of the well-formed UTF-8 sequence at `s` (`n` bytes available), or 0 when
 * the bytes there are not one (overlong forms, surrogates and values past U+10FFFF are
 * not well-formed). */
static inline size_t json_utf8_sequence(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    unsigned long cp, min;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1Fu, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0Fu, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07u, min = 0x10000;
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/* The length of the longest prefix of the `n` bytes at `s` that does not end inside a UTF-8
 * character: where to cut text that must fit a bound (a quoted argument, a message buffer)
 * without leaving half a character, which would make the JSON carrying it invalid. Only the
 * bytes before the cut are read: the last character's lead byte says how long it must be. */
static inline size_t json_utf8_cut(const char *s, size_t n) {
    size_t lead = n; /* backs off over at most 3 continuation bytes (0b10xxxxxx) */
    while (lead > 0 && n - lead < 3 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80) lead--;
    if (lead == 0) return n;
    unsigned char c = (unsigned char)s[lead - 1];
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return n - (lead - 1) < need ? lead - 1 : n;
}

/* For printf's "%.*s": the length of at most `max` bytes of the string `s`, cut on a
 * character boundary. */
static inline int json_utf8_prefix(const char *s, size_t max) {
    size_t n = 0;
    while (n < max && s[n] != '\0') n++;
    return (int)json_utf8_cut(s, n);
}

/* vsnprintf into `buf` (`cap` bytes, cap > 0); text that does not fit is cut on a character
 * boundary rather than inside a character. */
static inline void json_vsnprintf_utf8(char *buf, size_t cap, const char *fmt, va_list ap) {
    int n = vsnprintf(buf, cap, fmt, ap);
    if (n < 0) buf[0] = '\0';
    else if ((size_t)n >= cap) buf[json_utf8_cut(buf, cap - 1)] = '\0';
}

/* As json_buf_string_n, for bytes that may not be UTF-8 (file contents, process names,
 * database text): every byte that does not start a well-formed sequence becomes U+FFFD. */
static inline void json_buf_string_lossy(struct json_buf *b, const char *s, size_t n) {
    if (b->failed) return;
    if (n > (SIZE_MAX - 1) / 3) {
        b->failed = 1;
        return;
    }
    char *clean = malloc(n * 3 + 1); /* each invalid byte grows to the 3 bytes of U+FFFD */
    if (clean == NULL) {
        b->failed = 1;
        return;
    }
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        size_t len = json_utf8_sequence((const unsigned char *)s + i, n - i);
        if (len == 0) {
            memcpy(clean + out, "\xEF\xBF\xBD", 3);
            out += 3;
            i += 1;
        } else {
            memcpy(clean + out, s + i, len);
            out += len;
            i += len;
        }
    }
    json_buf_string_n(b, clean, out);
    free(clean);
}

/* Appends `n` bytes as a quoted base64 string (RFC 4648, with padding). */
static inline void json_buf_base64(struct json_buf *b, const unsigned char *data, size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    json_buf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long)data[i] << 16;
        if (i + 1 < n) v |= (unsigned long)data[i + 1] << 8;
        if (i + 2 < n) v |= data[i + 2];
        char quad[4] = {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], i + 1 < n ? alphabet[(v >> 6) & 63] : '=',
                        i + 2 < n ? alphabet[v & 63] : '='};
        json_buf_append(b, quad, 4);
    }
    json_buf_append(b, "\"", 1);
}

static inline void json_buf_free(struct json_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

/* ---- Reading JSON text -------------------------------------------------------------- */

static inline const char *json_skip_ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

/* The end of the string whose opening quote is at `p` (one past the closing quote), or
 * NULL if the text ends first. */
static inline const char *json_string_end(const char *p) {
    if (*p != '"') return NULL;
    for (p++; *p; p++) {
        if (*p == '\\') {
            if (p[1] == '\0') return NULL;
            p++;
        } else if (*p == '"') {
            return p + 1;
        }
    }
    return NULL;
}

/* One past the end of the value starting at `p` (leading whitespace skipped), or NULL if
 * there is no complete value. */
static inline const char *json_value_end(const char *p) {
    p = json_skip_ws(p);
    if (*p == '"') return json_string_end(p);
    if (*p == '{' || *p == '[') {
        size_t depth = 0;
        while (*p) {
            if (*p == '"') {
                p = json_string_end(p);
                if (p == NULL) return NULL;
                continue;
            }
            if (*p == '{' || *p == '[') depth++;
            else if (*p == '}' || *p == ']') {
                if (--depth == 0) return p + 1;
            }
            p++;
        }
        return NULL;
    }
    /* number, true, false, null */
    const char *start = p;
    while (*p && !strchr(" \t\r\n,}]:", *p)) p++;
    return p == start ? NULL : p;
}

/* The value of member `key` of the object at `obj` (leading whitespace skipped), or NULL
 * when `obj` is not an object or has no such member. Only direct members are searched. */
static inline const char *json_get(const char *obj, const char *key) {
    if (obj == NULL) return NULL;
    const char *p = json_skip_ws(obj);
    if (*p != '{') return NULL;
    size_t key_len = strlen(key);
    p = json_skip_ws(p + 1);
    if (*p == '}') return NULL;
    for (;;) {
        const char *name_end = json_string_end(p);
        if (name_end == NULL) return NULL;
        int match = (size_t)(name_end - p - 2) == key_len && memcmp(p + 1, key, key_len) == 0;
        p = json_skip_ws(name_end);
        if (*p != ':') return NULL;
        const char *value = json_skip_ws(p + 1);
        if (match) return value;
        p = json_value_end(value);
        if (p == NULL) return NULL;
        p = json_skip_ws(p);
        if (*p != ',') return NULL;
        p = json_skip_ws(p + 1);
    }
}

/* The first element of the array at `arr`, or NULL when it is empty or not an array. */
static inline const char *json_array_first(const char *arr) {
    if (arr == NULL) return NULL;
    const char *p = json_skip_ws(arr);
    if (*p != '[') return NULL;
    p = json_skip_ws(p + 1);
    return *p == ']' || *p == '\0' ? NULL : p;
}

/* The element after the one at `item`, or NULL after the last one. */
static inline const char *json_array_next(const char *item) {
    const char *p = json_value_end(item);
    if (p == NULL) return NULL;
    p = json_skip_ws(p);
    return *p == ',' ? json_skip_ws(p + 1) : NULL;
}

/* True when the value at `p` is a string. */
static inline int json_is_string(const char *p) {
    return p != NULL && *json_skip_ws(p) == '"';
}

/* Writes code point `cp` as UTF-8 at `out`; returns the number of bytes. */
static inline size_t json_utf8_put(char *out, unsigned long cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads the 4 hex digits at `p` (0..0xFFFF), or -1. */
static inline long json_hex4(const char *p) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The string value at `p`, unescaped, as a new NUL-terminated UTF-8 string (free it), or
 * NULL when `p` is not a well-formed string or memory runs out. `\u0000` becomes U+FFFD so
 * the result stays a C string; a lone surrogate becomes U+FFFD too. */
static inline char *json_string_dup(const char *p) {
    if (p == NULL) return NULL;
    p = json_skip_ws(p);
    const char *end = json_string_end(p);
    if (end == NULL) return NULL;
    /* Unescaping never grows the text: \uXXXX (6 bytes) gives at most 3 bytes, a
     * surrogate pair (12 bytes) 4 bytes, U+FFFD (3 bytes) replaces 6. */
    char *out = malloc((size_t)(end - p));
    if (out == NULL) return NULL;
    size_t n = 0;
    for (const char *s = p + 1; s < end - 1; s++) {
        if (*s != '\\') {
            out[n++] = *s;
            continue;
        }
        s++;
        switch (*s) {
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'u': {
            long cp = json_hex4(s + 1);
            if (cp < 0) {
                free(out);
                return NULL;
            }
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && s[1] == '\\' && s[2] == 'u') {
                long lo = json_hex4(s + 3);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                }
            }
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
            n += json_utf8_put(out + n, (unsigned long)cp);
            break;
        }
        default: out[n++] = *s; /* \" \\ \/ */
        }
    }
    out[n] = '\0';
    return out;
}

/* The raw text of the value at `p` (a string keeps its quotes and escapes), as a new
 * NUL-terminated string (free it), or NULL. */
static inline char *json_raw_dup(const char *p) {
    if (p == NULL) return NULL;
    p = json_skip_ws(p);
    const char *end = json_value_end(p);
    if (end == NULL) return NULL;
    size_t n = (size_t)(end - p);
    char *out = malloc(n + 1);
    if (out == NULL) return NULL;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

/* A value as text: a string unescaped, anything else as its raw JSON text. */
static inline char *json_text_dup(const char *p) {
    return json_is_string(p) ? json_string_dup(p) : json_raw_dup(p);
}

#endif /* MCPF_EXAMPLES_JSON_UTIL_H */

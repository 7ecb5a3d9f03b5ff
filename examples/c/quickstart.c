/*
 * quickstart.c - the mcpforge quickstart server in C: three tools (echo, add,
 * current_time) served over stdio. The engine validates arguments against each tool's
 * input schema before the callback runs, so the callbacks only look values up.
 *
 * Build (from the repository root): make c-examples
 * Run:   ./target/c/quickstart   (speaks MCP on stdin/stdout)
 *        ./target/c/quickstart --http 127.0.0.1:3000   (Streamable HTTP at /mcp)
 *        ./target/c/quickstart --http 127.0.0.1:3000 --auth JSON
 *            (checks bearer tokens as the HTTP options' "auth" member says, docs/auth.md)
 */
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Finds the value of "key" in a compact JSON object (the engine hands arguments over
 * without whitespace). Enough for flat objects like these tools' arguments; use a real
 * JSON library for anything nested.
 */
static const char *find_value(const char *json, const char *key) {
    char pattern[64];
    size_t key_len = strlen(key);
    if (key_len + 4 > sizeof pattern) return NULL;
    pattern[0] = '"';
    memcpy(pattern + 1, key, key_len);
    memcpy(pattern + 1 + key_len, "\":", 3); /* closing quote, colon, NUL */
    const char *at = strstr(json, pattern);
    return at ? at + key_len + 3 : NULL;
}

/* echo {text}: answers with the same text. A string without escapes is its own text
 * (mcpf_responder_text); one with escapes is copied as it is into a result JSON, where the
 * escapes are just as valid, so the callback never has to decode JSON. */
static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args;
    size_t len;
    if (mcpf_call_arguments(call, &args, &len) != MCPF_STATUS_OK) {
        mcpf_responder_free(r);
        return;
    }
    const char *start = find_value(args, "text");
    if (start == NULL || *start != '"') {
        mcpf_responder_tool_error(r, "text must be a string", SIZE_MAX);
        return;
    }
    const char *end = start + 1;
    int escaped = 0;
    while (*end && *end != '"') {
        if (*end == '\\' && end[1]) {
            escaped = 1;
            end += 2;
        } else {
            end += 1;
        }
    }
    if (!escaped) {
        mcpf_responder_text(r, start + 1, (size_t)(end - start - 1));
        return;
    }
    int text_len = (int)(end - start + 1); /* includes both quotes */
    size_t cap = (size_t)text_len + 64;
    char *result = malloc(cap);
    if (result == NULL) {
        mcpf_responder_free(r);
        return;
    }
    snprintf(result, cap, "{\"content\":[{\"type\":\"text\",\"text\":%.*s}]}", text_len, start);
    mcpf_responder_ok(r, result, SIZE_MAX);
    free(result);
}

/* add {a, b}: answers with the sum as text. */
static void add(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args;
    size_t len;
    if (mcpf_call_arguments(call, &args, &len) != MCPF_STATUS_OK) {
        mcpf_responder_free(r);
        return;
    }
    const char *a = find_value(args, "a");
    const char *b = find_value(args, "b");
    if (a == NULL || b == NULL) {
        mcpf_responder_tool_error(r, "a and b are required", SIZE_MAX);
        return;
    }
    char text[64];
    snprintf(text, sizeof text, "%.15g", strtod(a, NULL) + strtod(b, NULL));
    mcpf_responder_text(r, text, SIZE_MAX);
}

/* current_time {}: answers with the current UTC time in RFC 3339 form. */
static void current_time(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    time_t now = time(NULL);
    struct tm tm;
    char text[32];
    if (gmtime_r(&now, &tm) == NULL || strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        mcpf_responder_tool_error(r, "the clock is unavailable", SIZE_MAX);
        return;
    }
    mcpf_responder_text(r, text, SIZE_MAX);
}

static int check(mcpf_status status, const char *what) {
    if (status != MCPF_STATUS_OK) {
        fprintf(stderr, "quickstart: %s: %s: %s\n", what, mcpf_status_str(status), mcpf_last_error_message());
        return 1;
    }
    return 0;
}

#define USAGE "usage: quickstart [--http HOST:PORT [--auth JSON]]  (no arguments: serve stdio)\n"

/*
 * Serves over stdio with no arguments; `--http HOST:PORT [--auth JSON]` serves HTTP with the
 * options {"bind": HOST:PORT, "auth": JSON}. Returns nonzero when serving failed.
 */
static int serve(mcpf_server *server, int argc, char **argv) {
    if (argc == 1) return check(mcpf_server_run_stdio(server), "mcpf_server_run_stdio");
    const char *auth = argc == 5 && strcmp(argv[3], "--auth") == 0 ? argv[4] : NULL;
    /* HOST:PORT goes into a JSON string as it is: no character of it may need escaping. */
    if ((argc != 3 && auth == NULL) || strcmp(argv[1], "--http") != 0 || strpbrk(argv[2], "\"\\") != NULL) {
        fputs(USAGE, stderr);
        return 2;
    }
    size_t cap = strlen(argv[2]) + (auth ? strlen(auth) : 0) + 32;
    char *options = malloc(cap);
    if (options == NULL) return 1;
    if (auth) {
        snprintf(options, cap, "{\"bind\":\"%s\",\"auth\":%s}", argv[2], auth);
    } else {
        snprintf(options, cap, "{\"bind\":\"%s\"}", argv[2]);
    }
    int failed = check(mcpf_server_run_http(server, options, SIZE_MAX), "mcpf_server_run_http");
    free(options);
    return failed;
}

int main(int argc, char **argv) {
    mcpf_server *server = NULL;
    if (check(mcpf_server_new("quickstart", SIZE_MAX, "1.0.0", SIZE_MAX, &server), "mcpf_server_new")) return 1;
    int failed = check(mcpf_server_add_tool(server, "echo", SIZE_MAX, "Echo the text back", SIZE_MAX,
                                            "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
                                            "\"required\":[\"text\"]}",
                                            SIZE_MAX, echo, NULL, NULL),
                       "add echo");
    failed = failed || check(mcpf_server_add_tool(server, "add", SIZE_MAX, "Add two numbers", SIZE_MAX,
                                                  "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},"
                                                  "\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"]}",
                                                  SIZE_MAX, add, NULL, NULL),
                             "add add");
    failed = failed || check(mcpf_server_add_tool(server, "current_time", SIZE_MAX, "The current UTC time", SIZE_MAX,
                                                  "{\"type\":\"object\",\"properties\":{}}", SIZE_MAX, current_time,
                                                  NULL, NULL),
                             "add current_time");
    if (!failed) failed = serve(server, argc, argv);
    mcpf_server_free(server);
    return failed;
}

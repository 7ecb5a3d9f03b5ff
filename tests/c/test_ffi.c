/*
 * test_ffi.c - the C API's tests: a plain C program (no framework) that calls every
 * exported function, including its NULL, invalid-UTF-8 and invalid-JSON paths, then runs
 * real stdio sessions against itself (`test_ffi --serve`) and against the quickstart
 * example, checking the exact response lines.
 *
 * Usage: test_ffi QUICKSTART_PATH   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        checks++;                                                            \
        if (!(cond)) {                                                       \
            failures++;                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                    \
    } while (0)

#define CHECK_STATUS(expr, expected)                                                             \
    do {                                                                                         \
        mcpf_status got_ = (expr);                                                               \
        checks++;                                                                                \
        if (got_ != (expected)) {                                                                \
            failures++;                                                                          \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__, #expr, \
                    mcpf_status_str(got_), mcpf_status_str(expected), mcpf_last_error_message());   \
        }                                                                                        \
    } while (0)

static const char *OBJECT_SCHEMA = "{\"type\":\"object\"}";

/* ---- user_data finalizer bookkeeping ---- */

static int freed_count = 0;
static void count_free(void *user_data) {
    freed_count++;
    CHECK(user_data == (void *)&freed_count);
}

static void never_called(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_free(r);
}

/* ---- in-process checks (no session) ---- */

static void test_status_and_errors(void) {
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_OK), "MCPF_STATUS_OK") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_NULL_PARAMETER), "MCPF_STATUS_NULL_PARAMETER") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INVALID_UTF8), "MCPF_STATUS_INVALID_UTF8") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INVALID_JSON), "MCPF_STATUS_INVALID_JSON") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INVALID_ARGUMENT), "MCPF_STATUS_INVALID_ARGUMENT") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_ALREADY_RUNNING), "MCPF_STATUS_ALREADY_RUNNING") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_IO), "MCPF_STATUS_IO") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_PANIC), "MCPF_STATUS_PANIC") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INTERNAL), "MCPF_STATUS_INTERNAL") == 0);
    CHECK(strcmp(mcpf_status_str(9999), "MCPF_STATUS_UNKNOWN") == 0);
    CHECK(mcpf_last_error_message() != NULL);
}

static void test_server_new(void) {
    mcpf_server *s = (mcpf_server *)&freed_count; /* sentinel: must stay untouched on failure */
    CHECK_STATUS(mcpf_server_new(NULL, 0, "1", SIZE_MAX, &s), MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "name must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_new("n", SIZE_MAX, NULL, 0, &s), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_new("n", SIZE_MAX, "1", SIZE_MAX, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_new("\xff\xfe", 2, "1", SIZE_MAX, &s), MCPF_STATUS_INVALID_UTF8);
    CHECK(strstr(mcpf_last_error_message(), "name is not valid UTF-8") != NULL);
    CHECK_STATUS(mcpf_server_new("n", SIZE_MAX, "\xc3", SIZE_MAX, &s), MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_new("", SIZE_MAX, "1", SIZE_MAX, &s), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(s == (mcpf_server *)&freed_count);
    /* Explicit lengths: the input need not be NUL-terminated. */
    CHECK_STATUS(mcpf_server_new("demoXXX", 4, "1.0.0XX", 5, &s), MCPF_STATUS_OK);
    CHECK(s != (mcpf_server *)&freed_count && s != NULL);
    mcpf_server_free(s);
    mcpf_server_free(NULL);
}

static void test_server_config(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("cfg", SIZE_MAX, "1", SIZE_MAX, &s), MCPF_STATUS_OK);

    CHECK_STATUS(mcpf_server_set_instructions(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_set_instructions(s, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_set_instructions(s, "\x80", 1), MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_set_instructions(s, "Be nice.", SIZE_MAX), MCPF_STATUS_OK);

    void *ud = &freed_count;
    freed_count = 0;
    CHECK_STATUS(mcpf_server_add_tool(NULL, "t", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_tool(s, NULL, 0, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, NULL, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "callback must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_add_tool(s, "t\xff", 2, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, "\xff", 1, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, "{\"type\":", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_JSON);
    CHECK(strstr(mcpf_last_error_message(), "input_schema_json is not valid JSON") != NULL);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, "{\"type\":\"string\"}", SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_add_tool(s, "bad name!", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(freed_count == 0); /* failures never take user_data */

    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, "desc", SIZE_MAX, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "u", SIZE_MAX, NULL, 0, NULL, 0, never_called, NULL, NULL), MCPF_STATUS_OK);
    CHECK(freed_count == 0);
    /* Replacing "t" drops the first registration: its finalizer runs once. */
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_OK);
    CHECK(freed_count == 1);

    /* Shutdown before running is final: run returns at once without touching stdin. */
    CHECK_STATUS(mcpf_server_shutdown(NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_run_stdio(NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);

    mcpf_server_free(s);
    CHECK(freed_count == 2);
}

static void test_null_call_and_responder(void) {
    const char *p = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_call_arguments(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_request_id(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_protocol_version(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_progress_token(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK(p == NULL && len == 0);
    CHECK(!mcpf_call_is_cancelled(NULL));
    CHECK_STATUS(mcpf_call_report_progress(NULL, 1.0, 2.0, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_log(NULL, MCPF_LOG_LEVEL_INFO, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_ok(NULL, "{}", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_text(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_tool_error(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_protocol_error(NULL, -32602, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK(mcpf_responder_call(NULL) == NULL);
    mcpf_responder_free(NULL);
}

/* ---- the server side of the session (`test_ffi --serve`) ---- */

/* Checks made inside callbacks: the serving child exits non-zero if any fails. */
static void info(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *id, *version, *token, *args;
    size_t id_len, version_len, token_len, args_len;
    CHECK_STATUS(mcpf_call_request_id(call, &id, &id_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_protocol_version(call, &version, &version_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_progress_token(call, &token, &token_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_arguments(call, &args, &args_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_arguments(call, NULL, &args_len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_arguments(call, &args, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK(strlen(args) == args_len && strlen(id) == id_len && strlen(version) == version_len);
    CHECK(!mcpf_call_is_cancelled(call));
    /* No progress token and logging not enabled: these succeed and send nothing. */
    CHECK_STATUS(mcpf_call_report_progress(call, 1.0, 0.0 / 0.0, NULL, 0), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_report_progress(call, 2.0, 4.0, "half", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_report_progress(call, 1.0 / 0.0, 4.0, NULL, 0), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_call_report_progress(call, 3.0, 4.0, "\xff", 1), MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_call_log(call, MCPF_LOG_LEVEL_INFO, "hello", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_log(call, MCPF_LOG_LEVEL_EMERGENCY, "hello", 5), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_log(call, 99, "hello", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_call_log(call, MCPF_LOG_LEVEL_INFO, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    char text[256];
    snprintf(text, sizeof text, "id=%s version=%s token=%s args=%s", id, version, token, args);
    /* The text goes through JSON: keep it free of quotes by construction of the request. */
    CHECK_STATUS(mcpf_responder_text(r, text, SIZE_MAX), MCPF_STATUS_OK);
}

static void full_result(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_ok(r, "{\"content\":[{\"type\":\"text\",\"text\":\"full\"}],\"structuredContent\":{\"n\":1}}",
                                   SIZE_MAX),
                 MCPF_STATUS_OK);
}

static void bad_json(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_ok(r, "{\"content\":", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
}

static void bad_utf8(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_text(r, "\xc3\x28", 2), MCPF_STATUS_INVALID_UTF8);
}

static void tool_error(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_tool_error(r, "it broke", SIZE_MAX), MCPF_STATUS_OK);
}

static void protocol_error(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_protocol_error(r, -32602, "bad params", 10), MCPF_STATUS_OK);
}

static void dropped(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_free(r);
}

/* Completes from another thread, reading the arguments through mcpf_responder_call. */
static void *complete_later(void *arg) {
    mcpf_responder *r = arg;
    const mcpf_call *call = mcpf_responder_call(r);
    const char *args;
    size_t len;
    CHECK(call != NULL);
    CHECK_STATUS(mcpf_call_arguments(call, &args, &len), MCPF_STATUS_OK);
    char text[128];
    snprintf(text, sizeof text, "later %.*s", (int)len, args);
    CHECK_STATUS(mcpf_responder_text(r, text, SIZE_MAX), MCPF_STATUS_OK);
    return NULL;
}

/* Joined after the server stops: until it returns, the thread may still hold the call. */
static pthread_t later_thread;
static int later_started = 0;
static void later(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    if (later_started || pthread_create(&later_thread, NULL, complete_later, r) != 0) {
        mcpf_responder_free(r);
        return;
    }
    later_started = 1;
}

/* Stops the server from a callback (the same thread the server runs on). */
static mcpf_server *serving = NULL;
static void stop(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_text(r, "stopping", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_shutdown(serving), MCPF_STATUS_OK);
}

static int serve(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-ffi", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    if (s == NULL) return 1;
    serving = s;
    CHECK_STATUS(mcpf_server_set_instructions(s, "Test server.", SIZE_MAX), MCPF_STATUS_OK);
    static const struct {
        const char *name;
        mcpf_tool_callback callback;
    } tools[] = {
        {"info", info},         {"full", full_result}, {"bad_json", bad_json},
        {"bad_utf8", bad_utf8}, {"tool_error", tool_error}, {"protocol_error", protocol_error},
        {"dropped", dropped},   {"later", later},       {"stop", stop},
    };
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        CHECK_STATUS(mcpf_server_add_tool(s, tools[i].name, SIZE_MAX, NULL, 0, NULL, 0, tools[i].callback, &freed_count,
                                          count_free),
                     MCPF_STATUS_OK);
    }
    freed_count = 0;
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    if (later_started) CHECK(pthread_join(later_thread, NULL) == 0);
    mcpf_server_free(s);
    CHECK(freed_count == (int)(sizeof tools / sizeof tools[0]));
    if (failures) fprintf(stderr, "test_ffi --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side: a child process on pipes, one request at a time ---- */

struct child {
    pid_t pid;
    int to_child;
    FILE *from_child;
};

static int spawn(struct child *c, char *const argv[]) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execv(argv[0], argv);
        perror("execv");
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    c->pid = pid;
    c->to_child = in[1];
    c->from_child = fdopen(out[0], "r");
    return c->from_child ? 0 : -1;
}

/* Sends one line (unless `request` is NULL); when `expected` is not NULL reads one line and
 * compares it exactly (a NULL `expected` with a non-NULL `prefix` checks only the start). */
static void exchange(struct child *c, const char *request, const char *expected, const char *prefix) {
    if (request != NULL) {
        size_t len = strlen(request);
        CHECK(write(c->to_child, request, len) == (ssize_t)len);
        CHECK(write(c->to_child, "\n", 1) == 1);
    }
    if (expected == NULL && prefix == NULL) return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, c->from_child);
    CHECK(n > 0);
    if (n > 0) {
        if (line[n - 1] == '\n') line[n - 1] = '\0';
        int ok = expected ? strcmp(line, expected) == 0 : strncmp(line, prefix, strlen(prefix)) == 0;
        checks++;
        if (!ok) {
            failures++;
            fprintf(stderr, "response mismatch\n  request:  %s\n  got:      %s\n  expected: %s\n", request, line,
                    expected ? expected : prefix);
        }
    }
    free(line);
}

/* Closes stdin (EOF), expects no further output and a zero exit status. */
static void finish(struct child *c, int close_stdin) {
    if (close_stdin) close(c->to_child);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, c->from_child);
    CHECK(n < 0);
    if (n > 0) fprintf(stderr, "unexpected output: %s", line);
    free(line);
    fclose(c->from_child);
    if (!close_stdin) close(c->to_child);
    int status = 0;
    CHECK(waitpid(c->pid, &status, 0) == c->pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#define INIT                                                                                            \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"," \
    "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}"
#define INITIALIZED "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
#define CALL(id, name, args)                                                                          \
    "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"method\":\"tools/call\",\"params\":{\"name\":\"" name "\"," \
    "\"arguments\":" args "}}"
#define TEXT_RESULT(id, text) \
    "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" text "\"}]}}"

static void test_session(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"capabilities\":{\"logging\":{},\"tools\":{\"listChanged\":true}},"
             "\"instructions\":\"Test server.\",\"protocolVersion\":\"2025-11-25\","
             "\"serverInfo\":{\"name\":\"test-ffi\",\"version\":\"0.0.1\"}}}",
             NULL);
    exchange(&c, INITIALIZED, NULL, NULL);
    /* The two accepted log messages arrive before the response (logging is on by default
     * on legacy sessions); the rejected ones send nothing. */
#define LOG_INFO "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"hello\",\"level\":\"info\"}}"
#define LOG_EMERG \
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"hello\",\"level\":\"emergency\"}}"
    exchange(&c, CALL(2, "info", "{\"k\":1}"), LOG_INFO, NULL);
    exchange(&c, NULL, LOG_EMERG, NULL);
    exchange(&c, NULL, TEXT_RESULT(2, "id=2 version=2025-11-25 token=null args={\\\"k\\\":1}"), NULL);
    exchange(&c, CALL("s-3", "info", "{}"), LOG_INFO, NULL);
    exchange(&c, NULL, LOG_EMERG, NULL);
    exchange(&c, NULL, TEXT_RESULT("s-3", "id=\\\"s-3\\\" version=2025-11-25 token=null args={}"), NULL);
    exchange(&c, CALL(4, "full", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"full\"}],"
             "\"structuredContent\":{\"n\":1}}}",
             NULL);
    exchange(&c, CALL(5, "bad_json", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32603,\"message\":\"Internal error: the tool answered "
             "badly: result_json is not a CallToolResult: EOF while parsing a value at line 1 column 11\"}}",
             NULL);
    exchange(&c, CALL(6, "bad_utf8", "{}"),
             NULL, "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":-32603,\"message\":\"Internal error: the tool "
                   "answered badly: text is not valid UTF-8");
    exchange(&c, CALL(7, "tool_error", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"it broke\"}],"
             "\"isError\":true}}",
             NULL);
    exchange(&c, CALL(8, "protocol_error", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":{\"code\":-32602,\"message\":\"bad params\"}}", NULL);
    exchange(&c, CALL(9, "dropped", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32603,\"message\":\"Internal error: the tool's "
             "responder was freed without an answer\"}}",
             NULL);
    exchange(&c, CALL(10, "later", "{\"x\":2}"), TEXT_RESULT(10, "later {\\\"x\\\":2}"), NULL);
    exchange(&c, CALL(11, "stop", "{}"), TEXT_RESULT(11, "stopping"), NULL);
    /* The server stops on its own after `stop`: no EOF needed. */
    finish(&c, 0);
}

static void test_quickstart(const char *quickstart) {
    struct child c;
    char *argv[] = {(char *)quickstart, NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"capabilities\":{\"logging\":{},\"tools\":{\"listChanged\":true}},"
             "\"protocolVersion\":\"2025-11-25\",\"serverInfo\":{\"name\":\"quickstart\",\"version\":\"1.0.0\"}}}",
             NULL);
    exchange(&c, INITIALIZED, NULL, NULL);
    exchange(&c, CALL(2, "echo", "{\"text\":\"hi \\\"there\\\"\\n\"}"), TEXT_RESULT(2, "hi \\\"there\\\"\\n"), NULL);
    exchange(&c, CALL(3, "add", "{\"a\":1,\"b\":2.5}"), TEXT_RESULT(3, "3.5"), NULL);
    exchange(&c, CALL(4, "add", "{\"a\":1}"),
             "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Invalid arguments "
             "for tool add: \\\"b\\\" is a required property\"}],\"isError\":true}}",
             NULL);
    exchange(&c, CALL(5, "current_time", "{}"), NULL,
             "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"20");
    finish(&c, 1);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 2) {
        fprintf(stderr, "usage: %s QUICKSTART_PATH\n", argv[0]);
        return 2;
    }
    test_status_and_errors();
    test_server_new();
    test_server_config();
    test_null_call_and_responder();
    test_session(argv[0]);
    test_quickstart(argv[1]);
    if (failures) {
        fprintf(stderr, "test_ffi: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("test_ffi: %d checks passed\n", checks);
    return 0;
}

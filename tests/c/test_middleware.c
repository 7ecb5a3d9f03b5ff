/*
 * test_middleware.c - C middleware (mcpf_server_add_middleware), run plain and under valgrind
 * by `make c-test`: the order of two middleware around each request, what `before` reads of
 * a request (method, name, protocol version, arguments, client info, the whole request as
 * JSON), its decisions (rewrite the arguments, deny with a JSON-RPC error, answer a tool
 * error; misuse refused), what `after` sees (the result, or the error), and the finalizers
 * run by mcpf_server_free. The program serves itself as a child process
 * (`test_middleware --serve`) over real pipes.
 *
 * Usage: test_middleware   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "child.h"

/* ---- the server side (`test_middleware --serve`) ---- */

static mcpf_server *serving = NULL;
static int freed = 0;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char journal[4096];

static void count_free(void *user_data) {
    (void)user_data;
    freed++;
}

/* Appends one entry ("A>tools/call:echo", ...) to the journal. */
static void note(const char *entry) {
    pthread_mutex_lock(&log_lock);
    size_t used = strlen(journal);
    snprintf(journal + used, sizeof journal - used, "%s%s", used ? " " : "", entry);
    pthread_mutex_unlock(&log_lock);
}

/* The label ("A" or "B") is the middleware's user_data. */
static void record_before(mcpf_middleware_request *req, void *user_data) {
    const char *method = NULL, *name = NULL;
    size_t method_len = 0, name_len = 0;
    CHECK_STATUS(mcpf_middleware_request_method(req, &method, &method_len), MCPF_STATUS_OK);
    char entry[256];
    if (mcpf_middleware_request_name(req, &name, &name_len) == MCPF_STATUS_OK) {
        snprintf(entry, sizeof entry, "%s>%.*s:%.*s", (const char *)user_data, (int)method_len, method, (int)name_len,
                 name);
    } else {
        snprintf(entry, sizeof entry, "%s>%.*s", (const char *)user_data, (int)method_len, method);
    }
    note(entry);
}

static void record_after(const mcpf_middleware_request *req, const char *result, size_t result_len,
                         int64_t error_code, const char *error_message, uint64_t duration_us, void *user_data) {
    (void)duration_us;
    const char *method = NULL;
    size_t method_len = 0;
    CHECK_STATUS(mcpf_middleware_request_method(req, &method, &method_len), MCPF_STATUS_OK);
    char entry[256];
    if (result != NULL) {
        CHECK(error_code == 0 && error_message == NULL);
        CHECK(strlen(result) == result_len);
        const char *kind = strstr(result, "\"isError\":true") ? "tool_error" : "ok";
        snprintf(entry, sizeof entry, "%s<%.*s:%s", (const char *)user_data, (int)method_len, method, kind);
    } else {
        CHECK(error_message != NULL);
        snprintf(entry, sizeof entry, "%s<%.*s:%lld:%s", (const char *)user_data, (int)method_len, method,
                 (long long)error_code, error_message ? error_message : "");
    }
    note(entry);
}

/* The inner middleware's policy. */
static void policy(mcpf_middleware_request *req, void *user_data) {
    record_before(req, user_data);
    const char *s = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_middleware_request_protocol_version(req, &s, &len), MCPF_STATUS_OK);
    CHECK(len == 10 && strncmp(s, "2025-11-25", len) == 0);
    CHECK_STATUS(mcpf_middleware_request_client_info(req, &s, &len), MCPF_STATUS_OK);
    CHECK(strstr(s, "\"name\":\"test\"") != NULL);
    CHECK_STATUS(mcpf_middleware_request_auth(req, &s, &len), MCPF_STATUS_NOT_FOUND);
    CHECK_STATUS(mcpf_middleware_request_method(NULL, &s, &len), MCPF_STATUS_NULL_PARAMETER);
    /* The whole request in the engine's one JSON form (no grant: no authInfo member). */
    CHECK_STATUS(mcpf_middleware_request_json(req, &s, &len), MCPF_STATUS_OK);
    CHECK(strlen(s) == len && strstr(s, "\"protocolVersion\":\"2025-11-25\"") != NULL);
    CHECK(strstr(s, "\"clientInfo\":{") != NULL && strstr(s, "authInfo") == NULL);
    const char *method = NULL;
    CHECK_STATUS(mcpf_middleware_request_method(req, &method, &len), MCPF_STATUS_OK);
    if (strcmp(method, "tools/call") != 0) {
        /* Arguments and tool errors are for tools/call and prompts/get only. */
        CHECK_STATUS(mcpf_middleware_request_arguments(req, &s, &len), MCPF_STATUS_NOT_FOUND);
        CHECK_STATUS(mcpf_middleware_request_set_arguments(req, "{}", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(mcpf_middleware_request_tool_error(req, "no", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
        return;
    }
    const char *name = NULL;
    CHECK_STATUS(mcpf_middleware_request_name(req, &name, &len), MCPF_STATUS_OK);
    if (strcmp(name, "secret") == 0) {
        CHECK_STATUS(mcpf_middleware_request_tool_error(req, "secret is closed", SIZE_MAX), MCPF_STATUS_OK);
        /* One decision per request. */
        CHECK_STATUS(mcpf_middleware_request_deny(req, -32001, NULL, 0), MCPF_STATUS_INVALID_ARGUMENT);
        return;
    }
    CHECK_STATUS(mcpf_middleware_request_arguments(req, &s, &len), MCPF_STATUS_OK);
    if (strstr(s, "\"deny\"") != NULL) {
        CHECK_STATUS(mcpf_middleware_request_deny(req, -32001, "denied by policy", SIZE_MAX), MCPF_STATUS_OK);
    } else if (strcmp(s, "{}") == 0) {
        CHECK_STATUS(mcpf_middleware_request_set_arguments(req, "[1]", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
        CHECK_STATUS(mcpf_middleware_request_set_arguments(req, "{\"text\":\"filled\"}", SIZE_MAX), MCPF_STATUS_OK);
        CHECK_STATUS(mcpf_middleware_request_arguments(req, &s, &len), MCPF_STATUS_OK);
        CHECK(strcmp(s, "{\"text\":\"filled\"}") == 0);
        CHECK_STATUS(mcpf_middleware_request_json(req, &s, &len), MCPF_STATUS_OK);
        CHECK(strstr(s, "\"arguments\":{\"text\":\"filled\"}") != NULL);
    }
}

/* Answers "got <text>", "got filled" when the middleware filled the arguments in. */
static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_call_arguments(call, &args, &len), MCPF_STATUS_OK);
    mcpf_responder_text(r, strstr(args, "filled") ? "got filled" : "got it", SIZE_MAX);
}

static void secret(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK(0 && "the secret tool never runs");
    mcpf_responder_text(r, "the secret", SIZE_MAX);
}

static int serve(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-middleware", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    if (s == NULL) return 1;
    serving = s;
    const char *schema = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}";
    CHECK_STATUS(mcpf_server_add_tool(s, "echo", SIZE_MAX, NULL, 0, schema, SIZE_MAX, echo, NULL, count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "secret", SIZE_MAX, NULL, 0, NULL, 0, secret, NULL, count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_middleware(s, NULL, NULL, NULL, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_middleware(NULL, record_before, NULL, NULL, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_middleware(s, record_before, record_after, "A", count_free), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_middleware(s, policy, record_after, "B", count_free), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    const char *expected =
        "A>tools/call:echo B>tools/call:echo B<tools/call:ok A<tools/call:ok "
        "A>tools/call:echo B>tools/call:echo B<tools/call:ok A<tools/call:ok "
        "A>tools/call:secret B>tools/call:secret B<tools/call:tool_error A<tools/call:tool_error "
        "A>tools/call:echo B>tools/call:echo B<tools/call:-32001:denied by policy "
        "A<tools/call:-32001:denied by policy "
        "A>tools/list B>tools/list B<tools/list:ok A<tools/list:ok";
    CHECK(strcmp(journal, expected) == 0);
    if (strcmp(journal, expected) != 0) fprintf(stderr, "journal: %s\nexpected: %s\n", journal, expected);
    freed = 0;
    mcpf_server_free(s);
    CHECK(freed == 4); /* two tools, two middleware */
    if (failures) fprintf(stderr, "test_middleware --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

static void test_middleware(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    exchange(&c, CALL(2, "echo", "{\"text\":\"hi\"}"), TEXT_RESULT(2, "got it"), NULL);
    exchange(&c, CALL(3, "echo", "{}"), TEXT_RESULT(3, "got filled"), NULL);
    exchange(&c, CALL(4, "secret", "{}"),
             RESULT(4, "{\"content\":[{\"type\":\"text\",\"text\":\"secret is closed\"}],\"isError\":true}"), NULL);
    exchange(&c, CALL(5, "echo", "{\"text\":\"deny\"}"), ERROR(5, "{\"code\":-32001,\"message\":\"denied by policy\"}"),
             NULL);
    exchange(&c, REQ(6, "tools/list", "{}"), NULL, "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{\"tools\":[");
    finish(&c, 1);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    test_middleware(argv[0]);
    return check_summary("test_middleware");
}

/*
 * test_rate_limits.c - rate limits from C (the "rate_limits" member of
 * mcpf_server_new_with_options), run plain and under valgrind by `make c-test`: a tool's
 * limit refuses the call past its burst with MCPF_ERROR_RATE_LIMITED and a retry hint while
 * other tools go on, and a zero rate is refused when the server is created. The program
 * serves itself as a child process (`test_rate_limits --serve`) over real pipes.
 *
 * Usage: test_rate_limits   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "child.h"

/* ---- the server side (`test_rate_limits --serve`) ---- */

static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_text(r, "echoed", SIZE_MAX);
}

static int serve(void) {
    const char *options = "{\"rate_limits\":{\"tools\":{\"search\":{\"requests\":2,\"per_ms\":60000}}}}";
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new_with_options("test-rate-limits", SIZE_MAX, "0.0.1", SIZE_MAX, options, SIZE_MAX, &s),
                 MCPF_STATUS_OK);
    if (s == NULL) return 1;
    CHECK_STATUS(mcpf_server_add_tool(s, "search", SIZE_MAX, NULL, 0, NULL, 0, echo, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "echo", SIZE_MAX, NULL, 0, NULL, 0, echo, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    mcpf_server_free(s);
    if (failures) fprintf(stderr, "test_rate_limits --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

#define STR(x) #x
#define XSTR(x) STR(x)

static void test_tool_limit(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    exchange(&c, CALL(2, "search", "{}"), TEXT_RESULT(2, "echoed"), NULL);
    exchange(&c, CALL(3, "search", "{}"), TEXT_RESULT(3, "echoed"), NULL);
    exchange(&c, CALL(4, "search", "{}"), NULL,
             "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":" XSTR(MCPF_ERROR_RATE_LIMITED) ",\"message\":\"Rate limit exceeded for tool `search`");
    exchange(&c, CALL(5, "echo", "{}"), TEXT_RESULT(5, "echoed"), NULL);
    finish(&c, 1);
}

static void test_zero_rate_refused(void) {
    const char *options = "{\"rate_limits\":{\"per_client\":{\"requests\":0,\"per_ms\":1000}}}";
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new_with_options("zero", SIZE_MAX, "0.0.1", SIZE_MAX, options, SIZE_MAX, &s),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(s == NULL);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    CHECK(MCPF_ERROR_RATE_LIMITED == -32029);
    test_tool_limit(argv[0]);
    test_zero_rate_refused();
    return check_summary("test_rate_limits");
}

/*
 * test_initialize_hook.c - the C initialize hook (mcpf_server_set_initialize_hook), run plain
 * and under valgrind by `make c-test`: the hook reads the handshake JSON (the client's info,
 * the engine's answer) and greets a known client with instructions of its own, keeps the
 * engine's answer for others, refuses a client named "banned" with a JSON-RPC error and
 * data, and the answer handle refuses misuse. The program serves itself as a child process
 * (`test_initialize_hook --serve`) over real pipes, one client per run.
 *
 * Usage: test_initialize_hook   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "child.h"

/* ---- the server side (`test_initialize_hook --serve`) ---- */

static int freed = 0;

static void count_free(void *user_data) {
    (void)user_data;
    freed++;
}

static void greet(const char *handshake, size_t len, mcpf_initialize_answer *answer, void *user_data) {
    (void)user_data;
    CHECK(strlen(handshake) == len);
    CHECK(strstr(handshake, "\"answer\":{") != NULL);
    CHECK(strstr(handshake, "\"repeated\":false") != NULL);
    if (strstr(handshake, "\"name\":\"banned\"") != NULL) {
        CHECK_STATUS(mcpf_initialize_answer_error(answer, -32001, "not welcome", SIZE_MAX, "{\"why\":\"banned\"}", SIZE_MAX),
                     MCPF_STATUS_OK);
        return;
    }
    if (strstr(handshake, "\"name\":\"ada\"") == NULL) return; /* the engine's answer */
    CHECK_STATUS(mcpf_initialize_answer_json(answer, "[1]", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_initialize_answer_json(answer, "{", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
    CHECK_STATUS(mcpf_initialize_answer_json(NULL, "{}", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_initialize_answer_error(answer, -1, NULL, 0, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    const char *mine = "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                       "\"serverInfo\":{\"name\":\"greeter\",\"version\":\"2\"},\"instructions\":\"Hello ada\"}";
    CHECK_STATUS(mcpf_initialize_answer_json(answer, mine, SIZE_MAX), MCPF_STATUS_OK);
}

static void nothing(const char *handshake, size_t len, mcpf_initialize_answer *answer, void *user_data) {
    (void)handshake;
    (void)len;
    (void)answer;
    (void)user_data;
}

static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_text(r, "echoed", SIZE_MAX);
}

static int serve(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-initialize", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    if (s == NULL) return 1;
    CHECK_STATUS(mcpf_server_add_tool(s, "echo", SIZE_MAX, NULL, 0, NULL, 0, echo, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_set_initialize_hook(NULL, greet, NULL, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_set_initialize_hook(s, nothing, "first", count_free), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_set_initialize_hook(s, greet, "second", count_free), MCPF_STATUS_OK);
    CHECK(freed == 1); /* the first hook's user data */
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    mcpf_server_free(s);
    CHECK(freed == 2);
    if (failures) fprintf(stderr, "test_initialize_hook --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

#define INIT_AS(name)                                                                                    \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"," \
    "\"capabilities\":{},\"clientInfo\":{\"name\":\"" name "\",\"version\":\"1\"}}}"

static char *ask(struct child *c, const char *request) {
    send_line(c, request);
    char *line = read_line(c);
    CHECK(line != NULL);
    return line != NULL ? line : strdup("");
}

/* Connects as `name`, checks the answer holds `expected`, then calls the tool when the
 * handshake succeeded. */
static void connect_as(const char *self, const char *init, const char *expected, int served) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    char *line = ask(&c, init);
    check_contains(line, expected);
    free(line);
    if (served) {
        exchange(&c, INITIALIZED, NULL, NULL);
        exchange(&c, CALL(2, "echo", "{}"), TEXT_RESULT(2, "echoed"), NULL);
    }
    finish(&c, 1);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    connect_as(argv[0], INIT_AS("ada"), "\"instructions\":\"Hello ada\"", 1);
    connect_as(argv[0], INIT_AS("someone"), "\"serverInfo\":{\"name\":\"test-initialize\"", 1);
    connect_as(argv[0], INIT_AS("banned"),
               "\"error\":{\"code\":-32001,\"message\":\"not welcome\",\"data\":{\"why\":\"banned\"}}", 0);
    return check_summary("test_initialize_hook");
}

/*
 * test_catalogue.c - the C catalogue hook (mcpf_server_set_catalogue), run plain and under
 * valgrind by `make c-test`: a hook that reads the client's info shows an admin client every
 * tool and resource and any other client only the public ones; lists hold what the client
 * may see, a hidden tool or resource is refused as a missing one is, the set's misuse is
 * refused, and replacing the hook frees the old one's user data. The program serves itself
 * as a child process (`test_catalogue --serve`) over real pipes, one client per run.
 *
 * Usage: test_catalogue   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "child.h"

/* ---- the server side (`test_catalogue --serve`) ---- */

static int freed = 0;

static void count_free(void *user_data) {
    (void)user_data;
    freed++;
}

/* Admins ("admin" in the client's name) see everything; others only the public items. */
static void by_role(const mcpf_middleware_request *request, mcpf_catalogue_kind kind, mcpf_visible *visible,
                    void *user_data) {
    (void)user_data;
    const char *info = NULL;
    size_t len = 0;
    if (mcpf_middleware_request_client_info(request, &info, &len) == MCPF_STATUS_OK && strstr(info, "admin")) {
        CHECK_STATUS(mcpf_visible_all(visible), MCPF_STATUS_OK);
        return;
    }
    if (kind == MCPF_CATALOGUE_TOOLS) CHECK_STATUS(mcpf_visible_add(visible, "echo", SIZE_MAX), MCPF_STATUS_OK);
    if (kind == MCPF_CATALOGUE_RESOURCES) CHECK_STATUS(mcpf_visible_add(visible, "db://public", 11), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_visible_add(visible, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_visible_add(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_visible_add(visible, "\xff", 1), MCPF_STATUS_INVALID_UTF8);
}

/* A first hook, replaced before serving: its user data is freed then. */
static void nothing(const mcpf_middleware_request *request, mcpf_catalogue_kind kind, mcpf_visible *visible,
                    void *user_data) {
    (void)request;
    (void)kind;
    (void)visible;
    (void)user_data;
}

static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_text(r, "echoed", SIZE_MAX);
}

static void dropped(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_text(r, "dropped", SIZE_MAX);
}

static void rows(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *uri = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_call_uri(call, &uri, &len), MCPF_STATUS_OK);
    char contents[256];
    snprintf(contents, sizeof contents, "[{\"uri\":\"%s\",\"text\":\"rows\"}]", uri);
    mcpf_responder_contents(r, contents, SIZE_MAX);
}

static int serve(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-catalogue", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    if (s == NULL) return 1;
    CHECK_STATUS(mcpf_server_add_tool(s, "echo", SIZE_MAX, NULL, 0, NULL, 0, echo, NULL, NULL), MCPF_STATUS_OK);
    const char *schema = "{\"type\":\"object\",\"properties\":{\"table\":{\"type\":\"string\"}},\"required\":[\"table\"]}";
    CHECK_STATUS(mcpf_server_add_tool(s, "drop_table", SIZE_MAX, NULL, 0, schema, SIZE_MAX, dropped, NULL, NULL),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_resource(s, "db://public", SIZE_MAX, "public", SIZE_MAX, NULL, 0, NULL, 0, rows, NULL,
                                          NULL),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_resource(s, "db://secrets", SIZE_MAX, "secrets", SIZE_MAX, NULL, 0, NULL, 0, rows,
                                          NULL, NULL),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_set_catalogue(NULL, by_role, NULL, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_set_catalogue(s, nothing, "first", count_free), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_set_catalogue(s, by_role, "second", count_free), MCPF_STATUS_OK);
    CHECK(freed == 1); /* the first hook's user data, once no request could use it */
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    mcpf_server_free(s);
    CHECK(freed == 2);
    if (failures) fprintf(stderr, "test_catalogue --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

#define INIT_AS(name)                                                                                    \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"," \
    "\"capabilities\":{},\"clientInfo\":{\"name\":\"" name "\",\"version\":\"1\"}}}"

/* Sends `request` and returns the answer line (to free). */
static char *ask(struct child *c, const char *request) {
    send_line(c, request);
    char *line = read_line(c);
    CHECK(line != NULL);
    return line != NULL ? line : strdup("");
}

static void test_viewer(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT_AS("viewer"), NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    char *line = ask(&c, REQ(2, "tools/list", "{}"));
    check_contains(line, "\"name\":\"echo\"");
    check_absent(line, "drop_table");
    free(line);
    line = ask(&c, REQ(3, "resources/list", "{}"));
    check_contains(line, "db://public");
    check_absent(line, "db://secrets");
    free(line);
    /* Hidden and missing read the same (the hidden tool's required argument is not checked). */
    char *hidden = ask(&c, CALL(4, "drop_table", "{}"));
    char *missing = ask(&c, CALL(4, "no_such_tool", "{}"));
    check_contains(hidden, "\"code\":-32602");
    check_contains(hidden, "Unknown tool: drop_table");
    check_contains(missing, "Unknown tool: no_such_tool");
    free(hidden);
    free(missing);
    line = ask(&c, READ(5, "db://secrets"));
    check_contains(line, "\"code\":-32002");
    free(line);
    exchange(&c, CALL(6, "echo", "{}"), TEXT_RESULT(6, "echoed"), NULL);
    finish(&c, 1);
}

static void test_admin(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT_AS("admin-console"), NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    char *line = ask(&c, REQ(2, "tools/list", "{}"));
    check_contains(line, "\"name\":\"drop_table\"");
    free(line);
    exchange(&c, CALL(3, "drop_table", "{\"table\":\"t\"}"), TEXT_RESULT(3, "dropped"), NULL);
    line = ask(&c, READ(4, "db://secrets"));
    check_contains(line, "\"text\":\"rows\"");
    free(line);
    finish(&c, 1);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    test_viewer(argv[0]);
    test_admin(argv[0]);
    return check_summary("test_catalogue");
}

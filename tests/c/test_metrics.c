/*
 * test_metrics.c - request metrics of a stdio server from C (the "metrics_address" server
 * option), run plain and under valgrind by `make c-test`: the server, a child process
 * serving stdio over real pipes (`test_metrics --serve PORT`), answers calls of a tool that
 * succeeds and one that fails as a tool error, and its side port on 127.0.0.1:PORT serves
 * `GET /metrics` with a series per tool and outcome, while other paths are 404; after the
 * session, the same figures read through `mcpf_server_metrics` (JSON and Prometheus text),
 * which refuses a server without metrics and an unknown format.
 *
 * Usage: test_metrics   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "loopback.h"
#include "child.h"

/* ---- the server side (`test_metrics --serve PORT`) ---- */

static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_text(r, "echoed", SIZE_MAX);
}

static void refusing(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_tool_error(r, "no such city", SIZE_MAX);
}

static int serve(const char *port) {
    char options[128];
    snprintf(options, sizeof options, "{\"metrics_address\":\"127.0.0.1:%s\"}", port);
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new_with_options("test-metrics", SIZE_MAX, "0.0.1", SIZE_MAX, options, SIZE_MAX, &s),
                 MCPF_STATUS_OK);
    if (s == NULL) return 1;
    CHECK_STATUS(mcpf_server_add_tool(s, "echo", SIZE_MAX, NULL, 0, NULL, 0, echo, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "refusing", SIZE_MAX, NULL, 0, NULL, 0, refusing, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    /* The snapshot after the session: the client made two echo calls and one refused. */
    char *text = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_server_metrics(s, MCPF_METRICS_JSON, &text, &len), MCPF_STATUS_OK);
    if (text != NULL) {
        CHECK(strlen(text) == len);
        check_contains(text, "\"method\":\"tools/call\"");
        check_contains(text, "\"name\":\"refusing\"");
        check_contains(text, "\"tool_error\":1");
        mcpf_string_free(text);
    }
    text = NULL;
    CHECK_STATUS(mcpf_server_metrics(s, MCPF_METRICS_PROMETHEUS, &text, &len), MCPF_STATUS_OK);
    if (text != NULL) {
        check_contains(text, "\nmcpforge_requests_total{method=\"tools/call\",name=\"echo\",outcome=\"ok\"} 2\n");
        mcpf_string_free(text);
    }
    mcpf_server_free(s);
    if (failures) fprintf(stderr, "test_metrics --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

/* GETs `path` from 127.0.0.1:`port` into `out`; returns the status code (-1: no answer). */
static int get(unsigned port, const char *path, char *out, size_t cap) {
    out[0] = '\0';
    int fd = loopback_connect(port, 10);
    if (fd < 0) return -1;
    char request[256];
    int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n",
                     path, port);
    CHECK(send(fd, request, (size_t)n, 0) == n);
    size_t used = 0;
    for (;;) {
        ssize_t got = recv(fd, out + used, cap - 1 - used, 0);
        if (got <= 0 || (used += (size_t)got) == cap - 1) break;
    }
    out[used] = '\0';
    close(fd);
    int status = -1;
    if (sscanf(out, "HTTP/1.1 %d", &status) != 1) status = -1;
    return status;
}

static void test_side_port(const char *self) {
    unsigned port = loopback_free_port();
    CHECK(port != 0);
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%u", port);
    struct child c;
    char *argv[] = {(char *)self, "--serve", port_text, NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    exchange(&c, CALL(2, "echo", "{}"), TEXT_RESULT(2, "echoed"), NULL);
    exchange(&c, CALL(3, "echo", "{}"), TEXT_RESULT(3, "echoed"), NULL);
    exchange(&c, CALL(4, "refusing", "{}"), NULL, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":");
    /* The side port was bound before the first line was read: it answers now. */
    static char page[65536];
    CHECK(get(port, "/metrics", page, sizeof page) == 200);
    check_contains(page, "text/plain; version=0.0.4");
    check_contains(page, "\nmcpforge_requests_total{method=\"tools/call\",name=\"echo\",outcome=\"ok\"} 2\n");
    check_contains(page, "\nmcpforge_requests_total{method=\"tools/call\",name=\"refusing\",outcome=\"tool_error\"} 1\n");
    check_contains(page, "\nmcpforge_request_duration_seconds_count{method=\"tools/call\",name=\"echo\"} 2\n");
    CHECK(strstr(page, "mcpforge_sessions") == NULL);
    CHECK(get(port, "/mcp", page, sizeof page) == 404);
    finish(&c, 1);
    /* The port closes with the stdio session. */
    CHECK(get(port, "/metrics", page, sizeof page) == -1);
}

/* The accessor's refusals, in process: no metrics kept, an unknown format, NULL outputs. */
static void test_accessor_refusals(void) {
    mcpf_server *plain = NULL;
    CHECK_STATUS(mcpf_server_new("plain", SIZE_MAX, "0.0.1", SIZE_MAX, &plain), MCPF_STATUS_OK);
    mcpf_server *kept = NULL;
    CHECK_STATUS(mcpf_server_new_with_options("kept", SIZE_MAX, "0.0.1", SIZE_MAX, "{\"metrics\":true}", SIZE_MAX, &kept),
                 MCPF_STATUS_OK);
    if (plain == NULL || kept == NULL) return;
    char *text = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_server_metrics(plain, MCPF_METRICS_JSON, &text, &len), MCPF_STATUS_NOT_FOUND);
    CHECK(text == NULL);
    check_contains(mcpf_last_error_message(), "keeps no metrics");
    CHECK_STATUS(mcpf_server_metrics(kept, 7, &text, &len), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_metrics(kept, MCPF_METRICS_JSON, NULL, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_metrics(NULL, MCPF_METRICS_JSON, &text, &len), MCPF_STATUS_NULL_PARAMETER);
    /* Nothing served yet: no series. */
    CHECK_STATUS(mcpf_server_metrics(kept, MCPF_METRICS_JSON, &text, &len), MCPF_STATUS_OK);
    if (text != NULL) CHECK(strcmp(text, "{\"series\":[]}") == 0);
    mcpf_string_free(text);
    mcpf_server_free(plain);
    mcpf_server_free(kept);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--serve") == 0) return serve(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    test_side_port(argv[0]);
    test_accessor_refusals();
    return check_summary("test_metrics");
}

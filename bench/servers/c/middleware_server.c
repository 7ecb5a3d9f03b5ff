/*
 * middleware_server.c - a benchmark-only mcpforge server in C: `echo` as in the quickstart,
 * and with `--noop` one middleware whose `before` callback only returns (the
 * request goes on unchanged). `make bench-middleware` runs it both ways to measure what one
 * no-op middleware costs (docs/BENCHMARKS.md). Serves stdio.
 */
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* echo {text}: the text as the arguments hold it (the load generator's text has no escapes;
 * the schema guarantees a string). */
static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args = NULL;
    size_t len = 0;
    const char *text = mcpf_call_arguments(call, &args, &len) == MCPF_STATUS_OK ? strstr(args, "\"text\":\"") : NULL;
    if (text == NULL) {
        mcpf_responder_tool_error(r, "text must be a string", SIZE_MAX);
        return;
    }
    text += 8;
    const char *end = text;
    while (*end && *end != '"') end += *end == '\\' && end[1] ? 2 : 1;
    mcpf_responder_text(r, text, (size_t)(end - text));
}

static void passthrough(mcpf_middleware_request *request, void *user_data) {
    (void)request;
    (void)user_data;
}

int main(int argc, char **argv) {
    int noop = argc == 2 && strcmp(argv[1], "--noop") == 0;
    if (argc > 2 || (argc == 2 && !noop)) {
        fputs("usage: middleware_server [--noop]\n", stderr);
        return 2;
    }
    mcpf_server *s = NULL;
    if (mcpf_server_new("mcpforge-bench-middleware-c", SIZE_MAX, "0", SIZE_MAX, &s) != MCPF_STATUS_OK) return 1;
    const char *schema = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}";
    int failed = mcpf_server_add_tool(s, "echo", SIZE_MAX, "Echo the text back", SIZE_MAX, schema, SIZE_MAX, echo, NULL,
                                      NULL) != MCPF_STATUS_OK;
    if (!failed && noop) failed = mcpf_server_add_middleware(s, passthrough, NULL, NULL, NULL) != MCPF_STATUS_OK;
    if (!failed) failed = mcpf_server_run_stdio(s) != MCPF_STATUS_OK;
    mcpf_server_free(s);
    return failed;
}

/*
 * client.c - an MCP client in C: connects to a server, prints what it offers (its name,
 * instructions, tools, resources and prompts) and calls one of its tools.
 *
 * Build (from the repository root): make c-examples
 * Run:   ./target/c/client ./target/debug/quickstart        (a server started over stdio)
 *        ./target/c/client --http http://127.0.0.1:3000/mcp (a Streamable HTTP server)
 * It calls `add` with {"a": 2, "b": 3}; `--call NAME JSON` before the server calls another.
 */
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check(mcpf_status status, const char *what) {
    if (status == MCPF_STATUS_OK) return 0;
    if (status == MCPF_STATUS_SERVER_ERROR) {
        fprintf(stderr, "client: %s: the server answered %lld: %s\n", what, (long long)mcpf_last_error_code(),
                mcpf_last_error_message());
    } else {
        fprintf(stderr, "client: %s: %s: %s\n", what, mcpf_status_str(status), mcpf_last_error_message());
    }
    return 1;
}

/* Prints one list (a JSON array the library handed out) under its title, then frees it. */
static int print_list(const char *title, mcpf_status status, char *json) {
    if (check(status, title)) return 1;
    printf("%s: %s\n", title, json);
    mcpf_string_free(json);
    return 0;
}

/* Prints what the server offers and calls `tool` with `arguments`. */
static int explore(mcpf_client *client, const char *tool, const char *arguments) {
    const char *session;
    size_t len;
    if (check(mcpf_client_session(client, &session, &len), "session")) return 1;
    printf("server: %s\n", session);
    char *json = NULL;
    mcpf_status status = mcpf_client_list_tools(client, NULL, &json, &len);
    int failed = print_list("tools", status, json);
    /* A server without resources or prompts answers those lists with an error. */
    if (mcpf_client_list_resources(client, NULL, &json, &len) == MCPF_STATUS_OK) print_list("resources", MCPF_STATUS_OK, json);
    if (mcpf_client_list_prompts(client, NULL, &json, &len) == MCPF_STATUS_OK) print_list("prompts", MCPF_STATUS_OK, json);
    /* Each call waits at most 10 s. */
    mcpf_client_call_options options = {10000, NULL};
    char *result = NULL;
    if (!failed && !check(mcpf_client_call_tool(client, tool, SIZE_MAX, arguments, SIZE_MAX, &options, &result, &len),
                          "tools/call")) {
        printf("%s: %s\n", tool, result);
        mcpf_string_free(result);
    } else {
        failed = 1;
    }
    return failed;
}

#define USAGE "usage: client [--call NAME JSON] (COMMAND [ARGS...] | --http URL)\n"

int main(int argc, char **argv) {
    const char *tool = "add", *arguments = "{\"a\":2,\"b\":3}";
    int first = 1;
    if (argc > 3 && strcmp(argv[1], "--call") == 0) {
        tool = argv[2];
        arguments = argv[3];
        first = 4;
    }
    if (first >= argc) {
        fputs(USAGE, stderr);
        return 2;
    }
    mcpf_client_config *config = NULL;
    if (check(mcpf_client_config_new("c-client-example", SIZE_MAX, "1.0.0", SIZE_MAX, NULL, 0, &config), "config"))
        return 1;
    mcpf_client *client = NULL;
    mcpf_status status;
    if (strcmp(argv[first], "--http") == 0) {
        if (first + 2 != argc) {
            fputs(USAGE, stderr);
            mcpf_client_config_free(config);
            return 2;
        }
        status = mcpf_client_connect_http(config, argv[first + 1], SIZE_MAX, NULL, 0, &client);
    } else {
        status = mcpf_client_connect_stdio(config, (const char *const *)(argv + first), (size_t)(argc - first), NULL, 0,
                                           &client);
    }
    mcpf_client_config_free(config);
    if (check(status, "connect")) return 1;
    int failed = explore(client, tool, arguments);
    mcpf_client_free(client); /* closes the connection; a child server is stopped */
    return failed;
}

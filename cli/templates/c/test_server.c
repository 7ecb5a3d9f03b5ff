/*
 * Starts the server (build/{{name}}) as a child process with the mcpforge client, lists its
 * tools and calls `greet`. Exit status 0 when every check holds.
 */
#include <mcpforge.h>

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void expect(int ok, const char *what, const char *got) {
    if (!ok) {
        fprintf(stderr, "FAIL %s: %s\n", what, got ? got : mcpf_last_error_message());
        failures++;
    }
}

int main(int argc, char **argv) {
    const char *program = argc > 1 ? argv[1] : "build/{{name}}";
    mcpf_client_config *config = NULL;
    mcpf_client *client = NULL;
    const char *options = "{\"timeout_ms\":30000}";
    if (mcpf_client_config_new("{{name}}-test", SIZE_MAX, "0.1.0", SIZE_MAX, options, SIZE_MAX, &config) != MCPF_STATUS_OK ||
        mcpf_client_connect_stdio(config, &program, 1, NULL, 0, &client) != MCPF_STATUS_OK) {
        fprintf(stderr, "FAIL connect to %s: %s\n", program, mcpf_last_error_message());
        mcpf_client_config_free(config);
        return 1;
    }
    char *out = NULL;
    size_t len = 0;
    mcpf_status listed = mcpf_client_list_tools(client, NULL, &out, &len);
    expect(listed == MCPF_STATUS_OK && strstr(out, "\"name\":\"greet\"") != NULL, "tools/list names greet", out);
    mcpf_string_free(out);
    out = NULL;
    const char *args = "{\"name\":\"Ada\"}";
    mcpf_status called = mcpf_client_call_tool(client, "greet", SIZE_MAX, args, SIZE_MAX, NULL, &out, &len);
    expect(called == MCPF_STATUS_OK && strstr(out, "Hello, Ada!") != NULL, "greet answers", out);
    mcpf_string_free(out);
    mcpf_client_free(client);
    mcpf_client_config_free(config);
    printf("%d passed, %d failed\n", 2 - failures, failures);
    return failures ? 1 : 0;
}

/*
 * {{name}}: {{description}}. An MCP server on the mcpforge C library: the tool `greet`,
 * served over stdio. The engine checks each call's arguments against the tool's input
 * schema before the callback runs.
 */
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* greet {name}: answers "Hello, NAME!". The engine hands arguments over as compact JSON; a
 * name with escapes in it is refused here (use a JSON library for more). */
static void greet(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args;
    size_t len;
    if (mcpf_call_arguments(call, &args, &len) != MCPF_STATUS_OK) {
        mcpf_responder_free(r);
        return;
    }
    const char *start = strstr(args, "\"name\":\"");
    const char *end = start ? strchr(start + 8, '"') : NULL;
    if (start == NULL || end == NULL || memchr(start + 8, '\\', (size_t)(end - start - 8)) != NULL) {
        mcpf_responder_tool_error(r, "name must be a plain string", SIZE_MAX);
        return;
    }
    char text[512];
    int n = snprintf(text, sizeof text, "Hello, %.*s!", (int)(end - start - 8), start + 8);
    if (n < 0 || (size_t)n >= sizeof text) {
        mcpf_responder_tool_error(r, "name is too long", SIZE_MAX);
        return;
    }
    mcpf_responder_text(r, text, SIZE_MAX);
}

static int check(mcpf_status status, const char *what) {
    if (status != MCPF_STATUS_OK) {
        fprintf(stderr, "{{name}}: %s: %s: %s\n", what, mcpf_status_str(status), mcpf_last_error_message());
        return 1;
    }
    return 0;
}

int main(void) {
    mcpf_server *server = NULL;
    if (check(mcpf_server_new("{{name}}", SIZE_MAX, "0.1.0", SIZE_MAX, &server), "mcpf_server_new")) return 1;
    const char *schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\","
                         "\"description\":\"Who to greet.\"}},\"required\":[\"name\"]}";
    int failed = check(mcpf_server_add_tool(server, "greet", SIZE_MAX, "Greet someone by name.", SIZE_MAX, schema,
                                            SIZE_MAX, greet, NULL, NULL),
                       "add greet");
    if (!failed) failed = check(mcpf_server_run_stdio(server), "mcpf_server_run_stdio");
    mcpf_server_free(server);
    return failed;
}

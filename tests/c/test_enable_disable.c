/*
 * test_enable_disable.c - mcpf_server_disable_* and mcpf_server_enable_*, run plain and under
 * valgrind by `make c-test`: their status codes (NULL, bad UTF-8, nothing registered), an
 * item disabled before serving is not served, and while serving (a tool of the server
 * switches the others from its callback) a disabled tool, resource, template or prompt is
 * out of its list and answered as a missing one, on a legacy session and on the 2026-07-28
 * wire, each change of state is a list_changed notification (none when nothing changed),
 * and an item enabled again answers as before. The program serves itself as a child
 * process (`test_enable_disable --serve`) over real pipes.
 *
 * Usage: test_enable_disable   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "child.h"

/* ---- the server side (`test_enable_disable --serve`) ---- */

typedef mcpf_status (*toggle_fn)(mcpf_server *server, const char *key, size_t key_len);

static const struct {
    const char *op;
    toggle_fn fn;
} OPS[] = {
    {"disable_tool", mcpf_server_disable_tool},
    {"enable_tool", mcpf_server_enable_tool},
    {"disable_prompt", mcpf_server_disable_prompt},
    {"enable_prompt", mcpf_server_enable_prompt},
    {"disable_resource", mcpf_server_disable_resource},
    {"enable_resource", mcpf_server_enable_resource},
    {"disable_resource_template", mcpf_server_disable_resource_template},
    {"enable_resource_template", mcpf_server_enable_resource_template},
};

/* Copies the string value of `"name":"..."` in the JSON object `json` into `out`; false when
 * there is none (the test's own arguments: no escapes). */
static int string_field(const char *json, size_t len, const char *name, char *out, size_t cap) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", name);
    char *copy = strndup(json, len);
    const char *at = copy ? strstr(copy, pattern) : NULL;
    int found = 0;
    if (at != NULL) {
        at += strlen(pattern);
        const char *end = strchr(at, '"');
        if (end != NULL && (size_t)(end - at) < cap) {
            memcpy(out, at, (size_t)(end - at));
            out[end - at] = '\0';
            found = 1;
        }
    }
    free(copy);
    return found;
}

/* `switch {op, key}`: runs `mcpf_server_<op>(server, key)` from inside a callback and answers
 * with the status's name. */
static void switch_items(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    mcpf_server *server = user_data;
    const char *args = NULL;
    size_t len = 0;
    char op[64], key[128];
    CHECK_STATUS(mcpf_call_arguments(call, &args, &len), MCPF_STATUS_OK);
    if (!string_field(args, len, "op", op, sizeof op) || !string_field(args, len, "key", key, sizeof key)) {
        mcpf_responder_tool_error(r, "switch needs op and key", SIZE_MAX);
        return;
    }
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
        if (strcmp(OPS[i].op, op) == 0) {
            mcpf_responder_text(r, mcpf_status_str(OPS[i].fn(server, key, SIZE_MAX)), SIZE_MAX);
            return;
        }
    }
    mcpf_responder_tool_error(r, "unknown op", SIZE_MAX);
}

static void flaky(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_text(r, "flaky", SIZE_MAX);
}

static void read_text(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *uri = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_call_uri(call, &uri, &len), MCPF_STATUS_OK);
    char contents[256];
    snprintf(contents, sizeof contents, "[{\"uri\":\"%.*s\",\"text\":\"read\"}]", (int)len, uri);
    mcpf_responder_contents(r, contents, SIZE_MAX);
}

static void prompt(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_prompt(r, "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"hi\"}}]}",
                          SIZE_MAX);
}

/* The status codes, before serving: misuse is refused, nothing registered is NOT_FOUND. */
static void check_statuses(mcpf_server *s) {
    CHECK_STATUS(mcpf_server_disable_tool(NULL, "flaky", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_enable_tool(s, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_disable_prompt(s, "\xff", 1), MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_disable_tool(s, "nope", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
    CHECK_STATUS(mcpf_server_enable_resource(s, "memo://nope", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
    /* A template is not a concrete resource, nor a tool a prompt. */
    CHECK_STATUS(mcpf_server_disable_resource(s, "notes://{id}", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
    CHECK_STATUS(mcpf_server_disable_prompt(s, "flaky", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
    /* Disabled, a name stays taken; removed, it is gone. */
    CHECK_STATUS(mcpf_server_add_tool(s, "temp", SIZE_MAX, NULL, 0, NULL, 0, flaky, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_disable_tool(s, "temp", 4), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "temp", SIZE_MAX, NULL, 0, NULL, 0, flaky, NULL, NULL),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_remove_tool(s, "temp", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_enable_tool(s, "temp", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
}

static int serve(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-enable-disable", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    if (s == NULL) return 1;
    const char *schema = "{\"type\":\"object\",\"properties\":{\"op\":{\"type\":\"string\"},\"key\":{\"type\":"
                         "\"string\"}},\"required\":[\"op\",\"key\"]}";
    CHECK_STATUS(mcpf_server_add_tool(s, "switch", SIZE_MAX, NULL, 0, schema, SIZE_MAX, switch_items, s, NULL),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "flaky", SIZE_MAX, NULL, 0, NULL, 0, flaky, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_resource(s, "memo://secret", SIZE_MAX, "secret", SIZE_MAX, NULL, 0, NULL, 0,
                                          read_text, NULL, NULL),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "notes://{id}", SIZE_MAX, "note", SIZE_MAX, NULL, 0, NULL, 0,
                                                   read_text, NULL, NULL),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_prompt(s, "greet", SIZE_MAX, NULL, 0, NULL, 0, prompt, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_prompt(s, "draft", SIZE_MAX, NULL, 0, NULL, 0, prompt, NULL, NULL), MCPF_STATUS_OK);
    check_statuses(s);
    CHECK_STATUS(mcpf_server_disable_prompt(s, "draft", SIZE_MAX), MCPF_STATUS_OK); /* not served at first */
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    mcpf_server_free(s);
    if (failures) fprintf(stderr, "test_enable_disable --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

#define SWITCH(id, op, key) CALL(id, "switch", "{\"op\":\"" op "\",\"key\":\"" key "\"}")
#define NOTICE(list) "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/" list "/list_changed\"}"

/* Sends `request` and returns the answer line (to free). */
static char *ask(struct child *c, const char *request) {
    send_line(c, request);
    char *line = read_line(c);
    CHECK(line != NULL);
    return line != NULL ? line : strdup("");
}

/* A switch that changes something: the list's notification, sent while the callback runs,
 * then the callback's answer. */
static void switched(struct child *c, const char *request, const char *notice, const char *result) {
    exchange(c, request, notice, NULL);
    exchange(c, NULL, result, NULL);
}

/* The answer to `request` holds `part`, and not `absent` (unless NULL). */
static void answer_has(struct child *c, const char *request, const char *part, const char *absent) {
    char *line = ask(c, request);
    check_contains(line, part);
    if (absent != NULL) check_absent(line, absent);
    free(line);
}

static void test_switching(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    answer_has(&c, REQ(2, "tools/list", "{}"), "\"name\":\"flaky\"", NULL);
    answer_has(&c, REQ(3, "prompts/list", "{}"), "\"name\":\"greet\"", "draft");
    answer_has(&c, REQ(4, "prompts/get", "{\"name\":\"draft\"}"), "Unknown prompt: draft", NULL);

    /* A tool: disabled, it reads as a missing one; disabling again changes nothing. */
    switched(&c, SWITCH(5, "disable_tool", "flaky"), NOTICE("tools"), TEXT_RESULT(5, "MCPF_STATUS_OK"));
    answer_has(&c, REQ(6, "tools/list", "{}"), "\"name\":\"switch\"", "flaky");
    char *disabled = ask(&c, CALL(7, "flaky", "{}"));
    char *missing = ask(&c, CALL(7, "nope", "{}"));
    check_contains(disabled, "\"code\":-32602");
    check_contains(disabled, "Unknown tool: flaky");
    check_contains(missing, "\"code\":-32602");
    check_contains(missing, "Unknown tool: nope");
    free(disabled);
    free(missing);
    exchange(&c, SWITCH(8, "disable_tool", "flaky"), TEXT_RESULT(8, "MCPF_STATUS_OK"), NULL);
    exchange(&c, SWITCH(9, "enable_tool", "nope"), TEXT_RESULT(9, "MCPF_STATUS_NOT_FOUND"), NULL);

    /* The 2026-07-28 wire sees the same. */
    answer_has(&c, REQ(10, "tools/list", "{" META_2026 "}"), "\"name\":\"switch\"", "flaky");
    answer_has(&c, REQ(11, "tools/call", "{" META_2026 ",\"name\":\"flaky\",\"arguments\":{}}"), "Unknown tool: flaky",
               NULL);

    /* A resource and a template. */
    switched(&c, SWITCH(12, "disable_resource", "memo://secret"), NOTICE("resources"),
             TEXT_RESULT(12, "MCPF_STATUS_OK"));
    answer_has(&c, READ(13, "memo://secret"), "\"code\":-32002", NULL);
    answer_has(&c, REQ(14, "resources/list", "{}"), "\"resources\":[]", NULL);
    switched(&c, SWITCH(15, "disable_resource_template", "notes://{id}"), NOTICE("resources"),
             TEXT_RESULT(15, "MCPF_STATUS_OK"));
    answer_has(&c, READ(16, "notes://1"), "\"code\":-32002", NULL);
    answer_has(&c, REQ(17, "resources/templates/list", "{}"), "\"resourceTemplates\":[]", NULL);
    switched(&c, SWITCH(18, "enable_resource_template", "notes://{id}"), NOTICE("resources"),
             TEXT_RESULT(18, "MCPF_STATUS_OK"));
    answer_has(&c, READ(19, "notes://1"), "\"text\":\"read\"", NULL);
    switched(&c, SWITCH(20, "enable_resource", "memo://secret"), NOTICE("resources"),
             TEXT_RESULT(20, "MCPF_STATUS_OK"));
    answer_has(&c, READ(21, "memo://secret"), "\"text\":\"read\"", NULL);

    /* The prompt disabled before serving, enabled; the tool enabled again. */
    switched(&c, SWITCH(22, "enable_prompt", "draft"), NOTICE("prompts"), TEXT_RESULT(22, "MCPF_STATUS_OK"));
    answer_has(&c, REQ(23, "prompts/get", "{\"name\":\"draft\"}"), "\"text\":\"hi\"", NULL);
    switched(&c, SWITCH(24, "disable_prompt", "greet"), NOTICE("prompts"), TEXT_RESULT(24, "MCPF_STATUS_OK"));
    answer_has(&c, REQ(25, "prompts/list", "{}"), "\"name\":\"draft\"", "greet");
    switched(&c, SWITCH(26, "enable_tool", "flaky"), NOTICE("tools"), TEXT_RESULT(26, "MCPF_STATUS_OK"));
    exchange(&c, CALL(27, "flaky", "{}"), TEXT_RESULT(27, "flaky"), NULL);
    finish(&c, 1);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    test_switching(argv[0]);
    return check_summary("test_enable_disable");
}

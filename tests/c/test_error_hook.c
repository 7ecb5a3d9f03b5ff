/*
 * test_error_hook.c - the C error hook (mcpf_server_set_error_hook), run plain and under
 * valgrind by `make c-test`: a responder freed unanswered and an internal error a callback
 * answered each reach the hook once with kind, method, tool name, message, data and request
 * id, while a tool error does not; the "mask_error_details" option keeps the message from
 * the client but not from the hook; replacing and removing the hook runs the old
 * user_data's finalizer once. The program serves itself as a child process
 * (`test_error_hook --serve [--mask]`) over real pipes.
 *
 * Usage: test_error_hook   (exit status 0 when every check passes)
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

/* ---- the server side (`test_error_hook --serve [--mask]`) ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char journal[4096];

/* Appends what the hook saw ("internal tools/call dropper 2 <message>") to the journal. */
static void record(const mcpf_failure *f, void *user_data) {
    (void)user_data;
    pthread_mutex_lock(&log_lock);
    size_t used = strlen(journal);
    snprintf(journal + used, sizeof journal - used, "%s%s|%s|%s|%s|%s|%s", used ? ";" : "", f->kind, f->method,
             f->name ? f->name : "-", f->request_id_json, f->message, f->data_json ? f->data_json : "-");
    pthread_mutex_unlock(&log_lock);
}

static void dropper(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_free(r);
}

static void failing(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_protocol_error(r, MCPF_ERROR_INTERNAL_ERROR, "disk full on /var/db", SIZE_MAX);
}

static void refusing(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_tool_error(r, "no such city", SIZE_MAX);
}

/* Answers with the journal, so the client can read it. */
static void read_journal(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    pthread_mutex_lock(&log_lock);
    mcpf_responder_text(r, journal, SIZE_MAX);
    pthread_mutex_unlock(&log_lock);
}

static int serve(int mask) {
    const char *options = mask ? "{\"mask_error_details\":true}" : "{}";
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new_with_options("test-error-hook", SIZE_MAX, "0.0.1", SIZE_MAX, options, SIZE_MAX, &s),
                 MCPF_STATUS_OK);
    if (s == NULL) return 1;
    CHECK_STATUS(mcpf_server_add_tool(s, "dropper", SIZE_MAX, NULL, 0, NULL, 0, dropper, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "failing", SIZE_MAX, NULL, 0, NULL, 0, failing, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "refusing", SIZE_MAX, NULL, 0, NULL, 0, refusing, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "journal", SIZE_MAX, NULL, 0, NULL, 0, read_journal, NULL, NULL),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_set_error_hook(s, record, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    mcpf_server_free(s);
    if (failures) fprintf(stderr, "test_error_hook --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

#define STR(x) #x
#define XSTR(x) STR(x)
#define ERROR_PREFIX(id) "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"error\":{\"code\":" XSTR(MCPF_ERROR_INTERNAL_ERROR) ",\"message\":"

static void test_failures_reach_the_hook(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    exchange(&c, CALL(2, "dropper", "{}"), NULL,
             ERROR_PREFIX(2) "\"Internal error: the tool's responder was freed without an answer\"");
    exchange(&c, CALL(3, "failing", "{}"), NULL, ERROR_PREFIX(3) "\"disk full on /var/db\"");
    exchange(&c, CALL(4, "refusing", "{}"), NULL, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":");
    exchange(&c, CALL(5, "journal", "{}"),
             TEXT_RESULT(5, "internal|tools/call|dropper|2|Internal error: the tool's responder was freed without an "
                            "answer|-;internal|tools/call|failing|3|disk full on /var/db|-"),
             NULL);
    finish(&c, 1);
}

static void test_masking(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", "--mask", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    exchange(&c, CALL(2, "failing", "{}"), NULL, ERROR_PREFIX(2) "\"Internal error: the handler failed unexpectedly\"}}");
    exchange(&c, CALL(3, "journal", "{}"), TEXT_RESULT(3, "internal|tools/call|failing|2|disk full on /var/db|-"),
             NULL);
    finish(&c, 1);
}

static int freed[2];

static void count_free(void *user_data) {
    (*(int *)user_data)++;
}

static void test_replace_and_remove(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("replace", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    if (s == NULL) return;
    CHECK_STATUS(mcpf_server_set_error_hook(NULL, record, NULL, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_set_error_hook(s, record, &freed[0], count_free), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_set_error_hook(s, record, &freed[1], count_free), MCPF_STATUS_OK);
    CHECK(freed[0] == 1 && freed[1] == 0);
    CHECK_STATUS(mcpf_server_set_error_hook(s, NULL, NULL, NULL), MCPF_STATUS_OK);
    CHECK(freed[0] == 1 && freed[1] == 1);
    CHECK_STATUS(mcpf_server_set_error_hook(s, record, &freed[0], count_free), MCPF_STATUS_OK);
    mcpf_server_free(s);
    CHECK(freed[0] == 2 && freed[1] == 1);
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "--serve") == 0) return serve(argc == 3 && strcmp(argv[2], "--mask") == 0);
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    test_failures_reach_the_hook(argv[0]);
    test_masking(argv[0]);
    test_replace_and_remove();
    return check_summary("test_error_hook");
}

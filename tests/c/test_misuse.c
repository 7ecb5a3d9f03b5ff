/*
 * test_misuse.c - misuse of the C API that the library detects instead of corrupting memory
 * (run under valgrind by `make c-test`): a responder completed twice, freed after being
 * completed, or completed after its server was freed; and where free_user_data runs (inside
 * mcpf_server_free, even while a responder of one of its calls is still held). The program
 * serves itself as a child process (`test_misuse --serve`) over real pipes.
 *
 * Usage: test_misuse   (exit status 0 when every check passes)
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

/* ---- the server side (`test_misuse --serve`) ---- */

static mcpf_server *serving = NULL;
static int freed = 0;
static pthread_t freeing_thread;
static int freed_on_freeing_thread = 0;

static void count_free(void *user_data) {
    (void)user_data;
    freed++;
    if (pthread_equal(pthread_self(), freeing_thread)) freed_on_freeing_thread++;
}

/* Completes its responder, then tries again every way there is. */
static void twice(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK(mcpf_responder_call(r) != NULL);
    CHECK_STATUS(mcpf_responder_text(r, "first", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_responder_text(r, "second", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mcpf_last_error_message(), "already completed") != NULL);
    CHECK_STATUS(mcpf_responder_ok(r, "{\"content\":[]}", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_responder_tool_error(r, "late", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(mcpf_responder_call(r) == NULL);
    mcpf_responder_free(r); /* does nothing */
}

/* Frees its responder unanswered, then tries to complete it. */
static void freed_then_completed(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_free(r);
    CHECK_STATUS(mcpf_responder_text(r, "too late", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    mcpf_responder_free(r);
}

/* Keeps its responder past the end of the server. */
static mcpf_responder *kept = NULL;
static void keep(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    kept = r;
}

static void stop(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_text(r, "stopping", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_shutdown(serving), MCPF_STATUS_OK);
}

static int serve(void) {
    mcpf_server *s = NULL;
    /* A short grace: the kept call is still running when the server stops. */
    const char *options = "{\"limits\":{\"shutdown_grace_ms\":50}}";
    CHECK_STATUS(mcpf_server_new_with_options("test-misuse", SIZE_MAX, "0.0.1", SIZE_MAX, options, SIZE_MAX, &s),
                 MCPF_STATUS_OK);
    if (s == NULL) return 1;
    serving = s;
    static const struct {
        const char *name;
        mcpf_tool_callback callback;
    } tools[] = {{"twice", twice}, {"freed", freed_then_completed}, {"keep", keep}, {"stop", stop}};
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        CHECK_STATUS(mcpf_server_add_tool(s, tools[i].name, SIZE_MAX, NULL, 0, NULL, 0, tools[i].callback, NULL,
                                          count_free),
                     MCPF_STATUS_OK);
    }
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    CHECK(kept != NULL);
    CHECK(mcpf_responder_call(kept) != NULL);
    /* Every finalizer runs inside mcpf_server_free, on this thread, although `kept` is
     * still held; the kept responder is revoked. */
    freeing_thread = pthread_self();
    freed = 0;
    mcpf_server_free(s);
    CHECK(freed == (int)(sizeof tools / sizeof tools[0]));
    CHECK(freed_on_freeing_thread == freed);
    CHECK(mcpf_responder_call(kept) == NULL);
    CHECK_STATUS(mcpf_responder_text(kept, "after the server", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    mcpf_responder_free(kept);
    CHECK(freed == (int)(sizeof tools / sizeof tools[0]));
    /* NULL and handles never issued are refused too. */
    CHECK_STATUS(mcpf_responder_text(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    if (failures) fprintf(stderr, "test_misuse --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

static void test_misuse(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    /* The first completion is the answer; the later ones change nothing. */
    exchange(&c, CALL(2, "twice", "{}"), TEXT_RESULT(2, "first"), NULL);
    exchange(&c, CALL(3, "freed", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32603,\"message\":\"Internal error: the tool's "
             "responder was freed without an answer\"}}",
             NULL);
    /* A call left unanswered, then the server stops. */
    exchange(&c, CALL(4, "keep", "{}"), NULL, NULL);
    exchange(&c, CALL(5, "stop", "{}"), TEXT_RESULT(5, "stopping"), NULL);
    /* The kept call is answered (cancelled at the end of the grace period). */
    exchange(&c, NULL, NULL, "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":");
    finish(&c, 1);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    test_misuse(argv[0]);
    return check_summary("test_misuse");
}

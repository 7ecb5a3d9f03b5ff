/*
 * test_mount.c - tests of mounting a C server in the program's own HTTP server
 * (mcpf_http_app_new / _handle / _free, mcpf_exchange_*): the calls a host server makes for
 * each request it received, from its own threads. A 2026-07-28 call answered as JSON, a
 * legacy session whose progress streams as SSE chunk by chunk, the Host check, bad input,
 * an exchange freed before its end, WOULD_BLOCK inside a callback, exclusivity with the
 * other transports, shutdown, and misuse of an exchange that must not touch freed memory
 * (under valgrind): a second reader at once, freeing twice, use after the free, and a free
 * while another thread reads. The client's address handed over with a request keeps the
 * per-client bounds (sessions, the rate limit of requests without a session) per client.
 *
 * Usage: test_mount   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

static mcpf_http_app *the_app = NULL;

static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args;
    size_t len;
    CHECK_STATUS(mcpf_call_arguments(call, &args, &len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_responder_text(r, args, len), MCPF_STATUS_OK);
}

/* Progress 1..3, then "done". */
static void steps(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    for (int i = 1; i <= 3; i++) CHECK_STATUS(mcpf_call_report_progress(call, i, 3, NULL, 0), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_responder_text(r, "done", SIZE_MAX), MCPF_STATUS_OK);
}

/* Keeps its responder for the test to complete or free later, then reports progress (so
 * the answer streams, and its first chunk is ready before the result). */
static mcpf_responder *held = NULL;
static void hold(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    held = r;
    CHECK_STATUS(mcpf_call_report_progress(call, 1, 2, NULL, 0), MCPF_STATUS_OK);
}

/* Handing a request over from inside a callback would wait for this very thread. */
static void reentrant(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_exchange *ex = NULL;
    CHECK_STATUS(mcpf_http_app_handle(the_app, "GET", SIZE_MAX, "/healthz", SIZE_MAX, NULL, 0, NULL, 0, &ex),
                 MCPF_STATUS_WOULD_BLOCK);
    CHECK(ex == NULL);
    CHECK_STATUS(mcpf_responder_text(r, "refused", SIZE_MAX), MCPF_STATUS_OK);
}

/* The Host header every request from a local client carries (the DNS-rebinding check). */
static const mcpf_header LOCAL[] = {{"Host", SIZE_MAX, "127.0.0.1:8080", SIZE_MAX}};

static const char *MODERN_META =
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
    "\"io.modelcontextprotocol/clientCapabilities\":{}}";

/* Hands `app` a POST of `body` to /mcp from the client at `from` (NULL: no address) with the
 * usual headers plus `extra` (may be NULL). */
static mcpf_status post_from(const mcpf_http_app *app, const char *from, const char *body, const mcpf_header *extra,
                             size_t extra_count, mcpf_exchange **out) {
    mcpf_header headers[8] = {
        {"Host", SIZE_MAX, "127.0.0.1:8080", SIZE_MAX},
        {"Content-Type", SIZE_MAX, "application/json", SIZE_MAX},
        {"Accept", SIZE_MAX, "application/json, text/event-stream", SIZE_MAX},
    };
    size_t n = 3;
    for (size_t i = 0; i < extra_count && n < 8; i++) headers[n++] = extra[i];
    return mcpf_http_app_handle_from(app, from, SIZE_MAX, "POST", SIZE_MAX, "/mcp", SIZE_MAX, headers, n,
                                     (const uint8_t *)body, strlen(body), out);
}

/* Hands the_app a POST of `body` to /mcp, without a client address (as
 * mcpf_http_app_handle does), with the usual headers plus `extra` (may be NULL). */
static mcpf_status post(const char *body, const mcpf_header *extra, size_t extra_count, mcpf_exchange **out) {
    return post_from(the_app, NULL, body, extra, extra_count, out);
}

/* The header `name` of the answer (NUL-terminated copy in `buf`), or NULL. */
static const char *header(const mcpf_exchange *ex, const char *name, char *buf, size_t size) {
    for (size_t i = 0; i < mcpf_exchange_header_count(ex); i++) {
        const char *n, *v;
        size_t nl, vl;
        if (mcpf_exchange_header(ex, i, &n, &nl, &v, &vl) != MCPF_STATUS_OK) return NULL;
        if (nl == strlen(name) && memcmp(n, name, nl) == 0 && vl < size) {
            memcpy(buf, v, vl);
            buf[vl] = '\0';
            return buf;
        }
    }
    return NULL;
}

/* Reads the whole body (NUL-terminated, malloc'd); counts its chunks in *chunks. */
static char *read_body(mcpf_exchange *ex, int *chunks) {
    size_t cap = 1024, len = 0;
    char *text = malloc(cap);
    *chunks = 0;
    for (;;) {
        const uint8_t *data;
        size_t n;
        if (mcpf_exchange_next_chunk(ex, &data, &n) != MCPF_STATUS_OK || data == NULL) break;
        (*chunks)++;
        while (len + n + 1 > cap) text = realloc(text, cap *= 2);
        memcpy(text + len, data, n);
        len += n;
    }
    text[len] = '\0';
    return text;
}

static void test_modern_call(void) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
             "\"arguments\":{\"text\":\"mounted\"},%s}}",
             MODERN_META);
    mcpf_header wire[] = {
        {"MCP-Protocol-Version", SIZE_MAX, "2026-07-28", SIZE_MAX},
        {"Mcp-Method", SIZE_MAX, "tools/call", SIZE_MAX},
        {"Mcp-Name", SIZE_MAX, "echo", SIZE_MAX},
    };
    mcpf_exchange *ex = NULL;
    CHECK_STATUS(post(body, wire, 3, &ex), MCPF_STATUS_OK);
    CHECK(mcpf_exchange_status(ex) == 200);
    char buf[128];
    check_contains(header(ex, "content-type", buf, sizeof buf), "application/json");
    const char *n, *v;
    size_t nl, vl;
    CHECK_STATUS(mcpf_exchange_header(ex, 999, &n, &nl, &v, &vl), MCPF_STATUS_NOT_FOUND);
    int chunks;
    char *text = read_body(ex, &chunks);
    check_contains(text, "\\\"text\\\":\\\"mounted\\\"");
    CHECK(chunks == 1);
    free(text);
    /* Past the end it stays at the end. */
    const uint8_t *data = (const uint8_t *)"x";
    size_t len = 1;
    CHECK_STATUS(mcpf_exchange_next_chunk(ex, &data, &len), MCPF_STATUS_OK);
    CHECK(data == NULL && len == 0);
    mcpf_exchange_free(ex);
}

static void test_legacy_session_streams(void) {
    mcpf_exchange *ex = NULL;
    CHECK_STATUS(post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                      "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}",
                      NULL, 0, &ex),
                 MCPF_STATUS_OK);
    CHECK(mcpf_exchange_status(ex) == 200);
    char session[128];
    CHECK(header(ex, "mcp-session-id", session, sizeof session) != NULL);
    int chunks;
    free(read_body(ex, &chunks));
    mcpf_exchange_free(ex);

    mcpf_header in_session[] = {
        {"Mcp-Session-Id", SIZE_MAX, session, SIZE_MAX},
        {"MCP-Protocol-Version", SIZE_MAX, "2025-11-25", SIZE_MAX},
    };
    CHECK_STATUS(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", in_session, 2, &ex),
                 MCPF_STATUS_OK);
    CHECK(mcpf_exchange_status(ex) == 202);
    mcpf_exchange_free(ex);

    CHECK_STATUS(post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"steps\","
                      "\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}",
                      in_session, 2, &ex),
                 MCPF_STATUS_OK);
    char buf[128];
    check_contains(header(ex, "content-type", buf, sizeof buf), "text/event-stream");
    char *text = read_body(ex, &chunks);
    check_contains(text, "\"progress\":3");
    check_contains(text, "\"text\":\"done\"");
    CHECK(chunks >= 4); /* one per event: three progress notifications and the result */
    CHECK(strstr(text, "\"progress\":1") < strstr(text, "\"text\":\"done\""));
    free(text);
    mcpf_exchange_free(ex);

    /* Freed before its end (the client went away): the server goes on serving. */
    CHECK_STATUS(post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"steps\","
                      "\"arguments\":{},\"_meta\":{\"progressToken\":\"q\"}}}",
                      in_session, 2, &ex),
                 MCPF_STATUS_OK);
    const uint8_t *data;
    size_t len;
    CHECK_STATUS(mcpf_exchange_next_chunk(ex, &data, &len), MCPF_STATUS_OK);
    mcpf_exchange_free(ex);
    CHECK_STATUS(post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"reentrant\","
                      "\"arguments\":{}}}",
                      in_session, 2, &ex),
                 MCPF_STATUS_OK);
    text = read_body(ex, &chunks);
    check_contains(text, "refused");
    free(text);
    mcpf_exchange_free(ex);
}

static void test_refusals(void) {
    mcpf_exchange *ex = NULL;
    mcpf_header foreign[] = {{"Host", SIZE_MAX, "evil.example", SIZE_MAX}};
    CHECK_STATUS(mcpf_http_app_handle(the_app, "POST", SIZE_MAX, "/mcp", SIZE_MAX, foreign, 1, (const uint8_t *)"{}", 2,
                                      &ex),
                 MCPF_STATUS_OK);
    CHECK(mcpf_exchange_status(ex) == 403);
    mcpf_exchange_free(ex);
    ex = NULL;
    CHECK_STATUS(mcpf_http_app_handle(the_app, "GET", SIZE_MAX, "/elsewhere", SIZE_MAX, LOCAL, 1, NULL, 0, &ex),
                 MCPF_STATUS_OK);
    CHECK(mcpf_exchange_status(ex) == 404);
    mcpf_exchange_free(ex);
    ex = NULL;
    CHECK_STATUS(mcpf_http_app_handle(the_app, "NOT A METHOD", SIZE_MAX, "/mcp", SIZE_MAX, NULL, 0, NULL, 0, &ex),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(ex == NULL);
    CHECK_STATUS(mcpf_http_app_handle(the_app, "GET", SIZE_MAX, "/mcp", SIZE_MAX, NULL, 2, NULL, 0, &ex),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_http_app_handle(NULL, "GET", SIZE_MAX, "/mcp", SIZE_MAX, NULL, 0, NULL, 0, &ex),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(mcpf_exchange_status(NULL) == 0);
    CHECK(mcpf_exchange_header_count(NULL) == 0);
    CHECK_STATUS(mcpf_exchange_free(NULL), MCPF_STATUS_OK);
    mcpf_http_app_free(NULL);
}

/* The HTTP status of `body` posted to `app` from `from` (in `session` when not NULL); its
 * answer's text in `text` (NULL: dropped, else malloc'd) and the session it opened in
 * `opened` (when not NULL). */
static unsigned post_status(const mcpf_http_app *app, const char *from, const char *body, const char *session,
                            char **text, char *opened, size_t opened_size) {
    mcpf_header extra[] = {
        {"Mcp-Session-Id", SIZE_MAX, session, SIZE_MAX},
        {"MCP-Protocol-Version", SIZE_MAX, "2025-11-25", SIZE_MAX},
    };
    mcpf_exchange *ex = NULL;
    CHECK_STATUS(post_from(app, from, body, session ? extra : NULL, session ? 2 : 0, &ex), MCPF_STATUS_OK);
    if (ex == NULL) return 0;
    unsigned status = mcpf_exchange_status(ex);
    if (opened != NULL) CHECK(header(ex, "mcp-session-id", opened, opened_size) != NULL);
    int chunks;
    char *answer = read_body(ex, &chunks);
    if (text != NULL) *text = answer;
    else free(answer);
    CHECK_STATUS(mcpf_exchange_free(ex), MCPF_STATUS_OK);
    return status;
}

/* The client's address handed over with a request (mcpf_http_app_handle_from) keeps the
 * per-client bounds per client: a client flooding initialize ends only its own sessions,
 * and the rate limit of requests without a session is kept per address. */
static void test_clients_by_address(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new_with_options("per-client", SIZE_MAX, "0.0.1", SIZE_MAX,
                                              "{\"rate_limits\":{\"per_client\":{\"requests\":5,\"per_ms\":3600000}}}",
                                              SIZE_MAX, &s),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "echo", SIZE_MAX, NULL, 0, NULL, 0, echo, NULL, NULL), MCPF_STATUS_OK);
    mcpf_http_app *app = NULL;
    CHECK_STATUS(mcpf_http_app_new(s, "{\"max_sessions\":6,\"max_sessions_per_client\":2}", SIZE_MAX, &app),
                 MCPF_STATUS_OK);
    const char *init = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                       "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}";
    const char *ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    /* Two clients; the second written as a dual-stack socket reports an IPv4 peer. */
    const char *a = "127.0.0.1:40000", *b = "::ffff:127.0.0.2";
    char mine[128], flood[20][128];
    CHECK(post_status(app, a, init, NULL, NULL, mine, sizeof mine) == 200);
    for (int i = 0; i < 20; i++) CHECK(post_status(app, b, init, NULL, NULL, flood[i], sizeof flood[i]) == 200);
    CHECK(post_status(app, a, ping, mine, NULL, NULL, 0) == 200); /* another client's flood left it alone */
    for (int i = 0; i < 20; i++) CHECK(post_status(app, b, ping, flood[i], NULL, NULL, 0) == (i >= 18 ? 200 : 404));

    char call[512];
    snprintf(call, sizeof call,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
             "\"arguments\":{\"text\":\"hi\"},%s}}",
             MODERN_META);
    mcpf_header wire[] = {
        {"MCP-Protocol-Version", SIZE_MAX, "2026-07-28", SIZE_MAX},
        {"Mcp-Method", SIZE_MAX, "tools/call", SIZE_MAX},
        {"Mcp-Name", SIZE_MAX, "echo", SIZE_MAX},
    };
    const char *senders[] = {"127.0.0.3", "127.0.0.3", "127.0.0.3", "127.0.0.3", "127.0.0.3",
                             "127.0.0.3", "[::ffff:127.0.0.3]:9", "127.0.0.4"};
    int passed = 0, limited = 0;
    for (int i = 0; i < 8; i++) {
        mcpf_exchange *ex = NULL;
        CHECK_STATUS(post_from(app, senders[i], call, wire, 3, &ex), MCPF_STATUS_OK);
        int chunks;
        char *text = read_body(ex, &chunks);
        if (strstr(text, "\"result\"") != NULL) passed++;
        if (strstr(text, "-32029") != NULL) limited++;
        /* The last one comes from another address: it has a bucket of its own. */
        if (i == 7) check_contains(text, "\"result\"");
        free(text);
        mcpf_exchange_free(ex);
    }
    CHECK(passed == 6 && limited == 2);

    /* NULL is no address; text that is not an IP address is refused. */
    mcpf_exchange *ex = NULL;
    CHECK_STATUS(post_from(app, "not an address", call, wire, 3, &ex), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(ex == NULL);
    CHECK_STATUS(post_from(app, "/run/app.sock", call, wire, 3, &ex), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(ex == NULL);
    CHECK_STATUS(post_from(app, NULL, call, wire, 3, &ex), MCPF_STATUS_OK);
    CHECK(mcpf_exchange_status(ex) == 200);
    mcpf_exchange_free(ex);

    mcpf_http_app_free(app);
    mcpf_server_free(s);
}

/* A body chunk as a NUL-terminated string in `text` (cut to `size`; empty for no chunk). */
static void copy_chunk(char *text, size_t size, const uint8_t *data, size_t len) {
    size_t n = data == NULL ? 0 : len < size - 1 ? len : size - 1;
    if (n > 0) memcpy(text, data, n);
    text[n] = '\0';
}

/* A 2026-07-28 call of `hold`, its progress chunk read: the next chunk waits for `held`. */
static mcpf_exchange *post_held(void) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"hold\","
             "\"arguments\":{},\"_meta\":{\"progressToken\":\"h\",\"io.modelcontextprotocol/protocolVersion\":"
             "\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
    mcpf_header wire[] = {
        {"MCP-Protocol-Version", SIZE_MAX, "2026-07-28", SIZE_MAX},
        {"Mcp-Method", SIZE_MAX, "tools/call", SIZE_MAX},
        {"Mcp-Name", SIZE_MAX, "hold", SIZE_MAX},
    };
    held = NULL;
    mcpf_exchange *ex = NULL;
    CHECK_STATUS(post(body, wire, 3, &ex), MCPF_STATUS_OK);
    CHECK(mcpf_exchange_status(ex) == 200);
    const uint8_t *data = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_exchange_next_chunk(ex, &data, &len), MCPF_STATUS_OK);
    char text[4096];
    copy_chunk(text, sizeof text, data, len);
    check_contains(text, "\"progress\"");
    CHECK(held != NULL);
    return ex;
}

/* One mcpf_exchange_next_chunk on another thread; the chunk is copied (NUL-terminated). */
struct reader {
    mcpf_exchange *ex;
    mcpf_status status;
    int got_data;
    char text[4096];
    atomic_int done;
};

static void *read_chunk(void *arg) {
    struct reader *rd = arg;
    const uint8_t *data = NULL;
    size_t len = 0;
    rd->status = mcpf_exchange_next_chunk(rd->ex, &data, &len);
    rd->got_data = data != NULL;
    copy_chunk(rd->text, sizeof rd->text, data, len);
    atomic_store(&rd->done, 1);
    return NULL;
}

/* Waits (at most 5 s) until one of the readers is done. */
static void wait_for_one(struct reader *a, struct reader *b) {
    for (int i = 0; i < 5000 && !atomic_load(&a->done) && !atomic_load(&b->done); i++) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
}

static void test_exchange_misuse(void) {
    /* Two readers at once: whichever comes second is refused at once, the first gets the
     * result when it is ready. */
    mcpf_exchange *ex = post_held();
    struct reader a = {.ex = ex}, b = {.ex = ex};
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, read_chunk, &a) == 0);
    CHECK(pthread_create(&tb, NULL, read_chunk, &b) == 0);
    wait_for_one(&a, &b);
    struct reader *refused = atomic_load(&a.done) ? &a : &b, *reader = refused == &a ? &b : &a;
    CHECK(atomic_load(&refused->done));
    CHECK_STATUS(refused->status, MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(!refused->got_data);
    CHECK(!atomic_load(&reader->done));
    CHECK_STATUS(mcpf_responder_text(held, "released", SIZE_MAX), MCPF_STATUS_OK);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK_STATUS(reader->status, MCPF_STATUS_OK);
    check_contains(reader->got_data ? reader->text : NULL, "released");

    /* Freed twice, then used: refused, never a read of freed memory. */
    CHECK_STATUS(mcpf_exchange_free(ex), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_exchange_free(ex), MCPF_STATUS_INVALID_ARGUMENT);
    check_contains(mcpf_last_error_message(), "already freed");
    CHECK(mcpf_exchange_status(ex) == 0);
    CHECK(mcpf_exchange_header_count(ex) == 0);
    const char *n, *v;
    size_t nl, vl;
    CHECK_STATUS(mcpf_exchange_header(ex, 0, &n, &nl, &v, &vl), MCPF_STATUS_INVALID_ARGUMENT);
    const uint8_t *data;
    size_t len;
    CHECK_STATUS(mcpf_exchange_next_chunk(ex, &data, &len), MCPF_STATUS_INVALID_ARGUMENT);
    /* A responder is not an exchange (nor the other way round). */
    CHECK_STATUS(mcpf_exchange_free((mcpf_exchange *)held), MCPF_STATUS_INVALID_ARGUMENT);

    /* Freed while another thread reads: that read ends (or, if it had not started, is
     * refused); the library touches nothing of the exchange after the free. */
    ex = post_held();
    struct reader c = {.ex = ex};
    pthread_t tc;
    CHECK(pthread_create(&tc, NULL, read_chunk, &c) == 0);
    CHECK_STATUS(mcpf_exchange_free(ex), MCPF_STATUS_OK);
    pthread_join(tc, NULL);
    CHECK((c.status == MCPF_STATUS_OK && !c.got_data) || c.status == MCPF_STATUS_INVALID_ARGUMENT);
    mcpf_responder_free(held);
    held = NULL;
}

int main(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-mount", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "echo", SIZE_MAX, NULL, 0, NULL, 0, echo, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "steps", SIZE_MAX, NULL, 0, NULL, 0, steps, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "reentrant", SIZE_MAX, NULL, 0, NULL, 0, reentrant, NULL, NULL),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "hold", SIZE_MAX, NULL, 0, NULL, 0, hold, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_http_app_new(s, "{\"unknown_option\":1}", SIZE_MAX, &the_app), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_http_app_new(s, NULL, 0, &the_app), MCPF_STATUS_OK);
    mcpf_http_app *second = NULL;
    CHECK_STATUS(mcpf_http_app_new(s, NULL, 0, &second), MCPF_STATUS_ALREADY_RUNNING);
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_ALREADY_RUNNING);

    test_modern_call();
    test_legacy_session_streams();
    test_refusals();
    test_exchange_misuse();
    test_clients_by_address();

    /* Shutdown: the application drains and then refuses, until it is freed. */
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    mcpf_exchange *ex = NULL;
    mcpf_status st = MCPF_STATUS_OK;
    for (int i = 0; i < 500 && st == MCPF_STATUS_OK; i++) {
        st = mcpf_http_app_handle(the_app, "GET", SIZE_MAX, "/readyz", SIZE_MAX, LOCAL, 1, NULL, 0, &ex);
        if (st == MCPF_STATUS_OK) {
            /* ready until the stop request reaches the engine, then stopping */
            CHECK(mcpf_exchange_status(ex) == 200 || mcpf_exchange_status(ex) == 503);
            mcpf_exchange_free(ex);
            ex = NULL;
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    CHECK(st == MCPF_STATUS_IO);
    mcpf_http_app_free(the_app);
    the_app = NULL;
    mcpf_server_free(s);

    printf("test_mount: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}

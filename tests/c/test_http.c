/*
 * test_http.c - tests of the C API's HTTP serving: mcpf_server_run_http and its options,
 * mcpf_server_http_port, the bearer-token verifier (mcpf_server_set_token_verifier,
 * mcpf_token_check_accept / _reject / _free, also completed from another thread), a tool's
 * own scopes ("requiredScopes" in mcpf_server_add_tool_json), shutdown
 * from another thread and from SIGTERM; server options (mcpf_server_new_with_options), what a
 * running server tells its clients (mcpf_server_notify_*, mcpf_server_remove_tool) and the
 * caller's grant in a call (mcpf_call_auth), the server card ("server_card" in the HTTP
 * options). A server thread serves on 127.0.0.1 (port 0) and
 * the test talks HTTP/1.1 to it over real sockets.
 *
 * Usage: test_http   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
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

/* ---- the server ---- */

static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args;
    size_t len;
    CHECK_STATUS(mcpf_call_arguments(call, &args, &len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_responder_text(r, args, len), MCPF_STATUS_OK);
}

struct runner {
    mcpf_server *server;
    const char *options;
    mcpf_status result;
    pthread_t thread;
};

static void *serve_thread(void *arg) {
    struct runner *run = arg;
    run->result = mcpf_server_run_http(run->server, run->options, SIZE_MAX);
    return NULL;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts serving on a thread and returns the port (0 if it did not come up in 10 s). */
static uint16_t start(struct runner *run, mcpf_server *server, const char *options) {
    run->server = server;
    run->options = options;
    run->result = MCPF_STATUS_INTERNAL;
    CHECK(pthread_create(&run->thread, NULL, serve_thread, run) == 0);
    uint16_t port = 0;
    for (int i = 0; i < 1000 && port == 0; i++) {
        if (mcpf_server_http_port(server, &port) != MCPF_STATUS_OK) sleep_ms(10);
    }
    CHECK(port != 0);
    return port;
}

/* ---- the client: one HTTP/1.1 request per connection ---- */

/* Sends one request (`method` /mcp with `headers`, each ending in \r\n, and `body`) and
 * copies what arrives within `wait_s` seconds of silence (the whole response, or the start
 * of a stream) into `out`; returns the status code. */
static int exchange(uint16_t port, const char *method, const char *headers, const char *body, char *out,
                    size_t cap, long wait_s) {
    return loopback_http(port, method, "/mcp", headers, body, out, cap, wait_s);
}

/* POSTs `body` to /mcp with `headers`; returns the status code and copies the whole
 * response (headers and body) into `out`. */
static int post(uint16_t port, const char *headers, const char *body, char *out, size_t cap) {
    return exchange(port, "POST", headers, body, out, cap, 10);
}

#define MODERN_HEADERS "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: echo\r\n"
#define ECHO_2026                                                                                             \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{"    \
    "\"text\":\"hi\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                   \
    "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\","  \
    "\"version\":\"1\"}}}}"
#define INIT_2025                                                                                             \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","   \
    "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"

static mcpf_server *new_server(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-http", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "echo", SIZE_MAX, "Echo", SIZE_MAX, NULL, 0, echo, NULL, NULL),
                 MCPF_STATUS_OK);
    return s;
}

/* Options are checked before anything is bound. */
static void test_options(void) {
    mcpf_server *s = new_server();
    uint16_t port = 0;
    CHECK_STATUS(mcpf_server_http_port(s, &port), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_http_port(NULL, &port), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_http_port(s, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_run_http(NULL, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_run_http(s, "{\"bind\":", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
    CHECK_STATUS(mcpf_server_run_http(s, "[]", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_run_http(s, "{\"bnid\":\"127.0.0.1:0\"}", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    check_contains(mcpf_last_error_message(), "bnid");
    CHECK_STATUS(mcpf_server_run_http(s, "{\"bind\":\"localhost\"}", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_run_http(s, "{\"path\":\"mcp\"}", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_run_http(s, "{\"max_sessions\":\"many\"}", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_run_http(s, "{\"auth\":{\"resource\":\"http://127.0.0.1/mcp\"}}", SIZE_MAX),
                 MCPF_STATUS_INVALID_ARGUMENT);
    check_contains(mcpf_last_error_message(), "mcpf_server_set_token_verifier");
    CHECK_STATUS(mcpf_server_run_http(s, "{\"bind\":\"\xff\"}", SIZE_MAX), MCPF_STATUS_INVALID_UTF8);
    mcpf_server_free(s);
}

/* Serving both eras, a second run refused, a port conflict, shutdown from another thread. */
static void test_serve(void) {
    mcpf_server *s = new_server();
    struct runner a;
    uint16_t port = start(&a, s, "{\"bind\":\"127.0.0.1:0\",\"handle_signals\":false,\"metrics\":true}");
    char response[16384];
    CHECK(post(port, MODERN_HEADERS, ECHO_2026, response, sizeof response) == 200);
    check_contains(response, "\"text\":\"{\\\"text\\\":\\\"hi\\\"}\"");
    check_contains(response, "\"resultType\":\"complete\"");
    CHECK(post(port, "", INIT_2025, response, sizeof response) == 200);
    check_contains(response, "mcp-session-id: ");
    check_contains(response, "\"protocolVersion\":\"2025-11-25\"");
    /* A DNS-rebinding attempt is refused. */
    CHECK(post(port, "Origin: http://evil.example\r\n", INIT_2025, response, sizeof response) == 403);
    CHECK_STATUS(mcpf_server_run_http(s, NULL, 0), MCPF_STATUS_ALREADY_RUNNING);

    /* Another server cannot bind the same port. */
    mcpf_server *other = new_server();
    char taken[96];
    snprintf(taken, sizeof taken, "{\"bind\":\"127.0.0.1:%u\",\"handle_signals\":false}", (unsigned)port);
    CHECK_STATUS(mcpf_server_run_http(other, taken, SIZE_MAX), MCPF_STATUS_IO);
    mcpf_server_free(other);

    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK(pthread_join(a.thread, NULL) == 0);
    CHECK(a.result == MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_http_port(s, &port), MCPF_STATUS_INVALID_ARGUMENT);
    /* Shutdown is final: a later run returns at once. */
    CHECK_STATUS(mcpf_server_run_http(s, "{\"bind\":\"127.0.0.1:0\"}", SIZE_MAX), MCPF_STATUS_OK);
    mcpf_server_free(s);
}

/* ---- server options, notifications, the caller's grant ---- */

static void whoami(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *grant;
    size_t len;
    mcpf_status st = mcpf_call_auth(call, &grant, &len);
    if (st == MCPF_STATUS_OK) {
        CHECK_STATUS(mcpf_responder_text(r, grant, len), MCPF_STATUS_OK);
    } else {
        CHECK(st == MCPF_STATUS_NOT_FOUND);
        CHECK_STATUS(mcpf_responder_text(r, "none", SIZE_MAX), MCPF_STATUS_OK);
    }
}

static void read_text(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_contents(r, "[{\"uri\":\"file:///r\",\"text\":\"r\"}]", SIZE_MAX), MCPF_STATUS_OK);
}

#define WHOAMI_2026                                                                                           \
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":{},"   \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                                  \
    "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\","  \
    "\"version\":\"1\"}}}}"
#define WHOAMI_HEADERS "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: whoami\r\n"

/* ---- bearer tokens ---- */

static int verifier_freed = 0;
static void free_verifier(void *user_data) {
    (void)user_data;
    verifier_freed++;
}

static pthread_t late_thread;
static int late_started = 0;

static void *accept_late(void *arg) {
    sleep_ms(20);
    CHECK_STATUS(mcpf_token_check_accept(arg, "{\"subject\":\"late\",\"scopes\":[\"read\"]}", SIZE_MAX),
                 MCPF_STATUS_OK);
    return NULL;
}

/* Tokens: "good" (read scope), "later" (accepted from another thread), "noscope" (valid,
 * without the required scope), "bad" (rejected), "dropped" (check freed), "garbled"
 * (a grant that does not parse). */
static void verify(const char *token, size_t len, mcpf_token_check *check, void *user_data) {
    CHECK(user_data == &verifier_freed);
    char t[64];
    snprintf(t, sizeof t, "%.*s", (int)len, token);
    if (strcmp(t, "good") == 0) {
        CHECK_STATUS(mcpf_token_check_accept(check, "{\"subject\":\"u1\",\"scopes\":[\"read\"],\"client_id\":\"c\","
                                                    "\"extra\":{\"tenant\":1}}",
                                             SIZE_MAX),
                     MCPF_STATUS_OK);
    } else if (strcmp(t, "later") == 0 && !late_started) {
        late_started = 1;
        CHECK(pthread_create(&late_thread, NULL, accept_late, check) == 0);
    } else if (strcmp(t, "noscope") == 0) {
        CHECK_STATUS(mcpf_token_check_accept(check, NULL, 0), MCPF_STATUS_OK);
    } else if (strcmp(t, "bad") == 0) {
        CHECK_STATUS(mcpf_token_check_reject(check, "token expired", SIZE_MAX), MCPF_STATUS_OK);
    } else if (strcmp(t, "garbled") == 0) {
        CHECK_STATUS(mcpf_token_check_accept(check, "{\"subject\":7}", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
    } else {
        mcpf_token_check_free(check);
    }
}

static void test_auth(void) {
    CHECK_STATUS(mcpf_server_set_token_verifier(NULL, verify, NULL, NULL), MCPF_STATUS_NULL_PARAMETER);
    mcpf_server *s = new_server();
    CHECK_STATUS(mcpf_server_add_tool(s, "whoami", SIZE_MAX, NULL, 0, NULL, 0, whoami, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_set_token_verifier(s, NULL, NULL, free_verifier), MCPF_STATUS_NULL_PARAMETER);
    CHECK(verifier_freed == 0);
    /* Replacing a verifier frees the first one's user_data. */
    CHECK_STATUS(mcpf_server_set_token_verifier(s, verify, &verifier_freed, free_verifier), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_set_token_verifier(s, verify, &verifier_freed, free_verifier), MCPF_STATUS_OK);
    CHECK(verifier_freed == 1);
    CHECK_STATUS(mcpf_token_check_accept(NULL, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_token_check_reject(NULL, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    mcpf_token_check_free(NULL);

    struct runner a;
    uint16_t port = start(&a, s,
                          "{\"bind\":\"127.0.0.1:0\",\"handle_signals\":false,\"auth\":{\"resource\":"
                          "\"http://127.0.0.1/mcp\",\"authorization_servers\":[\"http://127.0.0.1:9/\"],"
                          "\"required_scopes\":[\"read\"],\"resource_name\":\"test\"}}");
    char response[16384];
    CHECK(post(port, MODERN_HEADERS, ECHO_2026, response, sizeof response) == 401);
    check_contains(response, "www-authenticate: Bearer");
    CHECK(post(port, MODERN_HEADERS "Authorization: Bearer bad\r\n", ECHO_2026, response, sizeof response) == 401);
    check_contains(response, "token expired");
    CHECK(post(port, MODERN_HEADERS "Authorization: Bearer dropped\r\n", ECHO_2026, response, sizeof response) ==
          401);
    CHECK(post(port, MODERN_HEADERS "Authorization: Bearer garbled\r\n", ECHO_2026, response, sizeof response) ==
          401);
    CHECK(post(port, MODERN_HEADERS "Authorization: Bearer noscope\r\n", ECHO_2026, response, sizeof response) ==
          403);
    check_contains(response, "insufficient_scope");
    CHECK(post(port, MODERN_HEADERS "Authorization: Bearer good\r\n", ECHO_2026, response, sizeof response) == 200);
    check_contains(response, "\"resultType\":\"complete\"");
    /* The tool sees the grant the verifier gave (mcpf_call_auth). */
    CHECK(post(port, WHOAMI_HEADERS "Authorization: Bearer good\r\n", WHOAMI_2026, response, sizeof response) ==
          200);
    check_contains(response, "\\\"subject\\\":\\\"u1\\\"");
    check_contains(response, "\\\"clientId\\\":\\\"c\\\"");
    CHECK(post(port, MODERN_HEADERS "Authorization: Bearer later\r\n", ECHO_2026, response, sizeof response) == 200);
    check_contains(response, "\"resultType\":\"complete\"");
    if (late_started) CHECK(pthread_join(late_thread, NULL) == 0);
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK(pthread_join(a.thread, NULL) == 0);
    CHECK(a.result == MCPF_STATUS_OK);
    mcpf_server_free(s);
    CHECK(verifier_freed == 2);
}

/* ---- a tool's own scopes ---- */

/* "reader" grants `read`, "admin" `read` and `admin`. */
static void verify_scoped(const char *token, size_t len, mcpf_token_check *check, void *user_data) {
    (void)user_data;
    if (len == 5 && memcmp(token, "admin", 5) == 0) {
        CHECK_STATUS(mcpf_token_check_accept(check, "{\"subject\":\"root\",\"scopes\":[\"read\",\"admin\"]}", SIZE_MAX),
                     MCPF_STATUS_OK);
    } else {
        CHECK_STATUS(mcpf_token_check_accept(check, "{\"subject\":\"ann\",\"scopes\":[\"read\"]}", SIZE_MAX),
                     MCPF_STATUS_OK);
    }
}

#define PURGE_TOOL "{\"name\":\"purge\",\"inputSchema\":{\"type\":\"object\"},\"requiredScopes\":[\"admin\"]}"
#define PURGE_2026                                                                                            \
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"purge\",\"arguments\":{},"    \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                                  \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}}}"
#define PURGE_HEADERS "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: purge\r\n"
#define LIST_2026                                                                                             \
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{\"_meta\":{"                         \
    "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}"
#define LIST_HEADERS "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/list\r\n"

/* "requiredScopes" in a tool's JSON definition: a token without them does not see the tool
 * and its call is refused with 403 naming every scope it needs; the definition never lists
 * them, and a scope that is not a scope token is refused at registration. */
static void test_tool_scopes(void) {
    mcpf_server *s = new_server();
    CHECK_STATUS(mcpf_server_add_tool_json(s, PURGE_TOOL, SIZE_MAX, echo, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool_json(s,
                                           "{\"name\":\"bad\",\"inputSchema\":{\"type\":\"object\"},"
                                           "\"requiredScopes\":[\"two words\"]}",
                                           SIZE_MAX, echo, NULL, NULL),
                 MCPF_STATUS_INVALID_ARGUMENT);
    check_contains(mcpf_last_error_message(), "requiredScopes");
    CHECK_STATUS(mcpf_server_set_token_verifier(s, verify_scoped, NULL, NULL), MCPF_STATUS_OK);
    struct runner a;
    uint16_t port = start(&a, s,
                          "{\"bind\":\"127.0.0.1:0\",\"handle_signals\":false,\"auth\":{\"resource\":"
                          "\"http://127.0.0.1/mcp\",\"requiredScopes\":[\"read\"]}}");
    char response[16384];
    CHECK(post(port, LIST_HEADERS "Authorization: Bearer reader\r\n", LIST_2026, response, sizeof response) == 200);
    check_contains(response, "\"name\":\"echo\"");
    CHECK(strstr(response, "purge") == NULL);
    CHECK(post(port, PURGE_HEADERS "Authorization: Bearer reader\r\n", PURGE_2026, response, sizeof response) ==
          403);
    check_contains(response, "Bearer error=\"insufficient_scope\", scope=\"read admin\", resource_metadata=");
    CHECK(post(port, LIST_HEADERS "Authorization: Bearer admin\r\n", LIST_2026, response, sizeof response) == 200);
    check_contains(response, "\"name\":\"purge\"");
    CHECK(strstr(response, "requiredScopes") == NULL);
    CHECK(post(port, PURGE_HEADERS "Authorization: Bearer admin\r\n", PURGE_2026, response, sizeof response) == 200);
    check_contains(response, "\"resultType\":\"complete\"");
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK(pthread_join(a.thread, NULL) == 0);
    CHECK(a.result == MCPF_STATUS_OK);
    mcpf_server_free(s);
}

/* With signal handling on (the default), SIGTERM stops the server gracefully. */
static void test_sigterm(void) {
    mcpf_server *s = new_server();
    struct runner a;
    uint16_t port = start(&a, s, "{\"bind\":\"127.0.0.1:0\"}");
    char response[16384];
    CHECK(post(port, MODERN_HEADERS, ECHO_2026, response, sizeof response) == 200);
    CHECK(kill(getpid(), SIGTERM) == 0);
    CHECK(pthread_join(a.thread, NULL) == 0);
    CHECK(a.result == MCPF_STATUS_OK);
    mcpf_server_free(s);
}

/* Server options, then what a running server tells a legacy session with no stream open. */
static void test_server_options_and_notifications(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new_with_options("opts", SIZE_MAX, "1", SIZE_MAX, "{\"titel\":\"x\"}", SIZE_MAX, &s),
                 MCPF_STATUS_INVALID_ARGUMENT);
    check_contains(mcpf_last_error_message(), "unknown field `titel`");
    CHECK_STATUS(mcpf_server_new_with_options("opts", SIZE_MAX, "1", SIZE_MAX, "{", SIZE_MAX, &s),
                 MCPF_STATUS_INVALID_JSON);
    CHECK_STATUS(mcpf_server_new_with_options("opts", SIZE_MAX, "1", SIZE_MAX,
                                              "{\"instructions\":\"Be brief.\",\"protocol_versions\":"
                                              "[\"2025-06-18\",\"2026-07-28\"],\"limits\":{\"max_queued_messages\":32}}",
                                              SIZE_MAX, &s),
                 MCPF_STATUS_OK);
    CHECK(s != NULL);
    CHECK_STATUS(mcpf_server_add_tool(s, "whoami", SIZE_MAX, NULL, 0, NULL, 0, whoami, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "extra", SIZE_MAX, NULL, 0, NULL, 0, whoami, NULL, NULL), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///r", SIZE_MAX, "r", SIZE_MAX, NULL, 0, NULL, 0, read_text, NULL,
                                          NULL),
                 MCPF_STATUS_OK);
    /* Not running: notifying is a no-op; an unknown list is refused. */
    CHECK_STATUS(mcpf_server_notify_list_changed(s, MCPF_LIST_TOOLS), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_notify_list_changed(s, 99), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_notify_resource_updated(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);

    struct runner a;
    uint16_t port = start(&a, s, "{\"bind\":\"127.0.0.1:0\",\"handle_signals\":false}");
    char response[16384];
    CHECK(post(port, "", INIT_2025, response, sizeof response) == 200);
    check_contains(response, "\"protocolVersion\":\"2025-06-18\"");
    check_contains(response, "\"instructions\":\"Be brief.\"");
    char session[128] = "";
    const char *id = strstr(response, "mcp-session-id: ");
    CHECK(id != NULL);
    if (id) sscanf(id + strlen("mcp-session-id: "), "%127[0-9a-f]", session);
    char headers[512];
    snprintf(headers, sizeof headers, "Mcp-Session-Id: %s\r\nMCP-Protocol-Version: 2025-06-18\r\n", session);
    CHECK(post(port, headers, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", response,
               sizeof response) == 202);
    CHECK(post(port, headers,
               "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"file:///r\"}}",
               response, sizeof response) == 200);
    /* What the session is told while no stream is open waits for its GET stream. */
    CHECK_STATUS(mcpf_server_notify_list_changed(s, MCPF_LIST_PROMPTS), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_notify_resource_updated(s, "file:///r", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_remove_tool(s, "extra", SIZE_MAX), MCPF_STATUS_OK);
    CHECK(exchange(port, "GET", headers, "", response, sizeof response, 1) == 200);
    check_contains(response, "notifications/prompts/list_changed");
    check_contains(response, "\"method\":\"notifications/resources/updated\",\"params\":{\"uri\":\"file:///r\"}");
    check_contains(response, "notifications/tools/list_changed");
    /* Without authorization a call carries no grant. */
    CHECK(post(port, WHOAMI_HEADERS, WHOAMI_2026, response, sizeof response) == 200);
    check_contains(response, "\"text\":\"none\"");
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK(pthread_join(a.thread, NULL) == 0);
    CHECK(a.result == MCPF_STATUS_OK);
    mcpf_server_free(s);
}

/* ---- the server card ---- */

/* The card names the server as "server_card" says, lists the catalogue when asked and is
 * turned off by false. */
static void test_server_card(void) {
    mcpf_server *s = new_server();
    struct runner a;
    uint16_t port = start(&a, s,
                          "{\"bind\":\"127.0.0.1:0\",\"handle_signals\":false,"
                          "\"server_card\":{\"name\":\"com.example/c-card\",\"catalogue\":true}}");
    char response[16384];
    CHECK(loopback_http(port, "GET", "/mcp/server-card", "", "", response, sizeof response, 10) == 200);
    check_contains(response, "access-control-allow-origin: *");
    check_contains(response, "etag: \"");
    check_contains(response, "\"$schema\":\"https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json\"");
    check_contains(response, "\"name\":\"com.example/c-card\"");
    check_contains(response, "\"version\":\"0.0.1\"");
    check_contains(response, "\"tools\":[{");
    check_contains(response, "\"name\":\"echo\"");
    char url[64];
    snprintf(url, sizeof url, "\"url\":\"http://127.0.0.1:%u/mcp\"", (unsigned)port);
    check_contains(response, url);
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK(pthread_join(a.thread, NULL) == 0);
    CHECK(a.result == MCPF_STATUS_OK);
    mcpf_server_free(s);

    s = new_server();
    port = start(&a, s, "{\"bind\":\"127.0.0.1:0\",\"handle_signals\":false,\"server_card\":false}");
    CHECK(loopback_http(port, "GET", "/.well-known/mcp/server-card", "", "", response, sizeof response, 10) == 404);
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK(pthread_join(a.thread, NULL) == 0);
    mcpf_server_free(s);
}

int main(void) {
    test_options();
    test_server_options_and_notifications();
    test_serve();
    test_auth();
    test_tool_scopes();
    test_server_card();
    test_sigterm();
    return check_summary("test_http");
}

/*
 * test_shared_store.c - the shared store from C: two servers of this process, each serving
 * HTTP on its own thread (mcpf_server_run_http) and given the same Redis, share their legacy
 * sessions: a session opened on one is served by the other. The store is configured with
 * the `"shared_store"` HTTP option, then with the environment variable
 * MCPFORGE_SHARED_STORE; a store URL that is not Redis is refused. The test starts its own
 * `redis-server` on a free port of 127.0.0.1 (without persistence) and stops it at the end;
 * without one installed it passes with a note, unless MCPFORGE_REQUIRE_REDIS is set.
 *
 * Usage: test_shared_store   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "check.h"
#include "loopback.h"

#define WAIT_S 20

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- redis-server ---- */

struct redis {
    pid_t pid;
    unsigned port;
    char dir[64];
    char url[64];
};

/* The redis-server on PATH (or in /usr/bin, /usr/sbin) into `out`; 0 when there is none. */
static int redis_binary(char *out, size_t cap) {
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s:/usr/bin:/usr/sbin", path ? path : "");
    char *save = NULL;
    for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        if (*dir == '\0') continue;
        snprintf(out, cap, "%s/redis-server", dir);
        if (access(out, X_OK) == 0) return 1;
    }
    return 0;
}

/* Whether 127.0.0.1:`port` answers a Redis PING. */
static int pong(unsigned port) {
    int fd = loopback_connect(port, 1);
    if (fd < 0) return 0;
    char reply[16] = "";
    int ok = send(fd, "PING\r\n", 6, 0) == 6 && recv(fd, reply, sizeof reply - 1, 0) > 0 &&
             strncmp(reply, "+PONG", 5) == 0;
    close(fd);
    return ok;
}

/* Starts `binary` on a free port and waits (at most WAIT_S) until it answers; 0 on failure. */
static int redis_start(struct redis *r, const char *binary) {
    memset(r, 0, sizeof *r);
    r->port = loopback_free_port();
    const char *tmp = getenv("TMPDIR");
    snprintf(r->dir, sizeof r->dir, "%s/mcpforge-redis-XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    if (r->port == 0 || mkdtemp(r->dir) == NULL) return 0;
    snprintf(r->url, sizeof r->url, "redis://127.0.0.1:%u/0", r->port);
    char port[16];
    snprintf(port, sizeof port, "%u", r->port);
    pid_t pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) {
#ifdef __linux__
        /* Gone with this process, however it ends. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execl(binary, binary, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
              r->dir, (char *)NULL);
        _exit(127);
    }
    r->pid = pid;
    for (int i = 0; i < WAIT_S * 20; i++) {
        if (pong(r->port)) return 1;
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            r->pid = 0;
            return 0;
        }
        sleep_ms(50);
    }
    return 0;
}

static void redis_stop(struct redis *r) {
    if (r->pid > 0) {
        kill(r->pid, SIGKILL);
        CHECK(waitpid(r->pid, NULL, 0) == r->pid);
        r->pid = 0;
    }
    if (r->dir[0]) rmdir(r->dir);
}

/* ---- the servers ---- */

/* Answers with its arguments (`{"text":...}`) as text. */
static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args;
    size_t len;
    CHECK_STATUS(mcpf_call_arguments(call, &args, &len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_responder_text(r, args, len), MCPF_STATUS_OK);
}

struct runner {
    mcpf_server *server;
    char options[256];
    mcpf_status result;
    pthread_t thread;
    uint16_t port;
};

static void *serve_thread(void *arg) {
    struct runner *run = arg;
    run->result = mcpf_server_run_http(run->server, run->options, SIZE_MAX);
    return NULL;
}

/* A server with `echo` serving HTTP with `store_option` (`,"shared_store":...` or "") on a
 * thread; 0 when it did not come up within WAIT_S. */
static int start(struct runner *run, const char *store_option) {
    memset(run, 0, sizeof *run);
    CHECK_STATUS(mcpf_server_new_with_options("shared", SIZE_MAX, "1.0.0", SIZE_MAX, NULL, 0, &run->server),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(run->server, "echo", SIZE_MAX, "Echo", SIZE_MAX,
                                      "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}", SIZE_MAX,
                                      echo, NULL, NULL),
                 MCPF_STATUS_OK);
    snprintf(run->options, sizeof run->options, "{\"bind\":\"127.0.0.1:0\",\"handle_signals\":false%s}",
             store_option);
    run->result = MCPF_STATUS_INTERNAL;
    CHECK(pthread_create(&run->thread, NULL, serve_thread, run) == 0);
    for (int i = 0; i < WAIT_S * 100 && run->port == 0; i++) {
        if (mcpf_server_http_port(run->server, &run->port) != MCPF_STATUS_OK) sleep_ms(10);
    }
    CHECK(run->port != 0);
    return run->port != 0;
}

static void stop(struct runner *run) {
    CHECK_STATUS(mcpf_server_shutdown(run->server), MCPF_STATUS_OK);
    CHECK(pthread_join(run->thread, NULL) == 0);
    CHECK_STATUS(run->result, MCPF_STATUS_OK);
    mcpf_server_free(run->server);
}

/* ---- the client: one HTTP/1.1 request per connection ---- */

/* Sends `method path` with `headers` (each ending in \r\n) and `body`; copies the response
 * (headers and body) into `out`; returns the status code (-1 on failure). */
static int request(uint16_t port, const char *method, const char *path, const char *headers, const char *body,
                   char *out, size_t cap) {
    return loopback_http(port, method, path, headers, body, out, cap, WAIT_S);
}

#define INIT                                                                                                  \
    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","   \
    "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"
#define INITIALIZED "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
#define ECHO_VIA_B                                                                                            \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{"    \
    "\"text\":\"via b\"}}}"

/* Whether /readyz on `port` answers 200 (the store answers) within WAIT_S. */
static int ready(uint16_t port) {
    char response[1024];
    for (int i = 0; i < WAIT_S * 20; i++) {
        if (request(port, "GET", "/readyz", "", "", response, sizeof response) == 200) return 1;
        sleep_ms(50);
    }
    return 0;
}

/* Opens a legacy session on `a`, calls `echo` in it on `b`. */
static void a_session_moves_between(uint16_t a, uint16_t b) {
    char response[16384];
    CHECK(ready(a));
    CHECK(ready(b));
    CHECK(request(a, "POST", "/mcp", "", INIT, response, sizeof response) == 200);
    char session[128] = "";
    const char *id = strstr(response, "mcp-session-id: ");
    CHECK(id != NULL);
    if (id) sscanf(id + strlen("mcp-session-id: "), "%127[0-9A-Za-z_-]", session);
    CHECK(session[0] != '\0');
    char headers[256];
    snprintf(headers, sizeof headers, "Mcp-Session-Id: %s\r\nMCP-Protocol-Version: 2025-11-25\r\n", session);
    CHECK(request(a, "POST", "/mcp", headers, INITIALIZED, response, sizeof response) == 202);
    CHECK(request(b, "POST", "/mcp", headers, ECHO_VIA_B, response, sizeof response) == 200);
    check_contains(response, "\"content\":[{\"type\":\"text\",\"text\":\"{\\\"text\\\":\\\"via b\\\"}\"}]");
    /* A session nobody opened stays unknown. */
    const char *unknown = "Mcp-Session-Id: no-such-session\r\nMCP-Protocol-Version: 2025-11-25\r\n";
    CHECK(request(b, "POST", "/mcp", unknown, ECHO_VIA_B, response, sizeof response) == 404);
}

/* Two servers given the store with the "shared_store" option. */
static void test_option(const struct redis *r) {
    char option[128];
    snprintf(option, sizeof option, ",\"shared_store\":\"%s\"", r->url);
    struct runner a, b;
    int up_a = start(&a, option);
    int up_b = start(&b, option);
    if (up_a && up_b) a_session_moves_between(a.port, b.port);
    stop(&a);
    stop(&b);
}

/* Two servers given the store with MCPFORGE_SHARED_STORE (set while no server runs). */
static void test_environment(const struct redis *r) {
    CHECK(setenv("MCPFORGE_SHARED_STORE", r->url, 1) == 0);
    struct runner a, b;
    int up_a = start(&a, "");
    int up_b = start(&b, "");
    if (up_a && up_b) a_session_moves_between(a.port, b.port);
    stop(&a);
    stop(&b);
    CHECK(unsetenv("MCPFORGE_SHARED_STORE") == 0);
}

/* A store URL that is not Redis is refused before anything is bound. */
static void test_bad_store(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("shared", SIZE_MAX, "1.0.0", SIZE_MAX, &s), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_run_http(s, "{\"bind\":\"127.0.0.1:0\",\"shared_store\":\"postgres://127.0.0.1/0\"}",
                                      SIZE_MAX),
                 MCPF_STATUS_INVALID_ARGUMENT);
    check_contains(mcpf_last_error_message(), "shared store");
    mcpf_server_free(s);
}

int main(void) {
    test_bad_store();
    char binary[4096];
    if (!redis_binary(binary, sizeof binary)) {
        if (getenv("MCPFORGE_REQUIRE_REDIS")) {
            fprintf(stderr, "test_shared_store: MCPFORGE_REQUIRE_REDIS is set but no redis-server is installed\n");
            return 1;
        }
        printf("test_shared_store: no redis-server installed: the shared-store tests are skipped\n");
        return check_summary("test_shared_store");
    }
    struct redis r;
    int up = redis_start(&r, binary);
    CHECK(up);
    if (up) {
        test_option(&r);
        test_environment(&r);
    } else {
        fprintf(stderr, "test_shared_store: redis-server did not answer within %d s\n", WAIT_S);
    }
    redis_stop(&r);
    return check_summary("test_shared_store");
}

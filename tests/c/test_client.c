/*
 * test_client.c - the C client (mcpf_client_*) against real servers in other processes:
 * the quickstart (argv[1], target/debug/quickstart) over stdio and over Streamable HTTP on
 * 127.0.0.1, and this program run as a fixture server (`test_client --fixture`, a C server
 * on stdio; `test_client --fixture-ws ADDRESS`, the same over WebSocket on 127.0.0.1) with a resource, a template, a prompt with completions, a slow tool, a tool
 * that logs, a tool that asks the client for sampling, elicitation and roots, a tool run
 * as a task and a tool that changes the resource (its subscribers told). The fixture leaves a `sleep` in its process group, which freeing the client must kill.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "loopback.h"

/* ---------------------------------------------------------------- the fixture server */

#define MAX_WORKERS 16
static pthread_t workers[MAX_WORKERS];
static int worker_count = 0;
static pthread_mutex_t workers_lock = PTHREAD_MUTEX_INITIALIZER;

/* Runs `body(r)` on a thread of its own (asks block; slow work must not hold the server). */
static void on_worker(mcpf_responder *r, void *(*body)(void *)) {
    pthread_mutex_lock(&workers_lock);
    if (worker_count == MAX_WORKERS || pthread_create(&workers[worker_count], NULL, body, r) != 0) {
        pthread_mutex_unlock(&workers_lock);
        mcpf_responder_free(r);
        return;
    }
    worker_count++;
    pthread_mutex_unlock(&workers_lock);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* slow: answers after 20 s unless cancelled first (then the answer is dropped). */
static void *slow_work(void *arg) {
    mcpf_responder *r = arg;
    for (int i = 0; i < 2000 && !mcpf_call_is_cancelled(mcpf_responder_call(r)); i++) sleep_ms(10);
    mcpf_responder_text(r, "slow done", SIZE_MAX);
    return NULL;
}

static void slow(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    on_worker(r, slow_work);
}

/* chatty: three log messages, then its answer. */
static void chatty(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    for (int i = 0; i < 3; i++) mcpf_call_log(call, MCPF_LOG_LEVEL_INFO, "a step", SIZE_MAX);
    mcpf_responder_text(r, "chatted", SIZE_MAX);
}

/* ask: sampling, elicitation and roots from the client, answered as one text. */
static void *ask_work(void *arg) {
    mcpf_responder *r = arg;
    const mcpf_call *call = mcpf_responder_call(r);
    char *answers[3] = {NULL, NULL, NULL};
    size_t len;
    int ok = mcpf_call_sample(call, "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"hi\"}}],"
                                    "\"maxTokens\":10}",
                              SIZE_MAX, &answers[0], &len) == MCPF_STATUS_OK &&
             mcpf_call_elicit(call, "{\"message\":\"name?\",\"requestedSchema\":{\"type\":\"object\",\"properties\":"
                                    "{\"name\":{\"type\":\"string\"}}}}",
                              SIZE_MAX, &answers[1], &len) == MCPF_STATUS_OK &&
             mcpf_call_list_roots(call, &answers[2], &len) == MCPF_STATUS_OK;
    if (ok) {
        size_t cap = strlen(answers[0]) + strlen(answers[1]) + strlen(answers[2]) + 4;
        char *text = malloc(cap);
        if (text) {
            snprintf(text, cap, "%s|%s|%s", answers[0], answers[1], answers[2]);
            mcpf_responder_text(r, text, SIZE_MAX);
            free(text);
        }
    }
    for (int i = 0; i < 3; i++) mcpf_string_free(answers[i]);
    mcpf_responder_free(r); /* does nothing once completed */
    return NULL;
}

static void ask(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    on_worker(r, ask_work);
}

/* relay: calls `add` of the quickstart through a client of the fixture's own (QUICKSTART in
 * its environment). Inside the callback the client refuses to block the server's thread;
 * a worker thread makes the call and answers with the quickstart's result. */
static mcpf_client *relay_client = NULL;

static void *relay_work(void *arg) {
    mcpf_responder *r = arg;
    char *out = NULL;
    size_t len;
    if (mcpf_client_call_tool(relay_client, "add", SIZE_MAX, "{\"a\":40,\"b\":2}", SIZE_MAX, NULL, &out, &len) ==
        MCPF_STATUS_OK) {
        mcpf_responder_text(r, out, len);
    }
    mcpf_string_free(out);
    mcpf_responder_free(r);
    return NULL;
}

static void relay(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    if (relay_client == NULL || mcpf_client_ping(relay_client, NULL) != MCPF_STATUS_WOULD_BLOCK) {
        mcpf_responder_tool_error(r, "the client blocked the server's thread", SIZE_MAX);
        return;
    }
    on_worker(r, relay_work);
}

static void greeting(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_text(r, "hello from C", SIZE_MAX);
}

static void note(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *vars;
    size_t len;
    char text[256] = "note";
    if (mcpf_call_variables_json(call, &vars, &len) == MCPF_STATUS_OK) snprintf(text, sizeof text, "note %.*s", (int)len, vars);
    mcpf_responder_text(r, text, SIZE_MAX);
}

static void greet(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args;
    size_t len;
    char text[256] = "Hello!";
    if (mcpf_call_arguments(call, &args, &len) == MCPF_STATUS_OK) snprintf(text, sizeof text, "Hello, %.*s", (int)len, args);
    mcpf_responder_text(r, text, SIZE_MAX);
}

static mcpf_server *fixture_server = NULL;

/* touch: tells the subscribers of memo://greeting that it changed. */
static void touch(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_server_notify_resource_updated(fixture_server, "memo://greeting", SIZE_MAX);
    mcpf_responder_text(r, "touched", SIZE_MAX);
}

/* later: a tool that runs as a task when asked to. */
static void later(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_text(r, "done later", SIZE_MAX);
}

static void names(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_completion(r, "[\"Ada\",\"Alan\"]", SIZE_MAX);
}

/* Serves the fixture on stdio (over HTTP with WebSocket at `ws_bind` when not NULL); first
 * starts a `sleep` left in the process group and says both pids on stderr ("pids CHILD
 * GRANDCHILD"). */
static int fixture(const char *ws_bind) {
    pid_t sleeper = fork();
    if (sleeper == 0) {
        execl("/bin/sleep", "sleep", "600", (char *)NULL);
        _exit(127);
    }
    fprintf(stderr, "pids %ld %ld\n", (long)getpid(), (long)sleeper);
    fflush(stderr);
    const char *quickstart = getenv("QUICKSTART");
    mcpf_client_config *config = NULL;
    if (quickstart && mcpf_client_config_new("c-fixture", SIZE_MAX, "1.0.0", SIZE_MAX, NULL, 0, &config) == MCPF_STATUS_OK) {
        const char *argv[] = {quickstart};
        mcpf_client_connect_stdio(config, argv, 1, NULL, 0, &relay_client);
        mcpf_client_config_free(config);
    }
    mcpf_server *server = NULL;
    if (mcpf_server_new("c-fixture", SIZE_MAX, "1.0.0", SIZE_MAX, &server) != MCPF_STATUS_OK) return 1;
    fixture_server = server;
    const char *empty = "{\"type\":\"object\",\"properties\":{}}";
    int failed = mcpf_server_add_tool(server, "slow", SIZE_MAX, "Answers late", SIZE_MAX, empty, SIZE_MAX, slow, NULL, NULL) ||
                 mcpf_server_add_tool(server, "chatty", SIZE_MAX, "Logs", SIZE_MAX, empty, SIZE_MAX, chatty, NULL, NULL) ||
                 mcpf_server_add_tool(server, "ask", SIZE_MAX, "Asks the client", SIZE_MAX, empty, SIZE_MAX, ask, NULL, NULL) ||
                 mcpf_server_add_tool(server, "relay", SIZE_MAX, "Calls another server", SIZE_MAX, empty, SIZE_MAX, relay,
                                      NULL, NULL) ||
                 mcpf_server_add_tool(server, "touch", SIZE_MAX, "Changes the greeting", SIZE_MAX, empty, SIZE_MAX, touch,
                                      NULL, NULL) ||
                 mcpf_server_add_tool_json(server,
                                           "{\"name\":\"later\",\"inputSchema\":{\"type\":\"object\"},"
                                           "\"execution\":{\"taskSupport\":\"optional\"}}",
                                           SIZE_MAX, later, NULL, NULL) ||
                 mcpf_server_add_resource(server, "memo://greeting", SIZE_MAX, "greeting", SIZE_MAX, NULL, 0, "text/plain",
                                          SIZE_MAX, greeting, NULL, NULL) ||
                 mcpf_server_add_resource_template(server, "memo://notes/{id}", SIZE_MAX, "note", SIZE_MAX, NULL, 0, NULL, 0,
                                                   note, NULL, NULL) ||
                 mcpf_server_add_prompt(server, "greet", SIZE_MAX, "Greets", SIZE_MAX,
                                        "[{\"name\":\"name\",\"required\":true}]", SIZE_MAX, greet, NULL, NULL) ||
                 mcpf_server_add_completion(server, "ref/prompt", SIZE_MAX, "greet", SIZE_MAX, names, NULL, NULL);
    if (!failed && ws_bind != NULL) {
        char options[128];
        snprintf(options, sizeof options, "{\"bind\":\"%s\",\"websocket\":true}", ws_bind);
        failed = mcpf_server_run_http(server, options, SIZE_MAX) != MCPF_STATUS_OK;
    } else if (!failed) {
        failed = mcpf_server_run_stdio(server) != MCPF_STATUS_OK;
    }
    for (int i = 0; i < worker_count; i++) pthread_join(workers[i], NULL);
    mcpf_server_free(server);
    mcpf_client_free(relay_client);
    kill(sleeper, SIGTERM);
    waitpid(sleeper, NULL, 0);
    return failed;
}

/* ---------------------------------------------------------------- the client's callbacks */

/* What the notification callback counted (it runs on the client's notification thread). */
struct counts {
    pthread_mutex_t lock;
    int messages;
    int all;
    int updated;
};

static void count_notification(const char *method, size_t method_len, const char *params, size_t params_len, void *data) {
    (void)params;
    (void)params_len;
    struct counts *counts = data;
    pthread_mutex_lock(&counts->lock);
    counts->all++;
    if (method_len == strlen("notifications/message") && memcmp(method, "notifications/message", method_len) == 0)
        counts->messages++;
    if (method_len == strlen("notifications/resources/updated") &&
        memcmp(method, "notifications/resources/updated", method_len) == 0)
        counts->updated++;
    pthread_mutex_unlock(&counts->lock);
}

static int freed_user_data = 0;
static void free_counts(void *data) {
    (void)data;
    freed_user_data++;
}

/* Answers sampling, elicitation and roots (on a library thread). */
static void answer_request(const char *method, size_t method_len, const char *params, size_t params_len,
                           mcpf_client_answer *answer, void *data) {
    (void)params;
    (void)params_len;
    (void)data;
    if (strncmp(method, "sampling/createMessage", method_len) == 0) {
        mcpf_client_answer_json(answer,
                                "{\"role\":\"assistant\",\"model\":\"c-model\",\"content\":{\"type\":\"text\","
                                "\"text\":\"from the C model\"}}",
                                SIZE_MAX);
    } else if (strncmp(method, "elicitation/create", method_len) == 0) {
        mcpf_client_answer_json(answer, "{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}", SIZE_MAX);
    } else if (strncmp(method, "roots/list", method_len) == 0) {
        mcpf_client_answer_json(answer, "{\"roots\":[{\"uri\":\"file:///tmp/c-client\",\"name\":\"work\"}]}", SIZE_MAX);
    } else {
        mcpf_client_answer_error(answer, MCPF_ERROR_METHOD_NOT_FOUND, "no such method", SIZE_MAX);
    }
}

/* ---------------------------------------------------------------- helpers */

static char *call_json(mcpf_client *c, const char *tool, const char *args, const mcpf_client_call_options *options,
                       mcpf_status expected) {
    char *out = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_client_call_tool(c, tool, SIZE_MAX, args, SIZE_MAX, options, &out, &len), expected);
    if (out) CHECK(strlen(out) == len);
    return out;
}

/* Waits (at most 10 s) until the callback counted `n` in `field` (of `counts`). */
static int wait_count(struct counts *counts, const int *field, int n) {
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&counts->lock);
        int got = *field;
        pthread_mutex_unlock(&counts->lock);
        if (got >= n) return got;
        sleep_ms(10);
    }
    return -1;
}

/* Whether the process is gone (or a zombie no one waits for), waiting at most 10 s. */
static int gone(long pid) {
    for (int i = 0; i < 1000; i++) {
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) return 1;
        char path[64], stat[256] = "";
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (f) {
            size_t n = fread(stat, 1, sizeof stat - 1, f);
            stat[n] = '\0';
            fclose(f);
            const char *state = strrchr(stat, ')');
            if (state && state[1] == ' ' && state[2] == 'Z') return 1;
        }
        sleep_ms(10);
    }
    return 0;
}

/* The child's stderr once it holds `part` (it is read as it comes: wait at most 10 s). */
static char *wait_stderr(mcpf_client *c, const char *part) {
    char *out = NULL;
    size_t len;
    for (int i = 0; i < 1000; i++) {
        CHECK_STATUS(mcpf_client_stderr(c, &out, &len), MCPF_STATUS_OK);
        if (out == NULL || strstr(out, part) != NULL) break;
        mcpf_string_free(out);
        out = NULL;
        sleep_ms(10);
    }
    return out;
}

/* ---------------------------------------------------------------- the quickstart */

static void check_quickstart(mcpf_client *c) {
    const char *session = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_client_session(c, &session, &len), MCPF_STATUS_OK);
    check_contains(session, "\"name\":\"mcpforge-quickstart\"");
    check_contains(session, "\"instructions\":\"Tools to echo text, add numbers and tell the time.\"");
    CHECK(session && strlen(session) == len);

    char *tools = NULL;
    CHECK_STATUS(mcpf_client_list_tools(c, NULL, &tools, &len), MCPF_STATUS_OK);
    check_contains(tools, "\"name\":\"echo\"");
    check_contains(tools, "\"name\":\"add\"");
    check_contains(tools, "\"name\":\"current_time\"");
    mcpf_string_free(tools);

    char *out = call_json(c, "add", "{\"a\":2,\"b\":3}", NULL, MCPF_STATUS_OK);
    check_contains(out, "\"text\":\"5\"");
    mcpf_string_free(out);
    out = call_json(c, "echo", "{\"text\":\"h\\u00e9llo \\\"C\\\"\"}", NULL, MCPF_STATUS_OK);
    check_contains(out, "\"text\":\"h\xc3\xa9llo \\\"C\\\"\"");
    mcpf_string_free(out);

    /* An unknown tool: the server's JSON-RPC error, code and message readable. */
    out = call_json(c, "nope", NULL, NULL, MCPF_STATUS_SERVER_ERROR);
    CHECK(out == NULL);
    CHECK(mcpf_last_error_code() == MCPF_ERROR_INVALID_PARAMS);
    check_contains(mcpf_last_error_message(), "nope");
    /* Invalid arguments never leave the client. */
    CHECK(call_json(c, "add", "[1]", NULL, MCPF_STATUS_INVALID_JSON) == NULL);
    CHECK(mcpf_last_error_code() == 0);

    /* A cancel object triggered before the call: the call is given up at once. */
    mcpf_client_cancel *cancel = NULL;
    CHECK_STATUS(mcpf_client_cancel_new(&cancel), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_client_cancel_trigger(cancel, "not needed", SIZE_MAX), MCPF_STATUS_OK);
    mcpf_client_call_options options = {0, cancel};
    CHECK(call_json(c, "current_time", NULL, &options, MCPF_STATUS_CANCELLED) == NULL);
    mcpf_client_cancel_free(cancel);
}

/* Calls from several threads at once on one client, each checking its own answers. */
struct adder {
    mcpf_client *client;
    int base;
    int wrong;
};

static void *add_many(void *arg) {
    struct adder *adder = arg;
    for (int i = 0; i < 25; i++) {
        char args[64], expected[64];
        snprintf(args, sizeof args, "{\"a\":%d,\"b\":%d}", adder->base, i);
        snprintf(expected, sizeof expected, "\"text\":\"%d\"", adder->base + i);
        char *out = NULL;
        size_t len;
        if (mcpf_client_call_tool(adder->client, "add", SIZE_MAX, args, SIZE_MAX, NULL, &out, &len) != MCPF_STATUS_OK ||
            strstr(out, expected) == NULL)
            adder->wrong++;
        mcpf_string_free(out);
    }
    return NULL;
}

static void concurrent_calls(mcpf_client *c) {
    struct adder adders[4];
    pthread_t threads[4];
    for (int t = 0; t < 4; t++) {
        adders[t] = (struct adder){c, 1000 * (t + 1), 0};
        CHECK(pthread_create(&threads[t], NULL, add_many, &adders[t]) == 0);
    }
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        CHECK(adders[t].wrong == 0);
    }
}

static void quickstart_stdio(mcpf_client_config *config, const char *quickstart) {
    const char *argv[] = {quickstart};
    mcpf_client *c = NULL;
    CHECK_STATUS(mcpf_client_connect_stdio(config, argv, 1, "{\"env\":{\"RUST_LOG\":\"off\"}}", SIZE_MAX, &c),
                 MCPF_STATUS_OK);
    if (c == NULL) return;
    check_quickstart(c);
    concurrent_calls(c);
    CHECK_STATUS(mcpf_client_close(c), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_client_ping(c, NULL), MCPF_STATUS_CLOSED);
    mcpf_client_free(c);
}

/* The child's working directory and environment are the options', its stderr is kept. */
static void child_options(mcpf_client_config *config, const char *quickstart) {
    char *full = realpath(quickstart, NULL);
    CHECK(full != NULL);
    if (full == NULL) return;
    char script[4200];
    snprintf(script, sizeof script, "pwd >&2; echo \"$GREETING\" >&2; exec '%s'", full);
    free(full);
    const char *argv[] = {"/bin/sh", "-c", script};
    mcpf_client *c = NULL;
    CHECK_STATUS(mcpf_client_connect_stdio(config, argv, 3, "{\"cwd\":\"/\",\"env\":{\"GREETING\":\"hi from env\"}}",
                                           SIZE_MAX, &c),
                 MCPF_STATUS_OK);
    if (c == NULL) return;
    char *out = wait_stderr(c, "/\nhi from env\n");
    check_contains(out, "/\nhi from env\n");
    mcpf_string_free(out);
    mcpf_client_free(c);
}

/* Starts `program FLAG 127.0.0.1:PORT` in a process group of its own (a free port) and
 * connects `*c` to `SCHEME://127.0.0.1:PORT/mcp` with `options_json`, trying for at most
 * 30 s while the server starts; returns the server's pid (stopped by the caller). */
static pid_t serve_and_connect(const char *program, const char *flag, const char *scheme, mcpf_client_config *config,
                               const char *options_json, mcpf_client **c) {
    unsigned port = loopback_free_port();
    CHECK(port != 0);
    char bind_to[32], url[64];
    snprintf(bind_to, sizeof bind_to, "127.0.0.1:%u", port);
    snprintf(url, sizeof url, "%s://127.0.0.1:%u/mcp", scheme, port);
    pid_t server = fork();
    if (server == 0) {
        setpgid(0, 0);
        execl(program, program, flag, bind_to, (char *)NULL);
        _exit(127);
    }
    CHECK(server > 0);
    *c = NULL;
    for (int i = 0; i < 300 && *c == NULL; i++) {
        if (mcpf_client_connect_http(config, url, SIZE_MAX, options_json, SIZE_MAX, c) != MCPF_STATUS_OK) sleep_ms(100);
    }
    CHECK(*c != NULL);
    return server;
}

static void quickstart_http(const char *quickstart) {
    mcpf_client_config *config = NULL;
    CHECK_STATUS(mcpf_client_config_new("c-test", SIZE_MAX, "1.0", SIZE_MAX, "{\"protocol\":\"legacy\"}", SIZE_MAX,
                                        &config),
                 MCPF_STATUS_OK);
    mcpf_client *c = NULL;
    pid_t server = serve_and_connect(quickstart, "--http", "http", config, "{\"headers\":{\"X-Test\":\"1\"}}", &c);
    if (c) {
        check_quickstart(c);
        const char *session = NULL;
        size_t len = 0;
        CHECK_STATUS(mcpf_client_session(c, &session, &len), MCPF_STATUS_OK);
        check_contains(session, "\"protocolVersion\":\"2025-11-25\"");
        CHECK_STATUS(mcpf_client_ping(c, NULL), MCPF_STATUS_OK);
        char *out = NULL;
        CHECK_STATUS(mcpf_client_stderr(c, &out, &len), MCPF_STATUS_INVALID_ARGUMENT);
        mcpf_client_free(c);
    }
    mcpf_client_config_free(config);
    if (server > 0) {
        kill(server, SIGTERM);
        CHECK(waitpid(server, NULL, 0) == server);
    }
}

/* ---------------------------------------------------------------- the fixture */

/* The fixture over WebSocket: `mcpf_client_connect_http` with a ws:// URL. */
static void fixture_websocket(const char *self) {
    mcpf_client_config *config = NULL;
    CHECK_STATUS(mcpf_client_config_new("c-test", SIZE_MAX, "1.0", SIZE_MAX, "{\"protocol\":\"legacy\"}", SIZE_MAX,
                                        &config),
                 MCPF_STATUS_OK);
    mcpf_client *c = NULL;
    pid_t server = serve_and_connect(self, "--fixture-ws", "ws", config, "{}", &c);
    if (c) {
        const char *session = NULL;
        size_t len = 0;
        CHECK_STATUS(mcpf_client_session(c, &session, &len), MCPF_STATUS_OK);
        check_contains(session, "\"name\":\"c-fixture\"");
        char *out = call_json(c, "chatty", NULL, NULL, MCPF_STATUS_OK);
        check_contains(out, "\"text\":\"chatted\"");
        mcpf_string_free(out);
        CHECK_STATUS(mcpf_client_ping(c, NULL), MCPF_STATUS_OK);
        CHECK_STATUS(mcpf_client_close(c), MCPF_STATUS_OK);
        CHECK_STATUS(mcpf_client_ping(c, NULL), MCPF_STATUS_CLOSED);
        mcpf_client_free(c);
    }
    mcpf_client_config_free(config);
    if (server > 0) {
        kill(-server, SIGKILL);
        CHECK(waitpid(server, NULL, 0) == server);
    }
}

struct slow_call {
    mcpf_client *client;
    mcpf_client_call_options options;
    mcpf_status status;
};

static void *call_slow(void *arg) {
    struct slow_call *call = arg;
    char *out = NULL;
    size_t len;
    call->status = mcpf_client_call_tool(call->client, "slow", SIZE_MAX, NULL, 0, &call->options, &out, &len);
    mcpf_string_free(out);
    return NULL;
}

static void fixture_session(mcpf_client_config *config, const char *self, const char *quickstart) {
    struct counts counts = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
    CHECK_STATUS(mcpf_client_config_on_notification(config, count_notification, &counts, free_counts), MCPF_STATUS_OK);
    const char *methods[] = {"sampling/createMessage", "elicitation/create", "roots/list"};
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(mcpf_client_config_on_request(config, methods[i], SIZE_MAX, answer_request, NULL, NULL),
                     MCPF_STATUS_OK);
    const char *argv[] = {self, "--fixture"};
    char options[1024];
    snprintf(options, sizeof options, "{\"exit_grace_ms\":30000,\"env\":{\"QUICKSTART\":\"%s\"}}", quickstart);
    mcpf_client *c = NULL;
    CHECK_STATUS(mcpf_client_connect_stdio(config, argv, 2, options, SIZE_MAX, &c), MCPF_STATUS_OK);
    /* The callbacks are the client's now too: freeing the config keeps them. */
    mcpf_client_config_free(config);
    CHECK(freed_user_data == 0);
    if (c == NULL) return;

    const char *session = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_client_session(c, &session, &len), MCPF_STATUS_OK);
    check_contains(session, "\"name\":\"c-fixture\"");
    check_contains(session, "\"protocolVersion\":\"2025-06-18\"");
    CHECK_STATUS(mcpf_client_ping(c, NULL), MCPF_STATUS_OK);

    char *out = NULL;
    CHECK_STATUS(mcpf_client_list_resources(c, NULL, &out, &len), MCPF_STATUS_OK);
    check_contains(out, "\"uri\":\"memo://greeting\"");
    mcpf_string_free(out);
    CHECK_STATUS(mcpf_client_list_resource_templates(c, NULL, &out, &len), MCPF_STATUS_OK);
    check_contains(out, "\"uriTemplate\":\"memo://notes/{id}\"");
    mcpf_string_free(out);
    CHECK_STATUS(mcpf_client_list_prompts(c, NULL, &out, &len), MCPF_STATUS_OK);
    check_contains(out, "\"name\":\"greet\"");
    mcpf_string_free(out);
    CHECK_STATUS(mcpf_client_read_resource(c, "memo://greeting", SIZE_MAX, NULL, &out, &len), MCPF_STATUS_OK);
    check_contains(out, "\"text\":\"hello from C\"");
    mcpf_string_free(out);
    CHECK_STATUS(mcpf_client_read_resource(c, "memo://notes/7", SIZE_MAX, NULL, &out, &len), MCPF_STATUS_OK);
    check_contains(out, "note {\\\"id\\\":\\\"7\\\"}");
    mcpf_string_free(out);
    CHECK_STATUS(mcpf_client_read_resource(c, "memo://nothing", SIZE_MAX, NULL, &out, &len), MCPF_STATUS_SERVER_ERROR);
    CHECK(mcpf_last_error_code() == MCPF_ERROR_RESOURCE_NOT_FOUND);
    CHECK_STATUS(mcpf_client_get_prompt(c, "greet", SIZE_MAX, "{\"name\":\"Ada\"}", SIZE_MAX, NULL, &out, &len),
                 MCPF_STATUS_OK);
    check_contains(out, "Hello, {\\\"name\\\":\\\"Ada\\\"}");
    mcpf_string_free(out);
    CHECK_STATUS(mcpf_client_complete(c, "{\"type\":\"ref/prompt\",\"name\":\"greet\"}", SIZE_MAX,
                                      "{\"name\":\"name\",\"value\":\"A\"}", SIZE_MAX, NULL, 0, NULL, &out, &len),
                 MCPF_STATUS_OK);
    check_contains(out, "\"values\":[\"Ada\",\"Alan\"]");
    mcpf_string_free(out);
    /* A subscription's update reaches the notification callback. */
    CHECK_STATUS(mcpf_client_subscribe(c, "memo://greeting", SIZE_MAX, NULL), MCPF_STATUS_OK);
    mcpf_string_free(call_json(c, "touch", NULL, NULL, MCPF_STATUS_OK));
    CHECK(wait_count(&counts, &counts.updated, 1) >= 1);
    CHECK_STATUS(mcpf_client_unsubscribe(c, "memo://greeting", SIZE_MAX, NULL), MCPF_STATUS_OK);
    mcpf_client_stream *stream = NULL; /* A handshake session has no listen stream: refused unsent. */
    CHECK_STATUS(mcpf_client_listen(c, "{\"toolsListChanged\":true}", SIZE_MAX, NULL, &stream), MCPF_STATUS_BAD_ANSWER);

    CHECK_STATUS(mcpf_client_request(c, "resources/subscribe", SIZE_MAX, "{\"uri\":\"memo://greeting\"}", SIZE_MAX,
                                     NULL, &out, &len),
                 MCPF_STATUS_OK);
    check_contains(out, "{}");
    mcpf_string_free(out);
    out = NULL;
    CHECK_STATUS(mcpf_client_request(c, "no/such/method", SIZE_MAX, NULL, 0, NULL, &out, &len), MCPF_STATUS_SERVER_ERROR);
    CHECK(out == NULL);
    CHECK(mcpf_last_error_code() == MCPF_ERROR_METHOD_NOT_FOUND);

    /* Log messages reach the notification callback. */
    CHECK_STATUS(mcpf_client_set_logging_level(c, "loud", SIZE_MAX, NULL), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_client_set_logging_level(c, "debug", SIZE_MAX, NULL), MCPF_STATUS_OK);
    out = call_json(c, "chatty", NULL, NULL, MCPF_STATUS_OK);
    check_contains(out, "\"text\":\"chatted\"");
    mcpf_string_free(out);
    CHECK(wait_count(&counts, &counts.messages, 3) == 3);

    /* The server asks; the request callbacks answer. */
    out = call_json(c, "ask", NULL, NULL, MCPF_STATUS_OK);
    check_contains(out, "from the C model");
    check_contains(out, "Ada");
    check_contains(out, "file:///tmp/c-client");
    mcpf_string_free(out);

    /* A server that is a client of another: from a worker thread, never its own. */
    out = call_json(c, "relay", NULL, NULL, MCPF_STATUS_OK);
    check_contains(out, "\\\"text\\\":\\\"42\\\"");
    check_absent(out, "isError");
    mcpf_string_free(out);

    /* A timeout, then a call cancelled from another thread; the connection goes on. */
    mcpf_client_call_options quick = {300, NULL};
    CHECK(call_json(c, "slow", NULL, &quick, MCPF_STATUS_TIMEOUT) == NULL);
    mcpf_client_cancel *cancel = NULL;
    CHECK_STATUS(mcpf_client_cancel_new(&cancel), MCPF_STATUS_OK);
    struct slow_call call = {c, {0, cancel}, MCPF_STATUS_OK};
    pthread_t caller;
    CHECK(pthread_create(&caller, NULL, call_slow, &call) == 0);
    sleep_ms(200);
    CHECK_STATUS(mcpf_client_cancel_trigger(cancel, "the user gave up", SIZE_MAX), MCPF_STATUS_OK);
    pthread_join(caller, NULL);
    CHECK(call.status == MCPF_STATUS_CANCELLED);
    mcpf_client_cancel_free(cancel);
    CHECK_STATUS(mcpf_client_notify(c, "notifications/roots/list_changed", SIZE_MAX, NULL, 0), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_client_ping(c, NULL), MCPF_STATUS_OK);

    /* The child and what it left in its process group end with the client. */
    out = wait_stderr(c, "pids ");
    long child = 0, grandchild = 0;
    const char *pids = out ? strstr(out, "pids ") : NULL;
    CHECK(pids && sscanf(pids, "pids %ld %ld", &child, &grandchild) == 2);
    mcpf_string_free(out);
    mcpf_client_free(c);
    CHECK(freed_user_data == 1);
    CHECK(child > 0 && gone(child));
    CHECK(grandchild > 0 && gone(grandchild));
}

/* `later` called as a task reaches its result. On 2025-11-25 the server always makes the
 * task (listed, and no longer cancellable once ended); a 2026-07-28 server may answer at once. */
static void task_round(mcpf_client *c, int legacy) {
    char *out = NULL, *got = NULL;
    size_t len = 0, got_len = 0;
    bool done = true;
    CHECK_STATUS(mcpf_client_call_tool_as_task(c, "later", SIZE_MAX, NULL, 0, 60000, NULL, &out, &len, &done),
                 MCPF_STATUS_OK);
    if (out == NULL) return;
    if (legacy) CHECK(!done);
    if (done) {
        check_contains(out, "done later");
        mcpf_string_free(out);
        return;
    }
    char id[128] = "";
    const char *at = strstr(out, "\"taskId\":\"");
    CHECK(at && sscanf(at, "\"taskId\":\"%127[^\"]", id) == 1);
    CHECK_STATUS(mcpf_client_get_task(c, id, SIZE_MAX, NULL, &got, &got_len), MCPF_STATUS_OK);
    check_contains(got, id);
    mcpf_string_free(got);
    if (legacy) {
        CHECK_STATUS(mcpf_client_list_tasks(c, NULL, &got, &got_len), MCPF_STATUS_OK);
        check_contains(got, id);
        mcpf_string_free(got);
    }
    mcpf_client_call_options bounded = {20000, NULL};
    got = NULL;
    CHECK_STATUS(mcpf_client_wait_task(c, out, len, &bounded, &got, &got_len), MCPF_STATUS_OK);
    check_contains(got, "done later");
    mcpf_string_free(got);
    got = NULL;
    if (legacy) {
        CHECK_STATUS(mcpf_client_cancel_task(c, id, SIZE_MAX, NULL, &got, &got_len), MCPF_STATUS_SERVER_ERROR);
        CHECK(got == NULL);
    }
    CHECK_STATUS(mcpf_client_wait_task(c, "{}", SIZE_MAX, NULL, &got, &got_len), MCPF_STATUS_INVALID_ARGUMENT);
    mcpf_string_free(out);
}

/* A listen stream of one's own (2026-07-28); then tasks/update refused for an unknown task. */
static void listen_stream(mcpf_client *c, struct counts *counts) {
    mcpf_client_stream *stream = NULL, *other = NULL; size_t honored_len = 0;
    const char *honored = "", *wanted = "{\"resourceSubscriptions\":[\"memo://greeting\"]}";
    CHECK_STATUS(mcpf_client_listen(c, wanted, SIZE_MAX, NULL, &stream), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_client_stream_honored(stream, &honored, &honored_len), MCPF_STATUS_OK);
    CHECK(mcpf_client_stream_is_open(stream) && strlen(honored) == honored_len && strstr(honored, "memo://greeting"));
    int before = wait_count(counts, &counts->updated, 0);
    mcpf_string_free(call_json(c, "touch", NULL, NULL, MCPF_STATUS_OK));
    CHECK(wait_count(counts, &counts->updated, before + 1) >= before + 1);
    CHECK_STATUS(mcpf_client_stream_close(stream), MCPF_STATUS_OK);
    CHECK(!mcpf_client_stream_is_open(stream) && !mcpf_client_stream_is_open(NULL));
    mcpf_client_stream_free(stream); /* and one freed while open: freeing closes it */
    CHECK_STATUS(mcpf_client_listen(c, "{\"toolsListChanged\":true}", SIZE_MAX, NULL, &other), MCPF_STATUS_OK);
    mcpf_client_stream_free(other);
    CHECK_STATUS(mcpf_client_listen(c, "{\"resources\":[]}", SIZE_MAX, NULL, &other), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_client_update_task(c, "nope", SIZE_MAX, "{\"k\":{}}", SIZE_MAX, NULL), MCPF_STATUS_SERVER_ERROR);
    CHECK_STATUS(mcpf_client_update_task(c, "t", SIZE_MAX, "[]", SIZE_MAX, NULL), MCPF_STATUS_INVALID_JSON);
}

/* The fixture on 2025-11-25, the handshake wire with tasks. */
static void fixture_tasks(const char *self) {
    mcpf_client_config *config = NULL;
    CHECK_STATUS(mcpf_client_config_new("c-test", SIZE_MAX, "1.0", SIZE_MAX, "{\"protocol\":\"2025-11-25\"}", SIZE_MAX,
                                        &config),
                 MCPF_STATUS_OK);
    const char *argv[] = {self, "--fixture"};
    mcpf_client *c = NULL;
    CHECK_STATUS(mcpf_client_connect_stdio(config, argv, 2, "{\"exit_grace_ms\":30000}", SIZE_MAX, &c), MCPF_STATUS_OK);
    mcpf_client_config_free(config);
    if (c == NULL) return;
    task_round(c, 1);
    mcpf_client_free(c);
}

/* The fixture on the stateless 2026-07-28 wire: the server's asks come back as
 * input_required rounds, which the same request callbacks answer. */
static void fixture_stateless(const char *self) {
    mcpf_client_config *config = NULL;
    CHECK_STATUS(mcpf_client_config_new("c-test", SIZE_MAX, "1.0", SIZE_MAX, "{\"protocol\":\"2026-07-28\"}", SIZE_MAX,
                                        &config),
                 MCPF_STATUS_OK);
    const char *methods[] = {"sampling/createMessage", "elicitation/create", "roots/list"};
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(mcpf_client_config_on_request(config, methods[i], SIZE_MAX, answer_request, NULL, NULL),
                     MCPF_STATUS_OK);
    struct counts counts = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
    CHECK_STATUS(mcpf_client_config_on_notification(config, count_notification, &counts, NULL), MCPF_STATUS_OK);
    const char *argv[] = {self, "--fixture"};
    mcpf_client *c = NULL;
    CHECK_STATUS(mcpf_client_connect_stdio(config, argv, 2, "{\"exit_grace_ms\":30000}", SIZE_MAX, &c), MCPF_STATUS_OK);
    mcpf_client_config_free(config);
    if (c == NULL) return;
    const char *session = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_client_session(c, &session, &len), MCPF_STATUS_OK);
    check_contains(session, "\"protocolVersion\":\"2026-07-28\"");
    /* That wire has no ping: refused without being sent. */
    CHECK_STATUS(mcpf_client_ping(c, NULL), MCPF_STATUS_BAD_ANSWER);
    CHECK_STATUS(mcpf_client_set_logging_level(c, "debug", SIZE_MAX, NULL), MCPF_STATUS_OK);
    char *out = call_json(c, "ask", NULL, NULL, MCPF_STATUS_OK);
    check_contains(out, "from the C model");
    check_contains(out, "Ada");
    check_contains(out, "file:///tmp/c-client");
    mcpf_string_free(out);
    out = NULL;
    CHECK_STATUS(mcpf_client_read_resource(c, "memo://greeting", SIZE_MAX, NULL, &out, &len), MCPF_STATUS_OK);
    check_contains(out, "\"text\":\"hello from C\"");
    mcpf_string_free(out);
    /* No resources/subscribe on this wire: the client's own listen stream carries the update. */
    CHECK_STATUS(mcpf_client_subscribe(c, "memo://greeting", SIZE_MAX, NULL), MCPF_STATUS_OK);
    mcpf_string_free(call_json(c, "touch", NULL, NULL, MCPF_STATUS_OK));
    CHECK(wait_count(&counts, &counts.updated, 1) >= 1);
    CHECK_STATUS(mcpf_client_unsubscribe(c, "memo://greeting", SIZE_MAX, NULL), MCPF_STATUS_OK);
    listen_stream(c, &counts);
    task_round(c, 0);
    mcpf_client_free(c);
}

/* ---------------------------------------------------------------- misuse */

static void misuse(mcpf_client_config *config) {
    mcpf_client *c = NULL;
    const char *nothing[] = {"/nonexistent/server"};
    /* No such program: the spawn fails (under valgrind, which runs the exec itself, the
     * child exits at once instead). */
    mcpf_status status = mcpf_client_connect_stdio(config, nothing, 1, NULL, 0, &c);
    CHECK(status == MCPF_STATUS_IO || status == MCPF_STATUS_CLOSED);
    /* A child that exits before it answers: the connection is closed, and writing to its
     * pipe (EPIPE) never raises SIGPIPE in this program. */
    const char *quitter[] = {"/bin/sh", "-c", "exec 0<&-; exit 3"};
    for (int i = 0; i < 5; i++) CHECK_STATUS(mcpf_client_connect_stdio(config, quitter, 3, NULL, 0, &c), MCPF_STATUS_CLOSED);
    CHECK_STATUS(mcpf_client_connect_stdio(config, nothing, 0, NULL, 0, &c), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_client_connect_stdio(config, NULL, 1, NULL, 0, &c), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_client_connect_stdio(config, nothing, 1, "{\"nope\":1}", SIZE_MAX, &c),
                 MCPF_STATUS_INVALID_ARGUMENT);
    /* Over HTTP a request that finds no server fails as the engine reports it: -32603. */
    CHECK_STATUS(mcpf_client_connect_http(config, "http://127.0.0.1:1/mcp", SIZE_MAX, NULL, 0, &c),
                 MCPF_STATUS_SERVER_ERROR);
    CHECK(mcpf_last_error_code() == MCPF_ERROR_INTERNAL_ERROR);
    check_contains(mcpf_last_error_message(), "Connection refused");
    CHECK(c == NULL);
    mcpf_client_config *bad = NULL;
    CHECK_STATUS(mcpf_client_config_new("x", SIZE_MAX, "1", SIZE_MAX, "{\"protocol\":\"1999\"}", SIZE_MAX, &bad),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_client_config_new("x", SIZE_MAX, "1", SIZE_MAX, "{", SIZE_MAX, &bad), MCPF_STATUS_INVALID_JSON);
    CHECK(bad == NULL);
    CHECK_STATUS(mcpf_client_ping(NULL, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_client_config_on_request(config, "roots/list", SIZE_MAX, NULL, NULL, free_counts),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(freed_user_data == 0);
    mcpf_client_free(NULL);
    mcpf_client_config_free(NULL);
    mcpf_client_cancel_free(NULL);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--fixture") == 0) return fixture(NULL);
    if (argc == 3 && strcmp(argv[1], "--fixture-ws") == 0) return fixture(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: test_client QUICKSTART  (the quickstart server, e.g. target/debug/quickstart)\n");
        return 2;
    }
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_SERVER_ERROR), "MCPF_STATUS_SERVER_ERROR") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_BAD_ANSWER), "MCPF_STATUS_BAD_ANSWER") == 0);

    mcpf_client_config *config = NULL;
    CHECK_STATUS(mcpf_client_config_new("c-test", SIZE_MAX, "1.0", SIZE_MAX, NULL, 0, &config), MCPF_STATUS_OK);
    misuse(config);
    quickstart_stdio(config, argv[1]);
    child_options(config, argv[1]);
    mcpf_client_config_free(config);
    quickstart_http(argv[1]);

    config = NULL;
    CHECK_STATUS(mcpf_client_config_new("c-test", SIZE_MAX, "1.0", SIZE_MAX,
                                        "{\"protocol\":\"2025-06-18\",\"timeout_ms\":30000}", SIZE_MAX, &config),
                 MCPF_STATUS_OK);
    if (config) fixture_session(config, argv[0], argv[1]);
    fixture_stateless(argv[0]);
    fixture_tasks(argv[0]);
    fixture_websocket(argv[0]);
    return check_summary("test_client");
}

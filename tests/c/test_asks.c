/*
 * test_asks.c - tests of the C API's client-input asks (mcpf_call_elicit, mcpf_call_sample,
 * mcpf_call_list_roots, mcpf_string_free) on a legacy session and on the 2026-07-28 wire,
 * of tools registered from a full JSON definition (mcpf_server_add_tool_json), and of
 * mcpf_server_shutdown called from a signal handler. The program serves itself as a child
 * process (`test_asks --serve`) over real pipes.
 *
 * Usage: test_asks   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "child.h"

/* ---- the server side (`test_asks --serve`) ---- */

static mcpf_server *serving = NULL;

/* Worker threads, joined after the server stops (until then they may hold a call). */
#define MAX_WORKERS 64
static pthread_t workers[MAX_WORKERS];
static int worker_count = 0;
static pthread_mutex_t workers_lock = PTHREAD_MUTEX_INITIALIZER;

enum ask_kind { ASK_ELICIT, ASK_SAMPLE, ASK_ROOTS, ASK_BOTH, ASK_KEYED, ASK_STRICT };

struct job {
    enum ask_kind kind;
    mcpf_responder *r;
};

static const char *ELICIT_REQUEST =
    "{\"message\":\"Your name?\",\"requestedSchema\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":"
    "\"string\"}},\"required\":[\"name\"]}}";
static const char *SAMPLE_REQUEST =
    "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"Capital of France?\"}}],"
    "\"maxTokens\":20}";

/* Makes one ask of `kind`; on success `*answer` is owned by the caller. */
static mcpf_status ask(enum ask_kind kind, const mcpf_call *call, char **answer, size_t *len) {
    switch (kind) {
    case ASK_ELICIT: return mcpf_call_elicit(call, ELICIT_REQUEST, SIZE_MAX, answer, len);
    case ASK_SAMPLE: return mcpf_call_sample(call, SAMPLE_REQUEST, SIZE_MAX, answer, len);
    case ASK_KEYED:
        return mcpf_call_ask(call, "user_name", SIZE_MAX, "elicitation/create", SIZE_MAX, ELICIT_REQUEST, SIZE_MAX,
                             answer, len);
    default: return mcpf_call_list_roots(call, answer, len);
    }
}

/* Answers the tool with the ask's answer as text, a tool error naming the failure (strict:
 * frees the responder, so the client gets the ask's own error), or, on
 * MCPF_STATUS_INPUT_REQUIRED, by stopping: elicit frees the responder, sample completes it
 * anyway (both must give the client `input_required`). */
static void *run_job(void *arg) {
    struct job *job = arg;
    const mcpf_call *call = mcpf_responder_call(job->r);
    char *first = NULL, *second = NULL;
    size_t first_len = 0, second_len = 0;
    enum ask_kind kind = job->kind == ASK_BOTH || job->kind == ASK_STRICT ? ASK_ELICIT : job->kind;
    mcpf_status st = ask(kind, call, &first, &first_len);
    if (st == MCPF_STATUS_OK && job->kind == ASK_BOTH) st = ask(ASK_SAMPLE, call, &second, &second_len);
    if (st == MCPF_STATUS_OK) {
        CHECK(strlen(first) == first_len);
        char text[1024];
        snprintf(text, sizeof text, "%s%s%s", first, second ? " + " : "", second ? second : "");
        CHECK_STATUS(mcpf_responder_text(job->r, text, SIZE_MAX), MCPF_STATUS_OK);
    } else if ((st == MCPF_STATUS_INPUT_REQUIRED && kind != ASK_SAMPLE) || job->kind == ASK_STRICT) {
        mcpf_responder_free(job->r);
    } else if (st == MCPF_STATUS_INPUT_REQUIRED) {
        CHECK_STATUS(mcpf_responder_text(job->r, "ignored: the client answers first", SIZE_MAX), MCPF_STATUS_OK);
    } else {
        char text[1024];
        snprintf(text, sizeof text, "%s: %s", mcpf_status_str(st), mcpf_last_error_message());
        CHECK_STATUS(mcpf_responder_tool_error(job->r, text, SIZE_MAX), MCPF_STATUS_OK);
    }
    mcpf_string_free(first);
    mcpf_string_free(second);
    free(job);
    return NULL;
}

static void start_job(mcpf_responder *r, enum ask_kind kind) {
    struct job *job = malloc(sizeof *job);
    job->kind = kind;
    job->r = r;
    pthread_mutex_lock(&workers_lock);
    CHECK(worker_count < MAX_WORKERS);
    if (worker_count < MAX_WORKERS && pthread_create(&workers[worker_count], NULL, run_job, job) == 0) {
        worker_count++;
    } else {
        mcpf_responder_free(r);
        free(job);
    }
    pthread_mutex_unlock(&workers_lock);
}

static void elicit_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    start_job(r, ASK_ELICIT);
}

static void sample_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    start_job(r, ASK_SAMPLE);
}

static void roots_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    start_job(r, ASK_ROOTS);
}

static void both_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    start_job(r, ASK_BOTH);
}

static void keyed_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    start_job(r, ASK_KEYED);
}

static void strict_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    start_job(r, ASK_STRICT);
}

/* Asks inside the callback: refused, since waiting here would stall the server. */
static void inline_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    char *answer = (char *)"untouched";
    size_t len = 7;
    mcpf_status st = mcpf_call_elicit(call, ELICIT_REQUEST, SIZE_MAX, &answer, &len);
    CHECK(strcmp(answer, "untouched") == 0 && len == 7); /* outputs only on success */
    /* Bad arguments are reported before the thread check. */
    CHECK_STATUS(mcpf_call_ask(call, "", 0, "roots/list", SIZE_MAX, NULL, 0, &answer, &len),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_call_ask(call, "k", SIZE_MAX, "tools/call", SIZE_MAX, NULL, 0, &answer, &len),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_call_ask(call, "k", SIZE_MAX, "elicitation/create", SIZE_MAX, "{\"message\":1}", SIZE_MAX,
                                &answer, &len),
                 MCPF_STATUS_INVALID_JSON);
    CHECK_STATUS(mcpf_call_ask(call, "\xff", SIZE_MAX, "roots/list", SIZE_MAX, NULL, 0, &answer, &len),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_call_ask(call, "k", SIZE_MAX, "roots/list", SIZE_MAX, NULL, 0, &answer, &len),
                 MCPF_STATUS_WOULD_BLOCK);
    CHECK_STATUS(mcpf_call_elicit(call, "[]", SIZE_MAX, &answer, &len), MCPF_STATUS_INVALID_JSON);
    CHECK(strcmp(answer, "untouched") == 0 && len == 7);
    /* Not a task, and not going to be one: start_task is a no-op, there is no task id. */
    const char *task = "none";
    size_t task_len = 4;
    CHECK_STATUS(mcpf_call_start_task(call), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_task_id(call, &task, &task_len), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(task, "none") == 0 && task_len == 4);
    CHECK_STATUS(mcpf_responder_text(r, mcpf_status_str(st), SIZE_MAX), MCPF_STATUS_OK);
}

/* A tool with an output schema answers with structured content. */
static void stats_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_ok(r,
                                   "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"count\\\":3}\"}],"
                                   "\"structuredContent\":{\"count\":3}}",
                                   SIZE_MAX),
                 MCPF_STATUS_OK);
}

/* Breaks its output schema: the engine refuses the result. */
static void bad_stats_tool(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_ok(r, "{\"content\":[],\"structuredContent\":{\"count\":\"three\"}}", SIZE_MAX),
                 MCPF_STATUS_OK);
}

static int freed = 0;
static void count_free(void *user_data) {
    (void)user_data;
    freed++;
}

#define STATS_TOOL                                                                                          \
    "{\"name\":\"stats\",\"title\":\"Statistics\",\"description\":\"Counts things\",\"inputSchema\":{\"type\":" \
    "\"object\"},\"outputSchema\":{\"type\":\"object\",\"properties\":{\"count\":{\"type\":\"integer\"}},"     \
    "\"required\":[\"count\"]},\"annotations\":{\"readOnlyHint\":true,\"idempotentHint\":true}}"

static void test_add_tool_json(mcpf_server *s) {
    CHECK_STATUS(mcpf_server_add_tool_json(s, STATS_TOOL, SIZE_MAX, stats_tool, NULL, count_free), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool_json(s,
                                           "{\"name\":\"bad_stats\",\"inputSchema\":{\"type\":\"object\"},"
                                           "\"outputSchema\":{\"type\":\"object\",\"properties\":{\"count\":{"
                                           "\"type\":\"integer\"}}}}",
                                           SIZE_MAX, bad_stats_tool, NULL, count_free),
                 MCPF_STATUS_OK);
    /* Failures keep nothing: free_user_data is not called for them. */
    int before = freed;
    CHECK_STATUS(mcpf_server_add_tool_json(NULL, STATS_TOOL, SIZE_MAX, stats_tool, NULL, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_tool_json(s, NULL, 0, stats_tool, NULL, count_free), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_tool_json(s, STATS_TOOL, SIZE_MAX, NULL, NULL, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_tool_json(s, "{\"name\":", SIZE_MAX, stats_tool, NULL, count_free),
                 MCPF_STATUS_INVALID_JSON);
    CHECK_STATUS(mcpf_server_add_tool_json(s, "{\"title\":\"no name\"}", SIZE_MAX, stats_tool, NULL, count_free),
                 MCPF_STATUS_INVALID_JSON);
    CHECK_STATUS(mcpf_server_add_tool_json(s, "{\"name\":\"bad name!\",\"inputSchema\":{\"type\":\"object\"}}",
                                           SIZE_MAX, stats_tool, NULL, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_add_tool_json(s, "{\"name\":\"x\",\"inputSchema\":{\"type\":\"string\"}}", SIZE_MAX,
                                           stats_tool, NULL, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_add_tool_json(s, "{\"name\":\"\xff\"}", SIZE_MAX, stats_tool, NULL, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_tool_json(s, "{\"name\":\"x\",\"inputSchema\":{\"type\":\"object\"},\"deferTask\":1}",
                                           SIZE_MAX, stats_tool, NULL, count_free),
                 MCPF_STATUS_INVALID_JSON);
    CHECK(freed == before);
    /* deferTask is read by the library and never listed. */
    CHECK_STATUS(mcpf_server_add_tool_json(s,
                                           "{\"name\":\"deferred\",\"inputSchema\":{\"type\":\"object\"},"
                                           "\"execution\":{\"taskSupport\":\"optional\"},\"deferTask\":true}",
                                           SIZE_MAX, stats_tool, NULL, count_free),
                 MCPF_STATUS_OK);
}

/* Asks with NULL or bad arguments fail before anything is sent. */
static void test_ask_arguments(void) {
    char *out = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_call_elicit(NULL, ELICIT_REQUEST, SIZE_MAX, &out, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_sample(NULL, SAMPLE_REQUEST, SIZE_MAX, &out, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_list_roots(NULL, &out, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_start_task(NULL), MCPF_STATUS_NULL_PARAMETER);
    const char *task = NULL;
    CHECK_STATUS(mcpf_call_task_id(NULL, &task, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_ask(NULL, "k", SIZE_MAX, "roots/list", SIZE_MAX, NULL, 0, &out, &len),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(out == NULL && len == 0);
    mcpf_string_free(NULL); /* a no-op */
}

static void on_signal(int sig) {
    (void)sig;
    mcpf_server_shutdown(serving); /* async-signal-safe */
}

static int serve(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-asks", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    if (s == NULL) return 1;
    serving = s;
    static const struct {
        const char *name;
        mcpf_tool_callback callback;
    } tools[] = {
        {"elicit", elicit_tool}, {"sample", sample_tool}, {"roots", roots_tool},
        {"both", both_tool},     {"inline", inline_tool}, {"keyed", keyed_tool},
        {"strict", strict_tool},
    };
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        CHECK_STATUS(mcpf_server_add_tool(s, tools[i].name, SIZE_MAX, NULL, 0, NULL, 0, tools[i].callback, NULL,
                                          count_free),
                     MCPF_STATUS_OK);
    }
    test_add_tool_json(s);
    test_ask_arguments();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    freed = 0;
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    for (int i = 0; i < worker_count; i++) CHECK(pthread_join(workers[i], NULL) == 0);
    mcpf_server_free(s);
    CHECK(freed == (int)(sizeof tools / sizeof tools[0]) + 3);
    if (failures) fprintf(stderr, "test_asks --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side ---- */

/* Reads the server's request of `method` and answers it with `result` (a JSON value) or,
 * when `result` is NULL, with an error. */
static void answer_server_request(struct child *c, const char *method, const char *result) {
    char *line = read_line(c);
    char expected[128];
    snprintf(expected, sizeof expected, "\"method\":\"%s\"", method);
    check_contains(line, expected);
    long id = -1;
    const char *at = line ? strstr(line, "\"id\":") : NULL;
    if (at) id = strtol(at + 5, NULL, 10);
    CHECK(id >= 0);
    char reply[1024];
    if (result) {
        snprintf(reply, sizeof reply, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"result\":%s}", id, result);
    } else {
        snprintf(reply, sizeof reply,
                 "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"error\":{\"code\":-1,\"message\":\"user declined\"}}", id);
    }
    send_line(c, reply);
    free(line);
}

#define CAPS "{\"elicitation\":{},\"sampling\":{},\"roots\":{}}"
#define INIT_WITH_CAPS                                                                                  \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"," \
    "\"capabilities\":" CAPS ",\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}"
#define ADA "{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}"
#define PARIS "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"Paris\"},\"model\":\"m\"}"
#define ROOTS "{\"roots\":[{\"uri\":\"file:///work\",\"name\":\"work\"}]}"

static void test_legacy(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT_WITH_CAPS, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);

    send_line(&c, CALL(2, "elicit", "{}"));
    answer_server_request(&c, "elicitation/create", ADA);
    exchange(&c, NULL, TEXT_RESULT(2, "{\\\"action\\\":\\\"accept\\\",\\\"content\\\":{\\\"name\\\":\\\"Ada\\\"}}"), NULL);

    send_line(&c, CALL(3, "sample", "{}"));
    answer_server_request(&c, "sampling/createMessage", PARIS);
    exchange(&c, NULL, NULL, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{");
    send_line(&c, CALL(4, "roots", "{}"));
    answer_server_request(&c, "roots/list", ROOTS);
    exchange(&c, NULL,
             TEXT_RESULT(4, "{\\\"roots\\\":[{\\\"name\\\":\\\"work\\\",\\\"uri\\\":\\\"file:///work\\\"}]}"), NULL);

    /* Two asks in sequence on one call. */
    send_line(&c, CALL(5, "both", "{}"));
    answer_server_request(&c, "elicitation/create", ADA);
    answer_server_request(&c, "sampling/createMessage", PARIS);
    char *line = read_line(&c);
    check_contains(line, "\"id\":5,\"result\"");
    check_contains(line, "Ada");
    check_contains(line, "Paris");
    free(line);

    /* The client refuses: the ask fails and the tool says so. */
    send_line(&c, CALL(6, "elicit", "{}"));
    answer_server_request(&c, "elicitation/create", NULL);
    line = read_line(&c);
    check_contains(line, "\"id\":6,\"result\"");
    check_contains(line, "MCPF_STATUS_ASK_FAILED");
    check_contains(line, "user declined");
    check_contains(line, "\"isError\":true");
    free(line);

    exchange(&c, CALL(7, "inline", "{}"), TEXT_RESULT(7, "MCPF_STATUS_WOULD_BLOCK"), NULL);

    /* A keyed ask is the same request on a legacy session. */
    send_line(&c, CALL(11, "keyed", "{}"));
    answer_server_request(&c, "elicitation/create", ADA);
    exchange(&c, NULL, TEXT_RESULT(11, "{\\\"action\\\":\\\"accept\\\",\\\"content\\\":{\\\"name\\\":\\\"Ada\\\"}}"), NULL);
    /* A responder freed after a failed ask sends the ask's error: here the refusal, as a
     * tool error. */
    send_line(&c, CALL(12, "strict", "{}"));
    answer_server_request(&c, "elicitation/create", NULL);
    line = read_line(&c);
    check_contains(line, "\"id\":12,\"result\"");
    check_contains(line, "user declined");
    check_contains(line, "\"isError\":true");
    free(line);

    /* The tool from a full JSON definition: listed with everything, structured output. */
    exchange(&c, REQ(8, "tools/list", "{}"), NULL, "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"tools\":[");
    exchange(&c, CALL(9, "stats", "{}"),
             RESULT(9, "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"count\\\":3}\"}],"
                       "\"structuredContent\":{\"count\":3}}"),
             NULL);
    send_line(&c, CALL(10, "bad_stats", "{}"));
    line = read_line(&c);
    check_contains(line, "\"id\":10,\"error\":{\"code\":-32603");
    free(line);
    finish(&c, 1);
}

/* The tools/list entry of the JSON-defined tool, fields as the engine orders them. */
static void test_tool_listing(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT_WITH_CAPS, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    exchange(&c, INITIALIZED, NULL, NULL);
    send_line(&c, REQ(2, "tools/list", "{}"));
    char *line = read_line(&c);
    check_contains(line, "{\"execution\":{\"taskSupport\":\"optional\"},\"inputSchema\":{\"type\":\"object\"},"
                         "\"name\":\"deferred\"}");
    CHECK(line == NULL || strstr(line, "deferTask") == NULL);
    check_contains(line, "{\"annotations\":{\"idempotentHint\":true,\"readOnlyHint\":true},\"description\":\"Counts "
                         "things\",\"inputSchema\":{\"type\":\"object\"},\"name\":\"stats\",\"outputSchema\":{"
                         "\"properties\":{\"count\":{\"type\":\"integer\"}},\"required\":[\"count\"],\"type\":"
                         "\"object\"},\"title\":\"Statistics\"}");
    free(line);
    finish(&c, 1);
}

/* Copies the value of the string member "requestState" of `line` into `out`. */
static int request_state(const char *line, char *out, size_t cap) {
    const char *at = line ? strstr(line, "\"requestState\":\"") : NULL;
    if (at == NULL) return -1;
    at += strlen("\"requestState\":\"");
    const char *end = strchr(at, '"');
    if (end == NULL || (size_t)(end - at) >= cap) return -1;
    memcpy(out, at, (size_t)(end - at));
    out[end - at] = '\0';
    return 0;
}

#define META_2026_CAPS                                                                        \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                   \
    "\"io.modelcontextprotocol/clientCapabilities\":" CAPS ",\"io.modelcontextprotocol/clientInfo\":{" \
    "\"name\":\"t\",\"version\":\"1\"}}"

/* One 2026 round trip: the first call is input_required, the retry with the answer
 * completes. `key` is the ask's key, `answer` the client's answer. */
static void round_trip(struct child *c, const char *tool, const char *key, const char *method, const char *answer,
                       const char *expected_text) {
    char request[4096];
    snprintf(request, sizeof request,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\",\"arguments\":{},"
             META_2026_CAPS "}}",
             tool);
    send_line(c, request);
    char *line = read_line(c);
    check_contains(line, "\"resultType\":\"input_required\"");
    char expected[256];
    snprintf(expected, sizeof expected, "\"inputRequests\":{\"%s\":{\"method\":\"%s\"", key, method);
    check_contains(line, expected);
    char state[2048] = "";
    CHECK(request_state(line, state, sizeof state) == 0);
    free(line);
    snprintf(request, sizeof request,
             "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\",\"arguments\":{},"
             "\"inputResponses\":{\"%s\":%s},\"requestState\":\"%s\"," META_2026_CAPS "}}",
             tool, key, answer, state);
    send_line(c, request);
    line = read_line(c);
    check_contains(line, "\"id\":2,\"result\"");
    check_contains(line, "\"resultType\":\"complete\"");
    check_contains(line, expected_text);
    free(line);
}

static void test_2026(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    /* elicit frees its responder on MCPF_STATUS_INPUT_REQUIRED, sample completes it: both
     * give the client input_required, and the retry runs the tool again with the answer. */
    round_trip(&c, "elicit", "elicitation-0", "elicitation/create", ADA,
               "{\\\"action\\\":\\\"accept\\\",\\\"content\\\":{\\\"name\\\":\\\"Ada\\\"}}");
    round_trip(&c, "sample", "sampling-0", "sampling/createMessage", PARIS, "Paris");
    round_trip(&c, "roots", "roots-0", "roots/list", ROOTS, "file:///work");
    round_trip(&c, "keyed", "user_name", "elicitation/create", ADA, "Ada");
    /* A responder freed after an ask failed for a missing capability: -32021 with data. */
    send_line(&c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"strict\","
                  "\"arguments\":{}," META_2026 "}}");
    char *refused = read_line(&c);
    check_contains(refused, "\"id\":4,\"error\":{\"code\":-32021");
    check_contains(refused, "\"requiredCapabilities\":{\"elicitation\"");
    free(refused);
    /* Without the capability, the ask fails at once. */
    send_line(&c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"elicit\","
                  "\"arguments\":{}," META_2026 "}}");
    char *line = read_line(&c);
    check_contains(line, "\"id\":3,\"result\"");
    check_contains(line, "MCPF_STATUS_ASK_FAILED");
    free(line);
    finish(&c, 1);
}

/* SIGUSR1's handler calls mcpf_server_shutdown: the server stops with stdin still open. */
static void test_signal_shutdown(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT_WITH_CAPS, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
    CHECK(kill(c.pid, SIGUSR1) == 0);
    finish(&c, 0);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    test_legacy(argv[0]);
    test_tool_listing(argv[0]);
    test_2026(argv[0]);
    test_signal_shutdown(argv[0]);
    return check_summary("test_asks");
}

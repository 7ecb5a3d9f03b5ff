/*
 * conformance_fixture.c - the conformance fixture of the C binding: every tool, resource,
 * prompt and completion the official MCP conformance suite (@modelcontextprotocol/conformance)
 * calls, with the names, arguments, schemas and texts of the Rust fixture
 * (examples/rust/src/conformance_fixture.rs), on the public C API only.
 *
 *   conformance_fixture                   serve over stdio
 *   conformance_fixture --http HOST:PORT  serve Streamable HTTP at http://HOST:PORT/mcp
 *
 * The same callbacks serve 2025-11-25 sessions and the stateless 2026-07-28 wire. Quick
 * answers are given inside the callback; anything that sleeps or asks the client for input
 * (elicitation, sampling, roots) runs on a thread of its own, because callbacks run on the
 * server's thread and must not block. On the 2026 wire an ask returns
 * MCPF_STATUS_INPUT_REQUIRED in the first round: the job then frees its responder (the
 * client gets `input_required`), and the call runs again from the start with the answers.
 * Tools that need several inputs at once keep asking after the first
 * MCPF_STATUS_INPUT_REQUIRED, so every request goes out in the same round.
 *
 * Asks use the Rust fixture's keys (`user_name`, `capital_question`, ...) through
 * mcpf_call_ask where it names them, and the library's numbering where it does not. A run
 * that cannot finish frees its responder: the library then answers `input_required`, or the
 * failed ask's own error (-32021 with `data.requiredCapabilities` for a capability the
 * client did not declare on the 2026-07-28 wire).
 *
 * Where the C API cannot say what the Rust fixture says, the fixture does the nearest thing:
 * - test_input_required_result_capabilities learns what the client declared by trying each
 *   ask (a refused one is left out); the request state is the engine's sealed one;
 * - no server title/description, no caching hints (ttlMs is the engine's default 0), and
 *   log messages carry no `logger`.
 *
 * Build (from the repository root): make c-examples
 */
#include <mcpforge.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_util.h"

#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)

#define SERVER_NAME "mcp-conformance-test-server"
#define SERVER_VERSION STRINGIFY(MCPF_VERSION_MAJOR) "." STRINGIFY(MCPF_VERSION_MINOR) "." STRINGIFY(MCPF_VERSION_PATCH)
#define INSTRUCTIONS "A conformance fixture: the tools, resources and prompts the MCP conformance suite calls."
#define USAGE "usage: conformance_fixture [--http HOST:PORT]\n"

/* A 1x1 transparent PNG and a 44-byte silent WAV, base64. */
#define PNG_1X1 "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
#define WAV_EMPTY "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA="

#define SIMPLE_TEXT "This is a simple text response for testing."
#define ERROR_TEXT "This tool intentionally returns an error for testing"
#define STATIC_TEXT "This is the content of the static text resource."
#define EMBEDDED_TEXT "Embedded resource content for testing."
#define FAILING_JOB_TEXT "failing_job failed on purpose"
/* The engine words a Rust internal error "Internal error: <message>"; the C fixture sends the same text. */
#define PROTOCOL_ERROR_TEXT "Internal error: protocol_error_job failed on purpose"

/* Pauses, in milliseconds. */
#define STEP_DELAY_MS 50         /* between log messages and between progress notifications */
#define RECONNECTION_DELAY_MS 300 /* test_reconnection works this long before answering */
#define FAILING_JOB_DELAY_MS 1000
#define SLOW_COMPUTE_MAX_S 600.0 /* the longest slow_compute sleeps, whatever `seconds` says */

#define INTERNAL_ERROR (-32603)
#define INVALID_PARAMS (-32602)

static const char *const LOG_MESSAGES[] = {"Tool execution started", "Tool processing data",
                                           "Tool execution completed"};
static const char *const ARG1_COMPLETIONS[] = {"test", "testing", "tested"};

/* ---- JSON of the definitions -------------------------------------------------------- */

#define NO_ARGS "{\"type\":\"object\",\"properties\":{}}"
#define STRING_PROP(name) "\"" name "\":{\"type\":\"string\"}"
/* An object schema with one required string property. */
#define ONE_STRING_SCHEMA(name)                                                                                        \
    "{\"type\":\"object\",\"properties\":{" STRING_PROP(name) "},\"required\":[\"" name "\"]}"
/* An object schema with one required string property that has a description. */
#define DESCRIBED_ARG_SCHEMA(name, description)                                                                        \
    "{\"type\":\"object\",\"properties\":{\"" name "\":{\"type\":\"string\",\"description\":\"" description          \
    "\"}},\"required\":[\"" name "\"]}"
/* An object schema with one optional described property of `type`. */
#define OPTIONAL_ARG(name, type, description)                                                                          \
    "\"" name "\":{\"type\":\"" type "\",\"description\":\"" description "\"}"

#define TOOL(name, description, schema)                                                                                \
    "{\"name\":\"" name "\",\"description\":\"" description "\",\"inputSchema\":" schema "}"
#define TASK_TOOL(name, description, schema, support)                                                                  \
    "{\"name\":\"" name "\",\"description\":\"" description "\",\"inputSchema\":" schema                              \
    ",\"execution\":{\"taskSupport\":\"" support "\"}}"

/* Elicitation requests (params of elicitation/create). `message` must need no escaping. */
#define ELICIT(message, schema) "{\"message\":\"" message "\",\"requestedSchema\":" schema "}"
#define NAME_REQUEST(message) ELICIT(message, ONE_STRING_SCHEMA("name"))
#define CONFIRM_REQUEST                                                                                                \
    ELICIT("Please confirm",                                                                                           \
           "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}")
#define TASK_INPUT_REQUEST(message)                                                                                    \
    ELICIT(message, "{\"type\":\"object\",\"properties\":{" STRING_PROP("name") ",\"confirm\":{\"type\":\"boolean\"}}}")
/* A sampling request (params of sampling/createMessage) with one user text message. */
#define SAMPLE(text, max_tokens)                                                                                       \
    "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"" text "\"}}],\"maxTokens\":"       \
    #max_tokens "}"
#define CAPITAL_REQUEST SAMPLE("What is the capital of France?", 100)

/* The elicitation schema of test_elicitation_sep1034_defaults: one default per primitive type. */
#define SEP1034_DEFAULTS_SCHEMA                                                                                        \
    "{\"type\":\"object\",\"properties\":{"                                                                            \
    "\"name\":{\"type\":\"string\",\"default\":\"John Doe\"},"                                                         \
    "\"age\":{\"type\":\"integer\",\"default\":30},"                                                                   \
    "\"score\":{\"type\":\"number\",\"default\":95.5},"                                                                \
    "\"status\":{\"type\":\"string\",\"enum\":[\"active\",\"inactive\",\"pending\"],\"default\":\"active\"},"          \
    "\"verified\":{\"type\":\"boolean\",\"default\":true}},"                                                           \
    "\"required\":[\"name\",\"age\",\"score\",\"status\",\"verified\"]}"

/* The elicitation schema of test_elicitation_sep1330_enums: the five enum forms. */
#define SEP1330_ENUMS_SCHEMA                                                                                           \
    "{\"type\":\"object\",\"properties\":{"                                                                            \
    "\"untitledSingle\":{\"type\":\"string\",\"enum\":[\"option1\",\"option2\",\"option3\"]},"                         \
    "\"titledSingle\":{\"type\":\"string\",\"oneOf\":["                                                                \
    "{\"const\":\"value1\",\"title\":\"First Option\"},{\"const\":\"value2\",\"title\":\"Second Option\"},"            \
    "{\"const\":\"value3\",\"title\":\"Third Option\"}]},"                                                             \
    "\"legacyEnum\":{\"type\":\"string\",\"enum\":[\"opt1\",\"opt2\",\"opt3\"],"                                       \
    "\"enumNames\":[\"Option One\",\"Option Two\",\"Option Three\"]},"                                                 \
    "\"untitledMulti\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":[\"option1\",\"option2\","          \
    "\"option3\"]}},"                                                                                                  \
    "\"titledMulti\":{\"type\":\"array\",\"items\":{\"anyOf\":["                                                       \
    "{\"const\":\"value1\",\"title\":\"First Choice\"},{\"const\":\"value2\",\"title\":\"Second Choice\"},"            \
    "{\"const\":\"value3\",\"title\":\"Third Choice\"}]}}},"                                                           \
    "\"required\":[\"untitledSingle\",\"titledSingle\",\"legacyEnum\",\"untitledMulti\",\"titledMulti\"]}"

/* The input schema of json_schema_2020_12_tool, which the suite expects back verbatim. */
#define JSON_SCHEMA_2020_12                                                                                            \
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","                               \
    "\"$defs\":{\"address\":{\"$anchor\":\"addressDef\",\"type\":\"object\","                                          \
    "\"properties\":{" STRING_PROP("street") "," STRING_PROP("city") "}}},"                                            \
    "\"properties\":{" STRING_PROP("name") ",\"address\":{\"$ref\":\"#/$defs/address\"},"                              \
    "\"contactMethod\":{\"type\":\"string\",\"enum\":[\"phone\",\"email\"]}," STRING_PROP("phone") ","                 \
    STRING_PROP("email") "},"                                                                                          \
    "\"allOf\":[{\"anyOf\":[{\"required\":[\"phone\"]},{\"required\":[\"email\"]}]}],"                                 \
    "\"if\":{\"properties\":{\"contactMethod\":{\"const\":\"phone\"}},\"required\":[\"contactMethod\"]},"              \
    "\"then\":{\"required\":[\"phone\"]},\"else\":{\"required\":[\"email\"]},\"additionalProperties\":false}"

/* The input schema of test_custom_header: `region` also travels in the Mcp-Param-Region header. */
#define CUSTOM_HEADER_SCHEMA                                                                                           \
    "{\"type\":\"object\",\"properties\":{\"region\":{\"type\":\"string\",\"description\":\"Deployment region\","      \
    "\"x-mcp-header\":\"Region\"}},\"required\":[\"region\"]}"

/* ---- The fixture, its jobs and their threads ---------------------------------------- */

/* The server plus the bookkeeping of the jobs running on threads of their own, so main can
 * wait for the last of them before freeing the server. */
struct fixture {
    mcpf_server *server;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int running; /* jobs started and not yet finished */
    int closed;  /* no new jobs: the server has stopped */
};

struct binding;

/* The work behind a tool, resource, prompt or completion: it completes `r` exactly once.
 * `b` is alive as long as `r` is (the library keeps a registration's user_data while one of
 * its responders lives), so use it before completing `r`. */
typedef void (*work_fn)(mcpf_responder *r, const struct binding *b);

/* The user_data of every registration: what to run, and where. */
struct binding {
    struct fixture *fx;
    work_fn work;
    int threaded; /* sleeps or asks the client: runs on a thread of its own */
};

struct job {
    mcpf_responder *r;
    const struct binding *b;
};

static void *job_main(void *arg) {
    struct job *job = arg;
    struct fixture *fx = job->b->fx; /* read before the work ends the registration's life */
    job->b->work(job->r, job->b);
    free(job);
    pthread_mutex_lock(&fx->lock);
    if (--fx->running == 0) pthread_cond_broadcast(&fx->idle);
    pthread_mutex_unlock(&fx->lock);
    return NULL;
}

/* Hands `r` to a new detached thread running `b->work`; answers an internal error if that
 * is impossible. Never blocks beyond the bookkeeping lock. */
static void run_on_thread(mcpf_responder *r, const struct binding *b) {
    struct fixture *fx = b->fx;
    struct job *job = malloc(sizeof *job);
    const char *failure = job == NULL ? "out of memory" : NULL;
    pthread_mutex_lock(&fx->lock);
    if (failure == NULL && fx->closed) failure = "the server is shutting down";
    if (failure == NULL) fx->running++;
    pthread_mutex_unlock(&fx->lock);
    if (failure == NULL) {
        job->r = r;
        job->b = b;
        pthread_attr_t attr;
        pthread_t thread;
        int started = pthread_attr_init(&attr) == 0;
        if (started) {
            started = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
                      pthread_create(&thread, &attr, job_main, job) == 0;
            pthread_attr_destroy(&attr);
        }
        if (started) return;
        pthread_mutex_lock(&fx->lock);
        if (--fx->running == 0) pthread_cond_broadcast(&fx->idle);
        pthread_mutex_unlock(&fx->lock);
        failure = "cannot start a thread";
    }
    free(job);
    mcpf_responder_protocol_error(r, INTERNAL_ERROR, failure, SIZE_MAX);
}

/* Refuses new jobs and waits until the running ones have finished. */
static void close_jobs(struct fixture *fx) {
    pthread_mutex_lock(&fx->lock);
    fx->closed = 1;
    while (fx->running > 0) pthread_cond_wait(&fx->idle, &fx->lock);
    pthread_mutex_unlock(&fx->lock);
}

/* The one callback of every registration (tools, resources, templates, prompts and the
 * completion provider share the signature). */
static void dispatch(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call; /* borrowed until we return: the work uses mcpf_responder_call(r) */
    const struct binding *b = user_data;
    if (b->threaded) run_on_thread(r, b);
    else b->work(r, b);
}

/* ---- Small helpers for the work functions ------------------------------------------- */

static const mcpf_call *call_of(mcpf_responder *r) {
    return mcpf_responder_call(r);
}

/* The call's arguments (a JSON object), `{}` if unavailable. */
static const char *arguments(mcpf_responder *r) {
    const char *args;
    size_t len;
    return mcpf_call_arguments(call_of(r), &args, &len) == MCPF_STATUS_OK ? args : "{}";
}

/* The string argument `key` as a new string, or a copy of `fallback` (free it). */
static char *string_arg(mcpf_responder *r, const char *key, const char *fallback) {
    const char *v = json_get(arguments(r), key);
    char *s = json_is_string(v) ? json_string_dup(v) : NULL;
    return s ? s : strdup(fallback);
}

/* Answers a tool with `text` (formatted), or an internal error when memory runs out. */
#if defined(__GNUC__)
static void reply_text(mcpf_responder *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
static void reply_text(mcpf_responder *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (text = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
        mcpf_responder_text(r, text, (size_t)n);
        free(text);
        return;
    }
    mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
}

/* Completes `r` with the JSON built in `b` through `complete` (mcpf_responder_ok, _prompt,
 * _contents or _completion), or an internal error if building it ran out of memory; frees `b`. */
static void reply_json(mcpf_responder *r, struct json_buf *b,
                       mcpf_status (*complete)(mcpf_responder *, const char *, size_t)) {
    if (b->failed || b->data == NULL) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else complete(r, b->data, b->len);
    json_buf_free(b);
}

/* Sleeps `ms` milliseconds in short steps; false (and `r` freed: nobody waits for the
 * answer any more) when the call is cancelled meanwhile. */
static int pause_ms(mcpf_responder *r, long ms) {
    while (ms > 0) {
        if (mcpf_call_is_cancelled(call_of(r))) {
            mcpf_responder_free(r);
            return 0;
        }
        long step = ms < 10 ? ms : 10;
        struct timespec ts = {0, step * 1000000L};
        while (nanosleep(&ts, &ts) != 0) {
        }
        ms -= step;
    }
    if (mcpf_call_is_cancelled(call_of(r))) {
        mcpf_responder_free(r);
        return 0;
    }
    return 1;
}

/* ---- Client input: one round of asks -------------------------------------------------- */

enum ask_kind { ASK_ELICIT, ASK_SAMPLE, ASK_ROOTS };

/* The asks of one run of a call. */
struct round {
    mcpf_responder *r;
    int later;          /* an ask is answered in the next round (2026-07-28 wire) */
    int failed;         /* an ask failed (freeing the responder sends its error) */
};

/* Makes one ask (blocking until the client answers on a legacy session) under `key`, or
 * under the library's numbering (`elicitation-0`, ...) when `key` is NULL. Returns the
 * answer as owned JSON text (free it with mcpf_string_free), or NULL when it comes in the
 * next round (`rd->later`) or the ask failed (`rd->failed`). */
static char *ask(struct round *rd, const char *key, enum ask_kind kind, const char *params) {
    static const char *const methods[] = {"elicitation/create", "sampling/createMessage", "roots/list"};
    const mcpf_call *call = call_of(rd->r);
    char *answer = NULL;
    size_t len = 0;
    mcpf_status st =
        key != NULL ? mcpf_call_ask(call, key, SIZE_MAX, methods[kind], SIZE_MAX, params, SIZE_MAX, &answer, &len)
        : kind == ASK_ELICIT ? mcpf_call_elicit(call, params, SIZE_MAX, &answer, &len)
        : kind == ASK_SAMPLE ? mcpf_call_sample(call, params, SIZE_MAX, &answer, &len)
                             : mcpf_call_list_roots(call, &answer, &len);
    if (st == MCPF_STATUS_OK) return answer;
    if (st == MCPF_STATUS_INPUT_REQUIRED) {
        rd->later = 1;
    } else {
        rd->failed = 1;
    }
    return NULL;
}

/* Ends a run that could not finish by freeing the responder: the library then answers for
 * it. An ask answered in the next round gives the client `input_required`; a failed ask
 * gives the ask's own error (a missing client capability is -32021 with
 * `data.requiredCapabilities` on the 2026-07-28 wire, a tool error on legacy sessions). */
static void stop_round(struct round *rd) {
    mcpf_responder_free(rd->r);
}

/* The field `field` of an accepted elicitation answer as text (a string unescaped, other
 * values as JSON), or a copy of `fallback` (free it). */
static char *accepted_field(const char *answer, const char *field, const char *fallback) {
    const char *action = json_get(answer, "action");
    char *value = NULL;
    if (action != NULL && strncmp(action, "\"accept\"", 8) == 0) {
        value = json_text_dup(json_get(json_get(answer, "content"), field));
    }
    return value ? value : strdup(fallback);
}

/* The text of a sampling answer, or "(no text)" (free it). */
static char *sampled_text(const char *answer) {
    const char *text = json_get(json_get(answer, "content"), "text");
    char *s = json_is_string(text) ? json_string_dup(text) : NULL;
    return s ? s : strdup("(no text)");
}

/* The root URIs of a roots/list answer, comma-separated (free it); NULL when the answer is
 * not a ListRootsResult. */
static char *root_uris(const char *answer) {
    const char *roots = json_get(answer, "roots");
    if (roots == NULL || *roots != '[') return NULL;
    struct json_buf b = {0};
    json_buf_puts(&b, "");
    for (const char *root = json_array_first(roots); root; root = json_array_next(root)) {
        char *uri = json_is_string(json_get(root, "uri")) ? json_string_dup(json_get(root, "uri")) : NULL;
        if (uri == NULL) {
            json_buf_free(&b);
            return NULL;
        }
        if (b.len > 0) json_buf_puts(&b, ", ");
        json_buf_puts(&b, uri);
        free(uri);
    }
    if (b.failed) json_buf_free(&b);
    return b.data;
}

/* Refuses a roots/list answer that is not a ListRootsResult (-32602). */
static void not_roots(mcpf_responder *r) {
    mcpf_responder_protocol_error(r, INVALID_PARAMS, "input response `client_roots`: not a ListRootsResult", SIZE_MAX);
}

/* Answers a tool with "<prefix>action=<action>, content=<content JSON>", as the reference
 * server describes an elicitation answer. */
static void reply_elicitation(mcpf_responder *r, const char *prefix, const char *answer) {
    char *action = json_string_dup(json_get(answer, "action"));
    char *content = json_raw_dup(json_get(answer, "content"));
    reply_text(r, "%saction=%s, content=%s", prefix, action ? action : "unknown", content ? content : "null");
    free(action);
    free(content);
}

/* The ask-one-thing tools: ask, then answer with `describe(answer)`. */
static void elicit_then(mcpf_responder *r, const char *request, const char *prefix) {
    struct round rd = {.r = r};
    char *answer = ask(&rd, NULL, ASK_ELICIT, request);
    if (answer == NULL) {
        stop_round(&rd);
        return;
    }
    reply_elicitation(r, prefix, answer);
    mcpf_string_free(answer);
}

/* Asks with `request` under `key` (NULL: the library's numbering), then answers the tool
 * with `format` filled in from the answer: the sampled text (sampling), or the accepted
 * elicitation's `field` (elicitation); `fallback` when there is none. */
static void ask_then_reply(mcpf_responder *r, const char *key, enum ask_kind kind, const char *request,
                           const char *field,
                           const char *fallback, const char *format) {
    struct round rd = {.r = r};
    char *answer = ask(&rd, key, kind, request);
    if (answer == NULL) {
        stop_round(&rd);
        return;
    }
    char *value = kind == ASK_SAMPLE ? sampled_text(answer) : accepted_field(answer, field, fallback);
    reply_text(r, format, value ? value : fallback);
    free(value);
    mcpf_string_free(answer);
}

/* ---- Tools: content ------------------------------------------------------------------ */

#define TEXT_BLOCK(text) "{\"type\":\"text\",\"text\":\"" text "\"}"
#define IMAGE_BLOCK "{\"type\":\"image\",\"data\":\"" PNG_1X1 "\",\"mimeType\":\"image/png\"}"
#define RESOURCE_BLOCK(uri, mime, text_json)                                                                           \
    "{\"type\":\"resource\",\"resource\":{\"uri\":\"" uri "\",\"mimeType\":\"" mime "\",\"text\":" text_json "}}"

static void ok_static(mcpf_responder *r, const char *result) {
    mcpf_responder_ok(r, result, SIZE_MAX);
}

static void tool_simple_text(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_text(r, SIMPLE_TEXT, SIZE_MAX);
}

static void tool_custom_header(mcpf_responder *r, const struct binding *b) {
    (void)b;
    char *region = string_arg(r, "region", "");
    reply_text(r, "Region: %s", region ? region : "");
    free(region);
}

static void tool_image(mcpf_responder *r, const struct binding *b) {
    (void)b;
    ok_static(r, "{\"content\":[" IMAGE_BLOCK "]}");
}

static void tool_audio(mcpf_responder *r, const struct binding *b) {
    (void)b;
    ok_static(r, "{\"content\":[{\"type\":\"audio\",\"data\":\"" WAV_EMPTY "\",\"mimeType\":\"audio/wav\"}]}");
}

static void tool_embedded_resource(mcpf_responder *r, const struct binding *b) {
    (void)b;
    ok_static(r, "{\"content\":[" RESOURCE_BLOCK("test://embedded-resource", "text/plain",
                                                 "\"This is an embedded resource content.\"") "]}");
}

static void tool_multiple_content(mcpf_responder *r, const struct binding *b) {
    (void)b;
    ok_static(r, "{\"content\":[" TEXT_BLOCK("Multiple content types test:") "," IMAGE_BLOCK "," RESOURCE_BLOCK(
                     "test://mixed-content-resource", "application/json",
                     "\"{\\\"test\\\":\\\"data\\\",\\\"value\\\":123}\"") "]}");
}

static void tool_error_handling(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_tool_error(r, ERROR_TEXT, SIZE_MAX);
}

/* ---- Tools: notifications and time --------------------------------------------------- */

static void tool_logging(mcpf_responder *r, const struct binding *b) {
    (void)b;
    for (size_t i = 0; i < sizeof LOG_MESSAGES / sizeof *LOG_MESSAGES; i++) {
        if (i > 0 && !pause_ms(r, STEP_DELAY_MS)) return;
        mcpf_call_log(call_of(r), MCPF_LOG_LEVEL_INFO, LOG_MESSAGES[i], SIZE_MAX);
    }
    mcpf_responder_text(r, "Logging test completed", SIZE_MAX);
}

static void tool_progress(mcpf_responder *r, const struct binding *b) {
    (void)b;
    for (int i = 0; i < 3; i++) {
        if (i > 0 && !pause_ms(r, STEP_DELAY_MS)) return;
        char message[32];
        snprintf(message, sizeof message, "Completed step %d of 3", i);
        mcpf_call_report_progress(call_of(r), 50.0 * i, 100.0, message, SIZE_MAX);
    }
    mcpf_responder_text(r, "Progress test completed", SIZE_MAX);
}

static void tool_reconnection(mcpf_responder *r, const struct binding *b) {
    (void)b;
    if (pause_ms(r, RECONNECTION_DELAY_MS)) mcpf_responder_text(r, "Reconnection test completed", SIZE_MAX);
}

/* ---- Tools: client input on both wires ----------------------------------------------- */

static void tool_sampling(mcpf_responder *r, const struct binding *b) {
    (void)b;
    char *prompt = string_arg(r, "prompt", "");
    struct json_buf req = {0};
    json_buf_puts(&req, "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":");
    json_buf_string(&req, prompt ? prompt : "");
    json_buf_puts(&req, "}}],\"maxTokens\":100}");
    free(prompt);
    if (req.failed) {
        json_buf_free(&req);
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        return;
    }
    ask_then_reply(r, NULL, ASK_SAMPLE, req.data, NULL, "(no text)", "LLM response: %s");
    json_buf_free(&req);
}

static void tool_elicitation(mcpf_responder *r, const struct binding *b) {
    (void)b;
    char *message = string_arg(r, "message", "");
    struct json_buf req = {0};
    json_buf_puts(&req, "{\"message\":");
    json_buf_string(&req, message ? message : "");
    json_buf_puts(&req, ",\"requestedSchema\":{\"type\":\"object\",\"properties\":{" STRING_PROP(
                            "username") "," STRING_PROP("email") "},\"required\":[\"username\",\"email\"]}}");
    free(message);
    if (req.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else elicit_then(r, req.data, "User response: ");
    json_buf_free(&req);
}

static void tool_sep1034_defaults(mcpf_responder *r, const struct binding *b) {
    (void)b;
    elicit_then(r, ELICIT("Please review and update the form fields", SEP1034_DEFAULTS_SCHEMA),
                "Elicitation completed: ");
}

static void tool_sep1330_enums(mcpf_responder *r, const struct binding *b) {
    (void)b;
    elicit_then(r, ELICIT("Please select options", SEP1330_ENUMS_SCHEMA), "Elicitation completed: ");
}

static void tool_json_schema_2020_12(mcpf_responder *r, const struct binding *b) {
    (void)b;
    reply_text(r, "Received: %s", arguments(r));
}

/* ---- Tools: 2026-07-28 diagnostics --------------------------------------------------- */

static void tool_missing_capability(mcpf_responder *r, const struct binding *b) {
    (void)b;
    ask_then_reply(r, NULL, ASK_SAMPLE, SAMPLE("Requires the sampling capability", 10), NULL, "(no text)",
                   "Sampling answered: %s");
}

static void tool_streaming_elicitation(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_call_report_progress(call_of(r), 0.0, 1.0, "asking for a name", SIZE_MAX);
    struct round rd = {.r = r};
    char *answer = ask(&rd, NULL, ASK_ELICIT, NAME_REQUEST("What is your name?"));
    if (answer == NULL) {
        stop_round(&rd);
        return;
    }
    const char *name = json_get(json_get(answer, "content"), "name");
    char *text = json_is_string(name) ? json_string_dup(name) : NULL;
    reply_text(r, "Streaming elicitation completed (name: %s)", text ? text : "unknown");
    free(text);
    mcpf_string_free(answer);
}

static void tool_logging_tool(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_call_log(call_of(r), MCPF_LOG_LEVEL_INFO, "test_logging_tool ran", SIZE_MAX);
    mcpf_responder_text(r, "Logging tool completed", SIZE_MAX);
}

static int register_tool_named(struct fixture *fx, const char *name);
static int register_prompt_named(struct fixture *fx, const char *name);

/* Re-registering an unchanged definition tells the clients that the list changed. */
static void tool_trigger_tool_change(mcpf_responder *r, const struct binding *b) {
    if (register_tool_named(b->fx, "test_trigger_tool_change")) {
        mcpf_responder_text(r, "Tool list change notified", SIZE_MAX);
    } else {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, mcpf_last_error_message(), SIZE_MAX);
    }
}

static void tool_trigger_prompt_change(mcpf_responder *r, const struct binding *b) {
    if (register_prompt_named(b->fx, "test_simple_prompt")) {
        mcpf_responder_text(r, "Prompt list change notified", SIZE_MAX);
    } else {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, mcpf_last_error_message(), SIZE_MAX);
    }
}

/* ---- Tools: multi-round-trip requests (SEP-2322) -------------------------------------- */

/* Asks for a name with `request`; answers "Hello, <name>!" */
static void greet_asked_name(mcpf_responder *r, const char *request) {
    ask_then_reply(r, "user_name", ASK_ELICIT, request, "name", "stranger", "Hello, %s!");
}

static void tool_input_elicitation(mcpf_responder *r, const struct binding *b) {
    (void)b;
    greet_asked_name(r, NAME_REQUEST("What is your name?"));
}

static void tool_input_sampling(mcpf_responder *r, const struct binding *b) {
    (void)b;
    ask_then_reply(r, "capital_question", ASK_SAMPLE, CAPITAL_REQUEST, NULL, "(no text)", "Sampling response: %s");
}

static void tool_input_list_roots(mcpf_responder *r, const struct binding *b) {
    (void)b;
    struct round rd = {.r = r};
    char *answer = ask(&rd, "client_roots", ASK_ROOTS, NULL);
    if (answer == NULL) {
        stop_round(&rd);
        return;
    }
    char *uris = root_uris(answer);
    if (uris == NULL) not_roots(r);
    else reply_text(r, "Client roots: %s", uris);
    free(uris);
    mcpf_string_free(answer);
}

/* Asks for the confirmation `ok`; answers `format` with it. The request state is the
 * engine's: sealed, bound to this request, refused (-32602) when altered. */
static void confirm_then(mcpf_responder *r, const char *format) {
    ask_then_reply(r, "confirm", ASK_ELICIT, CONFIRM_REQUEST, "ok", "false", format);
}

static void tool_input_request_state(mcpf_responder *r, const struct binding *b) {
    (void)b;
    confirm_then(r, "state-ok: confirmed=%s");
}

static void tool_input_tampered_state(mcpf_responder *r, const struct binding *b) {
    (void)b;
    confirm_then(r, "Signed state verified (ok: %s)");
}

static void tool_input_multiple(mcpf_responder *r, const struct binding *b) {
    (void)b;
    struct round rd = {.r = r};
    /* All three asks go out in one round: keep asking after the first one that must wait. */
    char *name_answer = ask(&rd, "user_name", ASK_ELICIT, NAME_REQUEST("What is your name?"));
    char *greeting_answer = rd.failed ? NULL : ask(&rd, "greeting", ASK_SAMPLE, SAMPLE("Generate a greeting", 50));
    char *roots_answer = rd.failed ? NULL : ask(&rd, "client_roots", ASK_ROOTS, NULL);
    if (rd.later || rd.failed) {
        stop_round(&rd);
    } else {
        char *name = accepted_field(name_answer, "name", "stranger");
        char *greeting = sampled_text(greeting_answer);
        char *uris = root_uris(roots_answer);
        if (uris == NULL) not_roots(r);
        else reply_text(r, "Name: %s; greeting: %s; roots: %s", name ? name : "stranger",
                        greeting ? greeting : "(no text)", uris);
        free(name);
        free(greeting);
        free(uris);
    }
    mcpf_string_free(name_answer);
    mcpf_string_free(greeting_answer);
    mcpf_string_free(roots_answer);
}

static void tool_input_multi_round(mcpf_responder *r, const struct binding *b) {
    (void)b;
    struct round rd = {.r = r};
    char *first = ask(&rd, "step1", ASK_ELICIT, NAME_REQUEST("Step 1: What is your name?"));
    if (first == NULL) {
        stop_round(&rd);
        return;
    }
    char *name = accepted_field(first, "name", "stranger");
    mcpf_string_free(first);
    char *second = ask(&rd, "step2", ASK_ELICIT, ELICIT("Step 2: What is your favorite color?", ONE_STRING_SCHEMA("color")));
    if (second == NULL) {
        free(name);
        stop_round(&rd);
        return;
    }
    char *color = accepted_field(second, "color", "no color");
    reply_text(r, "%s likes %s", name ? name : "stranger", color ? color : "no color");
    free(name);
    free(color);
    mcpf_string_free(second);
}

/* Asks for each kind of input; an ask the client cannot take (it did not declare the
 * capability) fails and is left out, so only declared kinds are requested. */
static void tool_input_capabilities(mcpf_responder *r, const struct binding *b) {
    (void)b;
    static const struct {
        const char *key;
        enum ask_kind kind;
        const char *request;
    } asks[] = {{"user_name", ASK_ELICIT, NAME_REQUEST("What is your name?")},
                {"capital_question", ASK_SAMPLE, CAPITAL_REQUEST},
                {"client_roots", ASK_ROOTS, NULL}};
    struct json_buf answered = {0};
    json_buf_puts(&answered, "");
    int later = 0;
    for (size_t i = 0; i < sizeof asks / sizeof *asks; i++) {
        struct round rd = {.r = r};
        char *answer = ask(&rd, asks[i].key, asks[i].kind, asks[i].request);
        later = later || rd.later;
        if (answer != NULL) {
            if (answered.len > 0) json_buf_puts(&answered, ", ");
            json_buf_puts(&answered, asks[i].key);
            mcpf_string_free(answer);
        }
    }
    if (later) mcpf_responder_free(r); /* input_required for the asks that went out */
    else if (answered.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else if (answered.len == 0) reply_text(r, "%s", "The client declared no input capability; nothing to ask");
    else reply_text(r, "Answered: %s", answered.data);
    json_buf_free(&answered);
}

/* ---- Tools: the Tasks extension ------------------------------------------------------ */

static void tool_greet(mcpf_responder *r, const struct binding *b) {
    (void)b;
    char *name = string_arg(r, "name", "stranger");
    reply_text(r, "Hello, %s!", name ? name : "stranger");
    free(name);
}

/* `x` as Rust's `Display` for f64 writes it in the common cases: the shortest decimal that
 * reads back as the same value (integers without a fraction). */
static void format_number(char *out, size_t size, double x) {
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(out, size, "%.*g", precision, x);
        if (strtod(out, NULL) == x) return;
    }
}

static void tool_slow_compute(mcpf_responder *r, const struct binding *b) {
    (void)b;
    const char *v = json_get(arguments(r), "seconds");
    double seconds = v != NULL && !json_is_string(v) ? strtod(v, NULL) : 0.0;
    char *label = string_arg(r, "label", "compute");
    double work = seconds > SLOW_COMPUTE_MAX_S ? SLOW_COMPUTE_MAX_S : seconds > 0 ? seconds : 0;
    if (pause_ms(r, (long)(work * 1000.0))) {
        char number[32];
        format_number(number, sizeof number, seconds);
        reply_text(r, "Computed %s in %s s", label ? label : "compute", number);
    }
    free(label);
}

static void tool_failing_job(mcpf_responder *r, const struct binding *b) {
    (void)b;
    if (pause_ms(r, FAILING_JOB_DELAY_MS)) mcpf_responder_tool_error(r, FAILING_JOB_TEXT, SIZE_MAX);
}

static void tool_protocol_error_job(mcpf_responder *r, const struct binding *b) {
    (void)b;
    if (pause_ms(r, STEP_DELAY_MS)) mcpf_responder_protocol_error(r, INTERNAL_ERROR, PROTOCOL_ERROR_TEXT, SIZE_MAX);
}

static void tool_confirm_delete(mcpf_responder *r, const struct binding *b) {
    (void)b;
    char *filename = string_arg(r, "filename", "the file");
    struct json_buf req = {0};
    json_buf_puts(&req, "{\"message\":");
    struct json_buf message = {0};
    json_buf_printf(&message, "Delete %s?", filename ? filename : "the file");
    json_buf_string(&req, message.data ? message.data : "");
    json_buf_puts(&req, ",\"requestedSchema\":{\"type\":\"object\",\"properties\":{\"confirm\":{\"type\":\"boolean\"}},"
                        "\"required\":[\"confirm\"]}}");
    struct round rd = {.r = r};
    char *answer = req.failed || message.failed ? NULL : ask(&rd, NULL, ASK_ELICIT, req.data);
    if (answer != NULL) {
        char *confirmed = accepted_field(answer, "confirm", "false");
        reply_text(r, "%s %s", confirmed && strcmp(confirmed, "true") == 0 ? "Deleted" : "Kept",
                   filename ? filename : "the file");
        free(confirmed);
        mcpf_string_free(answer);
    } else if (rd.later || rd.failed) {
        stop_round(&rd);
    } else {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    }
    json_buf_free(&message);
    json_buf_free(&req);
    free(filename);
}

static void tool_multi_input(mcpf_responder *r, const struct binding *b) {
    (void)b;
    struct round rd = {.r = r};
    char *first = ask(&rd, "first", ASK_ELICIT, TASK_INPUT_REQUEST("First input?"));
    char *second = rd.failed ? NULL : ask(&rd, "second", ASK_ELICIT, TASK_INPUT_REQUEST("Second input?"));
    if (rd.later || rd.failed) {
        stop_round(&rd);
    } else {
        char *a = accepted_field(first, "name", "(none)");
        char *c = accepted_field(second, "name", "(none)");
        reply_text(r, "Inputs received: %s, %s", a ? a : "(none)", c ? c : "(none)");
        free(a);
        free(c);
    }
    mcpf_string_free(first);
    mcpf_string_free(second);
}

/* Asks for the name inside the request, then becomes a task (deferTask) and greets. */
static void tool_with_task(mcpf_responder *r, const struct binding *b) {
    (void)b;
    struct round rd = {.r = r};
    char *answer = ask(&rd, "user_name", ASK_ELICIT, NAME_REQUEST("What is your name?"));
    if (answer == NULL) {
        stop_round(&rd);
        return;
    }
    char *name = accepted_field(answer, "name", "stranger");
    mcpf_string_free(answer);
    if (mcpf_call_start_task(call_of(r)) != MCPF_STATUS_OK) {
        mcpf_responder_free(r); /* the client gets the task; this runs again as the task */
        free(name);
        return;
    }
    if (pause_ms(r, STEP_DELAY_MS)) {
        const char *task;
        size_t len;
        if (mcpf_call_task_id(call_of(r), &task, &len) == MCPF_STATUS_OK) {
            reply_text(r, "Hello, %s! (task %.*s)", name ? name : "stranger", (int)len, task);
        } else {
            reply_text(r, "Hello, %s!", name ? name : "stranger");
        }
    }
    free(name);
}

/* ---- Tools: the result vocabulary ------------------------------------------------------ */

/* The shape_* tools answer with one kind of value each; tests/results checks that the same
   value gives the same CallToolResult in every language (not part of the conformance suite). */
static void shape_text(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_text(r, "hello", SIZE_MAX);
}

static void shape_number(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_json(r, "42", SIZE_MAX);
}

static void shape_object(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_json(r, "{\"a\":1,\"b\":[true,null]}", SIZE_MAX);
}

static void shape_list(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_json(r, "[1,\"two\"]", SIZE_MAX);
}

static void shape_empty(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_json(r, "null", SIZE_MAX);
}

static void shape_content(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_ok(r,
                      "{\"content\":[{\"type\":\"image\",\"data\":\"aGk=\",\"mimeType\":\"image/png\"},"
                      "{\"type\":\"text\",\"text\":\"caption\"}]}",
                      SIZE_MAX);
}

static void shape_result(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_ok(r, "{\"content\":[{\"type\":\"text\",\"text\":\"done\"}],\"structuredContent\":{\"ok\":true}}",
                      SIZE_MAX);
}

static void shape_typed_object(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_json(r, "{\"a\":1}", SIZE_MAX);
}

static void shape_typed_list(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_json(r, "[1,2]", SIZE_MAX);
}

static void shape_tool_error(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_tool_error(r, "nope", SIZE_MAX);
}

/* The first bytes of a PNG image and of a WAV clip, bytes of no known type and no bytes: the
   engine picks the content block (docs/results.md). */
static const unsigned char SHAPE_PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, '\r', 'I', 'H', 'D', 'R'};
static const unsigned char SHAPE_WAV[] = {'R', 'I', 'F', 'F', '$', 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' '};
static const unsigned char SHAPE_OTHER[] = {0x00, 0xff, 'h', 'i'};

static void shape_bytes_png(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_bytes(r, SHAPE_PNG, sizeof SHAPE_PNG);
}

static void shape_bytes_wav(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_bytes(r, SHAPE_WAV, sizeof SHAPE_WAV);
}

static void shape_bytes_other(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_bytes(r, SHAPE_OTHER, sizeof SHAPE_OTHER);
}

static void shape_bytes_empty(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_bytes(r, NULL, 0);
}

/* ---- Tools: the table --------------------------------------------------------------- */

struct tool_def {
    const char *name;
    const char *definition; /* as tools/list shows it */
    work_fn work;
    int threaded;
};

/* A table row: the name once, in both places. */
#define TOOL_DEF(name, description, schema, work, threaded) {name, TOOL(name, description, schema), work, threaded}
#define TASK_TOOL_DEF(name, description, schema, support, work, threaded)                                              \
    {name, TASK_TOOL(name, description, schema, support), work, threaded}
/* A result-vocabulary tool: no arguments; `output` is empty or `,"outputSchema":{...}`. */
/* ---- Tools: tracing ------------------------------------------------------------------- */

/* Answers the traceparent of the request's span (empty when there is none): tests/telemetry
   checks that the engine's span continues the client's trace in every language. */
static void trace_context(mcpf_responder *r, const struct binding *b) {
    (void)b;
    static const char key[] = "\"traceparent\":\"";
    const char *json;
    size_t len;
    const char *at = NULL;
    if (mcpf_call_trace_context(call_of(r), &json, &len) == MCPF_STATUS_OK) at = strstr(json, key);
    if (at == NULL) {
        mcpf_responder_text(r, "", 0);
        return;
    }
    at += sizeof key - 1;
    const char *end = strchr(at, '"');
    mcpf_responder_text(r, at, end != NULL ? (size_t)(end - at) : 0);
}

#define SHAPE_DEF(name, description, output, work)                                                                      \
    {name, "{\"name\":\"" name "\",\"description\":\"" description "\",\"inputSchema\":{\"type\":\"object\"}" output "}", \
     work, 0}
#define WRAPPED_SCHEMA(inner) "{\"type\":\"object\",\"properties\":{\"result\":" inner "},\"required\":[\"result\"]}"

/* test_simple_text first: the header-validation scenario calls the first listed tool with {}. */
static const struct tool_def TOOLS[] = {
    TOOL_DEF("test_simple_text", "Returns a simple text response", NO_ARGS, tool_simple_text, 0),
    TOOL_DEF("test_custom_header", "Echoes `region`, which also travels in the Mcp-Param-Region header",
             CUSTOM_HEADER_SCHEMA, tool_custom_header, 0),
    TOOL_DEF("test_image_content", "Returns one PNG image", NO_ARGS, tool_image, 0),
    TOOL_DEF("test_audio_content", "Returns one WAV audio clip", NO_ARGS, tool_audio, 0),
    TOOL_DEF("test_embedded_resource", "Returns an embedded text resource", NO_ARGS, tool_embedded_resource, 0),
    TOOL_DEF("test_multiple_content_types", "Returns text, an image and an embedded resource",
             NO_ARGS, tool_multiple_content, 0),
    TOOL_DEF("test_error_handling", "Always returns an isError result", NO_ARGS, tool_error_handling, 0),
    TOOL_DEF("test_tool_with_logging", "Sends three info log messages, 50 ms apart, then answers",
             NO_ARGS, tool_logging, 1),
    TOOL_DEF("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100, 50 ms apart, then answers",
             NO_ARGS, tool_progress, 1),
    TOOL_DEF("test_reconnection", "Works briefly before answering (the HTTP layer tests stream resumption meanwhile)",
             NO_ARGS, tool_reconnection, 1),
    TOOL_DEF("test_sampling", "Asks the client's model to answer a prompt",
             DESCRIBED_ARG_SCHEMA("prompt", "The prompt to send to the model"), tool_sampling, 1),
    TOOL_DEF("test_elicitation", "Asks the user for a username and an email",
             DESCRIBED_ARG_SCHEMA("message", "The message shown to the user"), tool_elicitation, 1),
    TOOL_DEF("test_elicitation_sep1034_defaults", "Elicits a form whose fields carry defaults (SEP-1034)",
             NO_ARGS, tool_sep1034_defaults, 1),
    TOOL_DEF("test_elicitation_sep1330_enums", "Elicits a form with the five enum forms (SEP-1330)",
             NO_ARGS, tool_sep1330_enums, 1),
    TOOL_DEF("json_schema_2020_12_tool", "Declares a JSON Schema 2020-12 input schema (passed through verbatim)",
             JSON_SCHEMA_2020_12, tool_json_schema_2020_12, 0),
    TOOL_DEF("test_missing_capability", "Needs the client's sampling capability (-32021 when it is not declared)",
             NO_ARGS, tool_missing_capability, 1),
    TOOL_DEF("test_streaming_elicitation",
             "Asks for a name through the response (input_required on 2026-07-28, never a server request)",
             NO_ARGS, tool_streaming_elicitation, 1),
    TOOL_DEF("test_logging_tool", "Logs one info message (sent only when the request asked for logs)",
             NO_ARGS, tool_logging_tool, 0),
    TOOL_DEF("test_trigger_tool_change", "Announces that the tool list changed", NO_ARGS, tool_trigger_tool_change, 0),
    TOOL_DEF("test_trigger_prompt_change", "Announces that the prompt list changed",
             NO_ARGS, tool_trigger_prompt_change, 0),
    TOOL_DEF("test_input_required_result_elicitation", "Asks for the user's name (`user_name`), then greets them",
             NO_ARGS, tool_input_elicitation, 1),
    TOOL_DEF("test_input_required_result_sampling", "Asks the client's model a question (`capital_question`)",
             NO_ARGS, tool_input_sampling, 1),
    TOOL_DEF("test_input_required_result_list_roots", "Asks for the client's roots (`client_roots`)",
             NO_ARGS, tool_input_list_roots, 1),
    TOOL_DEF("test_input_required_result_request_state",
             "Asks for a confirmation (`confirm`) carrying its own request state (low-level API)",
             NO_ARGS, tool_input_request_state, 1),
    TOOL_DEF("test_input_required_result_multiple_inputs",
             "Asks for a name, a model greeting and the roots in one round",
             NO_ARGS, tool_input_multiple, 1),
    TOOL_DEF("test_input_required_result_multi_round",
             "Asks for a name (`step1`), then a favorite color (`step2`), in two rounds",
             NO_ARGS, tool_input_multi_round, 1),
    TOOL_DEF("test_input_required_result_tampered_state",
             "Asks for a confirmation; its sealed request state refuses tampering",
             NO_ARGS, tool_input_tampered_state, 1),
    TOOL_DEF("test_input_required_result_capabilities", "Asks only for the kinds of input the client declared",
             NO_ARGS, tool_input_capabilities, 1),
    TOOL_DEF("greet", "Greets `name` (always synchronous)",
             "{\"type\":\"object\",\"properties\":{" OPTIONAL_ARG("name", "string", "Who to greet") "}}",
             tool_greet, 0),
    TASK_TOOL_DEF("slow_compute", "Works for `seconds` seconds, then answers with `label` (a task when possible)",
                  "{\"type\":\"object\",\"properties\":{\"seconds\":{\"type\":\"number\",\"minimum\":0,"
                  "\"description\":\"How long to work\"}," OPTIONAL_ARG("label", "string", "Echoed in the result") "}}",
                  "optional", tool_slow_compute, 1),
    TASK_TOOL_DEF("failing_job", "Works for a second, then fails with a tool error (runs only as a task)",
                  NO_ARGS, "required", tool_failing_job, 1),
    TASK_TOOL_DEF("protocol_error_job", "Fails with a JSON-RPC error (a failed task)",
                  NO_ARGS, "optional", tool_protocol_error_job, 1),
    TASK_TOOL_DEF("confirm_delete", "Asks the user to confirm deleting `filename` (waits for input as a task)",
                  "{\"type\":\"object\",\"properties\":{" OPTIONAL_ARG("filename", "string", "The file to delete") "}}",
                  "optional", tool_confirm_delete, 1),
    TASK_TOOL_DEF("multi_input", "Asks for two inputs at once (`first`, `second`; waits for both as a task)",
                  NO_ARGS, "optional", tool_multi_input, 1),
    {"test_tool_with_task",
     "{\"name\":\"test_tool_with_task\",\"description\":\"Asks for the user's name (`user_name`) in the request, "
     "then greets them as a task\",\"inputSchema\":" NO_ARGS ",\"execution\":{\"taskSupport\":\"required\"},"
     "\"deferTask\":true}",
     tool_with_task, 1},
    SHAPE_DEF("shape_text", "Result vocabulary: returns the text hello", "", shape_text),
    SHAPE_DEF("shape_number", "Result vocabulary: returns the number 42", "", shape_number),
    SHAPE_DEF("shape_object", "Result vocabulary: returns an object", "", shape_object),
    SHAPE_DEF("shape_list", "Result vocabulary: returns a list", "", shape_list),
    SHAPE_DEF("shape_empty", "Result vocabulary: returns nothing", "", shape_empty),
    SHAPE_DEF("shape_content", "Result vocabulary: returns an image and a text block", "", shape_content),
    SHAPE_DEF("shape_result", "Result vocabulary: returns a full result", "", shape_result),
    SHAPE_DEF("shape_typed_object", "Result vocabulary: returns an object under its output schema",
              ",\"outputSchema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}",
              shape_typed_object),
    SHAPE_DEF("shape_typed_text", "Result vocabulary: returns text under a wrapped output schema",
              ",\"outputSchema\":" WRAPPED_SCHEMA("{\"type\":\"string\"}"), shape_text),
    SHAPE_DEF("shape_typed_list", "Result vocabulary: returns a list under a wrapped output schema",
              ",\"outputSchema\":" WRAPPED_SCHEMA("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"),
              shape_typed_list),
    SHAPE_DEF("shape_tool_error", "Result vocabulary: fails with a tool error", "", shape_tool_error),
    SHAPE_DEF("shape_bytes_png", "Result vocabulary: returns the bytes of a PNG image", "", shape_bytes_png),
    SHAPE_DEF("shape_bytes_wav", "Result vocabulary: returns the bytes of a WAV clip", "", shape_bytes_wav),
    SHAPE_DEF("shape_bytes_other", "Result vocabulary: returns bytes of no known type", "", shape_bytes_other),
    SHAPE_DEF("shape_bytes_empty", "Result vocabulary: returns no bytes", "", shape_bytes_empty),
    SHAPE_DEF("trace_context", "Tracing: returns the traceparent of the request's span (empty when none)", "",
              trace_context),
};

/* ---- Resources ---------------------------------------------------------------------- */

/* Answers a resource read with one text content of the call's URI. */
static void reply_text_contents(mcpf_responder *r, const char *mime_type, const char *text) {
    const char *uri;
    size_t len;
    if (mcpf_call_uri(call_of(r), &uri, &len) != MCPF_STATUS_OK) uri = "";
    struct json_buf b = {0};
    json_buf_puts(&b, "[{\"uri\":");
    json_buf_string(&b, uri);
    json_buf_printf(&b, ",\"mimeType\":\"%s\",\"text\":", mime_type);
    json_buf_string(&b, text);
    json_buf_puts(&b, "}]");
    reply_json(r, &b, mcpf_responder_contents);
}

static void resource_static_text(mcpf_responder *r, const struct binding *b) {
    (void)b;
    reply_text_contents(r, "text/plain", STATIC_TEXT);
}

static void resource_watched(mcpf_responder *r, const struct binding *b) {
    (void)b;
    reply_text_contents(r, "text/plain", "This is a watched resource content.");
}

static void resource_example(mcpf_responder *r, const struct binding *b) {
    (void)b;
    reply_text_contents(r, "text/plain", EMBEDDED_TEXT);
}

static void resource_static_binary(mcpf_responder *r, const struct binding *b) {
    (void)b;
    const char *uri;
    size_t len;
    if (mcpf_call_uri(call_of(r), &uri, &len) != MCPF_STATUS_OK) uri = "";
    struct json_buf out = {0};
    json_buf_puts(&out, "[{\"uri\":");
    json_buf_string(&out, uri);
    json_buf_puts(&out, ",\"mimeType\":\"image/png\",\"blob\":\"" PNG_1X1 "\"}]");
    reply_json(r, &out, mcpf_responder_contents);
}

/* test://template/{id}/data: {"data":"Data for ID: <id>","id":"<id>","templateTest":true}. */
static void resource_template(mcpf_responder *r, const struct binding *b) {
    (void)b;
    const char *vars;
    size_t len;
    char *id = NULL;
    if (mcpf_call_variables_json(call_of(r), &vars, &len) == MCPF_STATUS_OK) id = json_string_dup(json_get(vars, "id"));
    struct json_buf body = {0};
    json_buf_puts(&body, "{\"data\":");
    struct json_buf data = {0};
    json_buf_printf(&data, "Data for ID: %s", id ? id : "");
    json_buf_string(&body, data.data ? data.data : "");
    json_buf_puts(&body, ",\"id\":");
    json_buf_string(&body, id ? id : "");
    json_buf_puts(&body, ",\"templateTest\":true}");
    if (body.failed || data.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else reply_text_contents(r, "application/json", body.data);
    json_buf_free(&data);
    json_buf_free(&body);
    free(id);
}

/* The shape:// resources answer with one kind of value each (tests/results, as the shape_*
   tools): shape://json, shape://list and shape://none give the same answers as shape_object,
   shape_list and shape_empty. */
static const unsigned char SHAPE_BYTES[] = {0x00, 0xff, 'h', 'i'};

static void shape_read_text(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_text(r, "hello", SIZE_MAX);
}

static void shape_read_markdown(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_text(r, "# hello", SIZE_MAX);
}

static void shape_read_bytes(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_bytes(r, SHAPE_BYTES, sizeof SHAPE_BYTES);
}

static void shape_read_contents(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_contents(r,
                            "[{\"mimeType\":\"text/csv\",\"text\":\"a,b\"},"
                            "{\"uri\":\"shape://contents/part\",\"mimeType\":\"image/png\",\"blob\":\"aGk=\"}]",
                            SIZE_MAX);
}

struct resource_def {
    const char *uri; /* or the URI template */
    const char *name;
    const char *description;
    const char *mime_type;
    work_fn work;
    int is_template;
};

static const struct resource_def RESOURCES[] = {
    {"test://static-text", "Static Text Resource", "A static text resource for testing", "text/plain",
     resource_static_text, 0},
    {"test://static-binary", "Static Binary Resource", "A static binary resource (a PNG image) for testing",
     "image/png", resource_static_binary, 0},
    {"test://watched-resource", "Watched Resource", "A resource clients can subscribe to", "text/plain",
     resource_watched, 0},
    {"test://example-resource", "Example Resource", "The resource test_prompt_with_embedded_resource is called with",
     "text/plain", resource_example, 0},
    {"test://template/{id}/data", "Template Resource", "A resource template with an `id` parameter",
     "application/json", resource_template, 1},
    {"shape://text", "shape_text", "Result vocabulary: returns the text hello", NULL, shape_read_text, 0},
    {"shape://typed-text", "shape_typed_text", "Result vocabulary: returns markdown text", "text/markdown",
     shape_read_markdown, 0},
    {"shape://bytes", "shape_bytes", "Result vocabulary: returns bytes", NULL, shape_read_bytes, 0},
    {"shape://typed-bytes", "shape_typed_bytes", "Result vocabulary: returns PNG bytes", "image/png",
     shape_read_bytes, 0},
    {"shape://json", "shape_json", "Result vocabulary: returns an object", NULL, shape_object, 0},
    {"shape://list", "shape_list", "Result vocabulary: returns a list", NULL, shape_list, 0},
    {"shape://contents", "shape_contents", "Result vocabulary: returns contents, the first without a URI", NULL,
     shape_read_contents, 0},
    {"shape://none", "shape_none", "Result vocabulary: returns nothing (not found)", NULL, shape_empty, 0},
};

/* ---- Prompts and the completion ----------------------------------------------------- */

#define USER_TEXT(text) "{\"role\":\"user\",\"content\":" TEXT_BLOCK(text) "}"

static void prompt_simple(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_prompt(r, "{\"messages\":[" USER_TEXT("This is a simple prompt for testing.") "]}", SIZE_MAX);
}

/* Appends `{"role":"user","content":{"type":"text","text":<text>}}`. */
static void append_user_text(struct json_buf *b, const char *text) {
    json_buf_puts(b, "{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":");
    json_buf_string(b, text);
    json_buf_puts(b, "}}");
}

/* Answers a prompt with one user text message. */
static void reply_prompt_text(mcpf_responder *r, const char *text) {
    struct json_buf b = {0};
    json_buf_puts(&b, "{\"messages\":[");
    append_user_text(&b, text);
    json_buf_puts(&b, "]}");
    reply_json(r, &b, mcpf_responder_prompt);
}

static void prompt_with_arguments(mcpf_responder *r, const struct binding *b) {
    (void)b;
    char *arg1 = string_arg(r, "arg1", "");
    char *arg2 = string_arg(r, "arg2", "");
    struct json_buf text = {0};
    json_buf_printf(&text, "Prompt with arguments: arg1='%s', arg2='%s'", arg1 ? arg1 : "", arg2 ? arg2 : "");
    if (text.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else reply_prompt_text(r, text.data);
    json_buf_free(&text);
    free(arg1);
    free(arg2);
}

static void prompt_embedded_resource(mcpf_responder *r, const struct binding *b) {
    (void)b;
    char *uri = string_arg(r, "resourceUri", "");
    struct json_buf out = {0};
    json_buf_puts(&out, "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"resource\",\"resource\":{\"uri\":");
    json_buf_string(&out, uri ? uri : "");
    json_buf_puts(&out, ",\"mimeType\":\"text/plain\",\"text\":\"" EMBEDDED_TEXT "\"}}},"
                        USER_TEXT("Please process the embedded resource above.") "]}");
    free(uri);
    reply_json(r, &out, mcpf_responder_prompt);
}

static void prompt_with_image(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_prompt(r, "{\"messages\":[{\"role\":\"user\",\"content\":" IMAGE_BLOCK "},"
                             USER_TEXT("Please analyze the image above.") "]}",
                          SIZE_MAX);
}

static void prompt_input_required(mcpf_responder *r, const struct binding *b) {
    (void)b;
    struct round rd = {.r = r};
    char *answer = ask(&rd, "user_context", ASK_ELICIT, ELICIT("What context should the prompt use?", ONE_STRING_SCHEMA("context")));
    if (answer == NULL) {
        stop_round(&rd);
        return;
    }
    char *context = accepted_field(answer, "context", "no context");
    struct json_buf text = {0};
    json_buf_printf(&text, "Answer using this context: %s", context ? context : "no context");
    if (text.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else reply_prompt_text(r, text.data);
    json_buf_free(&text);
    free(context);
    mcpf_string_free(answer);
}

/* The shape_prompt_* prompts answer with one kind of value each (tests/results);
   shape_prompt_none gives shape_empty's answer. */
static void shape_prompt_text(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_text(r, "hello", SIZE_MAX);
}

static void shape_prompt_list(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_json(r,
                        "[\"hello\",{\"role\":\"assistant\",\"content\":\"hi there\"},"
                        "{\"type\":\"image\",\"data\":\"aGk=\",\"mimeType\":\"image/png\"}]",
                        SIZE_MAX);
}

static void shape_prompt_result(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_prompt(r,
                          "{\"description\":\"A whole result\",\"messages\":[{\"role\":\"assistant\","
                          "\"content\":" TEXT_BLOCK("done") "}]}",
                          SIZE_MAX);
}

struct prompt_def {
    const char *name;
    const char *description;
    const char *arguments; /* JSON array, or NULL */
    work_fn work;
    int threaded;
};

static const struct prompt_def PROMPTS[] = {
    {"test_simple_prompt", "A simple prompt without arguments", NULL, prompt_simple, 0},
    {"test_prompt_with_arguments", "A prompt with two required arguments",
     "[{\"name\":\"arg1\",\"description\":\"First test argument\",\"required\":true},"
     "{\"name\":\"arg2\",\"description\":\"Second test argument\",\"required\":true}]",
     prompt_with_arguments, 0},
    {"test_prompt_with_embedded_resource", "A prompt embedding the resource it is given",
     "[{\"name\":\"resourceUri\",\"description\":\"URI of the resource to embed\",\"required\":true}]",
     prompt_embedded_resource, 0},
    {"test_prompt_with_image", "A prompt with an image", NULL, prompt_with_image, 0},
    {"test_input_required_result_prompt", "Asks the user for context (`user_context`) before rendering", NULL,
     prompt_input_required, 1},
    {"shape_prompt_text", "Result vocabulary: renders the text hello",
     "[{\"name\":\"word\",\"description\":\"A word (the result vocabulary's completion suggests some)\"}]",
     shape_prompt_text, 0},
    {"shape_prompt_list", "Result vocabulary: renders a list of messages", NULL, shape_prompt_list, 0},
    {"shape_prompt_result", "Result vocabulary: renders a whole result", NULL, shape_prompt_result, 0},
    {"shape_prompt_none", "Result vocabulary: renders nothing (an error)", NULL, shape_empty, 0},
};

/* Completes test_prompt_with_arguments's `arg1` from ARG1_COMPLETIONS, by prefix. */
static void complete_arg1(mcpf_responder *r, const struct binding *b) {
    (void)b;
    const char *name, *value;
    size_t name_len, value_len;
    if (mcpf_call_completion_argument(call_of(r), &name, &name_len, &value, &value_len) != MCPF_STATUS_OK) {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, mcpf_last_error_message(), SIZE_MAX);
        return;
    }
    struct json_buf out = {0};
    json_buf_puts(&out, "[");
    int first = 1;
    for (size_t i = 0; strcmp(name, "arg1") == 0 && i < sizeof ARG1_COMPLETIONS / sizeof *ARG1_COMPLETIONS; i++) {
        if (strncmp(ARG1_COMPLETIONS[i], value, value_len) != 0 || strlen(ARG1_COMPLETIONS[i]) < value_len) continue;
        if (!first) json_buf_puts(&out, ",");
        json_buf_string(&out, ARG1_COMPLETIONS[i]);
        first = 0;
    }
    json_buf_puts(&out, "]");
    reply_json(r, &out, mcpf_responder_completion);
}

/* Completes shape_prompt_text's arguments by name: words, mixed values, 150 numbers (the
   library sends 100), or nothing (tests/results). */
static void shape_complete(mcpf_responder *r, const struct binding *b) {
    (void)b;
    const char *name, *value;
    size_t name_len, value_len;
    if (mcpf_call_completion_argument(call_of(r), &name, &name_len, &value, &value_len) != MCPF_STATUS_OK) {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, mcpf_last_error_message(), SIZE_MAX);
        return;
    }
    if (strcmp(name, "word") == 0) {
        mcpf_responder_completion(r, "[\"hello\",\"help\",\"helm\"]", SIZE_MAX);
    } else if (strcmp(name, "mixed") == 0) {
        mcpf_responder_json(r, "[\"a\",1,2.5,true]", SIZE_MAX);
    } else if (strcmp(name, "many") == 0) {
        struct json_buf out = {0};
        json_buf_puts(&out, "[");
        for (int i = 0; i < 150; i++) json_buf_printf(&out, i == 0 ? "%d" : ",%d", i);
        json_buf_puts(&out, "]");
        reply_json(r, &out, mcpf_responder_json);
    } else {
        mcpf_responder_json(r, "null", SIZE_MAX);
    }
}

/* ---- Registration ------------------------------------------------------------------- */

/* A binding for one registration, or NULL when memory runs out. */
static struct binding *new_binding(struct fixture *fx, work_fn work, int threaded) {
    struct binding *b = malloc(sizeof *b);
    if (b != NULL) *b = (struct binding){.fx = fx, .work = work, .threaded = threaded};
    return b;
}

/* Reports a failed call; frees the binding (the library keeps nothing on failure). */
static int registered(mcpf_status st, struct binding *b, const char *what, const char *name) {
    if (st == MCPF_STATUS_OK) return 1;
    free(b);
    fprintf(stderr, "conformance_fixture: %s %s: %s: %s\n", what, name, mcpf_status_str(st), mcpf_last_error_message());
    return 0;
}

static int out_of_memory(const char *what, const char *name) {
    fprintf(stderr, "conformance_fixture: %s %s: out of memory\n", what, name);
    return 0;
}

static int register_tool(struct fixture *fx, const struct tool_def *t) {
    struct binding *b = new_binding(fx, t->work, t->threaded);
    if (b == NULL) return out_of_memory("tool", t->name);
    return registered(mcpf_server_add_tool_json(fx->server, t->definition, SIZE_MAX, dispatch, b, free), b, "tool",
                      t->name);
}

static int register_prompt(struct fixture *fx, const struct prompt_def *p) {
    struct binding *b = new_binding(fx, p->work, p->threaded);
    if (b == NULL) return out_of_memory("prompt", p->name);
    return registered(mcpf_server_add_prompt(fx->server, p->name, SIZE_MAX, p->description, SIZE_MAX, p->arguments,
                                             SIZE_MAX, dispatch, b, free),
                      b, "prompt", p->name);
}

static int register_tool_named(struct fixture *fx, const char *name) {
    for (size_t i = 0; i < sizeof TOOLS / sizeof *TOOLS; i++) {
        if (strcmp(TOOLS[i].name, name) == 0) return register_tool(fx, &TOOLS[i]);
    }
    return 0;
}

static int register_prompt_named(struct fixture *fx, const char *name) {
    for (size_t i = 0; i < sizeof PROMPTS / sizeof *PROMPTS; i++) {
        if (strcmp(PROMPTS[i].name, name) == 0) return register_prompt(fx, &PROMPTS[i]);
    }
    return 0;
}

static int register_resource(struct fixture *fx, const struct resource_def *d) {
    struct binding *b = new_binding(fx, d->work, 0);
    if (b == NULL) return out_of_memory("resource", d->uri);
    mcpf_status st;
    if (d->is_template) {
        st = mcpf_server_add_resource_template(fx->server, d->uri, SIZE_MAX, d->name, SIZE_MAX, d->description,
                                               SIZE_MAX, d->mime_type, SIZE_MAX, dispatch, b, free);
    } else {
        st = mcpf_server_add_resource(fx->server, d->uri, SIZE_MAX, d->name, SIZE_MAX, d->description, SIZE_MAX,
                                      d->mime_type, SIZE_MAX, dispatch, b, free);
    }
    return registered(st, b, "resource", d->uri);
}

/* Registers `work` as the completion provider of the prompt `prompt`. */
static int register_completion(struct fixture *fx, const char *prompt, work_fn work) {
    struct binding *b = new_binding(fx, work, 0);
    if (b == NULL) return out_of_memory("completion for", prompt);
    return registered(mcpf_server_add_completion(fx->server, "ref/prompt", SIZE_MAX, prompt, SIZE_MAX, dispatch, b, free),
                      b, "completion for", prompt);
}

/* MCP Apps and skills, as in every language's fixture (tests/apps_skills): the app, the
 * tool that shows its result in it, and the skills of examples/data/skills. */
#define SKILLS_DIR "examples/data/skills"
static const char APP_JSON[] =
    "{\"uri\":\"ui://conformance/app.html\",\"name\":\"conformance app\","
    "\"html\":\"<!doctype html><html><body><p id=\\\"result\\\">waiting</p></body></html>\","
    "\"csp\":{\"connectDomains\":[\"https://api.example.com\"]},\"prefersBorder\":true}";

static void app_tool(mcpf_responder *r, const struct binding *b) {
    (void)b;
    mcpf_responder_text(r, "shown in the app", SIZE_MAX);
}

static const struct tool_def APP_TOOL = {
    "test_app_tool",
    "{\"name\":\"test_app_tool\",\"description\":\"MCP Apps: answers a text that its app shows\","
    "\"inputSchema\":{\"type\":\"object\"},\"ui\":\"ui://conformance/app.html\"}",
    app_tool, 0};

/* The skills directory: from the repository root (where the tests and the conformance run
 * start the fixture), else from where the binary sits in the build (target/c/). */
static void skills_dir(char *out, size_t size) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    struct stat st;
    if (stat(SKILLS_DIR, &st) == 0 || n <= 0) {
        snprintf(out, size, "%s", SKILLS_DIR);
        return;
    }
    exe[n] = '\0';
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(exe, '/');
        if (slash != NULL) *slash = '\0';
    }
    snprintf(out, size, "%s/%s", exe, SKILLS_DIR);
}

static int register_apps_and_skills(struct fixture *fx) {
    char dir[PATH_MAX + 32];
    skills_dir(dir, sizeof dir);
    int ok = registered(mcpf_server_add_app(fx->server, APP_JSON, SIZE_MAX, NULL, NULL, NULL), NULL, "app", "ui");
    if (ok) ok = register_tool(fx, &APP_TOOL);
    if (ok) ok = registered(mcpf_server_add_skills_dir(fx->server, dir, SIZE_MAX), NULL, "skills", dir);
    return ok;
}

static int register_all(struct fixture *fx) {
    int ok = registered(mcpf_server_set_instructions(fx->server, INSTRUCTIONS, SIZE_MAX), NULL, "set", "instructions");
    for (size_t i = 0; ok && i < sizeof TOOLS / sizeof *TOOLS; i++) ok = register_tool(fx, &TOOLS[i]);
    for (size_t i = 0; ok && i < sizeof RESOURCES / sizeof *RESOURCES; i++) ok = register_resource(fx, &RESOURCES[i]);
    for (size_t i = 0; ok && i < sizeof PROMPTS / sizeof *PROMPTS; i++) ok = register_prompt(fx, &PROMPTS[i]);
    if (ok) ok = register_completion(fx, "test_prompt_with_arguments", complete_arg1);
    if (ok) ok = register_completion(fx, "shape_prompt_text", shape_complete);
    if (ok) ok = register_apps_and_skills(fx);
    return ok;
}

/* Serves over HTTP at `bind` (HOST:PORT), or over stdio when `bind` is NULL. */
static mcpf_status serve(mcpf_server *server, const char *bind) {
    if (bind == NULL) return mcpf_server_run_stdio(server);
    struct json_buf options = {0};
    json_buf_puts(&options, "{\"bind\":");
    json_buf_string(&options, bind);
    /* WebSocket too: the cross-language WebSocket tests drive the fixtures. */
    json_buf_puts(&options, ",\"websocket\":true}");
    mcpf_status st = options.failed ? MCPF_STATUS_INTERNAL : mcpf_server_run_http(server, options.data, options.len);
    json_buf_free(&options);
    return st;
}

int main(int argc, char **argv) {
    const char *bind = NULL;
    if (argc == 3 && strcmp(argv[1], "--http") == 0) {
        bind = argv[2];
    } else if (argc != 1) {
        fputs(USAGE, stderr);
        return 2;
    }
    struct fixture fx = {.server = NULL, .running = 0, .closed = 0};
    if (pthread_mutex_init(&fx.lock, NULL) != 0) return 1;
    if (pthread_cond_init(&fx.idle, NULL) != 0) {
        pthread_mutex_destroy(&fx.lock);
        return 1;
    }
    int status = 1;
    mcpf_status st = mcpf_server_new(SERVER_NAME, SIZE_MAX, SERVER_VERSION, SIZE_MAX, &fx.server);
    if (registered(st, NULL, "create", "server") && register_all(&fx)) {
        st = serve(fx.server, bind);
        status = st == MCPF_STATUS_OK ? 0 : 2;
        if (st != MCPF_STATUS_OK) {
            fprintf(stderr, "conformance_fixture: serving: %s: %s\n", mcpf_status_str(st), mcpf_last_error_message());
        }
    }
    /* Serving is over: let the running jobs finish (their responders belong to the server),
     * then free the server, which frees every binding. */
    close_jobs(&fx);
    mcpf_server_free(fx.server);
    pthread_cond_destroy(&fx.idle);
    pthread_mutex_destroy(&fx.lock);
    return status;
}

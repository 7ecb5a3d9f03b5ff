/*
 * worker_server.c - the worker-thread pattern: tool callbacks never block; they put the
 * responder on a small pthread work queue and return at once, and a pool of worker threads
 * completes the calls later, reading the arguments and reporting progress through
 * mcpf_responder_call. Two tools:
 *
 *   slow_square {n}    sleeps ~50 ms, then answers with n*n
 *   progress {steps}   sleeps ~10 ms per step, sending notifications/progress after each
 *                      (when the client gave a progressToken), then answers "done: N steps"
 *
 * The queue is work_queue.h. On stdin EOF mcpf_server_run_stdio returns; main then closes
 * the queue, lets the workers finish every queued call, joins them and frees the server.
 *
 * Build (from the repository root): make c-examples
 * Run:   ./target/c/worker_server   (speaks MCP on stdin/stdout)
 */
#include <mcpforge.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "work_queue.h"

#define WORKERS 4

enum job_kind { JOB_SLOW_SQUARE, JOB_PROGRESS };

struct job {
    enum job_kind kind;
    mcpf_responder *responder; /* owned by the job until a worker completes it */
    struct work_item item;     /* its place in the queue */
};

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The integer value of "key" in the compact JSON arguments (already validated against the
 * tool's input schema by the engine, so the key is there and holds an integer). */
static long long int_arg(const mcpf_call *call, const char *key) {
    const char *args;
    size_t len;
    if (mcpf_call_arguments(call, &args, &len) != MCPF_STATUS_OK) return 0;
    char pattern[32];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(args, pattern);
    return at ? strtoll(at + strlen(pattern), NULL, 10) : 0;
}

static void run_slow_square(mcpf_responder *r) {
    const mcpf_call *call = mcpf_responder_call(r);
    long long n = int_arg(call, "n");
    sleep_ms(50);
    if (mcpf_call_is_cancelled(call)) {
        /* Nobody waits for the answer any more: free the responder without one. */
        mcpf_responder_free(r);
        return;
    }
    char text[32];
    snprintf(text, sizeof text, "%lld", n * n);
    mcpf_responder_text(r, text, SIZE_MAX);
}

static void run_progress(mcpf_responder *r) {
    const mcpf_call *call = mcpf_responder_call(r);
    long long steps = int_arg(call, "steps");
    for (long long i = 1; i <= steps; i++) {
        sleep_ms(10);
        if (mcpf_call_is_cancelled(call)) {
            mcpf_responder_free(r);
            return;
        }
        char message[64];
        snprintf(message, sizeof message, "step %lld of %lld", i, steps);
        /* Does nothing when the client did not ask for progress. */
        mcpf_call_report_progress(call, (double)i, (double)steps, message, SIZE_MAX);
    }
    char text[64];
    snprintf(text, sizeof text, "done: %lld steps", steps);
    mcpf_responder_text(r, text, SIZE_MAX);
}

static void *worker(void *arg) {
    struct work_queue *q = arg;
    struct work_item *item;
    while ((item = work_queue_pop(q)) != NULL) {
        struct job *job = work_queue_entry(item, struct job, item);
        if (job->kind == JOB_SLOW_SQUARE) run_slow_square(job->responder);
        else run_progress(job->responder);
        free(job);
    }
    return NULL;
}

/* The tool callbacks: hand the responder to the queue and return. */
static void enqueue(enum job_kind kind, mcpf_responder *r, struct work_queue *q) {
    struct job *job = malloc(sizeof *job);
    if (job == NULL) {
        mcpf_responder_tool_error(r, "out of memory", SIZE_MAX);
        return;
    }
    job->kind = kind;
    job->responder = r;
    if (!work_queue_push(q, &job->item)) {
        free(job);
        mcpf_responder_tool_error(r, "the server is shutting down", SIZE_MAX);
    }
}

static void slow_square(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call; /* borrowed only until we return: the worker uses mcpf_responder_call(r) */
    enqueue(JOB_SLOW_SQUARE, r, user_data);
}

static void progress(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    enqueue(JOB_PROGRESS, r, user_data);
}

static int check(mcpf_status status, const char *what) {
    if (status != MCPF_STATUS_OK) {
        fprintf(stderr, "worker_server: %s: %s: %s\n", what, mcpf_status_str(status), mcpf_last_error_message());
        return 1;
    }
    return 0;
}

int main(void) {
    struct work_queue q;
    if (work_queue_init(&q) != 0) return 1;
    pthread_t threads[WORKERS];
    int started = 0;
    while (started < WORKERS && pthread_create(&threads[started], NULL, worker, &q) == 0) started++;

    mcpf_server *server = NULL;
    int failed = started == 0;
    failed = failed || check(mcpf_server_new("worker-server", SIZE_MAX, "1.0.0", SIZE_MAX, &server), "mcpf_server_new");
    /* user_data is the queue, which outlives the server: no finalizer. */
    failed = failed || check(mcpf_server_add_tool(server, "slow_square", SIZE_MAX, "Square n, slowly (on a worker thread)",
                                                  SIZE_MAX,
                                                  "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\","
                                                  "\"minimum\":-1000000,\"maximum\":1000000}},\"required\":[\"n\"]}",
                                                  SIZE_MAX, slow_square, &q, NULL),
                             "add slow_square");
    failed = failed || check(mcpf_server_add_tool(server, "progress", SIZE_MAX,
                                                  "Count steps on a worker thread, reporting progress", SIZE_MAX,
                                                  "{\"type\":\"object\",\"properties\":{\"steps\":{\"type\":\"integer\","
                                                  "\"minimum\":1,\"maximum\":100}},\"required\":[\"steps\"]}",
                                                  SIZE_MAX, progress, &q, NULL),
                             "add progress");
    failed = failed || check(mcpf_server_run_stdio(server), "mcpf_server_run_stdio");

    /* Serving is over (stdin EOF, a signal, or an error): finish the queued calls, stop the
     * workers, and only then free the server (no responder outlives it). */
    work_queue_close(&q);
    for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
    mcpf_server_free(server);
    work_queue_destroy(&q);
    return failed;
}

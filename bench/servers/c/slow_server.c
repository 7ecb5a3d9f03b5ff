/*
 * slow_server.c - a benchmark-only mcpforge server in C with one tool, `slow`, which takes
 * 10 ms to answer. Used by the slow-handler workload of `make bench-peers`
 * (docs/BENCHMARKS.md) to show whether concurrent calls overlap.
 *
 * A C callback must not block the engine (see include/mcpforge.h), so `slow` does what the
 * header asks of blocking work: it hands the responder to a thread of its own, which
 * sleeps and then completes the call. On stdin EOF mcpf_server_run_stdio returns; main
 * waits until every call thread has finished before it frees the server.
 *
 * Build (from the repository root): make bench-servers (mk/bench.mk), into target/bench/c/
 */
#include <mcpforge.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Call threads still running; main waits for zero. */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t running_done = PTHREAD_COND_INITIALIZER;
static int running = 0;

static void running_add(int delta) {
    pthread_mutex_lock(&running_lock);
    running += delta;
    if (running == 0) pthread_cond_broadcast(&running_done);
    pthread_mutex_unlock(&running_lock);
}

/* Sleeps 10 ms, then answers. Owns the responder. */
static void *finish_slow(void *arg) {
    mcpf_responder *r = arg;
    struct timespec ts = {0, 10 * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
    mcpf_responder_text(r, "done", SIZE_MAX);
    running_add(-1);
    return NULL;
}

/* slow {}: returns at once; a detached thread completes the call 10 ms later. */
static void slow(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    pthread_t thread;
    pthread_attr_t attr;
    running_add(1);
    int started = pthread_attr_init(&attr) == 0 && pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
                  pthread_create(&thread, &attr, finish_slow, r) == 0;
    pthread_attr_destroy(&attr);
    if (!started) {
        running_add(-1);
        mcpf_responder_tool_error(r, "cannot start a thread", SIZE_MAX);
    }
}

int main(void) {
    mcpf_server *server = NULL;
    if (mcpf_server_new("mcpforge-bench-slow-c", SIZE_MAX, "0", SIZE_MAX, &server) != MCPF_STATUS_OK) {
        fprintf(stderr, "slow_server: %s\n", mcpf_last_error_message());
        return 1;
    }
    mcpf_status status = mcpf_server_add_tool(server, "slow", SIZE_MAX, "Take 10 ms, then answer `done`", SIZE_MAX,
                                              "{\"type\":\"object\",\"properties\":{}}", SIZE_MAX, slow, NULL, NULL);
    if (status == MCPF_STATUS_OK) status = mcpf_server_run_stdio(server);
    if (status != MCPF_STATUS_OK) fprintf(stderr, "slow_server: %s\n", mcpf_last_error_message());
    pthread_mutex_lock(&running_lock);
    while (running > 0) pthread_cond_wait(&running_done, &running_lock);
    pthread_mutex_unlock(&running_lock);
    mcpf_server_free(server);
    return status == MCPF_STATUS_OK ? 0 : 1;
}

/*
 * test_client_oauth.c - the C client through the engine's OAuth flow, driven by
 * tests/oauth/test_c_client.py (which runs the real authorization server and a protected
 * quickstart, and plays the user and the token store).
 *
 * Usage: test_client_oauth URL OAUTH_JSON
 *
 * Connects to URL with {"oauth": OAUTH_JSON} and calls the tool `add` {a: 2, b: 3}, then
 * waits for a line `again` and makes eight calls at once from eight threads, then closes.
 * Each question of the OAuth callback is written on stdout as `ask N QUESTION PARAMS_JSON`
 * and the callback returns at once, leaving its answer handle to the thread reading stdin,
 * which answers `json N JSON` with mcpf_client_oauth_answer_json and `string N TEXT` with
 * mcpf_client_oauth_answer_string. Each tool result is written as `result TEXT`; the end as
 * `done`. Exit status 0 when every check passed.
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

#define MAX_ASKS 64
#define CALLS 8
/* How long the program waits for the driver's `again`. */
#define AGAIN_WAIT_S 60

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t said_again = PTHREAD_COND_INITIALIZER;
static int again = 0;
static mcpf_client_oauth_answer *pending[MAX_ASKS];
static int asked = 0;

/* The OAuth callback: notes the handle, tells the driver, returns without answering. */
static void on_oauth(const char *question, size_t question_len, const char *params, size_t params_len,
                     mcpf_client_oauth_answer *answer, void *user_data) {
    CHECK(user_data == (void *)&asked);
    pthread_mutex_lock(&lock);
    int n = asked < MAX_ASKS ? asked++ : -1;
    if (n >= 0) pending[n] = answer;
    printf("ask %d %.*s %.*s\n", n, (int)question_len, question, (int)params_len, params);
    fflush(stdout);
    pthread_mutex_unlock(&lock);
    if (n < 0) CHECK_STATUS(mcpf_client_oauth_answer_error(answer, "too many questions", SIZE_MAX), MCPF_STATUS_OK);
}

/* The handle of question `n`, taken (NULL when unknown or answered). */
static mcpf_client_oauth_answer *take(int n) {
    pthread_mutex_lock(&lock);
    mcpf_client_oauth_answer *answer = n >= 0 && n < MAX_ASKS ? pending[n] : NULL;
    if (answer) pending[n] = NULL;
    pthread_mutex_unlock(&lock);
    return answer;
}

/* Reads the driver's lines until stdin ends. */
static void *read_driver(void *arg) {
    (void)arg;
    static char line[256 * 1024];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        int n = -1, at = 0;
        if (strcmp(line, "again") == 0) {
            pthread_mutex_lock(&lock);
            again = 1;
            pthread_cond_signal(&said_again);
            pthread_mutex_unlock(&lock);
        } else if (sscanf(line, "json %d %n", &n, &at) == 1 && at > 0) {
            mcpf_client_oauth_answer *answer = take(n);
            CHECK_STATUS(mcpf_client_oauth_answer_json(answer, line + at, SIZE_MAX), MCPF_STATUS_OK);
            /* The handle is consumed: a second answer is refused, safely. */
            CHECK_STATUS(mcpf_client_oauth_answer_json(answer, "null", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
        } else if (sscanf(line, "string %d %n", &n, &at) == 1 && at > 0) {
            CHECK_STATUS(mcpf_client_oauth_answer_string(take(n), line + at, SIZE_MAX), MCPF_STATUS_OK);
        } else {
            fprintf(stderr, "test_client_oauth: unknown line from the driver: %s\n", line);
            failures++;
        }
    }
    return NULL;
}

/* Calls `add` {2, 3} and writes its result. */
static void *add(void *arg) {
    const mcpf_client *client = arg;
    char *out = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_client_call_tool(client, "add", SIZE_MAX, "{\"a\":2,\"b\":3}", SIZE_MAX, NULL, &out, &len),
                 MCPF_STATUS_OK);
    check_contains(out, "\"text\":\"5\"");
    pthread_mutex_lock(&lock);
    printf("result %s\n", out ? out : "(none)");
    fflush(stdout);
    pthread_mutex_unlock(&lock);
    mcpf_string_free(out);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: test_client_oauth URL OAUTH_JSON\n");
        return 2;
    }
    size_t cap = strlen(argv[2]) + 32;
    char *options = malloc(cap);
    snprintf(options, cap, "{\"oauth\":%s}", argv[2]);
    pthread_t reader;
    CHECK(pthread_create(&reader, NULL, read_driver, NULL) == 0);

    mcpf_client_config *config = NULL;
    CHECK_STATUS(mcpf_client_config_new("c-oauth-test", SIZE_MAX, "1.0.0", SIZE_MAX, NULL, 0, &config), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_client_config_on_oauth(NULL, on_oauth, NULL, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_client_config_on_oauth(config, on_oauth, &asked, NULL), MCPF_STATUS_OK);
    mcpf_client *client = NULL;
    CHECK_STATUS(mcpf_client_connect_http(config, argv[1], SIZE_MAX, options, SIZE_MAX, &client), MCPF_STATUS_OK);
    mcpf_client_config_free(config);
    free(options);
    if (client != NULL) {
        add(client);
        pthread_mutex_lock(&lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += AGAIN_WAIT_S;
        int waited = 0;
        while (!again && waited != ETIMEDOUT) waited = pthread_cond_timedwait(&said_again, &lock, &until);
        pthread_mutex_unlock(&lock);
        CHECK(again);
        pthread_t calls[CALLS];
        for (int i = 0; i < CALLS; i++) CHECK(pthread_create(&calls[i], NULL, add, client) == 0);
        for (int i = 0; i < CALLS; i++) pthread_join(calls[i], NULL);
        mcpf_client_free(client);
    } else {
        fprintf(stderr, "test_client_oauth: not connected: %s\n", mcpf_last_error_message());
    }
    printf("done\n");
    fflush(stdout);
    /* The driver closes stdin once it read `done`. */
    pthread_join(reader, NULL);
    for (int i = 0; i < MAX_ASKS; i++) CHECK(pending[i] == NULL);
    return check_summary("test_client_oauth");
}

/*
 * test_worker.c - drives examples/c/worker_server over real pipes: sends a batch of
 * concurrent calls (completed on the server's worker threads, in any order), checks every
 * response and progress notification exactly, then closes stdin with calls still in flight
 * and checks that they are all answered before the server exits cleanly.
 *
 * Usage: test_worker WORKER_SERVER_PATH   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "child.h"

/*
 * An expected set of lines that may arrive in any order, except that each line with a
 * non-zero `group` must arrive after every earlier line of the same group (progress
 * notifications in order, then the response of their call).
 */
struct expect {
    const char *line;
    int group;
    int seen;
};

/* Reads lines until every expected line has arrived (at most `n` + 8 lines). */
static void expect_all(struct child *c, struct expect *e, size_t n) {
    size_t remaining = n;
    for (size_t read = 0; remaining > 0 && read < n + 8; read++) {
        char *line = read_line(c);
        if (line == NULL) break;
        size_t i = 0;
        while (i < n && (e[i].seen || strcmp(e[i].line, line) != 0)) i++;
        checks++;
        if (i == n) {
            failures++;
            fprintf(stderr, "unexpected line: %s\n", line);
        } else {
            e[i].seen = 1;
            remaining--;
            for (size_t j = 0; j < i; j++) {
                if (e[i].group != 0 && e[j].group == e[i].group && !e[j].seen) {
                    failures++;
                    fprintf(stderr, "out of order: %s\n  arrived before: %s\n", line, e[j].line);
                }
            }
        }
        free(line);
    }
    for (size_t i = 0; i < n; i++) {
        checks++;
        if (!e[i].seen) {
            failures++;
            fprintf(stderr, "missing line: %s\n", e[i].line);
        }
    }
}

#define INIT_RESULT                                                                                          \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"capabilities\":{\"logging\":{},\"tools\":{\"listChanged\":true}}," \
    "\"protocolVersion\":\"2025-11-25\",\"serverInfo\":{\"name\":\"worker-server\",\"version\":\"1.0.0\"}}}"
#define CALL_WITH_TOKEN(id, name, args, token)                                                        \
    "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"method\":\"tools/call\",\"params\":{\"name\":\"" name "\"," \
    "\"arguments\":" args ",\"_meta\":{\"progressToken\":" token "}}}"
#define PROGRESS(token, step, total)                                                                       \
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"message\":\"step " #step " of " #total \
    "\",\"progress\":" #step ".0,\"progressToken\":" token ",\"total\":" #total ".0}}"

static void test_concurrent_calls(const char *server) {
    struct child c;
    char *argv[] = {(char *)server, NULL};
    CHECK(spawn(&c, argv) == 0);
    send_line(&c, INIT);
    char *line = read_line(&c);
    CHECK(line != NULL && strcmp(line, INIT_RESULT) == 0);
    if (line && strcmp(line, INIT_RESULT) != 0) fprintf(stderr, "initialize: got %s\n", line);
    free(line);
    send_line(&c, INITIALIZED);

    /* One batch, written before any answer is read: the callbacks queue every call at once
     * and the workers complete them in whatever order they finish. */
    static const char *batch[] = {
        CALL(2, "slow_square", "{\"n\":0}"),
        CALL(3, "slow_square", "{\"n\":7}"),
        CALL(4, "slow_square", "{\"n\":-12}"),
        CALL(5, "slow_square", "{\"n\":1000000}"),
        CALL_WITH_TOKEN(6, "progress", "{\"steps\":3}", "\"p\""),
        CALL(7, "slow_square", "{\"n\":25}"),
        CALL_WITH_TOKEN(8, "progress", "{\"steps\":2}", "8"),
        CALL(9, "progress", "{\"steps\":2}"),
        CALL(10, "slow_square", "{\"n\":\"x\"}"),
        CALL(11, "slow_square", "{\"n\":1000001}"),
        CALL(12, "slow_square", "{\"n\":3}"),
        CALL(13, "nope", "{}"),
    };
    for (size_t i = 0; i < sizeof batch / sizeof batch[0]; i++) send_line(&c, batch[i]);

    struct expect e[] = {
        {TEXT_RESULT(2, "0"), 0, 0},
        {TEXT_RESULT(3, "49"), 0, 0},
        {TEXT_RESULT(4, "144"), 0, 0},
        {TEXT_RESULT(5, "1000000000000"), 0, 0},
        {PROGRESS("\"p\"", 1, 3), 1, 0},
        {PROGRESS("\"p\"", 2, 3), 1, 0},
        {PROGRESS("\"p\"", 3, 3), 1, 0},
        {TEXT_RESULT(6, "done: 3 steps"), 1, 0},
        {TEXT_RESULT(7, "625"), 0, 0},
        {PROGRESS("8", 1, 2), 2, 0},
        {PROGRESS("8", 2, 2), 2, 0},
        {TEXT_RESULT(8, "done: 2 steps"), 2, 0},
        /* No progress token: no notifications, just the answer. */
        {TEXT_RESULT(9, "done: 2 steps"), 0, 0},
        /* The engine validates arguments before the callback: these never reach the queue. */
        {"{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Invalid arguments for "
         "tool slow_square: /n: \\\"x\\\" is not of type \\\"integer\\\"\"}],\"isError\":true}}",
         0, 0},
        {"{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Invalid arguments for "
         "tool slow_square: /n: 1000001 is greater than the maximum of 1000000\"}],\"isError\":true}}",
         0, 0},
        {TEXT_RESULT(12, "9"), 0, 0},
        {"{\"jsonrpc\":\"2.0\",\"id\":13,\"error\":{\"code\":-32602,\"message\":\"Invalid params: Unknown tool: nope\"}}", 0, 0},
    };
    expect_all(&c, e, sizeof e / sizeof e[0]);

    /* EOF with calls still queued or running: every one is answered, then a clean exit. */
    send_line(&c, CALL(20, "slow_square", "{\"n\":20}"));
    send_line(&c, CALL(21, "slow_square", "{\"n\":21}"));
    send_line(&c, CALL_WITH_TOKEN(22, "progress", "{\"steps\":2}", "\"q\""));
    send_line(&c, CALL(23, "slow_square", "{\"n\":23}"));
    send_line(&c, CALL(24, "slow_square", "{\"n\":24}"));
    send_line(&c, CALL(25, "slow_square", "{\"n\":25}"));
    close_stdin(&c);
    struct expect tail[] = {
        {TEXT_RESULT(20, "400"), 0, 0},
        {TEXT_RESULT(21, "441"), 0, 0},
        {PROGRESS("\"q\"", 1, 2), 1, 0},
        {PROGRESS("\"q\"", 2, 2), 1, 0},
        {TEXT_RESULT(22, "done: 2 steps"), 1, 0},
        {TEXT_RESULT(23, "529"), 0, 0},
        {TEXT_RESULT(24, "576"), 0, 0},
        {TEXT_RESULT(25, "625"), 0, 0},
    };
    expect_all(&c, tail, sizeof tail / sizeof tail[0]);
    finish(&c, 1);
}

/* EOF right after initialize: the idle workers are stopped and the server exits cleanly. */
static void test_idle_eof(const char *server) {
    struct child c;
    char *argv[] = {(char *)server, NULL};
    CHECK(spawn(&c, argv) == 0);
    send_line(&c, INIT);
    char *line = read_line(&c);
    CHECK(line != NULL && strcmp(line, INIT_RESULT) == 0);
    free(line);
    close_stdin(&c);
    finish(&c, 1);
}

static void timed_out(int sig) {
    (void)sig;
    static const char msg[] = "test_worker: timed out waiting for the server\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(1);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s WORKER_SERVER_PATH\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    /* Bounds every blocking read (generous: valgrind runs this too). */
    signal(SIGALRM, timed_out);
    alarm(300);
    test_concurrent_calls(argv[1]);
    test_idle_eof(argv[1]);
    return check_summary("test_worker");
}

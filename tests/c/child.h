/*
 * child.h - the client side of the C tests' stdio sessions: a server started as a child
 * process on pipes, driven one JSON-RPC line at a time, and the message macros the tests
 * write their exact expected lines with. Include after check.h, from one translation unit.
 */
#ifndef MCPFORGE_TESTS_CHILD_H
#define MCPFORGE_TESTS_CHILD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

struct child {
    pid_t pid;
    int to_child;
    FILE *from_child;
};

static inline int spawn(struct child *c, char *const argv[]) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execv(argv[0], argv);
        perror("execv");
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    c->pid = pid;
    c->to_child = in[1];
    c->from_child = fdopen(out[0], "r");
    return c->from_child ? 0 : -1;
}

/* Writes one line to the child's stdin. */
static inline void send_line(struct child *c, const char *line) {
    size_t len = strlen(line);
    CHECK(write(c->to_child, line, len) == (ssize_t)len);
    CHECK(write(c->to_child, "\n", 1) == 1);
}

/* One line from the child without its newline (caller frees), or NULL at EOF. */
static inline char *read_line(struct child *c) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, c->from_child);
    if (n <= 0) {
        free(line);
        return NULL;
    }
    if (line[n - 1] == '\n') line[n - 1] = '\0';
    return line;
}

/* Sends one line (unless `request` is NULL); when `expected` is not NULL reads one line and
 * compares it exactly (a NULL `expected` with a non-NULL `prefix` checks only the start). */
static inline void exchange(struct child *c, const char *request, const char *expected, const char *prefix) {
    if (request != NULL) {
        size_t len = strlen(request);
        CHECK(write(c->to_child, request, len) == (ssize_t)len);
        CHECK(write(c->to_child, "\n", 1) == 1);
    }
    if (expected == NULL && prefix == NULL) return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, c->from_child);
    CHECK(n > 0);
    if (n > 0) {
        if (line[n - 1] == '\n') line[n - 1] = '\0';
        int ok = expected ? strcmp(line, expected) == 0 : strncmp(line, prefix, strlen(prefix)) == 0;
        checks++;
        if (!ok) {
            failures++;
            fprintf(stderr, "response mismatch\n  request:  %s\n  got:      %s\n  expected: %s\n", request, line,
                    expected ? expected : prefix);
        }
    }
    free(line);
}

/* Closes the child's stdin (EOF for the server); a second call does nothing. */
static inline void close_stdin(struct child *c) {
    if (c->to_child >= 0) {
        close(c->to_child);
        c->to_child = -1;
    }
}

/* Expects no further output and a zero exit status; `eof_first` closes stdin before
 * reading (otherwise the server must stop by itself, e.g. on a signal). */
static inline void finish(struct child *c, int eof_first) {
    if (eof_first) close_stdin(c);
    char *line = read_line(c);
    CHECK(line == NULL);
    if (line != NULL) fprintf(stderr, "unexpected output: %s\n", line);
    free(line);
    fclose(c->from_child);
    close_stdin(c);
    int status = 0;
    CHECK(waitpid(c->pid, &status, 0) == c->pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#define INIT                                                                                            \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"," \
    "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}"
#define INITIALIZED "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
#define CALL(id, name, args)                                                                          \
    "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"method\":\"tools/call\",\"params\":{\"name\":\"" name "\"," \
    "\"arguments\":" args "}}"
#define TEXT_RESULT(id, text) \
    "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" text "\"}]}}"

#define REQ(id, method, params) \
    "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"method\":\"" method "\",\"params\":" params "}"
#define RESULT(id, result) "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"result\":" result "}"
#define ERROR(id, error) "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"error\":" error "}"
#define READ(id, uri) REQ(id, "resources/read", "{\"uri\":\"" uri "\"}")

#define META_2026                                                                                           \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                                 \
    "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\"," \
    "\"version\":\"1\"}}"

#endif

/*
 * check.h - the check counters and CHECK macro shared by the C test programs. Include it
 * once, from the test program's only translation unit.
 */
#ifndef MCPFORGE_TESTS_CHECK_H
#define MCPFORGE_TESTS_CHECK_H

#include <mcpforge.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
static int checks = 0;

/* Counts a check; on failure prints where and what, and counts the failure. */
#define CHECK(cond)                                                                   \
    do {                                                                              \
        checks++;                                                                     \
        if (!(cond)) {                                                                \
            failures++;                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                             \
    } while (0)

/* Counts a check that `expr` returns the status `expected`; on failure prints both and the
 * last error message. */
#define CHECK_STATUS(expr, expected)                                                             \
    do {                                                                                         \
        mcpf_status got_ = (expr);                                                               \
        checks++;                                                                                \
        if (got_ != (expected)) {                                                                \
            failures++;                                                                          \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__, #expr, \
                    mcpf_status_str(got_), mcpf_status_str(expected), mcpf_last_error_message());   \
        }                                                                                        \
    } while (0)

/* Checks that `text` contains `part`, printing both when it does not. */
static inline void check_contains(const char *text, const char *part) {
    checks++;
    if (text == NULL || strstr(text, part) == NULL) {
        failures++;
        fprintf(stderr, "expected text containing\n  %s\ngot\n  %s\n", part, text ? text : "(EOF)");
    }
}

/* Checks that `text` does not contain `part`, printing both when it does. */
static inline void check_absent(const char *text, const char *part) {
    checks++;
    if (text != NULL && strstr(text, part) != NULL) {
        failures++;
        fprintf(stderr, "unexpected \"%s\" in\n  %s\n", part, text);
    }
}

/* Prints how the checks went for the test program `name`; its exit status (0: all passed). */
static inline int check_summary(const char *name) {
    if (failures) {
        fprintf(stderr, "%s: %d of %d checks failed\n", name, failures, checks);
        return 1;
    }
    printf("%s: %d checks passed\n", name, checks);
    return 0;
}

#endif

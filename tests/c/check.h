/*
 * check.h - the check counters and CHECK macro shared by the C test programs. Include it
 * once, from the test program's only translation unit.
 */
#ifndef MCPFORGE_TESTS_CHECK_H
#define MCPFORGE_TESTS_CHECK_H

#include <stdio.h>

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

#endif

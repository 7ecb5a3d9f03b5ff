/*
 * test_ffi.c - the C API's tests: a plain C program (no framework) that calls every
 * exported function, including its NULL, invalid-UTF-8 and invalid-JSON paths, then runs
 * real stdio sessions against itself (`test_ffi --serve`: tools, resources, resource
 * templates, prompts and completions, on a legacy and a 2026-07-28 session) and against
 * the quickstart example, checking the exact response lines.
 *
 * Usage: test_ffi QUICKSTART_PATH   (exit status 0 when every check passes)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "child.h"

static const char *OBJECT_SCHEMA = "{\"type\":\"object\"}";

/* ---- user_data finalizer bookkeeping ---- */

static int freed_count = 0;
static void count_free(void *user_data) {
    freed_count++;
    CHECK(user_data == (void *)&freed_count);
}

static void never_called(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_free(r);
}

/* ---- in-process checks (no session) ---- */

/* The engine's protocol versions: one static JSON text. */
static void test_protocol_versions(void) {
    const char *versions = mcpf_protocol_versions();
    CHECK(strstr(versions, "\"latest\":\"2025-11-25\"") != NULL);
    CHECK(strstr(versions, "\"stateless\":\"2026-07-28\"") != NULL);
    CHECK(strstr(versions, "\"handshake\":[\"2025-11-25\",\"2025-06-18\",\"2025-03-26\",\"2024-11-05\"]") != NULL);
    CHECK(versions == mcpf_protocol_versions());
}

static void test_status_and_errors(void) {
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_OK), "MCPF_STATUS_OK") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_NULL_PARAMETER), "MCPF_STATUS_NULL_PARAMETER") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INVALID_UTF8), "MCPF_STATUS_INVALID_UTF8") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INVALID_JSON), "MCPF_STATUS_INVALID_JSON") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INVALID_ARGUMENT), "MCPF_STATUS_INVALID_ARGUMENT") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_ALREADY_RUNNING), "MCPF_STATUS_ALREADY_RUNNING") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_IO), "MCPF_STATUS_IO") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_PANIC), "MCPF_STATUS_PANIC") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INTERNAL), "MCPF_STATUS_INTERNAL") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_WOULD_BLOCK), "MCPF_STATUS_WOULD_BLOCK") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_INPUT_REQUIRED), "MCPF_STATUS_INPUT_REQUIRED") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_ASK_FAILED), "MCPF_STATUS_ASK_FAILED") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_NOT_FOUND), "MCPF_STATUS_NOT_FOUND") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_SERVER_ERROR), "MCPF_STATUS_SERVER_ERROR") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_TIMEOUT), "MCPF_STATUS_TIMEOUT") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_CANCELLED), "MCPF_STATUS_CANCELLED") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_CLOSED), "MCPF_STATUS_CLOSED") == 0);
    CHECK(strcmp(mcpf_status_str(MCPF_STATUS_BAD_ANSWER), "MCPF_STATUS_BAD_ANSWER") == 0);
    CHECK(strcmp(mcpf_status_str(18), "MCPF_STATUS_UNKNOWN") == 0);
    CHECK(strcmp(mcpf_status_str(9999), "MCPF_STATUS_UNKNOWN") == 0);
    CHECK(mcpf_last_error_message() != NULL);
}

static void test_server_new(void) {
    mcpf_server *s = (mcpf_server *)&freed_count; /* sentinel: must stay untouched on failure */
    CHECK_STATUS(mcpf_server_new(NULL, 0, "1", SIZE_MAX, &s), MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "name must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_new("n", SIZE_MAX, NULL, 0, &s), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_new("n", SIZE_MAX, "1", SIZE_MAX, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_new("\xff\xfe", 2, "1", SIZE_MAX, &s), MCPF_STATUS_INVALID_UTF8);
    CHECK(strstr(mcpf_last_error_message(), "name is not valid UTF-8") != NULL);
    CHECK_STATUS(mcpf_server_new("n", SIZE_MAX, "\xc3", SIZE_MAX, &s), MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_new("", SIZE_MAX, "1", SIZE_MAX, &s), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(s == (mcpf_server *)&freed_count);
    /* Explicit lengths: the input need not be NUL-terminated. */
    CHECK_STATUS(mcpf_server_new("demoXXX", 4, "1.0.0XX", 5, &s), MCPF_STATUS_OK);
    CHECK(s != (mcpf_server *)&freed_count && s != NULL);
    mcpf_server_free(s);
    mcpf_server_free(NULL);
}

static void test_server_config(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("cfg", SIZE_MAX, "1", SIZE_MAX, &s), MCPF_STATUS_OK);

    CHECK_STATUS(mcpf_server_set_instructions(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_set_instructions(s, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_set_instructions(s, "\x80", 1), MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_set_instructions(s, "Be nice.", SIZE_MAX), MCPF_STATUS_OK);

    void *ud = &freed_count;
    freed_count = 0;
    CHECK_STATUS(mcpf_server_add_tool(NULL, "t", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_tool(s, NULL, 0, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, NULL, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "callback must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_add_tool(s, "t\xff", 2, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, "\xff", 1, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, "{\"type\":", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_JSON);
    CHECK(strstr(mcpf_last_error_message(), "input_schema_json is not valid JSON") != NULL);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, "{\"type\":\"string\"}", SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_add_tool(s, "bad name!", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(freed_count == 0); /* failures never take user_data */

    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, "desc", SIZE_MAX, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s, "u", SIZE_MAX, NULL, 0, NULL, 0, never_called, NULL, NULL), MCPF_STATUS_OK);
    CHECK(freed_count == 0);
    /* A name registered twice is refused, without taking user_data; replacing is removing
     * (the finalizer runs once), then adding. */
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mcpf_last_error_message(), "duplicate tool `t`") != NULL);
    CHECK(freed_count == 0);
    CHECK_STATUS(mcpf_server_remove_tool(s, "t", SIZE_MAX), MCPF_STATUS_OK);
    CHECK(freed_count == 1);
    CHECK_STATUS(mcpf_server_remove_tool(s, "t", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
    CHECK_STATUS(mcpf_server_remove_tool(NULL, "t", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_tool(s, "t", SIZE_MAX, NULL, 0, OBJECT_SCHEMA, SIZE_MAX, never_called, ud,
                                      count_free),
                 MCPF_STATUS_OK);
    CHECK(freed_count == 1);

    /* Shutdown before running is final: run returns at once without touching stdin. */
    CHECK_STATUS(mcpf_server_shutdown(NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_run_stdio(NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_shutdown(s), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);

    mcpf_server_free(s);
    CHECK(freed_count == 2);
}

static void test_server_registrations(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("reg", SIZE_MAX, "1", SIZE_MAX, &s), MCPF_STATUS_OK);
    void *ud = &freed_count;
    freed_count = 0;

    /* Resources: NULLs, invalid UTF-8 in every string, invalid definitions. */
    CHECK_STATUS(mcpf_server_add_resource(NULL, "file:///a", SIZE_MAX, "a", SIZE_MAX, NULL, 0, NULL, 0, never_called,
                                          ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_resource(s, NULL, 0, "a", SIZE_MAX, NULL, 0, NULL, 0, never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "uri must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///a", SIZE_MAX, NULL, 0, NULL, 0, NULL, 0, never_called, ud,
                                          count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "name must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///a", SIZE_MAX, "a", SIZE_MAX, NULL, 0, NULL, 0, NULL, ud,
                                          count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "callback must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///\xff", SIZE_MAX, "a", SIZE_MAX, NULL, 0, NULL, 0, never_called,
                                          ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK(strstr(mcpf_last_error_message(), "uri is not valid UTF-8") != NULL);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///a", SIZE_MAX, "\xff", 1, NULL, 0, NULL, 0, never_called, ud,
                                          count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///a", SIZE_MAX, "a", SIZE_MAX, "\xc3", 1, NULL, 0, never_called,
                                          ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK(strstr(mcpf_last_error_message(), "description is not valid UTF-8") != NULL);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///a", SIZE_MAX, "a", SIZE_MAX, NULL, 0, "\xc3", 1, never_called,
                                          ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK(strstr(mcpf_last_error_message(), "mime_type is not valid UTF-8") != NULL);
    CHECK_STATUS(mcpf_server_add_resource(s, "no-scheme", SIZE_MAX, "a", SIZE_MAX, NULL, 0, NULL, 0, never_called, ud,
                                          count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mcpf_last_error_message(), "the URI needs a scheme") != NULL);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///a", SIZE_MAX, "", SIZE_MAX, NULL, 0, NULL, 0, never_called, ud,
                                          count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(mcpf_last_error_message(), "name must not be empty") == 0);

    /* Templates. */
    CHECK_STATUS(mcpf_server_add_resource_template(NULL, "file:///{x}", SIZE_MAX, "t", SIZE_MAX, NULL, 0, NULL, 0,
                                                   never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_resource_template(s, NULL, 0, "t", SIZE_MAX, NULL, 0, NULL, 0, never_called, ud,
                                                   count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "uri_template must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{x}", SIZE_MAX, NULL, 0, NULL, 0, NULL, 0, never_called,
                                                   ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{x}", SIZE_MAX, "t", SIZE_MAX, NULL, 0, NULL, 0, NULL,
                                                   ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{x}\xff", SIZE_MAX, "t", SIZE_MAX, NULL, 0, NULL, 0,
                                                   never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{x}", SIZE_MAX, "t", SIZE_MAX, "\xff", 1, NULL, 0,
                                                   never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{x}", SIZE_MAX, "t", SIZE_MAX, NULL, 0, "\xff", 1,
                                                   never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{unclosed", SIZE_MAX, "t", SIZE_MAX, NULL, 0, NULL, 0,
                                                   never_called, ud, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mcpf_last_error_message(), "file:///{unclosed") != NULL);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{x}", SIZE_MAX, "", 0, NULL, 0, NULL, 0, never_called,
                                                   ud, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);

    /* Prompts. */
    CHECK_STATUS(mcpf_server_add_prompt(NULL, "p", SIZE_MAX, NULL, 0, NULL, 0, never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_prompt(s, NULL, 0, NULL, 0, NULL, 0, never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, NULL, 0, NULL, 0, NULL, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p\xff", SIZE_MAX, NULL, 0, NULL, 0, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, "\xff", 1, NULL, 0, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, NULL, 0, "[\xff]", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, NULL, 0, "[{\"name\":", SIZE_MAX, never_called, ud,
                                        count_free),
                 MCPF_STATUS_INVALID_JSON);
    CHECK(strstr(mcpf_last_error_message(), "arguments_json is not an array of prompt arguments") != NULL);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, NULL, 0, "{\"name\":\"a\"}", SIZE_MAX, never_called, ud,
                                        count_free),
                 MCPF_STATUS_INVALID_JSON);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, NULL, 0, "[{\"required\":true}]", SIZE_MAX, never_called, ud,
                                        count_free),
                 MCPF_STATUS_INVALID_JSON);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, NULL, 0, "[{\"name\":\"a\"},{\"name\":\"a\"}]", SIZE_MAX,
                                        never_called, ud, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(mcpf_last_error_message(), "argument `a` is declared twice") != NULL);
    CHECK_STATUS(mcpf_server_add_prompt(s, "bad name!", SIZE_MAX, NULL, 0, NULL, 0, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);

    /* Completions. */
    CHECK_STATUS(mcpf_server_add_completion(NULL, "ref/prompt", SIZE_MAX, "p", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_completion(s, NULL, 0, "p", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK(strcmp(mcpf_last_error_message(), "ref_type must not be NULL") == 0);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/prompt", SIZE_MAX, NULL, 0, never_called, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/prompt", SIZE_MAX, "p", SIZE_MAX, NULL, ud, count_free),
                 MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/\xff", SIZE_MAX, "p", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/prompt", SIZE_MAX, "\xff", 1, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/tool", SIZE_MAX, "p", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(mcpf_last_error_message(), "ref_type must be \"ref/prompt\" or \"ref/resource\", not \"ref/tool\"") ==
          0);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/prompt", SIZE_MAX, "", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(freed_count == 0); /* failures never take user_data */

    /* Successes; then the same names again are refused (completion providers, keyed by
     * reference, are replaced); then removals: each removed registration's finalizer runs
     * once. */
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///aXX", 9, "aXX", 1, "dXX", 1, "text/plainXX", 10, never_called,
                                          ud, count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{x}", SIZE_MAX, "t", SIZE_MAX, NULL, 0, NULL, 0,
                                                   never_called, ud, count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, NULL, 0, "[]", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/prompt", SIZE_MAX, "p", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/resource", SIZE_MAX, "file:///{x}", SIZE_MAX, never_called, NULL,
                                            NULL),
                 MCPF_STATUS_OK);
    CHECK(freed_count == 0);
    CHECK_STATUS(mcpf_server_add_resource(s, "file:///a", SIZE_MAX, "a2", SIZE_MAX, NULL, 0, NULL, 0, never_called, ud,
                                          count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///{x}", SIZE_MAX, "t2", SIZE_MAX, NULL, 0, NULL, 0,
                                                   never_called, ud, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_server_add_prompt(s, "p", SIZE_MAX, "d", SIZE_MAX, NULL, 0, never_called, ud, count_free),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(freed_count == 0);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/prompt", SIZE_MAX, "p", SIZE_MAX, never_called, ud, count_free),
                 MCPF_STATUS_OK);
    CHECK(freed_count == 1);
    CHECK_STATUS(mcpf_server_remove_resource(s, "file:///a", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_remove_resource_template(s, "file:///{x}", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_remove_prompt(s, "p", SIZE_MAX), MCPF_STATUS_OK);
    CHECK(freed_count == 4);
    CHECK_STATUS(mcpf_server_remove_resource(s, "file:///a", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
    CHECK_STATUS(mcpf_server_remove_resource_template(s, "file:///{x}", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
    CHECK_STATUS(mcpf_server_remove_prompt(s, "p", SIZE_MAX), MCPF_STATUS_NOT_FOUND);
    mcpf_server_free(s);
    CHECK(freed_count == 5);
}

static void test_null_call_and_responder(void) {
    const char *p = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_call_arguments(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_request_id(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_protocol_version(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_progress_token(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_uri(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_variables_json(NULL, &p, &len), MCPF_STATUS_NULL_PARAMETER);
    const char *v = NULL;
    size_t v_len = 0;
    CHECK_STATUS(mcpf_call_completion_argument(NULL, &p, &len, &v, &v_len), MCPF_STATUS_NULL_PARAMETER);
    CHECK(p == NULL && len == 0 && v == NULL && v_len == 0);
    CHECK(!mcpf_call_is_cancelled(NULL));
    CHECK_STATUS(mcpf_call_report_progress(NULL, 1.0, 2.0, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_log(NULL, MCPF_LOG_LEVEL_INFO, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_ok(NULL, "{}", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_text(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_tool_error(NULL, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_protocol_error(NULL, -32602, "x", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_contents(NULL, "[]", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_resource_not_found(NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_prompt(NULL, "{\"messages\":[]}", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_responder_completion(NULL, "[]", SIZE_MAX), MCPF_STATUS_NULL_PARAMETER);
    CHECK(mcpf_responder_call(NULL) == NULL);
    mcpf_responder_free(NULL);
}

/* ---- the server side of the session (`test_ffi --serve`) ---- */

/* Checks made inside callbacks: the serving child exits non-zero if any fails. */
static void info(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *id, *version, *token, *args;
    size_t id_len, version_len, token_len, args_len;
    CHECK_STATUS(mcpf_call_request_id(call, &id, &id_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_protocol_version(call, &version, &version_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_progress_token(call, &token, &token_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_arguments(call, &args, &args_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_arguments(call, NULL, &args_len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_arguments(call, &args, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK(strlen(args) == args_len && strlen(id) == id_len && strlen(version) == version_len);
    CHECK(!mcpf_call_is_cancelled(call));
    /* No progress token and logging not enabled: these succeed and send nothing. */
    CHECK_STATUS(mcpf_call_report_progress(call, 1.0, 0.0 / 0.0, NULL, 0), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_report_progress(call, 2.0, 4.0, "half", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_report_progress(call, 1.0 / 0.0, 4.0, NULL, 0), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_call_report_progress(call, 3.0, 4.0, "\xff", 1), MCPF_STATUS_INVALID_UTF8);
    CHECK_STATUS(mcpf_call_log(call, MCPF_LOG_LEVEL_INFO, "hello", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_log(call, MCPF_LOG_LEVEL_EMERGENCY, "hello", 5), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_log(call, 99, "hello", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_call_log(call, MCPF_LOG_LEVEL_INFO, NULL, 0), MCPF_STATUS_NULL_PARAMETER);
    char text[256];
    snprintf(text, sizeof text, "id=%s version=%s token=%s args=%s", id, version, token, args);
    /* The text goes through JSON: keep it free of quotes by construction of the request. */
    CHECK_STATUS(mcpf_responder_text(r, text, SIZE_MAX), MCPF_STATUS_OK);
}

static void full_result(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_ok(r, "{\"content\":[{\"type\":\"text\",\"text\":\"full\"}],\"structuredContent\":{\"n\":1}}",
                                   SIZE_MAX),
                 MCPF_STATUS_OK);
}

static void bad_json(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_ok(r, "{\"content\":", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
}

static void bad_utf8(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_text(r, "\xc3\x28", 2), MCPF_STATUS_INVALID_UTF8);
}

static void bad_value(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_json(r, "{oops", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
}

static void tool_error(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_tool_error(r, "it broke", SIZE_MAX), MCPF_STATUS_OK);
}

static void protocol_error(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_protocol_error(r, -32602, "bad params", 10), MCPF_STATUS_OK);
}

static void dropped(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_free(r);
}

/* Completes from another thread, reading the arguments through mcpf_responder_call. */
static void *complete_later(void *arg) {
    mcpf_responder *r = arg;
    const mcpf_call *call = mcpf_responder_call(r);
    const char *args;
    size_t len;
    CHECK(call != NULL);
    CHECK_STATUS(mcpf_call_arguments(call, &args, &len), MCPF_STATUS_OK);
    char text[128];
    snprintf(text, sizeof text, "later %.*s", (int)len, args);
    CHECK_STATUS(mcpf_responder_text(r, text, SIZE_MAX), MCPF_STATUS_OK);
    return NULL;
}

/* Joined after the server stops: until it returns, the thread may still hold the call. */
static pthread_t later_thread;
static int later_started = 0;
static void later(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    if (later_started || pthread_create(&later_thread, NULL, complete_later, r) != 0) {
        mcpf_responder_free(r);
        return;
    }
    later_started = 1;
}

/* Copies `in` into `out` as the inside of a JSON string (escaping `"` and `\`). */
static void json_escape(char *out, size_t cap, const char *in) {
    size_t n = 0;
    for (; *in != '\0' && n + 3 < cap; in++) {
        if (*in == '"' || *in == '\\') out[n++] = '\\';
        out[n++] = *in;
    }
    out[n] = '\0';
}

/* Resource callbacks. */
static void read_readme(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *uri, *vars, *args, *name, *value;
    size_t uri_len, vars_len, args_len, name_len, value_len;
    CHECK_STATUS(mcpf_call_uri(call, &uri, &uri_len), MCPF_STATUS_OK);
    CHECK(strcmp(uri, "file:///readme") == 0 && uri_len == strlen(uri));
    CHECK_STATUS(mcpf_call_uri(call, NULL, &uri_len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_uri(call, &uri, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_variables_json(call, &vars, &vars_len), MCPF_STATUS_OK);
    CHECK(strcmp(vars, "{}") == 0 && vars_len == 2);
    CHECK_STATUS(mcpf_call_variables_json(call, &vars, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_arguments(call, &args, &args_len), MCPF_STATUS_OK);
    CHECK(strcmp(args, "{}") == 0);
    CHECK_STATUS(mcpf_call_completion_argument(call, &name, &name_len, &value, &value_len),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(mcpf_last_error_message(), "the call is not a completion") == 0);
    CHECK_STATUS(mcpf_responder_contents(r, "[{\"uri\":\"file:///readme\",\"mimeType\":\"text/plain\",\"text\":\"Read me.\"}]",
                                         SIZE_MAX),
                 MCPF_STATUS_OK);
}

static void read_note(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *uri, *vars;
    size_t uri_len, vars_len;
    CHECK_STATUS(mcpf_call_uri(call, &uri, &uri_len), MCPF_STATUS_OK);
    CHECK(strncmp(uri, "file:///notes/", 14) == 0 && strlen(uri) == uri_len);
    CHECK_STATUS(mcpf_call_variables_json(call, &vars, &vars_len), MCPF_STATUS_OK);
    CHECK(strlen(vars) == vars_len);
    char escaped[256], contents[512];
    json_escape(escaped, sizeof escaped, vars);
    /* No "uri": the contents are of the URI read. */
    snprintf(contents, sizeof contents, "[{\"mimeType\":\"text/markdown\",\"text\":\"vars=%s\"}]", escaped);
    CHECK_STATUS(mcpf_responder_contents(r, contents, SIZE_MAX), MCPF_STATUS_OK);
}

static void read_missing(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_resource_not_found(r), MCPF_STATUS_OK);
}

static void read_wrong_kind(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_tool_error(r, "x", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(mcpf_last_error_message(),
                 "mcpf_responder_tool_error answers a tool call, but this responder answers a resource read") == 0);
}

static void read_bad_json(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_contents(r, "{\"uri\":\"file:///bad\"}", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
}

static void read_dropped(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_free(r);
}

static void tool_wrong_kind(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *uri;
    size_t uri_len;
    CHECK_STATUS(mcpf_call_uri(call, &uri, &uri_len), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(mcpf_last_error_message(), "the call is not a resource read") == 0);
    CHECK_STATUS(mcpf_call_variables_json(call, &uri, &uri_len), MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(mcpf_responder_contents(r, "[]", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
}

/* Prompt callbacks. */
static void greet(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args, *uri;
    size_t args_len, uri_len;
    CHECK_STATUS(mcpf_call_arguments(call, &args, &args_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_uri(call, &uri, &uri_len), MCPF_STATUS_INVALID_ARGUMENT);
    char escaped[256], result[512];
    json_escape(escaped, sizeof escaped, args);
    snprintf(result, sizeof result,
             "{\"description\":\"Greeting\",\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\","
             "\"text\":\"Hello %s\"}}]}",
             escaped);
    CHECK_STATUS(mcpf_responder_prompt(r, result, SIZE_MAX), MCPF_STATUS_OK);
}

static void prompt_wrong_kind(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_completion(r, "[]", SIZE_MAX), MCPF_STATUS_INVALID_ARGUMENT);
}

static void prompt_bad_json(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_prompt(r, "{\"messages\":7}", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
}

/* Completion callbacks. */
static void complete_greet(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *name, *value, *args;
    size_t name_len, value_len, args_len;
    CHECK_STATUS(mcpf_call_completion_argument(call, &name, &name_len, &value, &value_len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_call_completion_argument(call, NULL, &name_len, &value, &value_len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_completion_argument(call, &name, NULL, &value, &value_len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_completion_argument(call, &name, &name_len, NULL, &value_len), MCPF_STATUS_NULL_PARAMETER);
    CHECK_STATUS(mcpf_call_completion_argument(call, &name, &name_len, &value, NULL), MCPF_STATUS_NULL_PARAMETER);
    CHECK(strlen(name) == name_len && strlen(value) == value_len);
    CHECK_STATUS(mcpf_call_arguments(call, &args, &args_len), MCPF_STATUS_OK);
    char escaped[256], values[512];
    json_escape(escaped, sizeof escaped, args);
    snprintf(values, sizeof values, "[\"%s=%s1\",\"%s=%s2\",\"context %s\"]", name, value, name, value, escaped);
    CHECK_STATUS(mcpf_responder_completion(r, values, SIZE_MAX), MCPF_STATUS_OK);
}

static void complete_note(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_protocol_error(r, -32602, "no ids", SIZE_MAX), MCPF_STATUS_OK);
}

static void complete_bad_json(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_completion(r, "[1]", SIZE_MAX), MCPF_STATUS_INVALID_JSON);
}

/* Stops the server from a callback (the same thread the server runs on). */
static mcpf_server *serving = NULL;
static void stop(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    CHECK_STATUS(mcpf_responder_text(r, "stopping", SIZE_MAX), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_shutdown(serving), MCPF_STATUS_OK);
}

static int serve(void) {
    mcpf_server *s = NULL;
    CHECK_STATUS(mcpf_server_new("test-ffi", SIZE_MAX, "0.0.1", SIZE_MAX, &s), MCPF_STATUS_OK);
    if (s == NULL) return 1;
    serving = s;
    CHECK_STATUS(mcpf_server_set_instructions(s, "Test server.", SIZE_MAX), MCPF_STATUS_OK);
    static const struct {
        const char *name;
        mcpf_tool_callback callback;
    } tools[] = {
        {"info", info},         {"full", full_result}, {"bad_json", bad_json},
        {"bad_utf8", bad_utf8}, {"tool_error", tool_error}, {"protocol_error", protocol_error},
        {"dropped", dropped},   {"later", later},       {"stop", stop},
        {"wrong_kind", tool_wrong_kind}, {"bad_value", bad_value},
    };
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        CHECK_STATUS(mcpf_server_add_tool(s, tools[i].name, SIZE_MAX, NULL, 0, NULL, 0, tools[i].callback, &freed_count,
                                          count_free),
                     MCPF_STATUS_OK);
    }
    static const struct {
        const char *uri;
        mcpf_resource_callback callback;
    } resources[] = {
        {"file:///readme", read_readme},         {"file:///missing", read_missing}, {"file:///wrong", read_wrong_kind},
        {"file:///bad", read_bad_json},          {"file:///dropped", read_dropped},
    };
    for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++) {
        const char *name = resources[i].uri + strlen("file:///");
        const char *mime = i == 0 ? "text/plain" : NULL;
        const char *description = i == 0 ? "The readme" : NULL;
        CHECK_STATUS(mcpf_server_add_resource(s, resources[i].uri, SIZE_MAX, name, SIZE_MAX, description, SIZE_MAX, mime,
                                              SIZE_MAX, resources[i].callback, &freed_count, count_free),
                     MCPF_STATUS_OK);
    }
    CHECK_STATUS(mcpf_server_add_resource_template(s, "file:///notes/{id}", SIZE_MAX, "note", SIZE_MAX, "A note",
                                                   SIZE_MAX, "text/markdown", SIZE_MAX, read_note, &freed_count,
                                                   count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_prompt(s, "greet", SIZE_MAX, "Greets someone", SIZE_MAX,
                                        "[{\"name\":\"who\",\"description\":\"Who to greet\",\"required\":true},"
                                        "{\"name\":\"tone\"}]",
                                        SIZE_MAX, greet, &freed_count, count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_prompt(s, "wrong_kind", SIZE_MAX, NULL, 0, NULL, 0, prompt_wrong_kind, &freed_count,
                                        count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_prompt(s, "bad_json", SIZE_MAX, NULL, 0, NULL, 0, prompt_bad_json, &freed_count,
                                        count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/prompt", SIZE_MAX, "greet", SIZE_MAX, complete_greet, &freed_count,
                                            count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/resource", SIZE_MAX, "file:///notes/{id}", SIZE_MAX, complete_note,
                                            &freed_count, count_free),
                 MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_completion(s, "ref/prompt", SIZE_MAX, "bad_json", SIZE_MAX, complete_bad_json,
                                            &freed_count, count_free),
                 MCPF_STATUS_OK);
    const int registrations = (int)(sizeof tools / sizeof tools[0] + sizeof resources / sizeof resources[0]) + 7;
    freed_count = 0;
    CHECK_STATUS(mcpf_server_run_stdio(s), MCPF_STATUS_OK);
    if (later_started) CHECK(pthread_join(later_thread, NULL) == 0);
    mcpf_server_free(s);
    CHECK(freed_count == registrations);
    if (failures) fprintf(stderr, "test_ffi --serve: %d of %d checks failed\n", failures, checks);
    return failures ? 1 : 0;
}

/* ---- the client side: sessions with a child process (child.h) ---- */

static void test_session_resources(struct child *c) {
    exchange(c, REQ(20, "resources/list", "{}"),
             RESULT(20, "{\"resources\":[{\"description\":\"The readme\",\"mimeType\":\"text/plain\",\"name\":\"readme\","
                        "\"uri\":\"file:///readme\"},{\"name\":\"missing\",\"uri\":\"file:///missing\"},"
                        "{\"name\":\"wrong\",\"uri\":\"file:///wrong\"},{\"name\":\"bad\",\"uri\":\"file:///bad\"},"
                        "{\"name\":\"dropped\",\"uri\":\"file:///dropped\"}]}"),
             NULL);
    exchange(c, REQ(21, "resources/templates/list", "{}"),
             RESULT(21, "{\"resourceTemplates\":[{\"description\":\"A note\",\"mimeType\":\"text/markdown\","
                        "\"name\":\"note\",\"uriTemplate\":\"file:///notes/{id}\"}]}"),
             NULL);
    exchange(c, READ(22, "file:///readme"),
             RESULT(22, "{\"contents\":[{\"mimeType\":\"text/plain\",\"text\":\"Read me.\",\"uri\":\"file:///readme\"}]}"),
             NULL);
    /* A template read: the variable arrives percent-decoded; contents without a uri are of
     * the URI read. */
    exchange(c, READ(23, "file:///notes/4%202"),
             RESULT(23, "{\"contents\":[{\"mimeType\":\"text/markdown\",\"text\":\"vars={\\\"id\\\":\\\"4 2\\\"}\","
                        "\"uri\":\"file:///notes/4%202\"}]}"),
             NULL);
    /* Not found from the callback, and from the engine (no such resource): -32002 on a
     * legacy session, with data.uri. */
    exchange(c, READ(24, "file:///missing"),
             ERROR(24, "{\"code\":-32002,\"message\":\"Resource not found: file:///missing\","
                       "\"data\":{\"uri\":\"file:///missing\"}}"),
             NULL);
    exchange(c, READ(25, "file:///nowhere"),
             ERROR(25, "{\"code\":-32002,\"message\":\"Resource not found: file:///nowhere\","
                       "\"data\":{\"uri\":\"file:///nowhere\"}}"),
             NULL);
    /* Answers of the wrong kind or shape, and a dropped responder: -32603. */
    exchange(c, READ(26, "file:///wrong"),
             ERROR(26, "{\"code\":-32603,\"message\":\"Internal error: the resource answered badly: "
                       "mcpf_responder_tool_error answers a tool call, but this responder answers a resource read\"}"),
             NULL);
    exchange(c, READ(27, "file:///bad"),
             ERROR(27, "{\"code\":-32603,\"message\":\"Internal error: the resource answered badly: contents_json is "
                       "not an array of ResourceContents: invalid type: map, expected a sequence at line 1 column 0\"}"),
             NULL);
    exchange(c, READ(28, "file:///dropped"),
             ERROR(28, "{\"code\":-32603,\"message\":\"Internal error: the resource's responder was freed without an "
                       "answer\"}"),
             NULL);
    exchange(c, CALL(29, "wrong_kind", "{}"),
             ERROR(29, "{\"code\":-32603,\"message\":\"Internal error: the tool answered badly: "
                       "mcpf_responder_contents answers a resource read, but this responder answers a tool call\"}"),
             NULL);
}

static void test_session_prompts(struct child *c) {
    exchange(c, REQ(30, "prompts/list", "{}"),
             RESULT(30, "{\"prompts\":[{\"arguments\":[{\"description\":\"Who to greet\",\"name\":\"who\",\"required\":true},"
                        "{\"name\":\"tone\",\"required\":false}],\"description\":\"Greets someone\",\"name\":\"greet\"},"
                        "{\"name\":\"wrong_kind\"},{\"name\":\"bad_json\"}]}"),
             NULL);
    exchange(c, REQ(31, "prompts/get", "{\"name\":\"greet\",\"arguments\":{\"who\":\"Ada\"}}"),
             RESULT(31, "{\"description\":\"Greeting\",\"messages\":[{\"content\":{\"text\":\"Hello {\\\"who\\\":\\\"Ada\\\"}\","
                        "\"type\":\"text\"},\"role\":\"user\"}]}"),
             NULL);
    /* The engine rejects a missing required argument before the callback runs. */
    exchange(c, REQ(32, "prompts/get", "{\"name\":\"greet\",\"arguments\":{\"tone\":\"warm\"}}"),
             ERROR(32, "{\"code\":-32602,\"message\":\"Invalid params: Missing required arguments for prompt greet: `who`\"}"),
             NULL);
    exchange(c, REQ(33, "prompts/get", "{\"name\":\"wrong_kind\"}"),
             ERROR(33, "{\"code\":-32603,\"message\":\"Internal error: the prompt answered badly: "
                       "mcpf_responder_completion answers a completion, but this responder answers a prompt\"}"),
             NULL);
    exchange(c, REQ(34, "prompts/get", "{\"name\":\"bad_json\"}"),
             ERROR(34, "{\"code\":-32603,\"message\":\"Internal error: the prompt answered badly: result_json is not a "
                       "GetPromptResult: invalid type: integer `7`, expected a sequence at line 1 column 13\"}"),
             NULL);
    exchange(c,
             REQ(35, "completion/complete",
                 "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"},\"argument\":{\"name\":\"who\",\"value\":\"A\"},"
                 "\"context\":{\"arguments\":{\"tone\":\"warm\"}}}"),
             RESULT(35, "{\"completion\":{\"values\":[\"who=A1\",\"who=A2\",\"context {\\\"tone\\\":\\\"warm\\\"}\"]}}"),
             NULL);
    exchange(c,
             REQ(36, "completion/complete",
                 "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"file:///notes/{id}\"},\"argument\":{\"name\":\"id\","
                 "\"value\":\"\"}}"),
             ERROR(36, "{\"code\":-32602,\"message\":\"no ids\"}"), NULL);
    exchange(c,
             REQ(37, "completion/complete",
                 "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"bad_json\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}"),
             ERROR(37, "{\"code\":-32603,\"message\":\"Internal error: the completion provider answered badly: "
                       "values_json is not an array of strings: invalid type: integer `1`, expected a string at line 1 "
                       "column 2\"}"),
             NULL);
    /* No provider for this reference: the engine answers an empty list. */
    exchange(c,
             REQ(38, "completion/complete",
                 "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"wrong_kind\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}"),
             RESULT(38, "{\"completion\":{\"values\":[]}}"), NULL);
}

static void test_session(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"capabilities\":{\"completions\":{},\"logging\":{},"
             "\"prompts\":{\"listChanged\":true},\"resources\":{\"listChanged\":true,\"subscribe\":true},"
             "\"tools\":{\"listChanged\":true}},\"instructions\":\"Test server.\",\"protocolVersion\":\"2025-11-25\","
             "\"serverInfo\":{\"name\":\"test-ffi\",\"version\":\"0.0.1\"}}}",
             NULL);
    exchange(&c, INITIALIZED, NULL, NULL);
    /* The two accepted log messages arrive before the response (logging is on by default
     * on legacy sessions); the rejected ones send nothing. */
#define LOG_INFO "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"hello\",\"level\":\"info\"}}"
#define LOG_EMERG \
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"hello\",\"level\":\"emergency\"}}"
    exchange(&c, CALL(2, "info", "{\"k\":1}"), LOG_INFO, NULL);
    exchange(&c, NULL, LOG_EMERG, NULL);
    exchange(&c, NULL, TEXT_RESULT(2, "id=2 version=2025-11-25 token=null args={\\\"k\\\":1}"), NULL);
    exchange(&c, CALL("s-3", "info", "{}"), LOG_INFO, NULL);
    exchange(&c, NULL, LOG_EMERG, NULL);
    exchange(&c, NULL, TEXT_RESULT("s-3", "id=\\\"s-3\\\" version=2025-11-25 token=null args={}"), NULL);
    exchange(&c, CALL(4, "full", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"full\"}],"
             "\"structuredContent\":{\"n\":1}}}",
             NULL);
    exchange(&c, CALL(5, "bad_json", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32603,\"message\":\"Internal error: the tool answered "
             "badly: result_json is not a CallToolResult: EOF while parsing a value at line 1 column 11\"}}",
             NULL);
    exchange(&c, CALL(6, "bad_utf8", "{}"),
             NULL, "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":-32603,\"message\":\"Internal error: the tool "
                   "answered badly: text is not valid UTF-8");
    exchange(&c, CALL("bv", "bad_value", "{}"),
             NULL, "{\"jsonrpc\":\"2.0\",\"id\":\"bv\",\"error\":{\"code\":-32603,\"message\":\"Internal error: the "
                   "tool answered badly: value_json is not JSON");
    exchange(&c, CALL(7, "tool_error", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"it broke\"}],"
             "\"isError\":true}}",
             NULL);
    exchange(&c, CALL(8, "protocol_error", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":{\"code\":-32602,\"message\":\"bad params\"}}", NULL);
    exchange(&c, CALL(9, "dropped", "{}"),
             "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32603,\"message\":\"Internal error: the tool's "
             "responder was freed without an answer\"}}",
             NULL);
    exchange(&c, CALL(10, "later", "{\"x\":2}"), TEXT_RESULT(10, "later {\\\"x\\\":2}"), NULL);
    test_session_resources(&c);
    test_session_prompts(&c);
    exchange(&c, CALL(11, "stop", "{}"), TEXT_RESULT(11, "stopping"), NULL);
    /* The server stops on its own after `stop`: no EOF needed. */
    finish(&c, 0);
}

/* A 2026-07-28 (stateless) session: no initialize; not-found is -32602 with data.uri. */
static void test_session_2026(const char *self) {
    struct child c;
    char *argv[] = {(char *)self, "--serve", NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, REQ(1, "resources/read", "{\"uri\":\"file:///missing\"," META_2026 "}"),
             ERROR(1, "{\"code\":-32602,\"message\":\"Resource not found: file:///missing\","
                      "\"data\":{\"uri\":\"file:///missing\"}}"),
             NULL);
    exchange(&c, REQ(2, "resources/read", "{\"uri\":\"file:///notes/7\"," META_2026 "}"),
             RESULT(2, "{\"contents\":[{\"mimeType\":\"text/markdown\",\"text\":\"vars={\\\"id\\\":\\\"7\\\"}\","
                       "\"uri\":\"file:///notes/7\"}],\"resultType\":\"complete\",\"_meta\":{"
                       "\"io.modelcontextprotocol/serverInfo\":{\"name\":\"test-ffi\",\"version\":\"0.0.1\"}},"
                       "\"ttlMs\":0,\"cacheScope\":\"public\"}"),
             NULL);
    finish(&c, 1);
}

static void test_quickstart(const char *quickstart) {
    struct child c;
    char *argv[] = {(char *)quickstart, NULL};
    CHECK(spawn(&c, argv) == 0);
    exchange(&c, INIT,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"capabilities\":{\"logging\":{},\"tools\":{\"listChanged\":true}},"
             "\"protocolVersion\":\"2025-11-25\",\"serverInfo\":{\"name\":\"quickstart\",\"version\":\"1.0.0\"}}}",
             NULL);
    exchange(&c, INITIALIZED, NULL, NULL);
    exchange(&c, CALL(2, "echo", "{\"text\":\"hi \\\"there\\\"\\n\"}"), TEXT_RESULT(2, "hi \\\"there\\\"\\n"), NULL);
    exchange(&c, CALL(3, "add", "{\"a\":1,\"b\":2.5}"), TEXT_RESULT(3, "3.5"), NULL);
    exchange(&c, CALL(4, "add", "{\"a\":1}"),
             "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Invalid arguments "
             "for tool add: \\\"b\\\" is a required property\"}],\"isError\":true}}",
             NULL);
    exchange(&c, CALL(5, "current_time", "{}"), NULL,
             "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"20");
    finish(&c, 1);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc != 2) {
        fprintf(stderr, "usage: %s QUICKSTART_PATH\n", argv[0]);
        return 2;
    }
    test_status_and_errors();
    test_protocol_versions();
    test_server_new();
    test_server_config();
    test_server_registrations();
    test_null_call_and_responder();
    test_session(argv[0]);
    test_session_2026(argv[0]);
    test_quickstart(argv[1]);
    return check_summary("test_ffi");
}

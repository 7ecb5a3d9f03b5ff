/*
 * sqlite_server.c - an MCP server that lets an assistant explore and query a SQLite
 * database, read-only, over the SQLite C library.
 *
 *   sqlite_server [--init SCRIPT.sql] [--timeout-ms N] [--metrics HOST:PORT] [--http HOST:PORT] DATABASE
 *
 *   DATABASE           the database file (opened read-only)
 *   --init SCRIPT.sql  when DATABASE does not exist yet, create it from the SQL script first
 *                      (into a temporary file renamed into place, so a failed script leaves
 *                      nothing behind); an existing DATABASE is used as it is
 *   --timeout-ms N     interrupt a query that runs longer than N ms (default 10000)
 *   --metrics HOST:PORT  serve GET /metrics (Prometheus) there while serving stdio
 *   --http HOST:PORT   serve Streamable HTTP at http://HOST:PORT/mcp (and /metrics) instead
 *                      of stdio
 *
 * Tools (results are JSON, as text and as structuredContent):
 *   list_tables          the tables and views
 *   get_table_schema     a table's columns, foreign keys, CREATE statement and row count
 *   execute_select       one SELECT statement, with parameters bound from a JSON array
 *   execute_aggregation  COUNT/SUM/AVG/MIN/MAX of a column, optionally grouped by another
 * Resources: database://tables/{name} (a table's schema and its first rows, as JSON), with
 * completion of the table name; each table that exists at startup is also listed.
 *
 * Read-only is enforced by SQLite itself, never by looking at the SQL text: every connection
 * is opened with SQLITE_OPEN_READONLY, and while the client's SQL is prepared and run an
 * authorizer allows only SELECT, reading columns, functions and recursive CTEs (so INSERT,
 * ATTACH, PRAGMA, CREATE, transactions ... are refused at prepare time); the statement must
 * also be sqlite3_stmt_readonly, return rows, and be the only statement in the text. The
 * authorizer also refuses the functions that reach past the data (DENIED_FUNCTIONS:
 * fts3_tokenizer, which answers a heap address, load_extension, and the shell's file
 * functions), and extension loading is switched off on every connection. The
 * server's own introspection queries are fixed texts (names bound as parameters) run on the
 * same read-only connections. Identifiers the aggregation tool puts into SQL are first
 * checked against the schema, then quoted.
 *
 * Production hooks (docs/hooks.md), not code around each tool: an audit middleware writes one
 * JSON line per tool call to stderr (tool, duration, outcome; never the SQL), the error hook
 * one per unexpected failure, rate limits allow 600 requests a minute per client and 120
 * calls a minute per tool, and request metrics per tool are kept (`/metrics`).
 *
 * Threads: callbacks run on the server's thread and must not block, and a query can take
 * long, so every tool, resource read and completion goes through a queue (work_queue.h) to a
 * pool of worker threads, each with its own connection. A running query stops when the
 * client cancels the call or the time limit passes (a progress handler interrupts it), and
 * reports progress meanwhile.
 *
 * Build (from the repository root): make c-real-examples   (target/c/sqlite_server, linked
 * with -lsqlite3; the same target creates the sample database target/c/sample.db from
 * examples/data/sample.sql)
 */
#include <mcpforge.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json_util.h"
#include "work_queue.h"

#define SERVER_NAME "sqlite"
#define SERVER_VERSION "1.0.0"
#define INSTRUCTIONS                                                                                                   \
    "Read-only access to a SQLite database. Start with list_tables and get_table_schema, then query with "          \
    "execute_select (one SELECT, values as ? parameters) or execute_aggregation."
#define USAGE \
    "usage: sqlite_server [--init SCRIPT.sql] [--timeout-ms N] [--metrics HOST:PORT] [--http HOST:PORT] DATABASE\n"

#define WORKERS 2
#define INTERNAL_ERROR (-32603)
#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_MAX_ROWS 100
#define RESOURCE_SAMPLE_ROWS 5
#define MAX_RESULT_BYTES (512 * 1024)  /* a result stops growing (truncated) past this size */
#define MAX_VALUE_BYTES (1024 * 1024)  /* SQLITE_LIMIT_LENGTH: no string or blob larger */
#define MAX_SCRIPT_BYTES (64 * 1024 * 1024)
#define PROGRESS_EVERY_MS 200
#define TABLE_URI_PREFIX "database://tables/"
#define TABLE_URI_TEMPLATE TABLE_URI_PREFIX "{name}"

/* The tables and views a client may see: not SQLite's own sqlite_* tables. */
#define USER_OBJECTS "type IN ('table','view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"

/* ---- Connections ----------------------------------------------------------------------- */

/* Functions the client's SQL may not call: fts3_tokenizer answers a heap address (and with
 * two arguments installs one), load_extension loads code, and readfile, writefile and edit
 * (the shell's, when a build has them) touch files and run an editor. */
static const char *const DENIED_FUNCTIONS[] = {"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit"};

/* One read-only connection, used by one worker thread at a time. */
struct connection {
    sqlite3 *db;
    int strict;               /* the client's SQL is being prepared or run: the authorizer allows reads only */
    const char *denied;       /* what the authorizer refused first (for the error message) */
    char denied_function[64]; /* the refused function, when that was it */
    const mcpf_call *call;    /* the call being served: cancellation and progress */
    long timeout_ms;
    struct timespec started, last_progress;
    long steps;               /* progress handler invocations of the running statement */
    const char *interrupted;  /* why the progress handler stopped the statement */
};

static long elapsed_ms(const struct timespec *since) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000L + (now.tv_nsec - since->tv_nsec) / 1000000L;
}

static int schema_table(const char *name) {
    return name != NULL && (strcmp(name, "sqlite_master") == 0 || strcmp(name, "sqlite_temp_master") == 0);
}

/* The authorizer: everything goes for the server's own fixed queries (the connection is
 * read-only anyway); the client's SQL may only read. */
static int authorize(void *user_data, int action, const char *a, const char *b, const char *db, const char *view) {
    (void)db, (void)view;
    struct connection *c = user_data;
    if (!c->strict) return SQLITE_OK;
    const char *what;
    switch (action) {
    case SQLITE_FUNCTION: /* b is the function's name */
        for (size_t i = 0; b != NULL && i < sizeof DENIED_FUNCTIONS / sizeof *DENIED_FUNCTIONS; i++) {
            if (sqlite3_stricmp(b, DENIED_FUNCTIONS[i]) != 0) continue;
            if (c->denied == NULL) {
                snprintf(c->denied_function, sizeof c->denied_function, "%s", DENIED_FUNCTIONS[i]);
                c->denied = c->denied_function;
            }
            return SQLITE_DENY;
        }
        return SQLITE_OK;
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE: return SQLITE_OK;
    /* DDL shows first as a write to the schema table. */
    case SQLITE_INSERT: what = schema_table(a) ? "changing the schema" : "INSERT"; break;
    case SQLITE_UPDATE: what = schema_table(a) ? "changing the schema" : "UPDATE"; break;
    case SQLITE_DELETE: what = schema_table(a) ? "changing the schema" : "DELETE"; break;
    case SQLITE_ATTACH: what = "ATTACH"; break;
    case SQLITE_DETACH: what = "DETACH"; break;
    case SQLITE_PRAGMA: what = "PRAGMA"; break;
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT: what = "transaction control"; break;
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE:
    case SQLITE_ALTER_TABLE: what = "changing the schema"; break;
    default: what = "this statement"; break; /* ANALYZE, REINDEX, ... */
    }
    if (c->denied == NULL) c->denied = what; /* the first refusal names the statement best */
    return SQLITE_DENY;
}

/* Interrupts the running statement when the call is cancelled or out of time, and reports
 * progress (the VM steps so far) now and then. */
static int on_progress(void *user_data) {
    struct connection *c = user_data;
    c->steps++;
    if (c->call != NULL && mcpf_call_is_cancelled(c->call)) {
        c->interrupted = "cancelled";
        return 1;
    }
    if (elapsed_ms(&c->started) > c->timeout_ms) {
        c->interrupted = "time limit";
        return 1;
    }
    if (c->call != NULL && elapsed_ms(&c->last_progress) >= PROGRESS_EVERY_MS) {
        clock_gettime(CLOCK_MONOTONIC, &c->last_progress);
        mcpf_call_report_progress(c->call, (double)c->steps, NAN, "query running", SIZE_MAX);
    }
    return 0;
}

/* Marks the start of an operation for `call` (NULL: none to report to). */
static void begin(struct connection *c, const mcpf_call *call, int strict) {
    c->call = call;
    c->strict = strict;
    c->denied = NULL;
    c->interrupted = NULL;
    c->steps = 0;
    clock_gettime(CLOCK_MONOTONIC, &c->started);
    c->last_progress = c->started;
}

static void end(struct connection *c) {
    c->call = NULL;
    c->strict = 0;
}

/* Opens `path` read-only and installs the guards; on failure prints why and returns 0. */
static int connection_open(struct connection *c, const char *path, long timeout_ms) {
    *c = (struct connection){.timeout_ms = timeout_ms};
    int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
        sqlite3_db_config(c->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
        sqlite3_db_config(c->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
        sqlite3_limit(c->db, SQLITE_LIMIT_ATTACHED, 0);
        sqlite3_limit(c->db, SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
        sqlite3_busy_timeout(c->db, 2000);
        rc = sqlite3_set_authorizer(c->db, authorize, c);
    }
    if (rc == SQLITE_OK) {
        sqlite3_progress_handler(c->db, 1000, on_progress, c);
        begin(c, NULL, 0);
        /* Reading the schema proves the file is a database. */
        rc = sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        fprintf(stderr, "sqlite_server: cannot open %s: %s\n", path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        c->db = NULL;
        return 0;
    }
    return 1;
}

/* ---- --init: create the database from a script ----------------------------------------- */

/* Reads the whole file into a new NUL-terminated string (free it), or NULL. */
static char *read_text_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    struct json_buf text = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len <= MAX_SCRIPT_BYTES) json_buf_append(&text, chunk, n);
    int ok = !ferror(f) && !text.failed && text.len <= MAX_SCRIPT_BYTES;
    fclose(f);
    if (ok && text.data == NULL) json_buf_puts(&text, ""); /* an empty script */
    if (!ok || text.failed) {
        json_buf_free(&text);
        errno = ok ? ENOMEM : errno ? errno : EFBIG;
        return NULL;
    }
    return text.data;
}

/* Creates `path` from the SQL `script` unless it exists; returns 0 on failure (said on stderr). */
static int create_database(const char *path, const char *script_path) {
    struct stat st;
    if (stat(path, &st) == 0) return 1; /* already there: use it as it is */
    char *script = read_text_file(script_path);
    if (script == NULL) {
        fprintf(stderr, "sqlite_server: cannot read %s: %s\n", script_path, strerror(errno));
        return 0;
    }
    size_t tmp_len = strlen(path) + 32;
    char *tmp = malloc(tmp_len);
    if (tmp == NULL) {
        free(script);
        fputs("sqlite_server: out of memory\n", stderr);
        return 0;
    }
    snprintf(tmp, tmp_len, "%s.init-%ld", path, (long)getpid());
    unlink(tmp);
    sqlite3 *db = NULL;
    char *error = NULL;
    int rc = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "BEGIN", NULL, NULL, &error);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, script, NULL, NULL, &error);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &error);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "sqlite_server: %s: %s\n", script_path, error ? error : db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
    sqlite3_free(error);
    if (sqlite3_close(db) != SQLITE_OK && rc == SQLITE_OK) rc = SQLITE_ERROR;
    if (rc == SQLITE_OK && rename(tmp, path) != 0) {
        fprintf(stderr, "sqlite_server: cannot create %s: %s\n", path, strerror(errno));
        rc = SQLITE_ERROR;
    }
    if (rc != SQLITE_OK) unlink(tmp);
    else fprintf(stderr, "sqlite_server: created %s from %s\n", path, script_path);
    free(tmp);
    free(script);
    return rc == SQLITE_OK;
}

/* ---- Answers ---------------------------------------------------------------------------- */

/* A tool error message (the model sees it), kept until the job ends. */
struct failure {
    char message[512];
};

#if defined(__GNUC__)
static int fail(struct failure *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
/* Records the message; returns 0 so callers can `return fail(...)`. */
static int fail(struct failure *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    json_vsnprintf_utf8(f->message, sizeof f->message, fmt, ap); /* cut on a character boundary */
    va_end(ap);
    return 0;
}

/* Completes a tool call with the JSON object in `obj` (text and structuredContent), the
 * tool error in `f` when `ok` is 0, or an internal error when memory ran out. Frees `obj`. */
static void reply_tool(mcpf_responder *r, int ok, const struct failure *f, struct json_buf *obj) {
    if (!ok) {
        mcpf_responder_tool_error(r, f->message, SIZE_MAX);
    } else {
        struct json_buf result = {0};
        json_buf_puts(&result, "{\"content\":[{\"type\":\"text\",\"text\":");
        json_buf_string_n(&result, obj->data ? obj->data : "", obj->len);
        json_buf_puts(&result, "}],\"structuredContent\":");
        json_buf_append(&result, obj->data ? obj->data : "", obj->len);
        json_buf_puts(&result, "}");
        if (obj->failed || result.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        else mcpf_responder_ok(r, result.data, result.len);
        json_buf_free(&result);
    }
    json_buf_free(obj);
}

/* The call's arguments (a JSON object the engine validated against the input schema). */
static const char *arguments_of(mcpf_responder *r) {
    const char *args;
    size_t len;
    return mcpf_call_arguments(mcpf_responder_call(r), &args, &len) == MCPF_STATUS_OK ? args : "{}";
}

/* The string argument `key` (free it), or NULL when absent. Sets *oom when it is there but
 * cannot be copied. */
static char *string_arg(const char *args, const char *key, int *oom) {
    const char *v = json_get(args, key);
    if (!json_is_string(v)) return NULL;
    char *s = json_string_dup(v);
    if (s == NULL) *oom = 1;
    return s;
}

static long int_arg(const char *args, const char *key, long fallback) {
    const char *v = json_get(args, key);
    return v != NULL && !json_is_string(v) ? strtol(v, NULL, 10) : fallback;
}

/* ---- Running statements ----------------------------------------------------------------- */

/* Appends a column value as JSON: numbers, strings, null, or {"base64": ...} for a blob. */
static void append_value(struct json_buf *b, sqlite3_stmt *stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER: json_buf_printf(b, "%lld", (long long)sqlite3_column_int64(stmt, i)); break;
    case SQLITE_FLOAT: json_buf_number(b, sqlite3_column_double(stmt, i)); break;
    case SQLITE_TEXT: {
        const char *text = (const char *)sqlite3_column_text(stmt, i);
        json_buf_string_lossy(b, text ? text : "", (size_t)sqlite3_column_bytes(stmt, i));
        break;
    }
    case SQLITE_BLOB: {
        const unsigned char *data = sqlite3_column_blob(stmt, i);
        json_buf_puts(b, "{\"base64\":");
        json_buf_base64(b, data, data ? (size_t)sqlite3_column_bytes(stmt, i) : 0);
        json_buf_puts(b, "}");
        break;
    }
    default: json_buf_puts(b, "null");
    }
}

/* Refuses the client's SQL for what the authorizer denied. */
static int refused(struct connection *c, struct failure *f) {
    if (c->denied == c->denied_function)
        return fail(f, "refused: the function %s() is not allowed on this server", c->denied_function);
    return fail(f, "refused: this server is read-only and runs SELECT statements only (%s is not allowed)",
                c->denied ? c->denied : "the statement");
}

/* The failure of a statement: refused (some checks run when it runs), interrupted
 * (cancelled, time limit), or SQLite's message. */
static int statement_failed(struct connection *c, struct failure *f, const char *what) {
    if (c->denied != NULL) return refused(c, f);
    if (c->interrupted != NULL && strcmp(c->interrupted, "time limit") == 0)
        return fail(f, "%s interrupted: it ran longer than the %ld ms time limit", what, c->timeout_ms);
    if (c->interrupted != NULL) return fail(f, "%s interrupted: the call was cancelled", what);
    return fail(f, "%s failed: %s", what, sqlite3_errmsg(c->db));
}

/* Steps `stmt` and appends {"columns":[...],"rows":[[...]...],"row_count":N,"truncated":B}
 * to `b`, at most `max_rows` rows and about MAX_RESULT_BYTES. Returns 0 (with `f`) on error. */
static int append_rows(struct connection *c, sqlite3_stmt *stmt, long max_rows, struct json_buf *b,
                       struct failure *f) {
    int columns = sqlite3_column_count(stmt);
    json_buf_puts(b, "{\"columns\":[");
    for (int i = 0; i < columns; i++) {
        const char *name = sqlite3_column_name(stmt, i);
        if (i) json_buf_puts(b, ",");
        json_buf_string_lossy(b, name ? name : "", name ? strlen(name) : 0);
    }
    json_buf_puts(b, "],\"rows\":[");
    long rows = 0;
    int truncated = 0, rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (rows == max_rows || b->len > MAX_RESULT_BYTES) {
            truncated = 1;
            break;
        }
        json_buf_puts(b, rows++ ? ",[" : "[");
        for (int i = 0; i < columns; i++) {
            if (i) json_buf_puts(b, ",");
            append_value(b, stmt, i);
        }
        json_buf_puts(b, "]");
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return statement_failed(c, f, "the query");
    json_buf_printf(b, "],\"row_count\":%ld,\"truncated\":%s}", rows, truncated ? "true" : "false");
    return 1;
}

/* Binds the JSON array `params` (strings, numbers, booleans, null) to the ? parameters. */
static int bind_params(sqlite3_stmt *stmt, const char *params, struct failure *f) {
    int expected = sqlite3_bind_parameter_count(stmt), given = 0;
    for (const char *v = json_array_first(params); v != NULL; v = json_array_next(v)) {
        if (++given > expected) break;
        int rc;
        if (json_is_string(v)) {
            char *s = json_string_dup(v);
            if (s == NULL) return fail(f, "out of memory");
            rc = sqlite3_bind_text(stmt, given, s, -1, SQLITE_TRANSIENT);
            free(s);
        } else if (strncmp(v, "null", 4) == 0) {
            rc = sqlite3_bind_null(stmt, given);
        } else if (strncmp(v, "true", 4) == 0 || strncmp(v, "false", 5) == 0) {
            rc = sqlite3_bind_int(stmt, given, *v == 't');
        } else if (*v == '{' || *v == '[') {
            return fail(f, "parameter %d: objects and arrays cannot be bound, only strings, numbers, booleans and null",
                        given);
        } else {
            char *end;
            errno = 0;
            long long i = strtoll(v, &end, 10);
            int integral = errno == 0 && end == json_value_end(v);
            rc = integral ? sqlite3_bind_int64(stmt, given, i) : sqlite3_bind_double(stmt, given, strtod(v, NULL));
        }
        if (rc != SQLITE_OK) return fail(f, "parameter %d: %s", given, sqlite3_errstr(rc));
    }
    if (given != expected)
        return fail(f, "the statement has %d parameter%s but %d %s given", expected, expected == 1 ? "" : "s", given,
                    given == 1 ? "was" : "were");
    return 1;
}

/* Prepares the client's `sql` under the strict authorizer and checks it is one read-only
 * statement that returns rows. On success *out is the statement (finalize it). */
static int prepare_client_sql(struct connection *c, const char *sql, sqlite3_stmt **out, struct failure *f) {
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &stmt, &tail);
    if (rc == SQLITE_AUTH || (rc != SQLITE_OK && c->denied != NULL)) return refused(c, f);
    if (rc != SQLITE_OK) return fail(f, "invalid SQL: %s", sqlite3_errmsg(c->db));
    if (stmt == NULL) return fail(f, "refused: the text holds no statement");
    /* Anything after the statement must be nothing but spaces and comments. */
    sqlite3_stmt *next = NULL;
    int more = sqlite3_prepare_v2(c->db, tail, -1, &next, NULL) != SQLITE_OK || next != NULL;
    sqlite3_finalize(next);
    int ok = 0;
    if (more) fail(f, "refused: send exactly one statement (found more after the first ';')");
    else if (!sqlite3_stmt_readonly(stmt)) fail(f, "refused: the statement would write to the database");
    else if (sqlite3_stmt_isexplain(stmt)) fail(f, "refused: EXPLAIN is not a query; send a SELECT statement");
    else if (sqlite3_column_count(stmt) == 0) fail(f, "refused: the statement returns no rows; send a SELECT statement");
    else ok = 1;
    if (!ok) {
        sqlite3_finalize(stmt);
        return 0;
    }
    *out = stmt;
    return 1;
}

/* Prepares one of the server's own fixed queries, binding the strings `args` (NULL-ended). */
static sqlite3_stmt *prepare_own(struct connection *c, const char *sql, const char *const *args) {
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return NULL;
    }
    for (int i = 0; args != NULL && args[i] != NULL; i++) {
        if (sqlite3_bind_text(stmt, i + 1, args[i], -1, SQLITE_TRANSIENT) != SQLITE_OK) {
            sqlite3_finalize(stmt);
            return NULL;
        }
    }
    return stmt;
}

/* ---- Schema ----------------------------------------------------------------------------- */

/* The type ("table" or "view") of the user table or view `name`, or NULL if there is none. */
static const char *object_type(struct connection *c, const char *name) {
    const char *args[] = {name, NULL};
    sqlite3_stmt *stmt = prepare_own(c, "SELECT type FROM sqlite_schema WHERE " USER_OBJECTS " AND name = ?1", args);
    const char *type = NULL;
    if (stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(stmt, 0);
        type = t != NULL && strcmp((const char *)t, "view") == 0 ? "view" : "table";
    }
    sqlite3_finalize(stmt);
    return type;
}

/* Appends the table names, comma-separated, to `f` as a hint ("tables: a, b"). */
static int unknown_table(struct connection *c, const char *name, struct failure *f) {
    struct json_buf names = {0};
    sqlite3_stmt *stmt = prepare_own(c, "SELECT name FROM sqlite_schema WHERE " USER_OBJECTS " ORDER BY name", NULL);
    while (stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW) {
        if (names.len) json_buf_puts(&names, ", ");
        json_buf_puts(&names, (const char *)sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    const char *list = names.data ? names.data : "(none)";
    fail(f, "unknown table \"%.*s\"; the tables are: %.*s", json_utf8_prefix(name, 128), name, json_utf8_prefix(list, 300),
         list);
    json_buf_free(&names);
    return 0;
}

/* True when `column` is a column of `table` (which exists). */
static int has_column(struct connection *c, const char *table, const char *column) {
    const char *args[] = {table, column, NULL};
    sqlite3_stmt *stmt = prepare_own(c, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", args);
    int found = stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return found;
}

/* Fails with "unknown column" and the table's columns as a hint. */
static int unknown_column(struct connection *c, const char *table, const char *column, struct failure *f) {
    const char *args[] = {table, NULL};
    struct json_buf names = {0};
    sqlite3_stmt *stmt = prepare_own(c, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", args);
    while (stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW) {
        if (names.len) json_buf_puts(&names, ", ");
        json_buf_puts(&names, (const char *)sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    const char *list = names.data ? names.data : "(none)";
    fail(f, "unknown column \"%.*s\" in table \"%.*s\"; its columns are: %.*s", json_utf8_prefix(column, 128), column,
         json_utf8_prefix(table, 128), table, json_utf8_prefix(list, 300), list);
    json_buf_free(&names);
    return 0;
}

/* Appends `name` as a quoted SQL identifier ("a""b"). */
static void append_identifier(struct json_buf *b, const char *name) {
    json_buf_puts(b, "\"");
    for (const char *p = name; *p; p++) {
        json_buf_append(b, p, 1);
        if (*p == '"') json_buf_append(b, "\"", 1);
    }
    json_buf_puts(b, "\"");
}

/* Appends the rows of a fixed query (one object per row, keyed by column name) as an array. */
static void append_objects(struct json_buf *b, sqlite3_stmt *stmt) {
    json_buf_puts(b, "[");
    for (int n = 0; stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW; n++) {
        json_buf_puts(b, n ? ",{" : "{");
        for (int i = 0; i < sqlite3_column_count(stmt); i++) {
            json_buf_printf(b, "%s", i ? "," : "");
            json_buf_string(b, sqlite3_column_name(stmt, i));
            json_buf_puts(b, ":");
            append_value(b, stmt, i);
        }
        json_buf_puts(b, "}");
    }
    json_buf_puts(b, "]");
    sqlite3_finalize(stmt);
}

/* Appends the schema of the existing table or view `table` as a JSON object. */
static int append_schema(struct connection *c, const char *table, const char *type, struct json_buf *b,
                         struct failure *f) {
    const char *args[] = {table, NULL};
    json_buf_puts(b, "{\"name\":");
    json_buf_string_lossy(b, table, strlen(table));
    json_buf_printf(b, ",\"type\":\"%s\",\"columns\":", type);
    append_objects(b, prepare_own(c,
                                  "SELECT name, type, \"notnull\" != 0 AS not_null, dflt_value AS \"default\", "
                                  "pk AS primary_key_position FROM pragma_table_info(?1) ORDER BY cid",
                                  args));
    json_buf_puts(b, ",\"foreign_keys\":");
    append_objects(b, prepare_own(c,
                                  "SELECT \"from\" AS column, \"table\" AS references_table, \"to\" AS "
                                  "references_column FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
                                  args));
    json_buf_puts(b, ",\"sql\":");
    sqlite3_stmt *stmt = prepare_own(c, "SELECT sql FROM sqlite_schema WHERE name = ?1", args);
    if (stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW) append_value(b, stmt, 0);
    else json_buf_puts(b, "null");
    sqlite3_finalize(stmt);
    /* The row count reads the whole table: interruptible like the client's queries. */
    struct json_buf count_sql = {0};
    json_buf_puts(&count_sql, "SELECT count(*) FROM ");
    append_identifier(&count_sql, table);
    stmt = count_sql.failed ? NULL : prepare_own(c, count_sql.data, NULL);
    json_buf_free(&count_sql);
    int rc = stmt != NULL ? sqlite3_step(stmt) : SQLITE_NOMEM;
    if (rc == SQLITE_ROW) json_buf_printf(b, ",\"row_count\":%lld}", (long long)sqlite3_column_int64(stmt, 0));
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || statement_failed(c, f, "counting the rows");
}

/* ---- Tools ------------------------------------------------------------------------------- */

static int list_tables(struct connection *c, mcpf_responder *r, struct json_buf *b, struct failure *f) {
    (void)r, (void)f;
    json_buf_puts(b, "{\"tables\":");
    append_objects(b, prepare_own(c, "SELECT name, type FROM sqlite_schema WHERE " USER_OBJECTS " ORDER BY name", NULL));
    json_buf_puts(b, "}");
    return 1;
}

static int get_table_schema(struct connection *c, mcpf_responder *r, struct json_buf *b, struct failure *f) {
    int oom = 0;
    char *table = string_arg(arguments_of(r), "table", &oom);
    const char *type = table ? object_type(c, table) : NULL;
    int ok = table == NULL ? fail(f, "out of memory")
             : type == NULL ? unknown_table(c, table, f)
                            : append_schema(c, table, type, b, f);
    free(table);
    return ok;
}

static int execute_select(struct connection *c, mcpf_responder *r, struct json_buf *b, struct failure *f) {
    const char *args = arguments_of(r);
    int oom = 0;
    char *sql = string_arg(args, "sql", &oom);
    if (sql == NULL) return fail(f, "out of memory");
    sqlite3_stmt *stmt = NULL;
    c->strict = 1;
    int ok = prepare_client_sql(c, sql, &stmt, f) && bind_params(stmt, json_get(args, "params"), f) &&
             append_rows(c, stmt, int_arg(args, "max_rows", DEFAULT_MAX_ROWS), b, f);
    sqlite3_finalize(stmt);
    free(sql);
    return ok;
}

static const char *const AGGREGATES[] = {"COUNT", "SUM", "AVG", "MIN", "MAX"};

static int execute_aggregation(struct connection *c, mcpf_responder *r, struct json_buf *b, struct failure *f) {
    const char *args = arguments_of(r);
    int oom = 0;
    char *table = string_arg(args, "table", &oom), *function = string_arg(args, "function", &oom);
    char *column = string_arg(args, "column", &oom), *group_by = string_arg(args, "group_by", &oom);
    const char *aggregate = NULL;
    for (size_t i = 0; function && i < sizeof AGGREGATES / sizeof *AGGREGATES; i++)
        if (strcmp(function, AGGREGATES[i]) == 0) aggregate = AGGREGATES[i];
    struct json_buf sql = {0};
    int ok = 0;
    if (oom || table == NULL || function == NULL) fail(f, "out of memory");
    else if (aggregate == NULL) fail(f, "unknown function \"%.*s\"; use COUNT, SUM, AVG, MIN or MAX", json_utf8_prefix(function, 64),
                                   function);
    else if (column == NULL && aggregate != AGGREGATES[0]) fail(f, "%s needs a column", aggregate);
    else if (object_type(c, table) == NULL) unknown_table(c, table, f);
    else if (column != NULL && !has_column(c, table, column)) unknown_column(c, table, column, f);
    else if (group_by != NULL && !has_column(c, table, group_by)) unknown_column(c, table, group_by, f);
    else ok = 1;
    if (ok) {
        /* Every identifier exists in the schema; quoting keeps odd names intact. */
        json_buf_puts(&sql, "SELECT ");
        if (group_by) append_identifier(&sql, group_by), json_buf_puts(&sql, ", ");
        json_buf_printf(&sql, "%s(", aggregate);
        if (column) append_identifier(&sql, column);
        else json_buf_puts(&sql, "*");
        json_buf_puts(&sql, ") AS value FROM ");
        append_identifier(&sql, table);
        if (group_by) {
            json_buf_puts(&sql, " GROUP BY ");
            append_identifier(&sql, group_by);
            json_buf_puts(&sql, " ORDER BY ");
            append_identifier(&sql, group_by);
        }
        sqlite3_stmt *stmt = NULL;
        c->strict = 1;
        ok = sql.failed ? fail(f, "out of memory") : prepare_client_sql(c, sql.data, &stmt, f);
        if (ok) {
            json_buf_puts(b, "{\"sql\":");
            json_buf_string_lossy(b, sql.data, sql.len);
            json_buf_puts(b, ",\"result\":");
            ok = append_rows(c, stmt, int_arg(args, "max_rows", DEFAULT_MAX_ROWS), b, f);
            json_buf_puts(b, "}");
        }
        sqlite3_finalize(stmt);
    }
    json_buf_free(&sql);
    free(table);
    free(function);
    free(column);
    free(group_by);
    return ok;
}

/* ---- Resources and completion ----------------------------------------------------------- */

/* Answers a read of database://tables/<table>: the schema and the first rows. */
static void read_table(struct connection *c, mcpf_responder *r, const char *table) {
    const char *type = object_type(c, table);
    if (type == NULL) {
        mcpf_responder_resource_not_found(r);
        return;
    }
    struct json_buf doc = {0}, contents = {0}, sql = {0};
    struct failure f = {""};
    json_buf_puts(&doc, "{\"schema\":");
    int ok = append_schema(c, table, type, &doc, &f);
    json_buf_puts(&sql, "SELECT * FROM ");
    append_identifier(&sql, table);
    sqlite3_stmt *stmt = ok && !sql.failed ? prepare_own(c, sql.data, NULL) : NULL;
    json_buf_puts(&doc, ",\"first_rows\":");
    ok = ok && stmt != NULL && append_rows(c, stmt, RESOURCE_SAMPLE_ROWS, &doc, &f);
    sqlite3_finalize(stmt);
    json_buf_puts(&doc, "}");
    const char *uri;
    size_t uri_len;
    if (mcpf_call_uri(mcpf_responder_call(r), &uri, &uri_len) != MCPF_STATUS_OK) uri = "", uri_len = 0;
    json_buf_puts(&contents, "[{\"uri\":");
    json_buf_string_n(&contents, uri, uri_len);
    json_buf_puts(&contents, ",\"mimeType\":\"application/json\",\"text\":");
    json_buf_string_n(&contents, doc.data ? doc.data : "", doc.len);
    json_buf_puts(&contents, "}]");
    if (!ok) mcpf_responder_protocol_error(r, INTERNAL_ERROR, f.message[0] ? f.message : "cannot read the table", SIZE_MAX);
    else if (doc.failed || contents.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else mcpf_responder_contents(r, contents.data, contents.len);
    json_buf_free(&doc);
    json_buf_free(&contents);
    json_buf_free(&sql);
}

/* Suggests the table names that start with what the client typed. */
static void complete_table(struct connection *c, mcpf_responder *r) {
    const char *name, *value;
    size_t name_len, value_len;
    if (mcpf_call_completion_argument(mcpf_responder_call(r), &name, &name_len, &value, &value_len) != MCPF_STATUS_OK) {
        mcpf_responder_completion(r, "[]", SIZE_MAX);
        return;
    }
    const char *args[] = {value, NULL};
    sqlite3_stmt *stmt = prepare_own(
        c, "SELECT name FROM sqlite_schema WHERE " USER_OBJECTS " AND substr(name, 1, length(?1)) = ?1 ORDER BY name",
        args);
    struct json_buf b = {0};
    json_buf_puts(&b, "[");
    for (int n = 0; stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW; n++) {
        if (n) json_buf_puts(&b, ",");
        append_value(&b, stmt, 0);
    }
    json_buf_puts(&b, "]");
    sqlite3_finalize(stmt);
    if (b.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else mcpf_responder_completion(r, b.data, b.len);
    json_buf_free(&b);
}

/* ---- The worker pool ------------------------------------------------------------------- */

/* What a registration runs on a worker. */
enum job_kind { JOB_TOOL, JOB_TABLE_RESOURCE, JOB_COMPLETION };

typedef int (*tool_fn)(struct connection *c, mcpf_responder *r, struct json_buf *b, struct failure *f);

/* The user_data of every registration. */
struct binding {
    enum job_kind kind;
    tool_fn tool;  /* JOB_TOOL */
    char *table;   /* JOB_TABLE_RESOURCE of a listed table (NULL: from the template's variables) */
    struct pool *pool;
};

struct job {
    const struct binding *binding; /* alive while the responder is (the library keeps user_data) */
    mcpf_responder *r;             /* owned by the job until a worker completes it */
    struct work_item item;         /* its place in the queue */
};

/* The queue of jobs (pushed by the callbacks on the server's thread) and the workers popping
 * it, each with its own connection. */
struct pool {
    struct work_queue queue;
    struct worker {
        struct pool *pool;
        struct connection conn;
        pthread_t thread;
    } workers[WORKERS];
    int started;
};

/* The table a resource read is about: the binding's, or the template variable `name`. */
static char *resource_table(const struct binding *b, mcpf_responder *r) {
    if (b->table != NULL) return strdup(b->table);
    const char *vars;
    size_t len;
    if (mcpf_call_variables_json(mcpf_responder_call(r), &vars, &len) != MCPF_STATUS_OK) return NULL;
    return json_string_dup(json_get(vars, "name"));
}

static void run_job(struct connection *c, const struct binding *b, mcpf_responder *r) {
    begin(c, mcpf_responder_call(r), 0);
    if (b->kind == JOB_TOOL) {
        struct json_buf out = {0};
        struct failure f = {""};
        int ok = b->tool(c, r, &out, &f);
        end(c);
        if (c->interrupted != NULL) fprintf(stderr, "sqlite_server: query interrupted (%s)\n", c->interrupted);
        if (c->interrupted != NULL && strcmp(c->interrupted, "cancelled") == 0) {
            json_buf_free(&out);
            mcpf_responder_free(r); /* nobody waits for the answer any more */
            return;
        }
        reply_tool(r, ok, &f, &out);
    } else if (b->kind == JOB_TABLE_RESOURCE) {
        char *table = resource_table(b, r);
        if (table == NULL) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        else read_table(c, r, table);
        free(table);
    } else {
        complete_table(c, r);
    }
    end(c);
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    struct work_item *item;
    while ((item = work_queue_pop(&w->pool->queue)) != NULL) {
        struct job *job = work_queue_entry(item, struct job, item);
        run_job(&w->conn, job->binding, job->r);
        free(job);
    }
    return NULL; /* closed and drained */
}

/* The one callback of every registration: queue the call for a worker and return. */
static void dispatch(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call; /* borrowed until we return: the worker reads mcpf_responder_call(r) */
    const struct binding *b = user_data;
    struct job *job = malloc(sizeof *job);
    if (job == NULL) {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        return;
    }
    *job = (struct job){.binding = b, .r = r};
    if (!work_queue_push(&b->pool->queue, &job->item)) {
        free(job);
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "the server is shutting down", SIZE_MAX);
    }
}

/* ---- Registration ------------------------------------------------------------------------ */

static void binding_free(void *user_data) {
    struct binding *b = user_data;
    free(b->table);
    free(b);
}

static struct binding *binding_new(struct pool *pool, enum job_kind kind, tool_fn tool, const char *table) {
    struct binding *b = malloc(sizeof *b);
    char *copy = table ? strdup(table) : NULL;
    if (b == NULL || (table != NULL && copy == NULL)) {
        free(b);
        free(copy);
        return NULL;
    }
    *b = (struct binding){.kind = kind, .tool = tool, .table = copy, .pool = pool};
    return b;
}

#define READ_ONLY ",\"annotations\":{\"readOnlyHint\":true,\"openWorldHint\":false}"
#define MAX_ROWS_PROP                                                                                                  \
    "\"max_rows\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000,\"description\":\"The most rows to return "  \
    "(default 100); the result says when there were more\"}"

static const struct {
    const char *json;
    tool_fn fn;
} TOOLS[] = {
    {"{\"name\":\"list_tables\",\"title\":\"List tables\",\"description\":\"The tables and views of the database.\","
     "\"inputSchema\":{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}" READ_ONLY "}",
     list_tables},
    {"{\"name\":\"get_table_schema\",\"title\":\"Table schema\",\"description\":\"A table's columns (name, type, "
     "not_null, default, primary_key_position), foreign keys, CREATE statement and row count.\",\"inputSchema\":"
     "{\"type\":\"object\",\"properties\":{\"table\":{\"type\":\"string\",\"minLength\":1,\"description\":\"A name "
     "from list_tables\"}},\"required\":[\"table\"],\"additionalProperties\":false}" READ_ONLY "}",
     get_table_schema},
    {"{\"name\":\"execute_select\",\"title\":\"Run a SELECT\",\"description\":\"Runs one read-only SELECT statement "
     "(WITH ... SELECT and VALUES too) and returns columns and rows. Put values in ? placeholders and give them in "
     "params. Anything that writes, attaches, uses PRAGMA or holds more than one statement is refused.\","
     "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"sql\":{\"type\":\"string\",\"minLength\":1,"
     "\"maxLength\":100000,\"description\":\"One SELECT statement\"},\"params\":{\"type\":\"array\",\"items\":"
     "{\"type\":[\"string\",\"number\",\"boolean\",\"null\"]},\"description\":\"Values for the ? placeholders, in "
     "order\"}," MAX_ROWS_PROP "},\"required\":[\"sql\"],\"additionalProperties\":false}" READ_ONLY "}",
     execute_select},
    {"{\"name\":\"execute_aggregation\",\"title\":\"Aggregate a column\",\"description\":\"Computes COUNT, SUM, AVG, "
     "MIN or MAX of a column (COUNT without a column counts rows), optionally per value of a group_by column. Table "
     "and columns must exist.\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"table\":{\"type\":\"string\","
     "\"minLength\":1},\"function\":{\"type\":\"string\",\"enum\":[\"COUNT\",\"SUM\",\"AVG\",\"MIN\",\"MAX\"]},"
     "\"column\":{\"type\":\"string\",\"minLength\":1},\"group_by\":{\"type\":\"string\",\"minLength\":1},"
     MAX_ROWS_PROP "},\"required\":[\"table\",\"function\"],\"additionalProperties\":false}" READ_ONLY "}",
     execute_aggregation},
};

static int check(mcpf_status status, const char *what) {
    if (status == MCPF_STATUS_OK) return 0;
    fprintf(stderr, "sqlite_server: %s: %s: %s\n", what, mcpf_status_str(status), mcpf_last_error_message());
    return 1;
}

/* Registers `b` (freed here on failure) through `add`; 1 on failure. */
static int registered(mcpf_status status, struct binding *b, const char *what) {
    if (status != MCPF_STATUS_OK) binding_free(b); /* on failure the library keeps nothing */
    return check(status, what);
}

/* Lists each table that exists now as a resource of its own (database://tables/<name>),
 * for names that need no percent-encoding in a URI; the template reaches every table. */
static int register_table_resources(mcpf_server *server, struct pool *pool) {
    struct connection *c = &pool->workers[0].conn;
    begin(c, NULL, 0);
    sqlite3_stmt *stmt = prepare_own(c, "SELECT name FROM sqlite_schema WHERE " USER_OBJECTS " ORDER BY name", NULL);
    int failed = stmt == NULL;
    while (!failed && sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        if (name == NULL || name[0] == '\0' || name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                                 "0123456789-._~")] != '\0')
            continue;
        struct json_buf uri = {0}, description = {0};
        json_buf_printf(&uri, TABLE_URI_PREFIX "%s", name);
        json_buf_printf(&description, "The schema and first rows of the table %s", name);
        struct binding *b = binding_new(pool, JOB_TABLE_RESOURCE, NULL, name);
        failed = b == NULL || uri.failed || description.failed;
        if (failed) binding_free(b);
        else failed = registered(mcpf_server_add_resource(server, uri.data, uri.len, name, SIZE_MAX, description.data,
                                                          description.len, "application/json", SIZE_MAX, dispatch, b,
                                                          binding_free),
                                 b, "add table resource");
        json_buf_free(&uri);
        json_buf_free(&description);
    }
    sqlite3_finalize(stmt);
    return failed;
}

static int register_all(mcpf_server *server, struct pool *pool) {
    for (size_t i = 0; i < sizeof TOOLS / sizeof *TOOLS; i++) {
        struct binding *b = binding_new(pool, JOB_TOOL, TOOLS[i].fn, NULL);
        if (b == NULL || registered(mcpf_server_add_tool_json(server, TOOLS[i].json, SIZE_MAX, dispatch, b, binding_free),
                                    b, "add tool"))
            return 1;
    }
    struct binding *t = binding_new(pool, JOB_TABLE_RESOURCE, NULL, NULL);
    if (t == NULL || registered(mcpf_server_add_resource_template(
                                    server, TABLE_URI_TEMPLATE, SIZE_MAX, "table", SIZE_MAX,
                                    "A table's schema and its first rows, as JSON", SIZE_MAX, "application/json",
                                    SIZE_MAX, dispatch, t, binding_free),
                                t, "add resource template"))
        return 1;
    struct binding *c = binding_new(pool, JOB_COMPLETION, NULL, NULL);
    if (c == NULL || registered(mcpf_server_add_completion(server, "ref/resource", SIZE_MAX, TABLE_URI_TEMPLATE,
                                                           SIZE_MAX, dispatch, c, binding_free),
                                c, "add completion"))
        return 1;
    return register_table_resources(server, pool);
}

/* ---- main ---------------------------------------------------------------------------------- */

/* ---- hooks ---------------------------------------------------------------------------------- */

/* Writes one JSON line to stderr: {"event": EVENT, "tool": NAME, ...FIELDS}. stderr is
 * unbuffered: one fputs per line keeps lines of different threads apart. */
static void log_line(const char *event, const char *tool, const char *fields) {
    struct json_buf line = {0};
    json_buf_puts(&line, "{\"event\":");
    json_buf_string(&line, event);
    if (tool != NULL) {
        json_buf_puts(&line, ",\"tool\":");
        json_buf_string(&line, tool);
    }
    json_buf_printf(&line, "%s}\n", fields);
    if (!line.failed) fputs(line.data, stderr);
    json_buf_free(&line);
}

/* Middleware `after`: one audit line per tool call, with its duration and outcome. */
static void audit(const mcpf_middleware_request *request, const char *result_json, size_t result_len,
                  int64_t error_code, const char *error_message, uint64_t duration_us, void *user_data) {
    (void)result_len;
    (void)error_message;
    (void)user_data;
    const char *method = NULL, *name = NULL;
    size_t len = 0;
    if (mcpf_middleware_request_method(request, &method, &len) != MCPF_STATUS_OK || strcmp(method, "tools/call") != 0)
        return;
    if (mcpf_middleware_request_name(request, &name, &len) != MCPF_STATUS_OK) name = "";
    int ok = result_json != NULL && strstr(result_json, "\"isError\":true") == NULL;
    char fields[96];
    snprintf(fields, sizeof fields, ",\"duration_us\":%llu,\"ok\":%s,\"error_code\":%lld",
             (unsigned long long)duration_us, ok ? "true" : "false", (long long)error_code);
    log_line("tool call", name, fields);
}

/* Error hook: every unexpected failure (a panic, an internal error, a timeout). */
static void report_failure(const mcpf_failure *failure, void *user_data) {
    (void)user_data;
    struct json_buf fields = {0};
    json_buf_puts(&fields, ",\"kind\":");
    json_buf_string(&fields, failure->kind);
    json_buf_puts(&fields, ",\"message\":");
    json_buf_string(&fields, failure->message);
    if (!fields.failed) log_line("unexpected failure", failure->name, fields.data);
    json_buf_free(&fields);
}

/* The engine's options: metrics, masked internal errors, rate limits and, for stdio, the
 * metrics side port. */
static int server_options(struct json_buf *out, const char *metrics_bind) {
    json_buf_puts(out, "{\"instructions\":");
    json_buf_string(out, INSTRUCTIONS);
    json_buf_puts(out, ",\"metrics\":true,\"mask_error_details\":true,\"rate_limits\":{"
                       "\"per_client\":{\"requests\":600,\"per_ms\":60000},"
                       "\"tools\":{\"*\":{\"requests\":120,\"per_ms\":60000}}}");
    if (metrics_bind != NULL) {
        json_buf_puts(out, ",\"metrics_address\":");
        json_buf_string(out, metrics_bind);
    }
    json_buf_puts(out, "}");
    return out->failed;
}

struct options {
    const char *database, *init_script, *http_bind, *metrics_bind;
    long timeout_ms;
};

static int parse_options(int argc, char **argv, struct options *o) {
    *o = (struct options){.timeout_ms = DEFAULT_TIMEOUT_MS};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--init") == 0 && value) o->init_script = argv[++i];
        else if (strcmp(argv[i], "--http") == 0 && value) o->http_bind = argv[++i];
        else if (strcmp(argv[i], "--metrics") == 0 && value) o->metrics_bind = argv[++i];
        else if (strcmp(argv[i], "--timeout-ms") == 0 && value) {
            char *end;
            o->timeout_ms = strtol(argv[++i], &end, 10);
            if (*end != '\0' || o->timeout_ms <= 0) return 0;
        } else if (argv[i][0] != '-' && o->database == NULL) o->database = argv[i];
        else return 0;
    }
    return o->database != NULL;
}

static int serve(mcpf_server *server, const char *http_bind) {
    if (http_bind == NULL) return check(mcpf_server_run_stdio(server), "serving stdio");
    struct json_buf options = {0};
    json_buf_puts(&options, "{\"bind\":");
    json_buf_string(&options, http_bind);
    json_buf_puts(&options, ",\"metrics\":true}");
    int failed = options.failed ? check(MCPF_STATUS_INTERNAL, "building the HTTP options")
                                : check(mcpf_server_run_http(server, options.data, options.len), "serving HTTP");
    json_buf_free(&options);
    return failed;
}

int main(int argc, char **argv) {
    struct options o;
    if (!parse_options(argc, argv, &o)) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (o.init_script != NULL && !create_database(o.database, o.init_script)) return 1;

    struct pool pool = {.started = 0};
    if (work_queue_init(&pool.queue) != 0) return 1;
    int opened = 0;
    while (opened < WORKERS && connection_open(&pool.workers[opened].conn, o.database, o.timeout_ms)) opened++;
    int failed = opened < WORKERS;
    for (int i = 0; !failed && i < WORKERS; i++) {
        pool.workers[i].pool = &pool;
        if (pthread_create(&pool.workers[i].thread, NULL, worker_main, &pool.workers[i]) != 0) break;
        pool.started++;
    }
    failed = failed || pool.started == 0;

    mcpf_server *server = NULL;
    struct json_buf engine = {0};
    failed = failed || server_options(&engine, o.http_bind == NULL ? o.metrics_bind : NULL);
    failed = failed || check(mcpf_server_new_with_options(SERVER_NAME, SIZE_MAX, SERVER_VERSION, SIZE_MAX, engine.data,
                                                          engine.len, &server),
                             "new server");
    json_buf_free(&engine);
    failed = failed || check(mcpf_server_add_middleware(server, NULL, audit, NULL, NULL), "add the audit middleware");
    failed = failed || check(mcpf_server_set_error_hook(server, report_failure, NULL, NULL), "set the error hook");
    /* Registration reads the schema on worker 0's connection: no worker has a job yet. */
    failed = failed || register_all(server, &pool);
    failed = failed || serve(server, o.http_bind);

    /* Serving is over: the workers finish the queued calls and exit, then the server goes
     * (no responder outlives it), then the connections and the pool. */
    work_queue_close(&pool.queue);
    for (int i = 0; i < pool.started; i++) pthread_join(pool.workers[i].thread, NULL);
    mcpf_server_free(server);
    for (int i = 0; i < opened; i++) sqlite3_close(pool.workers[i].conn.db);
    work_queue_destroy(&pool.queue);
    return failed;
}

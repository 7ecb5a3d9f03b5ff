/*
 * sysinfo_server.c - an MCP server that tells an assistant about the machine it runs on, and
 * does arithmetic for it. Linux-specific: it reads /proc and uses uname(2) and statvfs(3).
 *
 *   sysinfo_server                   serve over stdio
 *   sysinfo_server --http HOST:PORT  serve Streamable HTTP at http://HOST:PORT/mcp
 *
 * Tools (all read-only; results are JSON, as text and as structuredContent):
 *   system_info   hostname, OS name, kernel, architecture, uptime, load averages, CPU count
 *   memory_info   /proc/meminfo: total, free, available, buffers, cached, swap (bytes)
 *   cpu_info      CPU model and logical CPU count (/proc/cpuinfo)
 *   disk_usage    statvfs of an absolute path: total, free, available bytes, use percentage
 *   process_list  the processes using the most memory (or CPU time), from /proc/<pid>/stat
 *   cpu_usage     samples /proc/stat twice over an interval on a worker thread, reporting
 *                 progress and stopping early when the call is cancelled
 *   calculate     evaluates an arithmetic expression (+ - * / %, parentheses, unary minus,
 *                 decimals) with a small recursive-descent parser; nothing is ever executed
 * Resources: sysinfo://system and sysinfo://memory (the JSON of system_info and memory_info).
 *
 * Threads: callbacks run on the server's thread and must not block. Reading /proc is
 * immediate, so system_info, memory_info, cpu_info and calculate answer inside the callback.
 * cpu_usage sleeps, disk_usage may stall on a network mount and process_list walks every
 * process, so those go to a small pool of worker threads through a queue (work_queue.h). On
 * shutdown main closes the queue, the workers finish what is queued, and only then is the
 * server freed.
 *
 * Build (from the repository root): make c-real-examples   (target/c/sysinfo_server)
 */
#include <mcpforge.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "json_util.h"
#include "work_queue.h"

#define SERVER_NAME "sysinfo"
#define SERVER_VERSION "1.0.0"
#define INSTRUCTIONS                                                                                                   \
    "Reads system information of the Linux machine this server runs on (system, memory, CPU, disks, processes) "    \
    "and evaluates arithmetic expressions with the calculate tool."
#define USAGE "usage: sysinfo_server [--http HOST:PORT]\n"

#define WORKERS 2
#define INTERNAL_ERROR (-32603)
#define CPU_SAMPLE_STEPS 10 /* cpu_usage sleeps its interval in this many steps */
#define MAX_CPUS 1024
#define MAX_EXPRESSION_DEPTH 200 /* nesting of parentheses and unary signs calculate accepts */

/* ---- Answers ---------------------------------------------------------------------------- */

/* Completes a tool call with the JSON object built in `obj`: as text (for the model) and as
 * structuredContent (for programs). Frees `obj`. */
static void reply_object(mcpf_responder *r, struct json_buf *obj) {
    struct json_buf result = {0};
    json_buf_puts(&result, "{\"content\":[{\"type\":\"text\",\"text\":");
    json_buf_string_n(&result, obj->data ? obj->data : "", obj->len);
    json_buf_puts(&result, "}],\"structuredContent\":");
    json_buf_append(&result, obj->data ? obj->data : "", obj->len);
    json_buf_puts(&result, "}");
    if (obj->failed || result.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else mcpf_responder_ok(r, result.data, result.len);
    json_buf_free(&result);
    json_buf_free(obj);
}

/* Completes a tool call with a tool error built like printf (the model sees the message). */
#if defined(__GNUC__)
static void reply_error(mcpf_responder *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
static void reply_error(mcpf_responder *r, const char *fmt, ...) {
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    json_vsnprintf_utf8(message, sizeof message, fmt, ap); /* cut on a character boundary: the JSON stays valid */
    va_end(ap);
    mcpf_responder_tool_error(r, message, SIZE_MAX);
}

/* The call's arguments (a JSON object the engine validated against the input schema). */
static const char *arguments_of(const mcpf_call *call) {
    const char *args;
    size_t len;
    return mcpf_call_arguments(call, &args, &len) == MCPF_STATUS_OK ? args : "{}";
}

/* The number argument `key`, or `fallback` when it is absent. */
static double number_arg(const mcpf_call *call, const char *key, double fallback) {
    const char *v = json_get(arguments_of(call), key);
    return v != NULL && !json_is_string(v) ? strtod(v, NULL) : fallback;
}

/* ---- Reading /proc -------------------------------------------------------------------- */

/* Reads a small file (at most `cap - 1` bytes) into `buf`, NUL-terminated; false on error. */
static int read_small_file(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    size_t n = fread(buf, 1, cap - 1, f);
    int ok = !ferror(f);
    fclose(f);
    buf[n] = '\0';
    return ok;
}

/* The value of `field` in a "Field: value" text (/proc/meminfo, /etc/os-release with
 * `sep` '='), copied into `out` without surrounding spaces and quotes; false if absent. */
static int field_value(const char *text, const char *field, char sep, char *out, size_t cap) {
    size_t flen = strlen(field);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, field, flen) != 0) continue;
        const char *p = line + flen;
        while (*p == ' ' || *p == '\t') p++;
        if (*p != sep) continue;
        p++;
        while (*p == ' ' || *p == '\t' || *p == '"') p++;
        size_t n = strcspn(p, "\n");
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '"')) n--;
        if (n >= cap) n = cap - 1;
        memcpy(out, p, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

/* ---- system_info, memory_info, cpu_info ------------------------------------------------ */

static void build_system_info(struct json_buf *b) {
    struct utsname u;
    char host[256] = "", uptime[128] = "", loadavg[128] = "", os_release[4096] = "", pretty[256] = "";
    if (gethostname(host, sizeof host) != 0) host[0] = '\0';
    host[sizeof host - 1] = '\0';
    int have_uname = uname(&u) == 0;
    double up = 0, load[3] = {0, 0, 0};
    int have_uptime = read_small_file("/proc/uptime", uptime, sizeof uptime) && sscanf(uptime, "%lf", &up) == 1;
    int have_load = read_small_file("/proc/loadavg", loadavg, sizeof loadavg) &&
                    sscanf(loadavg, "%lf %lf %lf", &load[0], &load[1], &load[2]) == 3;
    int have_pretty = (read_small_file("/etc/os-release", os_release, sizeof os_release) ||
                       read_small_file("/usr/lib/os-release", os_release, sizeof os_release)) &&
                      field_value(os_release, "PRETTY_NAME", '=', pretty, sizeof pretty);
    json_buf_puts(b, "{\"hostname\":");
    json_buf_string_lossy(b, host, strlen(host));
    json_buf_puts(b, ",\"os\":");
    if (have_uname) json_buf_string_lossy(b, u.sysname, strlen(u.sysname));
    else json_buf_puts(b, "null");
    json_buf_puts(b, ",\"distribution\":");
    if (have_pretty) json_buf_string_lossy(b, pretty, strlen(pretty));
    else json_buf_puts(b, "null");
    json_buf_puts(b, ",\"kernel\":");
    if (have_uname) json_buf_string_lossy(b, u.release, strlen(u.release));
    else json_buf_puts(b, "null");
    json_buf_puts(b, ",\"architecture\":");
    if (have_uname) json_buf_string_lossy(b, u.machine, strlen(u.machine));
    else json_buf_puts(b, "null");
    json_buf_puts(b, ",\"uptime_seconds\":");
    if (have_uptime) json_buf_number(b, up);
    else json_buf_puts(b, "null");
    json_buf_puts(b, ",\"load_average\":");
    if (have_load) json_buf_printf(b, "{\"1m\":%.2f,\"5m\":%.2f,\"15m\":%.2f}", load[0], load[1], load[2]);
    else json_buf_puts(b, "null");
    json_buf_printf(b, ",\"cpu_count\":%ld}", sysconf(_SC_NPROCESSORS_ONLN));
}

/* /proc/meminfo fields, reported in bytes under these names. */
static const struct {
    const char *field, *name;
} MEMINFO_FIELDS[] = {{"MemTotal", "total_bytes"},         {"MemFree", "free_bytes"},
                      {"MemAvailable", "available_bytes"}, {"Buffers", "buffers_bytes"},
                      {"Cached", "cached_bytes"},          {"SwapTotal", "swap_total_bytes"},
                      {"SwapFree", "swap_free_bytes"}};

/* False when /proc/meminfo cannot be read. */
static int build_memory_info(struct json_buf *b) {
    char text[8192];
    if (!read_small_file("/proc/meminfo", text, sizeof text)) return 0;
    unsigned long long total = 0, available = 0;
    json_buf_puts(b, "{");
    for (size_t i = 0; i < sizeof MEMINFO_FIELDS / sizeof *MEMINFO_FIELDS; i++) {
        char value[64];
        unsigned long long kib = 0;
        int have = field_value(text, MEMINFO_FIELDS[i].field, ':', value, sizeof value) &&
                   sscanf(value, "%llu", &kib) == 1;
        json_buf_printf(b, "%s\"%s\":", i ? "," : "", MEMINFO_FIELDS[i].name);
        if (have) json_buf_printf(b, "%llu", kib * 1024);
        else json_buf_puts(b, "null");
        if (i == 0) total = kib;
        if (i == 2) available = kib;
    }
    json_buf_puts(b, ",\"used_percent\":");
    if (total > 0 && available <= total) json_buf_printf(b, "%.1f", 100.0 * (double)(total - available) / (double)total);
    else json_buf_puts(b, "null");
    json_buf_puts(b, "}");
    return 1;
}

static void tool_system_info(mcpf_responder *r) {
    struct json_buf b = {0};
    build_system_info(&b);
    reply_object(r, &b);
}

static void tool_memory_info(mcpf_responder *r) {
    struct json_buf b = {0};
    if (build_memory_info(&b)) {
        reply_object(r, &b);
        return;
    }
    json_buf_free(&b);
    reply_error(r, "cannot read /proc/meminfo: %s", strerror(errno));
}

static void tool_cpu_info(mcpf_responder *r) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL) {
        reply_error(r, "cannot read /proc/cpuinfo: %s", strerror(errno));
        return;
    }
    char line[1024], model[256] = "";
    long processors = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "processor", 9) == 0) processors++;
        else if (model[0] == '\0') field_value(line, "model name", ':', model, sizeof model);
    }
    fclose(f);
    struct json_buf b = {0};
    json_buf_puts(&b, "{\"model\":");
    if (model[0]) json_buf_string_lossy(&b, model, strlen(model));
    else json_buf_puts(&b, "null");
    json_buf_printf(&b, ",\"logical_cpus\":%ld,\"online_cpus\":%ld}", processors, sysconf(_SC_NPROCESSORS_ONLN));
    reply_object(r, &b);
}

/* ---- disk_usage (worker) --------------------------------------------------------------- */

static void tool_disk_usage(mcpf_responder *r) {
    const char *v = json_get(arguments_of(mcpf_responder_call(r)), "path");
    char *path = v ? json_string_dup(v) : strdup("/");
    if (path == NULL) {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        return;
    }
    struct stat st;
    struct statvfs vfs;
    if (path[0] != '/') {
        reply_error(r, "path must be absolute (start with /), got \"%.*s\"", json_utf8_prefix(path, 200), path);
    } else if (stat(path, &st) != 0 || statvfs(path, &vfs) != 0) {
        reply_error(r, "cannot read the file system of \"%.*s\": %s", json_utf8_prefix(path, 200), path, strerror(errno));
    } else {
        unsigned long long unit = vfs.f_frsize ? vfs.f_frsize : vfs.f_bsize;
        unsigned long long total = unit * vfs.f_blocks, free_bytes = unit * vfs.f_bfree;
        unsigned long long avail = unit * vfs.f_bavail, used = total - free_bytes;
        struct json_buf b = {0};
        json_buf_puts(&b, "{\"path\":");
        json_buf_string_lossy(&b, path, strlen(path));
        json_buf_printf(&b, ",\"total_bytes\":%llu,\"free_bytes\":%llu,\"available_bytes\":%llu,\"used_bytes\":%llu,",
                        total, free_bytes, avail, used);
        /* As df computes it: used / (used + available to unprivileged users). */
        json_buf_puts(&b, "\"used_percent\":");
        if (used + avail > 0) json_buf_printf(&b, "%.1f", 100.0 * (double)used / (double)(used + avail));
        else json_buf_puts(&b, "null");
        json_buf_puts(&b, "}");
        reply_object(r, &b);
    }
    free(path);
}

/* ---- process_list (worker) ------------------------------------------------------------- */

struct process {
    long pid;
    char name[64];
    char state;
    long threads;
    unsigned long long rss_bytes;
    double cpu_seconds;
};

/* Reads /proc/<pid>/stat; false when the process is gone or the line does not parse. */
static int read_process(long pid, long page_size, long ticks, struct process *p) {
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if (!read_small_file(path, text, sizeof text)) return 0;
    /* "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ')'. */
    char *open = strchr(text, '('), *close = strrchr(text, ')');
    if (open == NULL || close == NULL || close < open) return 0;
    size_t name_len = (size_t)(close - open - 1);
    if (name_len >= sizeof p->name) name_len = sizeof p->name - 1;
    memcpy(p->name, open + 1, name_len);
    p->name[name_len] = '\0';
    /* Fields from 3 (state) on: utime is 14, stime 15, num_threads 20, rss 24. */
    unsigned long long utime, stime;
    long long rss;
    if (sscanf(close + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %ld %*d %*u %*u %lld",
               &p->state, &utime, &stime, &p->threads, &rss) != 5)
        return 0;
    p->pid = pid;
    p->rss_bytes = rss > 0 ? (unsigned long long)rss * (unsigned long long)page_size : 0;
    p->cpu_seconds = (double)(utime + stime) / (double)ticks;
    return 1;
}

static int by_memory(const void *a, const void *b) {
    const struct process *x = a, *y = b;
    return x->rss_bytes < y->rss_bytes ? 1 : x->rss_bytes > y->rss_bytes ? -1 : (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_cpu_time(const void *a, const void *b) {
    const struct process *x = a, *y = b;
    return x->cpu_seconds < y->cpu_seconds ? 1 : x->cpu_seconds > y->cpu_seconds ? -1 : (x->pid > y->pid) - (x->pid < y->pid);
}

static void tool_process_list(mcpf_responder *r) {
    const mcpf_call *call = mcpf_responder_call(r);
    long limit = (long)number_arg(call, "limit", 10);
    const char *sort_value = json_get(arguments_of(call), "sort_by");
    int sort_cpu = sort_value != NULL && strncmp(sort_value, "\"cpu_time\"", 10) == 0;
    long page_size = sysconf(_SC_PAGESIZE), ticks = sysconf(_SC_CLK_TCK);
    DIR *dir = opendir("/proc");
    if (dir == NULL || page_size <= 0 || ticks <= 0) {
        if (dir) closedir(dir);
        reply_error(r, "cannot list /proc: %s", strerror(errno));
        return;
    }
    struct process *list = NULL;
    size_t count = 0, cap = 0;
    int out_of_memory = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && !out_of_memory) {
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        if (count == cap) {
            size_t new_cap = cap ? cap * 2 : 256;
            struct process *grown = realloc(list, new_cap * sizeof *list);
            if (grown == NULL) {
                out_of_memory = 1;
                break;
            }
            list = grown;
            cap = new_cap;
        }
        if (read_process(pid, page_size, ticks, &list[count])) count++;
    }
    closedir(dir);
    if (out_of_memory) {
        free(list);
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        return;
    }
    if (count > 0) qsort(list, count, sizeof *list, sort_cpu ? by_cpu_time : by_memory);
    struct json_buf b = {0};
    json_buf_printf(&b, "{\"sorted_by\":\"%s\",\"total_processes\":%zu,\"processes\":[", sort_cpu ? "cpu_time" : "memory",
                    count);
    for (size_t i = 0; i < count && i < (size_t)limit; i++) {
        json_buf_printf(&b, "%s{\"pid\":%ld,\"name\":", i ? "," : "", list[i].pid);
        json_buf_string_lossy(&b, list[i].name, strlen(list[i].name));
        json_buf_printf(&b, ",\"state\":\"%c\",\"threads\":%ld,\"rss_bytes\":%llu,\"cpu_time_seconds\":",
                        isalpha((unsigned char)list[i].state) ? list[i].state : '?', list[i].threads, list[i].rss_bytes);
        json_buf_number(&b, list[i].cpu_seconds);
        json_buf_puts(&b, "}");
    }
    json_buf_puts(&b, "]}");
    free(list);
    reply_object(r, &b);
}

/* ---- cpu_usage (worker: sleeps, reports progress, honours cancellation) ---------------- */

/* Busy and total jiffies per CPU line of /proc/stat: [0] is the "cpu" total line, then one
 * per CPU. Returns the number of lines read (0 on error). */
static size_t read_cpu_times(unsigned long long busy[], unsigned long long total[], size_t cap) {
    FILE *f = fopen("/proc/stat", "r");
    if (f == NULL) return 0;
    char line[512];
    size_t n = 0;
    while (n < cap && fgets(line, sizeof line, f) != NULL && strncmp(line, "cpu", 3) == 0) {
        unsigned long long v[8] = {0};
        /* user nice system idle iowait irq softirq steal (guest time is inside user). */
        if (sscanf(line + strcspn(line, " "), "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7]) < 4)
            break;
        unsigned long long idle = v[3] + v[4];
        total[n] = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
        busy[n] = total[n] - idle;
        n++;
    }
    fclose(f);
    return n;
}

static void append_usage(struct json_buf *b, unsigned long long busy, unsigned long long total) {
    if (total == 0) json_buf_puts(b, "0.0");
    else json_buf_printf(b, "%.1f", 100.0 * (double)busy / (double)total);
}

/* Sleeps `ms` milliseconds. */
static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

struct cpu_sample {
    unsigned long long busy[MAX_CPUS + 1], total[MAX_CPUS + 1];
    size_t lines;
};

static void tool_cpu_usage(mcpf_responder *r) {
    const mcpf_call *call = mcpf_responder_call(r);
    long interval = (long)number_arg(call, "interval_ms", 1000);
    struct cpu_sample *before = malloc(sizeof *before), *after = malloc(sizeof *after);
    if (before == NULL || after == NULL) {
        free(before);
        free(after);
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        return;
    }
    before->lines = read_cpu_times(before->busy, before->total, MAX_CPUS + 1);
    for (int step = 1; before->lines > 0 && step <= CPU_SAMPLE_STEPS; step++) {
        sleep_ms(interval / CPU_SAMPLE_STEPS);
        if (mcpf_call_is_cancelled(call)) {
            /* Nobody waits for the answer any more: stop sampling and free the responder. */
            fprintf(stderr, "sysinfo_server: cpu_usage cancelled after %d of %d steps\n", step, CPU_SAMPLE_STEPS);
            free(before);
            free(after);
            mcpf_responder_free(r);
            return;
        }
        char message[64];
        snprintf(message, sizeof message, "sampled %ld of %ld ms", interval * step / CPU_SAMPLE_STEPS, interval);
        mcpf_call_report_progress(call, step, CPU_SAMPLE_STEPS, message, SIZE_MAX);
    }
    after->lines = before->lines > 0 ? read_cpu_times(after->busy, after->total, MAX_CPUS + 1) : 0;
    if (after->lines == 0 || after->lines != before->lines) {
        reply_error(r, "cannot read /proc/stat consistently");
    } else {
        struct json_buf b = {0};
        json_buf_printf(&b, "{\"interval_ms\":%ld,\"overall_percent\":", interval);
        append_usage(&b, after->busy[0] - before->busy[0], after->total[0] - before->total[0]);
        json_buf_puts(&b, ",\"per_cpu_percent\":[");
        for (size_t i = 1; i < after->lines; i++) {
            if (i > 1) json_buf_puts(&b, ",");
            append_usage(&b, after->busy[i] - before->busy[i], after->total[i] - before->total[i]);
        }
        json_buf_puts(&b, "]}");
        reply_object(r, &b);
    }
    free(before);
    free(after);
}

/* ---- calculate: a recursive-descent parser (no eval) ---------------------------------- */

/*
 * expression := term (('+' | '-') term)*
 * term       := factor (('*' | '/' | '%') factor)*
 * factor     := ('+' | '-') factor | '(' expression ')' | number
 * number     := digits ['.' digits] | '.' digits, then optionally ('e' | 'E') ['+' | '-'] digits
 */
struct parser {
    const char *text, *at;
    int depth;
    char error[160]; /* set on the first failure; parsing stops there */
};

/* Records the first failure, at the current position (1-based); returns 0. */
static int failed(struct parser *p, const char *what) {
    if (p->error[0] == '\0') snprintf(p->error, sizeof p->error, "%s at position %ld", what, (long)(p->at - p->text) + 1);
    return 0;
}

/* Fails on the character at the current position (or the end of the text). */
static int unexpected(struct parser *p) {
    char what[32];
    if (*p->at == '\0') return failed(p, "unexpected end of expression");
    if (isprint((unsigned char)*p->at)) snprintf(what, sizeof what, "unexpected '%c'", *p->at);
    else snprintf(what, sizeof what, "unexpected byte 0x%02x", (unsigned char)*p->at);
    return failed(p, what);
}

static char peek(struct parser *p) {
    while (*p->at == ' ' || *p->at == '\t' || *p->at == '\n' || *p->at == '\r') p->at++;
    return *p->at;
}

static int parse_expression(struct parser *p, double *out);

static int parse_number(struct parser *p, double *out) {
    const char *s = p->at;
    size_t digits = 0;
    while (isdigit((unsigned char)*s)) s++, digits++;
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s)) s++, digits++;
    }
    if (digits == 0) return unexpected(p);
    if (*s == 'e' || *s == 'E') {
        const char *e = s + 1;
        if (*e == '+' || *e == '-') e++;
        if (!isdigit((unsigned char)*e)) return failed(p, "malformed exponent");
        while (isdigit((unsigned char)*e)) e++;
        s = e;
    }
    /* The span is a plain decimal number, which strtod reads the same in the "C" locale
     * (the program never calls setlocale). */
    char buf[128];
    size_t n = (size_t)(s - p->at);
    if (n >= sizeof buf) return failed(p, "number too long");
    memcpy(buf, p->at, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    p->at = s;
    return 1;
}

static int parse_factor(struct parser *p, double *out) {
    if (++p->depth > MAX_EXPRESSION_DEPTH) return failed(p, "nested too deeply");
    int ok;
    char c = peek(p);
    if (c == '+' || c == '-') {
        p->at++;
        ok = parse_factor(p, out);
        if (c == '-') *out = -*out;
    } else if (c == '(') {
        p->at++;
        ok = parse_expression(p, out) && (peek(p) == ')' ? (p->at++, 1) : failed(p, "expected ')'"));
    } else {
        ok = parse_number(p, out);
    }
    p->depth--;
    return ok;
}

static int parse_term(struct parser *p, double *out) {
    if (!parse_factor(p, out)) return 0;
    for (char op = peek(p); op == '*' || op == '/' || op == '%'; op = peek(p)) {
        const char *op_at = p->at++;
        double rhs;
        if (!parse_factor(p, &rhs)) return 0;
        if (op != '*' && rhs == 0) {
            p->at = op_at;
            return failed(p, op == '/' ? "division by zero" : "modulo by zero");
        }
        *out = op == '*' ? *out * rhs : op == '/' ? *out / rhs : fmod(*out, rhs);
    }
    return 1;
}

static int parse_expression(struct parser *p, double *out) {
    if (!parse_term(p, out)) return 0;
    for (char op = peek(p); op == '+' || op == '-'; op = peek(p)) {
        p->at++;
        double rhs;
        if (!parse_term(p, &rhs)) return 0;
        *out = op == '+' ? *out + rhs : *out - rhs;
    }
    return 1;
}

/* Evaluates `text`; on failure returns 0 with the reason in `error`. */
static int evaluate(const char *text, double *out, char *error, size_t error_cap) {
    struct parser p = {.text = text, .at = text, .depth = 0, .error = ""};
    int ok = parse_expression(&p, out);
    if (ok && peek(&p) != '\0') ok = unexpected(&p);
    if (ok && !isfinite(*out)) ok = failed(&p, "the result is too large");
    if (!ok) snprintf(error, error_cap, "%s", p.error);
    return ok;
}

static void tool_calculate(mcpf_responder *r) {
    char *expression = json_string_dup(json_get(arguments_of(mcpf_responder_call(r)), "expression"));
    if (expression == NULL) {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        return;
    }
    double value;
    char error[200];
    if (!evaluate(expression, &value, error, sizeof error)) {
        reply_error(r, "cannot evaluate \"%.*s\": %s", json_utf8_prefix(expression, 200), expression, error);
    } else {
        struct json_buf b = {0};
        json_buf_number(&b, value == 0 ? 0.0 : value); /* no "-0" */
        if (b.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        else mcpf_responder_text(r, b.data, b.len);
        json_buf_free(&b);
    }
    free(expression);
}

/* ---- Resources ----------------------------------------------------------------------- */

static void reply_contents(mcpf_responder *r, const char *uri, struct json_buf *obj) {
    struct json_buf contents = {0};
    json_buf_puts(&contents, "[{\"uri\":");
    json_buf_string(&contents, uri);
    json_buf_puts(&contents, ",\"mimeType\":\"application/json\",\"text\":");
    json_buf_string_n(&contents, obj->data ? obj->data : "", obj->len);
    json_buf_puts(&contents, "}]");
    if (obj->failed || contents.failed) mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
    else mcpf_responder_contents(r, contents.data, contents.len);
    json_buf_free(&contents);
    json_buf_free(obj);
}

static void resource_system(mcpf_responder *r) {
    struct json_buf b = {0};
    build_system_info(&b);
    reply_contents(r, "sysinfo://system", &b);
}

static void resource_memory(mcpf_responder *r) {
    struct json_buf b = {0};
    if (build_memory_info(&b)) {
        reply_contents(r, "sysinfo://memory", &b);
        return;
    }
    json_buf_free(&b);
    mcpf_responder_protocol_error(r, INTERNAL_ERROR, "cannot read /proc/meminfo", SIZE_MAX);
}

/* ---- The worker pool ------------------------------------------------------------------- */

typedef void (*work_fn)(mcpf_responder *r);

struct job {
    work_fn work;
    mcpf_responder *r;     /* owned by the job until the work completes it */
    struct work_item item; /* its place in the queue */
};

/* The queue of jobs (pushed by callbacks on the server's thread) and the workers popping it. */
struct pool {
    struct work_queue queue;
    pthread_t threads[WORKERS];
    int started;
};

static void *worker_main(void *arg) {
    struct work_queue *queue = arg;
    struct work_item *item;
    while ((item = work_queue_pop(queue)) != NULL) {
        struct job *job = work_queue_entry(item, struct job, item);
        job->work(job->r);
        free(job);
    }
    return NULL; /* closed and drained */
}

/* Queues `work` for a worker; never blocks beyond the queue lock. */
static void submit(struct pool *pool, work_fn work, mcpf_responder *r) {
    struct job *job = malloc(sizeof *job);
    if (job == NULL) {
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "out of memory", SIZE_MAX);
        return;
    }
    *job = (struct job){.work = work, .r = r};
    if (!work_queue_push(&pool->queue, &job->item)) {
        free(job);
        mcpf_responder_protocol_error(r, INTERNAL_ERROR, "the server is shutting down", SIZE_MAX);
    }
}

/* Lets the workers finish the queued jobs, then joins them. */
static void pool_stop(struct pool *pool) {
    work_queue_close(&pool->queue);
    for (int i = 0; i < pool->started; i++) pthread_join(pool->threads[i], NULL);
}

/* ---- Registration --------------------------------------------------------------------- */

/* The user_data of each registration: what to run, and whether on a worker. */
struct binding {
    work_fn work;
    int on_worker;
    struct pool *pool;
};

static void dispatch(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call; /* borrowed until we return: the work reads mcpf_responder_call(r) */
    const struct binding *b = user_data;
    if (b->on_worker) submit(b->pool, b->work, r);
    else b->work(r);
}

#define READ_ONLY ",\"annotations\":{\"readOnlyHint\":true,\"openWorldHint\":false}"
#define NO_ARGS "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"

static const struct tool_def {
    const char *json;
    work_fn work;
    int on_worker;
} TOOLS[] = {
    {"{\"name\":\"system_info\",\"title\":\"System information\",\"description\":\"Hostname, OS, distribution, "
     "kernel, architecture, uptime in seconds, load averages and online CPU count.\",\"inputSchema\":" NO_ARGS
     READ_ONLY "}",
     tool_system_info, 0},
    {"{\"name\":\"memory_info\",\"title\":\"Memory\",\"description\":\"Physical memory and swap in bytes (from "
     "/proc/meminfo) and the percentage in use.\",\"inputSchema\":" NO_ARGS READ_ONLY "}",
     tool_memory_info, 0},
    {"{\"name\":\"cpu_info\",\"title\":\"CPU\",\"description\":\"The CPU model and the number of logical and online "
     "CPUs.\",\"inputSchema\":" NO_ARGS READ_ONLY "}",
     tool_cpu_info, 0},
    {"{\"name\":\"disk_usage\",\"title\":\"Disk usage\",\"description\":\"Size, free and available bytes and use "
     "percentage of the file system holding an absolute path.\",\"inputSchema\":{\"type\":\"object\",\"properties\":"
     "{\"path\":{\"type\":\"string\",\"description\":\"An absolute path on the file system to inspect (default /)\","
     "\"minLength\":1,\"maxLength\":4096}},\"additionalProperties\":false}" READ_ONLY "}",
     tool_disk_usage, 1},
    {"{\"name\":\"process_list\",\"title\":\"Processes\",\"description\":\"The processes using the most memory "
     "(resident set) or CPU time: pid, name, state, threads, rss_bytes, cpu_time_seconds.\",\"inputSchema\":{\"type\":"
     "\"object\",\"properties\":{\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"description\":"
     "\"How many processes to list (default 10)\"},\"sort_by\":{\"type\":\"string\",\"enum\":[\"memory\",\"cpu_time\"],"
     "\"description\":\"Sort order (default memory)\"}},\"additionalProperties\":false}" READ_ONLY "}",
     tool_process_list, 1},
    {"{\"name\":\"cpu_usage\",\"title\":\"CPU usage\",\"description\":\"Measures CPU utilisation (overall and per "
     "CPU, in percent) over an interval, reporting progress while it samples.\",\"inputSchema\":{\"type\":\"object\","
     "\"properties\":{\"interval_ms\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":10000,\"description\":"
     "\"Sampling interval in milliseconds (default 1000)\"}},\"additionalProperties\":false}" READ_ONLY "}",
     tool_cpu_usage, 1},
    {"{\"name\":\"calculate\",\"title\":\"Calculator\",\"description\":\"Evaluates an arithmetic expression: numbers "
     "(decimals and exponents), + - * / %, parentheses and unary minus. Answers with the value.\",\"inputSchema\":"
     "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1000,"
     "\"description\":\"For example (2 + 3) * 4 / 5\"}},\"required\":[\"expression\"],\"additionalProperties\":false}"
     ",\"annotations\":{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}}",
     tool_calculate, 0},
};

static const struct resource_def {
    const char *uri, *name, *description;
    work_fn work;
} RESOURCES[] = {
    {"sysinfo://system", "system", "What system_info answers, as a resource", resource_system},
    {"sysinfo://memory", "memory", "What memory_info answers, as a resource", resource_memory},
};

/* Reports a startup failure on stderr; returns 1. */
static int fail(const char *what) {
    fprintf(stderr, "sysinfo_server: %s\n", what);
    return 1;
}

static int check(mcpf_status status, const char *what) {
    if (status == MCPF_STATUS_OK) return 0;
    fprintf(stderr, "sysinfo_server: %s: %s: %s\n", what, mcpf_status_str(status), mcpf_last_error_message());
    return 1;
}

/* Registers every tool and resource, with user_data the library frees (`free`). */
static int register_all(mcpf_server *server, struct pool *pool) {
    size_t n_tools = sizeof TOOLS / sizeof *TOOLS, n_resources = sizeof RESOURCES / sizeof *RESOURCES;
    for (size_t i = 0; i < n_tools + n_resources; i++) {
        struct binding *b = malloc(sizeof *b);
        if (b == NULL) return fail("out of memory");
        int is_tool = i < n_tools;
        *b = (struct binding){.work = is_tool ? TOOLS[i].work : RESOURCES[i - n_tools].work,
                              .on_worker = is_tool && TOOLS[i].on_worker,
                              .pool = pool};
        mcpf_status st;
        if (is_tool) {
            st = mcpf_server_add_tool_json(server, TOOLS[i].json, SIZE_MAX, dispatch, b, free);
        } else {
            const struct resource_def *d = &RESOURCES[i - n_tools];
            st = mcpf_server_add_resource(server, d->uri, SIZE_MAX, d->name, SIZE_MAX, d->description, SIZE_MAX,
                                          "application/json", SIZE_MAX, dispatch, b, free);
        }
        if (st != MCPF_STATUS_OK) free(b); /* on failure the library keeps nothing */
        if (check(st, is_tool ? "add tool" : "add resource")) return 1;
    }
    return 0;
}

/* Serves until stdin closes or a signal (stdio), or until a signal (HTTP). */
static int serve(mcpf_server *server, const char *http_bind) {
    if (http_bind == NULL) return check(mcpf_server_run_stdio(server), "serving stdio");
    struct json_buf options = {0};
    json_buf_puts(&options, "{\"bind\":");
    json_buf_string(&options, http_bind);
    json_buf_puts(&options, "}");
    int failed = options.failed ? fail("out of memory")
                                : check(mcpf_server_run_http(server, options.data, options.len), "serving HTTP");
    json_buf_free(&options);
    return failed;
}

int main(int argc, char **argv) {
    const char *http_bind = NULL;
    if (argc == 3 && strcmp(argv[1], "--http") == 0) {
        http_bind = argv[2];
    } else if (argc != 1) {
        fputs(USAGE, stderr);
        return 2;
    }
    struct pool pool = {.started = 0};
    if (work_queue_init(&pool.queue) != 0) return 1;
    while (pool.started < WORKERS && pthread_create(&pool.threads[pool.started], NULL, worker_main, &pool.queue) == 0)
        pool.started++;

    mcpf_server *server = NULL;
    int failed = pool.started == 0 && fail("cannot start a worker thread");
    failed = failed || check(mcpf_server_new(SERVER_NAME, SIZE_MAX, SERVER_VERSION, SIZE_MAX, &server), "new server");
    failed = failed || check(mcpf_server_set_instructions(server, INSTRUCTIONS, SIZE_MAX), "set instructions");
    failed = failed || register_all(server, &pool);
    failed = failed || serve(server, http_bind);

    /* Serving is over: the workers finish the queued calls, then the server goes (no
     * responder outlives it), and the pool last (the bindings point at it). */
    pool_stop(&pool);
    mcpf_server_free(server);
    work_queue_destroy(&pool.queue);
    return failed;
}

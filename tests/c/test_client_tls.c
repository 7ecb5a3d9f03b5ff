/*
 * test_client_tls.c - the C client over https:// with root certificates of its own: a C
 * server of this program serves Streamable HTTP over TLS on 127.0.0.1 (its certificate
 * signed by a test CA that openssl makes in a temporary folder); a client trusting only the
 * system's store is refused with the TLS error, one given the CA (as a file path, or as PEM
 * text) in "root_certificates" connects and calls a tool, and a root that is not a
 * certificate is refused before connecting.
 *
 * Usage: test_client_tls   (exit status 0 when every check passes; needs openssl)
 */
#define _POSIX_C_SOURCE 200809L
#include <mcpforge.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void echo(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)user_data;
    const char *args;
    size_t len;
    CHECK_STATUS(mcpf_call_arguments(call, &args, &len), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_responder_text(r, args, len), MCPF_STATUS_OK);
}

struct serving {
    mcpf_server *server;
    char options[1024];
    mcpf_status result;
    pthread_t thread;
};

static void *serve(void *arg) {
    struct serving *s = arg;
    s->result = mcpf_server_run_http(s->server, s->options, SIZE_MAX);
    return NULL;
}

/* Runs `command` with the shell; whether it exited 0. */
static int run(const char *command) {
    int status = system(command);
    if (status != 0) fprintf(stderr, "failed (%d): %s\n", status, command);
    return status == 0;
}

/* Makes the test CA and a certificate for 127.0.0.1 it signed, in `dir`. */
static int certificates(const char *dir) {
    char command[2048];
    const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    snprintf(command, sizeof command,
             "cd '%s' && openssl req -x509 %s -keyout ca.key -out ca.pem -days 2 -subj '/CN=mcpforge test CA' 2>/dev/null"
             " && openssl req %s -keyout leaf.key -out leaf.csr -subj '/CN=127.0.0.1' 2>/dev/null"
             " && printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > leaf.ext"
             " && openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
             " -extfile leaf.ext -out leaf.pem 2>/dev/null",
             dir, ec, ec);
    return run(command);
}

/* Reads the whole file `path` (owned, NUL-terminated; NULL on failure). */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *text = calloc(1, 65536);
    size_t n = text ? fread(text, 1, 65535, f) : 0;
    fclose(f);
    if (text && n == 0) {
        free(text);
        text = NULL;
    }
    return text;
}

/* Appends `text` to `out` as a JSON string (quotes and escapes). */
static void json_string(char *out, size_t cap, const char *text) {
    size_t n = strlen(out);
    out[n++] = '"';
    for (const char *p = text; *p && n + 4 < cap; p++) {
        if (*p == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else if (*p == '"' || *p == '\\') {
            out[n++] = '\\';
            out[n++] = *p;
        } else {
            out[n++] = *p;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
}

/* Connects to `url` with `options` (NULL: none); the status, the client in `*out`. */
static mcpf_status connect_with(const mcpf_client_config *config, const char *url, const char *options,
                                mcpf_client **out) {
    *out = NULL;
    return mcpf_client_connect_http(config, url, SIZE_MAX, options, options ? SIZE_MAX : 0, out);
}

/* A client connected with `options` calls `echo` over TLS. */
static void calls_echo(const mcpf_client_config *config, const char *url, const char *options) {
    mcpf_client *client = NULL;
    CHECK_STATUS(connect_with(config, url, options, &client), MCPF_STATUS_OK);
    if (client == NULL) return;
    char *result = NULL;
    size_t len = 0;
    CHECK_STATUS(mcpf_client_call_tool(client, "echo", SIZE_MAX, "{\"over\":\"tls\"}", SIZE_MAX, NULL, &result, &len),
                 MCPF_STATUS_OK);
    check_contains(result, "over");
    mcpf_string_free(result);
    mcpf_client_free(client);
}

int main(void) {
    char dir[] = "/tmp/mcpforge-c-tls-XXXXXX";
    if (mkdtemp(dir) == NULL || !certificates(dir)) {
        fprintf(stderr, "test_client_tls: cannot make the test certificates (is openssl installed?)\n");
        return 1;
    }
    char ca[64];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);

    struct serving s = {.result = MCPF_STATUS_INTERNAL};
    CHECK_STATUS(mcpf_server_new("tls-server", SIZE_MAX, "1.0.0", SIZE_MAX, &s.server), MCPF_STATUS_OK);
    CHECK_STATUS(mcpf_server_add_tool(s.server, "echo", SIZE_MAX, "Echo", SIZE_MAX, NULL, 0, echo, NULL, NULL),
                 MCPF_STATUS_OK);
    snprintf(s.options, sizeof s.options, "{\"bind\":\"127.0.0.1:0\",\"tls_cert\":\"%s/leaf.pem\",\"tls_key\":\"%s/leaf.key\"}",
             dir, dir);
    CHECK(pthread_create(&s.thread, NULL, serve, &s) == 0);
    uint16_t port = 0;
    for (int i = 0; i < 1000 && port == 0; i++) {
        if (mcpf_server_http_port(s.server, &port) != MCPF_STATUS_OK) {
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    CHECK(port != 0);
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%u/mcp", (unsigned)port);

    mcpf_client_config *config = NULL;
    CHECK_STATUS(mcpf_client_config_new("tls-client", SIZE_MAX, "1.0.0", SIZE_MAX, NULL, 0, &config), MCPF_STATUS_OK);

    /* The system's store alone does not know the test CA: refused, saying why. */
    mcpf_client *client = NULL;
    mcpf_status refused = connect_with(config, url, NULL, &client);
    CHECK(refused != MCPF_STATUS_OK && client == NULL);
    check_contains(mcpf_last_error_message(), "TLS");
    mcpf_client_free(client);

    /* The CA as a file, then as PEM text. */
    char options[8192];
    snprintf(options, sizeof options, "{\"root_certificates\":[\"%s\"]}", ca);
    calls_echo(config, url, options);
    char *pem = slurp(ca);
    CHECK(pem != NULL);
    if (pem != NULL) {
        snprintf(options, sizeof options, "{\"root_certificates\":[");
        json_string(options, sizeof options - 4, pem);
        strcat(options, "]}");
        calls_echo(config, url, options);
        free(pem);
    }

    /* Roots that are not certificates, or a file that is not there: refused at once. */
    CHECK_STATUS(connect_with(config, url, "{\"root_certificates\":[\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"]}", &client),
                 MCPF_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(connect_with(config, url, "{\"root_certificates\":[\"/nonexistent/ca.pem\"]}", &client),
                 MCPF_STATUS_INVALID_ARGUMENT);
    check_contains(mcpf_last_error_message(), "/nonexistent/ca.pem");

    mcpf_client_config_free(config);
    CHECK_STATUS(mcpf_server_shutdown(s.server), MCPF_STATUS_OK);
    pthread_join(s.thread, NULL);
    CHECK_STATUS(s.result, MCPF_STATUS_OK);
    mcpf_server_free(s.server);
    char cleanup[600];
    snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", dir);
    run(cleanup);
    return check_summary("test_client_tls");
}

/*
 * loopback.h - TCP on 127.0.0.1 for the C tests that talk HTTP to a server they started:
 * a connection with a receive timeout, and one HTTP/1.1 request per connection.
 */
#ifndef MCPF_TEST_LOOPBACK_H
#define MCPF_TEST_LOOPBACK_H

#include <arpa/inet.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* A TCP port of 127.0.0.1 that was free a moment ago (the kernel's pick for port 0; 0 on
 * failure), for a server started in another process. */
static inline unsigned loopback_free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    unsigned port = 0;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

/* A socket connected to 127.0.0.1:`port` whose reads give up after `wait_s` seconds of
 * silence; -1 when the connection fails. */
static inline int loopback_connect(unsigned port, long wait_s) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {wait_s, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends `method path` to 127.0.0.1:`port` with `headers` (each ending in \r\n) and a JSON
 * `body`, then copies what arrives within `wait_s` seconds of silence (the whole response,
 * or the start of a stream) into `out` (`cap` bytes, NUL-terminated); returns the status
 * code, -1 on failure. */
static inline int loopback_http(unsigned port, const char *method, const char *path, const char *headers,
                                const char *body, char *out, size_t cap, long wait_s) {
    out[0] = '\0';
    int fd = loopback_connect(port, wait_s);
    if (fd < 0) return -1;
    char request[8192];
    int n = snprintf(request, sizeof request,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Type: application/json\r\n"
                     "Accept: application/json, text/event-stream\r\nConnection: close\r\n%s"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, path, port, headers, strlen(body), body);
    if (n < 0 || (size_t)n >= sizeof request || send(fd, request, (size_t)n, 0) != n) {
        close(fd);
        return -1;
    }
    size_t used = 0;
    for (;;) {
        ssize_t got = recv(fd, out + used, cap - 1 - used, 0);
        if (got <= 0) break;
        used += (size_t)got;
        if (used == cap - 1) break;
    }
    out[used] = '\0';
    close(fd);
    int status = -1;
    if (sscanf(out, "HTTP/1.1 %d", &status) != 1) status = -1;
    return status;
}

#endif

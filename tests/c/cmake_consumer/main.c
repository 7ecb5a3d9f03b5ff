/* cmake_consumer - links libmcpforge through find_package(mcpforge) and checks that the
 * header and the library agree: creates a server, registers a tool, frees it. */
#include <mcpforge.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void noop(const mcpf_call *call, mcpf_responder *r, void *user_data) {
    (void)call;
    (void)user_data;
    mcpf_responder_free(r);
}

int main(void) {
    mcpf_server *s = NULL;
    if (mcpf_server_new("cmake-consumer", SIZE_MAX, "1.0.0", SIZE_MAX, &s) != MCPF_STATUS_OK) return 1;
    mcpf_status st = mcpf_server_add_tool(s, "noop", SIZE_MAX, NULL, 0, NULL, 0, noop, NULL, NULL);
    mcpf_server_free(s);
    if (st != MCPF_STATUS_OK || strcmp(mcpf_status_str(MCPF_STATUS_OK), "MCPF_STATUS_OK") != 0) return 1;
    printf("cmake_consumer: mcpforge %d.%d.%d linked\n", MCPF_VERSION_MAJOR, MCPF_VERSION_MINOR, MCPF_VERSION_PATCH);
    return 0;
}

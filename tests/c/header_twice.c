/* Header hygiene: mcpforge.h included twice in one translation unit must compile cleanly
 * (as C11 and as C++17, with warnings as errors). */
#include <mcpforge.h>
#include <mcpforge.h>

int header_twice_status_ok(void);
int header_twice_status_ok(void) {
    mcpf_status status = MCPF_STATUS_OK;
    mcpf_tool_callback callback = 0;
    (void)callback;
    return (int)status + MCPF_VERSION_MAJOR;
}

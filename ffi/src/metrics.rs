//! The C accessor of a server's request metrics (`mcpf_server_metrics`): a snapshot as
//! owned JSON or Prometheus text.

use std::ffi::c_char;

use crate::boundary::{self, Fail, check_out, give_string, try_ref};
use crate::server::mcpf_server;
use crate::status::mcpf_status;

/// The form `mcpf_server_metrics` writes the metrics in (one of the `MCPF_METRICS_*`).
pub type mcpf_metrics_format = u32;
/// `{"series": [{"method", "name", "outcomes": {"ok", "tool_error", "error",
/// "internal_error", "rate_limited", "timeout", "cancelled"}, "inFlight", "count",
/// "sumSeconds", "buckets": [{"le", "count"}]}]}` (buckets cumulative, the last `"+Inf"`).
pub const MCPF_METRICS_JSON: mcpf_metrics_format = 0;
/// The Prometheus text exposition format, as `GET /metrics` serves it.
pub const MCPF_METRICS_PROMETHEUS: mcpf_metrics_format = 1;

/// A snapshot of the server's request metrics (kept when the options JSON of
/// `mcpf_server_new_with_options` has `"metrics": true` or a `"metrics_address"`): requests
/// by method, name (tool, prompt, resource URI or the matching template's pattern,
/// `unknown` for a name not registered) and outcome, with a duration histogram and the
/// requests in flight. Callable from any thread, while the server serves or not.
///
/// On success `*out` receives owned text (`*out_len` bytes plus a NUL) to free with
/// `mcpf_string_free`. `MCPF_STATUS_NOT_FOUND`: the server keeps no metrics;
/// `MCPF_STATUS_INVALID_ARGUMENT`: `format` is not one of the `MCPF_METRICS_*`.
///
/// # Safety
/// `server` is NULL or a live server; `out`/`out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_metrics(
    server: *const mcpf_server,
    format: mcpf_metrics_format,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: the caller guarantees `server` is NULL or live.
        let server = unsafe { try_ref(server, "server") }?;
        check_out(out, "out")?;
        check_out(out_len, "out_len")?;
        let text = match format {
            MCPF_METRICS_JSON => server.engine.metrics().map(|m| m.to_string()),
            MCPF_METRICS_PROMETHEUS => server.engine.metrics_text(),
            other => return Err(Fail::new(mcpf_status::InvalidArgument, format!("unknown metrics format {other}"))),
        };
        let text = text.ok_or_else(|| {
            Fail::new(mcpf_status::NotFound, "the server keeps no metrics: set \"metrics\": true in its options")
        })?;
        // SAFETY: both checked non-NULL above; writable per the caller.
        unsafe { give_string(text, out, out_len) }
    })
}

//! Serving a C server: stdio or Streamable HTTP, each on a current-thread runtime owned by
//! the calling thread (so every callback runs on that thread), until `mcpf_server_shutdown`.

use std::ffi::c_char;
use std::sync::Arc;

use mcpforge::{HttpOptions, Server, TokenVerifier};
use serde_json::Value;

use crate::boundary::{self, Fail, check_out, try_opt_str, try_ref, write_out};
use crate::server::mcpf_server;
use crate::status::mcpf_status;

/// Serves MCP over this process's stdin/stdout, blocking the calling thread until stdin
/// closes, SIGINT/SIGTERM arrives, or `mcpf_server_shutdown` is called (from another
/// thread, a callback or a signal handler). Callbacks run on this thread. While serving, the engine
/// owns fds 0 and 1 and points stdout at stderr, so stray `printf`s cannot corrupt the
/// protocol stream. Returns `MCPF_STATUS_OK` on a clean end, `MCPF_STATUS_ALREADY_RUNNING`
/// if another thread is serving this server, `MCPF_STATUS_IO` on a transport failure.
///
/// # Safety
/// `server` is NULL or a live server that is not freed before this returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_run_stdio(server: *mut mcpf_server) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        serve(server, |engine, _| async move { engine.serve_stdio().await.map_err(io) })
    })
}

/// Serves MCP over Streamable HTTP (both eras, plus the 2024-11-05 HTTP+SSE endpoints unless
/// disabled), blocking the calling thread until `mcpf_server_shutdown` is called or, unless
/// `"handle_signals": false`, SIGINT/SIGTERM arrives; in-flight calls then finish. Callbacks
/// run on this thread, as with `mcpf_server_run_stdio`.
///
/// `options_json` (NULL: all defaults) is an object of optional fields: `"bind"`
/// (`"127.0.0.1:3000"`; port 0 picks a free port, see `mcpf_server_http_port`), `"path"`
/// (`"/mcp"`), `"allowed_hosts"` and `"allowed_origins"` (DNS-rebinding protection;
/// defaults: the loopback names; `[]` disables the check), `"max_body_bytes"` (4 MiB),
/// `"legacy_sessions"` (true), `"session_idle_timeout_ms"` (600000), `"max_sessions"`
/// (10000), `"sse_keepalive_ms"` (15000), `"legacy_sse"` (true), `"metrics"` (false: serve
/// Prometheus text at `/metrics`), `"handle_signals"` (true), `"shared_store"`
/// (`"redis://host:port/db"`: the instances of a server given the same store share their
/// legacy sessions; default: the environment variable `MCPFORGE_SHARED_STORE`) and `"auth"`:
/// `{"resource": "http://127.0.0.1:3000/mcp", "authorization_servers": [...],
/// "scopes_supported": [...], "required_scopes": [...], "resource_name": ...}` to require
/// bearer tokens, checked by the verifier set with `mcpf_server_set_token_verifier`. Unknown
/// fields are refused (`MCPF_STATUS_INVALID_ARGUMENT`), so typos do not pass silently.
///
/// Returns `MCPF_STATUS_OK` on a clean end, `MCPF_STATUS_IO` when the address cannot be
/// bound or serving fails, `MCPF_STATUS_ALREADY_RUNNING` as for stdio.
///
/// # Safety
/// `server` is NULL or a live server that is not freed before this returns;
/// `options_json` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_run_http(
    server: *mut mcpf_server,
    options_json: *const c_char,
    options_json_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_opt_str(options_json, options_json_len, "options_json") }?;
        let options = http_options(text, server.state().verifier.clone())?;
        serve(server, move |engine, server| async move {
            let http = engine.bind_http(options).await.map_err(io)?;
            server.state().http_addr = Some(http.local_addr().map_err(io)?);
            let result = http.run().await.map_err(io);
            server.state().http_addr = None;
            result
        })
    })
}

/// The TCP port `mcpf_server_run_http` listens on (useful with port 0). Thread-safe.
/// `MCPF_STATUS_INVALID_ARGUMENT` when the server is not serving HTTP (yet).
///
/// # Safety
/// `server` is NULL or a live server; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_http_port(server: *const mcpf_server, out: *mut u16) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        check_out(out, "out")?;
        let addr = server
            .state()
            .http_addr
            .ok_or_else(|| Fail::new(mcpf_status::InvalidArgument, "the server is not serving HTTP"))?;
        // SAFETY: checked non-NULL above; writable per the caller.
        unsafe { write_out(out, addr.port(), "out") }
    })
}

/// The engine's options from `options_json` (the engine's JSON form of `HttpOptions`). C's
/// one convention: the engine stops on SIGINT/SIGTERM unless `"handle_signals": false`.
pub(crate) fn http_options(text: Option<&str>, verifier: Option<Arc<dyn TokenVerifier>>) -> Result<HttpOptions, Fail> {
    let mut value: Value = serde_json::from_str(text.unwrap_or("{}"))
        .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("options_json is not valid JSON: {e}")))?;
    let bad = |message: String| Fail::new(mcpf_status::InvalidArgument, format!("options_json: {message}"));
    let Some(object) = value.as_object_mut() else { return Err(bad("must be a JSON object".to_owned())) };
    object.entry("handle_signals").or_insert(Value::Bool(true));
    let builtin = |auth: &Value| ["jwt", "introspection", "proxy"].iter().any(|m| auth.get(m).is_some());
    if object.get("auth").is_some_and(|auth| !builtin(auth)) && verifier.is_none() {
        return Err(bad("\"auth\" is set but no verifier is set (mcpf_server_set_token_verifier)".to_owned()));
    }
    HttpOptions::from_json(value, verifier).map_err(|e| bad(e.to_string()))
}

fn io(e: impl std::fmt::Display) -> Fail {
    Fail::new(mcpf_status::Io, e.to_string())
}

/// The shared run path of every transport: serves the server's engine with `transport` on a current-thread runtime owned by the calling thread
/// (so every callback runs on this thread), and stops when `mcpf_server_shutdown` is called.
fn serve<'a, F, Fut>(server: &'a mcpf_server, transport: F) -> Result<(), Fail>
where
    F: FnOnce(Server, &'a mcpf_server) -> Fut,
    Fut: std::future::Future<Output = Result<(), Fail>>,
{
    if server.stop.requested() {
        return Ok(());
    }
    {
        let mut state = server.state();
        if state.running {
            return Err(Fail::new(mcpf_status::AlreadyRunning, "the server is already running"));
        }
        state.running = true;
    }
    let engine = server.engine.clone();
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Fail::new(mcpf_status::Io, format!("cannot start the runtime: {e}")))
        .and_then(|rt| {
            rt.block_on(async {
                let watch = server.stop.watch(engine.clone()).map_err(io)?;
                let result = transport(engine, server).await;
                watch.abort();
                result
            })
        });
    server.state().running = false;
    result
}

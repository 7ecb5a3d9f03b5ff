//! Connecting a C client: `mcpf_client_connect_stdio` (a child process: argv, environment,
//! working directory) and `mcpf_client_connect_http` (a Streamable HTTP URL, with extra
//! headers). Each starts the client's runtime, connects on it (the handshake or discovery
//! the config asks for) and starts the notification thread.

use std::collections::BTreeMap;
use std::ffi::c_char;
use std::sync::Mutex;
use std::time::Duration;

use mcpforge::client::auth::OAuthSettings;
use mcpforge::client::transport::child::StderrTail;
use mcpforge::client::transport::{ChildTransport, HttpTransport, Transport, Trust, WebSocketTransport};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::config::{self, mcpf_client_config};
use super::notify::Pump;
use super::oauth::COAuth;
use super::{failed, mcpf_client, wait_on};
use crate::boundary::{self, Fail, check_out, try_opt_str, try_str, write_out};
use crate::status::mcpf_status;

/// The options of `mcpf_client_connect_stdio`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StdioOptions {
    env: Option<BTreeMap<String, String>>,
    cwd: Option<String>,
    exit_grace_ms: Option<u64>,
}

/// The options of `mcpf_client_connect_http`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HttpOptions {
    headers: Option<BTreeMap<String, String>>,
    oauth: Option<OAuthSettings>,
    root_certificates: Option<Vec<String>>,
}

/// Reads a connect function's JSON options (NULL: the defaults).
fn options<T: DeserializeOwned + Default>(text: Option<&str>) -> Result<T, Fail> {
    let Some(text) = text else { return Ok(T::default()) };
    serde_json::from_str(text).map_err(|e| {
        let status = if e.is_data() { mcpf_status::InvalidArgument } else { mcpf_status::InvalidJson };
        Fail::new(status, format!("options_json: {e}"))
    })
}

/// Blocks SIGPIPE on the calling thread (each of the client's runtime threads): a write to
/// a child that exited, or to a closed socket, then fails with EPIPE instead of the signal
/// ending the C program, whose own handling of SIGPIPE is left as it is.
fn block_sigpipe() {
    #[cfg(unix)]
    // SAFETY: the set is a local value filled by sigemptyset/sigaddset; pthread_sigmask
    // changes only this thread's signal mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Connects with `config` over `transport` and hands C the client.
fn connect(
    config: &mcpf_client_config,
    transport: impl Transport,
    stderr: Option<StderrTail>,
    out: *mut *mut mcpf_client,
) -> Result<(), Fail> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("mcpf-client")
        .on_thread_start(block_sigpipe)
        .enable_all()
        .build()
        .map_err(|e| Fail::new(mcpf_status::Io, format!("starting the client's runtime: {e}")))?;
    let handle = runtime.handle().clone();
    let builder = config.builder();
    let engine = wait_on(&handle, async move { builder.connect(transport).await.map_err(failed) })?;
    let session = engine.session();
    let session = crate::boundary::c_json(&json!({
        "protocolVersion": session.protocol_version.as_str(),
        "serverInfo": session.server_info,
        "capabilities": session.capabilities,
        "instructions": session.instructions,
    }));
    let pump = match (&config.notifications, engine.notifications()) {
        (Some(callback), Some(channel)) => Some(
            Pump::start(handle.clone(), channel, callback.clone())
                .map_err(|e| Fail::new(mcpf_status::Io, format!("starting the notification thread: {e}")))?,
        ),
        _ => None,
    };
    let client = Box::new(mcpf_client {
        runtime: Some(runtime),
        handle,
        client: Mutex::new(Some(std::sync::Arc::new(engine))),
        closing: CancellationToken::new(),
        call: config.call,
        session,
        pump,
        stderr,
    });
    // SAFETY: checked non-NULL by the caller; reclaimed by `mcpf_client_free`. (Failing
    // here would drop the client: its child is killed.)
    unsafe { write_out(out, Box::into_raw(client), "out") }
}

/// Starts `argv[0]` (looked up in `PATH`) with the arguments `argv[1..argc]` (NUL-terminated
/// UTF-8 strings, copied) as a child process in a process group of its own, and connects to
/// it over its stdin and stdout with `config`. `options_json` (NULL: defaults) is an object
/// of optional fields: `"env"` (`{"NAME": "value"}`, set on top of this process's
/// environment), `"cwd"` (the child's working directory), `"exit_grace_ms"` (5000: how long
/// closing waits for the child to exit before killing its group). The child's stderr is kept
/// (`mcpf_client_stderr`).
///
/// On success `*out` receives the connected client, owned by the caller (free it with
/// `mcpf_client_free`: the child and everything it started are killed by then at the
/// latest). Failures: `MCPF_STATUS_IO` (the child could not start, or the connection
/// failed), `MCPF_STATUS_TIMEOUT`, `MCPF_STATUS_CLOSED` (the child exited),
/// `MCPF_STATUS_SERVER_ERROR` (the server refused `initialize`), `MCPF_STATUS_BAD_ANSWER`
/// (no protocol version in common); the child is killed.
///
/// # Safety
/// `config` is NULL or a live config; `argv` is NULL or `argc` readable pointers to
/// NUL-terminated strings; `options_json` is NULL or readable per the string rules; `out` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_connect_stdio(
    config: *const mcpf_client_config,
    argv: *const *const c_char,
    argc: usize,
    options_json: *const c_char,
    options_json_len: usize,
    out: *mut *mut mcpf_client,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let config = unsafe { config::config(config) }?;
        check_out(out, "out")?;
        if argv.is_null() {
            return Err(boundary::null("argv"));
        }
        if argc == 0 {
            return Err(Fail::new(mcpf_status::InvalidArgument, "argv must name a program (argc >= 1)"));
        }
        // SAFETY: `argv` holds `argc` readable pointers per the caller.
        let pointers = unsafe { std::slice::from_raw_parts(argv, argc) };
        let args = pointers
            .iter()
            .enumerate()
            // SAFETY: each is NULL or a NUL-terminated string per the caller.
            .map(|(i, arg)| unsafe { try_str(*arg, usize::MAX, &format!("argv[{i}]")) })
            .collect::<Result<Vec<&str>, Fail>>()?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_opt_str(options_json, options_json_len, "options_json") }?;
        let options: StdioOptions = options(text)?;
        let mut child = ChildTransport::new(args[0]).args(args[1..].iter().copied());
        for (name, value) in options.env.unwrap_or_default() {
            child = child.env(name, value);
        }
        if let Some(cwd) = options.cwd {
            child = child.cwd(cwd);
        }
        if let Some(ms) = options.exit_grace_ms {
            child = child.exit_grace(Duration::from_millis(ms));
        }
        let stderr = child.stderr();
        connect(config, child, Some(stderr), out)
    })
}

/// Connects to the Streamable HTTP endpoint `url` (`http://host:port/path` or `https://`,
/// copied) with `config`; a `ws://` or `wss://` URL connects over WebSocket instead (the
/// `mcp` subprotocol, one message per text frame; a socket that drops fails the calls in
/// flight with `MCPF_STATUS_CLOSED` and is not reopened). `options_json` (NULL: defaults) is
/// an object of optional fields: `"headers"` (`{"Authorization": "Bearer ..."}`, sent with
/// every request, or with the WebSocket upgrade); `"root_certificates"` (a list, each PEM
/// text or the path of a PEM file, read at connect: certificates trusted for `https://` and
/// `wss://` besides the system's store, by the connection and by the OAuth exchanges);
/// `"oauth"` (HTTP only; authorize when the server asks: the engine's OAuth
/// settings, camelCase: `clientName`, `redirectUri`, `scopes`, `clientId`, `clientSecret`,
/// `issuer`, `clientMetadataUrl`, `followRedirects` (no user: follow the authorization
/// server's redirects), `store` (the tokens kept by the application, not in memory),
/// `offlineAccess`, `authorizeTimeout` in seconds; the application's steps go to the
/// config's `mcpf_client_config_on_oauth` callback). On success `*out` receives
/// the connected client, owned by the caller (`mcpf_client_free`). Failures as for
/// `mcpf_client_connect_stdio`; over HTTP a request that reaches no server (connection
/// refused, a broken stream) fails as the engine reports it: `MCPF_STATUS_SERVER_ERROR` with
/// -32603 and the reason in the message.
///
/// # Safety
/// `config` is NULL or a live config; strings are NULL (`options_json` only) or readable
/// per the string rules; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_connect_http(
    config: *const mcpf_client_config,
    url: *const c_char,
    url_len: usize,
    options_json: *const c_char,
    options_json_len: usize,
    out: *mut *mut mcpf_client,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let config = unsafe { config::config(config) }?;
        check_out(out, "out")?;
        // SAFETY: forwarded caller guarantee.
        let (url, text) =
            unsafe { (try_str(url, url_len, "url")?, try_opt_str(options_json, options_json_len, "options_json")?) };
        let options: HttpOptions = options(text)?;
        let headers = options.headers.unwrap_or_default();
        let trust = match options.root_certificates {
            Some(roots) => Some(
                Trust::with_root_certificates(&roots)
                    .map_err(|e| Fail::new(mcpf_status::InvalidArgument, format!("root_certificates: {e}")))?,
            ),
            None => None,
        };
        let scheme = url.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
        if matches!(scheme.as_deref(), Some("ws" | "wss")) {
            if options.oauth.is_some() {
                return Err(Fail::new(mcpf_status::InvalidArgument, "\"oauth\" is for an http:// or https:// URL"));
            }
            let mut ws = headers.into_iter().fold(WebSocketTransport::new(url), |t, (k, v)| t.header(k, v));
            if let Some(trust) = trust {
                ws = ws.trust(trust);
            }
            return connect(config, ws, None, out);
        }
        let mut http = headers.into_iter().fold(HttpTransport::new(url), |t, (k, v)| t.header(k, v));
        if let Some(trust) = trust {
            http = http.trust(trust);
        }
        if let Some(settings) = options.oauth {
            http = http.oauth(COAuth::client(config.oauth.as_ref(), settings)?);
        }
        connect(config, http, None, out)
    })
}

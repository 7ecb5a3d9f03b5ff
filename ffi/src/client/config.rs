//! `mcpf_client_config`: what a C client is before it connects: its name and version, the
//! wire it speaks, its default timeout, and the callbacks that answer the server's requests
//! and receive its notifications (and the OAuth steps' callback, `oauth.rs`). One config may connect any number of clients.

use std::ffi::{c_char, c_void};
use std::sync::Arc;
use std::time::Duration;

use mcpforge::ProtocolVersion;
use mcpforge::client::{CallOptions, ClientBuilder, Protocol};
use mcpforge::protocol::method::Method;
use serde::Deserialize;
use serde_json::json;

use super::answer::{CRequest, mcpf_client_request_callback};
use super::notify::{CNotify, mcpf_client_notification_callback};
use super::oauth::{COAuth, mcpf_client_oauth_callback};
use crate::boundary::{self, Fail, try_box, try_opt_str, try_ref, try_str, write_out};
use crate::status::mcpf_status;
use crate::user_data::mcpf_free_callback;

/// How a client connects and calls, before it connects. Create with
/// `mcpf_client_config_new`, free with `mcpf_client_config_free` (clients connected with it
/// keep what they need).
pub struct mcpf_client_config {
    name: String,
    version: String,
    protocol: Protocol,
    pub(crate) call: CallOptions,
    requests: Vec<(String, Arc<CRequest>)>,
    pub(crate) notifications: Option<Arc<CNotify>>,
    /// Asks the OAuth steps of the `"oauth"` option (`mcpf_client_config_on_oauth`).
    pub(crate) oauth: Option<Arc<COAuth>>,
}

/// The JSON options of a config (every field optional, unknown ones refused).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    protocol: Option<String>,
    timeout_ms: Option<u64>,
    max_total_ms: Option<u64>,
    reset_on_progress: Option<bool>,
}

/// The wire `"protocol"` names: "auto", "legacy" (the newest handshake), or a version.
fn protocol(text: &str) -> Result<Protocol, Fail> {
    match text {
        "auto" => Ok(Protocol::Auto),
        "legacy" => Ok(Protocol::Handshake(ProtocolVersion::LATEST_LEGACY)),
        version => match ProtocolVersion::parse(version) {
            Some(v) if v.is_modern() => Ok(Protocol::Stateless),
            Some(v) => Ok(Protocol::Handshake(v)),
            None => Err(Fail::new(
                mcpf_status::InvalidArgument,
                format!("protocol must be \"auto\", \"legacy\" or a protocol version, not {version:?}"),
            )),
        },
    }
}

/// Reads a config's options (NULL: the defaults).
fn options(text: Option<&str>) -> Result<(Protocol, CallOptions), Fail> {
    let options: Options = match text {
        None => Options { protocol: None, timeout_ms: None, max_total_ms: None, reset_on_progress: None },
        Some(text) => serde_json::from_str(text).map_err(|e| {
            let status = if e.is_data() { mcpf_status::InvalidArgument } else { mcpf_status::InvalidJson };
            Fail::new(status, format!("options_json: {e}"))
        })?,
    };
    let defaults = CallOptions::default();
    let timeout = options.timeout_ms.map_or(defaults.timeout, Duration::from_millis);
    let call = CallOptions {
        timeout,
        reset_on_progress: options.reset_on_progress.unwrap_or(defaults.reset_on_progress),
        max_total: options.max_total_ms.map_or(defaults.max_total.max(timeout), Duration::from_millis),
    };
    if call.timeout.is_zero() {
        return Err(Fail::new(mcpf_status::InvalidArgument, "timeout_ms must be above 0"));
    }
    Ok((options.protocol.as_deref().map(protocol).transpose()?.unwrap_or(Protocol::Auto), call))
}

impl mcpf_client_config {
    /// The engine's builder for one connection.
    pub(crate) fn builder(&self) -> ClientBuilder {
        let mut builder = ClientBuilder::new(&self.name, &self.version).protocol(self.protocol).call_options(self.call);
        for (method, request) in &self.requests {
            let handler = request.handler(method);
            builder = match Method::from_wire(method) {
                Some(Method::SamplingCreateMessage) => builder.on_sampling(handler),
                Some(Method::ElicitationCreate) => builder.on_elicitation(handler),
                Some(Method::RootsList) => {
                    builder.on_request(method, handler).capabilities(json!({ "roots": { "listChanged": true } }))
                }
                _ => builder.on_request(method, handler),
            };
        }
        builder
    }
}

/// Creates a client config. `name` and `version` (the `clientInfo` the server sees) are
/// copied. `options_json` (NULL: defaults) is an object of optional fields: `"protocol"`
/// (`"auto"`, the default: `server/discover`, then the handshake when the server does not
/// speak 2026-07-28; `"legacy"`: the handshake at the newest version; or a version such as
/// `"2025-06-18"` or `"2026-07-28"`), `"timeout_ms"` (60000: how long a call waits, restarted
/// by progress), `"reset_on_progress"` (true), `"max_total_ms"` (600000: the longest wait,
/// progress or not). Unknown fields give `MCPF_STATUS_INVALID_ARGUMENT`. On success `*out`
/// receives a config the caller owns (free it with `mcpf_client_config_free`).
///
/// # Safety
/// Strings are NULL (`options_json` only) or readable per the string rules; `out` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_config_new(
    name: *const c_char,
    name_len: usize,
    version: *const c_char,
    version_len: usize,
    options_json: *const c_char,
    options_json_len: usize,
    out: *mut *mut mcpf_client_config,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let (name, version, text) = unsafe {
            (
                try_str(name, name_len, "name")?,
                try_str(version, version_len, "version")?,
                try_opt_str(options_json, options_json_len, "options_json")?,
            )
        };
        let (protocol, call) = options(text)?;
        let config = Box::new(mcpf_client_config {
            name: name.to_owned(),
            version: version.to_owned(),
            protocol,
            call,
            requests: Vec::new(),
            notifications: None,
            oauth: None,
        });
        // SAFETY: forwarded caller guarantee; reclaimed by `mcpf_client_config_free`.
        unsafe { write_out(out, Box::into_raw(config), "out") }
    })
}

/// Answers the server's `method` requests with `callback` in the clients connected from now
/// on (replacing a callback registered for it before): `"sampling/createMessage"` (the
/// client then declares `sampling`), `"elicitation/create"` (`elicitation`, form and URL
/// mode), `"roots/list"` (`roots` with `listChanged`; send
/// `notifications/roots/list_changed` with `mcpf_client_notify` when they change), or any
/// other method. Without a callback a request is answered with -32601 (and `ping` by the
/// library).
///
/// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
/// NULL) exactly once, when the config and every client connected with it are freed (or
/// when the callback is replaced and no client uses it); on failure nothing is kept.
///
/// # Safety
/// `config` is NULL or a live config not used by another thread meanwhile; `method` is
/// NULL or readable per the string rules; `callback`/`free_user_data` are NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_config_on_request(
    config: *mut mcpf_client_config,
    method: *const c_char,
    method_len: usize,
    callback: mcpf_client_request_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee (exclusive use of `config` during the call).
        let config = unsafe { config.as_mut() }.ok_or_else(|| boundary::null("config"))?;
        // SAFETY: forwarded caller guarantee.
        let method = unsafe { try_str(method, method_len, "method") }?;
        if method.is_empty() {
            return Err(Fail::new(mcpf_status::InvalidArgument, "method must not be empty"));
        }
        let request = Arc::new(CRequest::new(callback, user_data, free_user_data)?);
        config.requests.retain(|(m, _)| m != method);
        config.requests.push((method.to_owned(), request));
        Ok(())
    })
}

/// Calls `callback` with every notification the server sends to the clients connected from
/// now on (replacing a callback set before), on each client's notification thread (see
/// `mcpf_client_notification_callback`). `user_data` ownership is as for
/// `mcpf_client_config_on_request`.
///
/// # Safety
/// As for `mcpf_client_config_on_request`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_config_on_notification(
    config: *mut mcpf_client_config,
    callback: mcpf_client_notification_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee (exclusive use of `config` during the call).
        let config = unsafe { config.as_mut() }.ok_or_else(|| boundary::null("config"))?;
        config.notifications = Some(Arc::new(CNotify::new(callback, user_data, free_user_data)?));
        Ok(())
    })
}

/// Has the clients connected from now on with this config ask their OAuth steps through
/// `callback` (replacing one set before; see `mcpf_client_oauth_callback`): the user's part
/// of the authorization unless the `"oauth"` option says `"followRedirects": true`, and the
/// token store when it says `"store": true`. `user_data` ownership is as for
/// `mcpf_client_config_on_request`.
///
/// # Safety
/// `config` is NULL or a live config not used by another thread meanwhile;
/// `callback`/`free_user_data` are NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_config_on_oauth(
    config: *mut mcpf_client_config,
    callback: mcpf_client_oauth_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee (exclusive use of `config` during the call).
        let config = unsafe { config.as_mut() }.ok_or_else(|| boundary::null("config"))?;
        config.oauth = Some(Arc::new(COAuth::new(callback, user_data, free_user_data)?));
        Ok(())
    })
}

/// Frees a config (NULL: nothing). Clients connected with it are not affected.
///
/// # Safety
/// `config` is NULL or a config not yet freed, which no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_config_free(config: *mut mcpf_client_config) {
    boundary::guard((), || {
        // SAFETY: forwarded caller guarantee.
        drop(unsafe { try_box(config, "config") });
    });
}

/// The config behind a pointer, for a connect function.
///
/// # Safety
/// `config` is NULL or a live config.
pub(crate) unsafe fn config<'a>(config: *const mcpf_client_config) -> Result<&'a mcpf_client_config, Fail> {
    // SAFETY: forwarded caller guarantee.
    unsafe { try_ref(config, "config") }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mcpforge::ProtocolVersion;
    use mcpforge::client::Protocol;

    use super::options;
    use crate::status::mcpf_status;

    /// The options `text` gives (they must be accepted).
    fn read(text: Option<&str>) -> (Protocol, mcpforge::client::CallOptions) {
        let Ok(read) = options(text) else { panic!("refused: {text:?}") };
        read
    }

    #[test]
    fn options_name_the_wire_and_the_timeouts() {
        let (protocol, call) = read(None);
        assert_eq!(protocol, Protocol::Auto);
        assert_eq!(call.timeout, Duration::from_secs(60));
        let (protocol, call) = read(Some(r#"{"protocol": "2025-06-18", "timeout_ms": 700000}"#));
        assert_eq!(protocol, Protocol::Handshake(ProtocolVersion::parse("2025-06-18").expect("known")));
        assert_eq!(call.max_total, Duration::from_millis(700_000), "the longest wait is never below the timeout");
        let (protocol, _) = read(Some(r#"{"protocol": "2026-07-28"}"#));
        assert_eq!(protocol, Protocol::Stateless);
    }

    #[test]
    fn bad_options_are_refused_with_their_status() {
        let status = |text: &str| options(Some(text)).err().map(|f| f.status);
        assert_eq!(status(r#"{"timeout": 5}"#), Some(mcpf_status::InvalidArgument));
        assert_eq!(status(r#"{"protocol": "1999-01-01"}"#), Some(mcpf_status::InvalidArgument));
        assert_eq!(status(r#"{"timeout_ms": 0}"#), Some(mcpf_status::InvalidArgument));
        assert_eq!(status("{"), Some(mcpf_status::InvalidJson));
    }
}

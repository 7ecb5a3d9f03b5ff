//! The options of `mcpf_server_run_http`: a JSON object decoded into the engine's
//! `HttpOptions` (and `AuthOptions` with the verifier C registered), unknown fields refused.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mcpforge::{AuthOptions, HttpOptions, TokenVerifier};
use serde::Deserialize;

use crate::boundary::Fail;
use crate::status::mcpf_status;

/// `options_json` as C writes it; every field optional (the engine's defaults apply).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct HttpConfig {
    bind: Option<String>,
    path: Option<String>,
    allowed_hosts: Option<Vec<String>>,
    allowed_origins: Option<Vec<String>>,
    max_body_bytes: Option<usize>,
    legacy_sessions: Option<bool>,
    session_idle_timeout_ms: Option<u64>,
    max_sessions: Option<usize>,
    sse_keepalive_ms: Option<u64>,
    legacy_sse: Option<bool>,
    metrics: Option<bool>,
    handle_signals: Option<bool>,
    auth: Option<AuthConfig>,
}

/// The `"auth"` member: bearer-token authorization.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthConfig {
    resource: String,
    #[serde(default)]
    authorization_servers: Vec<String>,
    #[serde(default)]
    scopes_supported: Vec<String>,
    #[serde(default)]
    required_scopes: Vec<String>,
    resource_name: Option<String>,
}

fn bad(message: String) -> Fail {
    Fail::new(mcpf_status::InvalidArgument, message)
}

impl HttpConfig {
    /// Decodes `options_json`: malformed JSON is `MCPF_STATUS_INVALID_JSON`, a well-formed
    /// object with unknown or mistyped fields `MCPF_STATUS_INVALID_ARGUMENT`.
    pub(crate) fn parse(text: &str) -> Result<HttpConfig, Fail> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("options_json is not valid JSON: {e}")))?;
        serde_json::from_value(value).map_err(|e| bad(format!("options_json: {e}")))
    }

    /// The engine options, and whether to stop on SIGINT/SIGTERM.
    pub(crate) fn into_options(self, verifier: Option<Arc<dyn TokenVerifier>>) -> Result<(HttpOptions, bool), Fail> {
        let mut o = HttpOptions::default();
        if let Some(bind) = self.bind {
            o.bind = bind
                .parse::<SocketAddr>()
                .map_err(|e| bad(format!("options_json: bind {bind:?} is not an IP:port address: {e}")))?;
        }
        if let Some(path) = self.path {
            if !path.starts_with('/') {
                return Err(bad(format!("options_json: path {path:?} must start with '/'")));
            }
            o.path = path;
        }
        if let Some(v) = self.allowed_hosts {
            o.allowed_hosts = v;
        }
        if let Some(v) = self.allowed_origins {
            o.allowed_origins = v;
        }
        if let Some(v) = self.max_body_bytes {
            o.max_body = v;
        }
        if let Some(v) = self.legacy_sessions {
            o.legacy_sessions = v;
        }
        if let Some(v) = self.session_idle_timeout_ms {
            o.session_idle_timeout = Duration::from_millis(v);
        }
        if let Some(v) = self.max_sessions {
            o.max_sessions = v;
        }
        if let Some(v) = self.sse_keepalive_ms {
            o.sse_keepalive = Duration::from_millis(v);
        }
        if let Some(v) = self.legacy_sse {
            o.legacy_sse = v;
        }
        if let Some(v) = self.metrics {
            o.metrics = v;
        }
        if let Some(a) = self.auth {
            let verifier = verifier.ok_or_else(|| {
                bad("options_json has \"auth\" but no verifier is set (mcpf_server_set_token_verifier)".to_owned())
            })?;
            o.auth = Some(AuthOptions {
                verifier,
                resource: a.resource,
                authorization_servers: a.authorization_servers,
                scopes_supported: a.scopes_supported,
                required_scopes: a.required_scopes,
                resource_name: a.resource_name,
            });
        }
        Ok((o, self.handle_signals.unwrap_or(true)))
    }
}

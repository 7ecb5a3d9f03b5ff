//! Request `_meta`: the per-request protocol fields of the 2026-07-28 wire, the progress
//! token of every version, and logging levels.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::ProtocolError;

/// `_meta` key carrying the protocol version of a 2026-07-28 request.
pub const PROTOCOL_VERSION_KEY: &str = "io.modelcontextprotocol/protocolVersion";
/// `_meta` key carrying the client capabilities of a 2026-07-28 request.
pub const CLIENT_CAPABILITIES_KEY: &str = "io.modelcontextprotocol/clientCapabilities";
/// `_meta` key carrying the client's name and version.
pub const CLIENT_INFO_KEY: &str = "io.modelcontextprotocol/clientInfo";
/// `_meta` key opting a 2026-07-28 request into log notifications.
pub const LOG_LEVEL_KEY: &str = "io.modelcontextprotocol/logLevel";
/// Result `_meta` key naming the server.
pub const SERVER_INFO_KEY: &str = "io.modelcontextprotocol/serverInfo";
/// `_meta` key tying a 2025-11-25 message to its task.
pub const RELATED_TASK_KEY: &str = "io.modelcontextprotocol/related-task";
/// Notification `_meta` key tagging messages of a `subscriptions/listen` stream.
pub const SUBSCRIPTION_ID_KEY: &str = "io.modelcontextprotocol/subscriptionId";

/// Syslog-style logging levels, least severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Debug detail.
    Debug,
    /// Informational.
    Info,
    /// Normal but significant.
    Notice,
    /// Warning.
    Warning,
    /// Error.
    Error,
    /// Critical.
    Critical,
    /// Action must be taken immediately.
    Alert,
    /// System is unusable.
    Emergency,
}

impl LogLevel {
    /// The level's name on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Notice => "notice",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
            LogLevel::Critical => "critical",
            LogLevel::Alert => "alert",
            LogLevel::Emergency => "emergency",
        }
    }

    /// Parses a level name as sent on the wire.
    pub fn parse(s: &str) -> Option<LogLevel> {
        Some(match s {
            "debug" => LogLevel::Debug,
            "info" => LogLevel::Info,
            "notice" => LogLevel::Notice,
            "warning" => LogLevel::Warning,
            "error" => LogLevel::Error,
            "critical" => LogLevel::Critical,
            "alert" => LogLevel::Alert,
            "emergency" => LogLevel::Emergency,
            _ => return None,
        })
    }
}

/// The protocol fields of a 2026-07-28 request's `_meta`.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The requested protocol version string (may be unsupported; the dispatcher checks).
    pub protocol_version: String,
    /// The client capabilities for this request.
    pub client_capabilities: Value,
    /// The client's `Implementation` info, if sent.
    pub client_info: Option<Value>,
    /// Log level opt-in for this request.
    pub log_level: Option<LogLevel>,
}

/// True when `params._meta` names a protocol version: the request is on the 2026 wire.
pub fn is_modern_shaped(params: Option<&Map<String, Value>>) -> bool {
    params.and_then(|p| p.get("_meta")).and_then(Value::as_object).is_some_and(|m| m.contains_key(PROTOCOL_VERSION_KEY))
}

/// True when a request belongs on the 2026-07-28 wire by its own shape: its `_meta` names a
/// protocol version, or its method marks the 2026 wire ([`super::method::Row::marks_modern`]). The one test every layer asks (the
/// HTTP endpoint choosing a connection, the span, the router's classification).
pub fn looks_modern(method: &str, params: Option<&Map<String, Value>>) -> bool {
    is_modern_shaped(params) || super::method::marks_modern(method)
}

impl RequestMeta {
    /// Reads and checks the required 2026-07-28 fields: a missing `_meta`, version or
    /// capabilities object is -32602, as is a log level that is not a level name.
    pub fn from_params(params: Option<&Map<String, Value>>) -> Result<RequestMeta, ProtocolError> {
        let meta = params
            .and_then(|p| p.get("_meta"))
            .and_then(Value::as_object)
            .ok_or_else(|| ProtocolError::invalid_params("missing params._meta"))?;
        let protocol_version = meta
            .get(PROTOCOL_VERSION_KEY)
            .and_then(Value::as_str)
            .ok_or_else(|| ProtocolError::invalid_params(format!("missing _meta[\"{PROTOCOL_VERSION_KEY}\"]")))?
            .to_owned();
        let client_capabilities = match meta.get(CLIENT_CAPABILITIES_KEY) {
            Some(v @ Value::Object(_)) => v.clone(),
            _ => {
                return Err(ProtocolError::invalid_params(format!(
                    "missing _meta[\"{CLIENT_CAPABILITIES_KEY}\"] (an object)"
                )));
            }
        };
        let log_level = match meta.get(LOG_LEVEL_KEY) {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_str()
                    .and_then(LogLevel::parse)
                    .ok_or_else(|| ProtocolError::invalid_params(format!("invalid log level {v}")))?,
            ),
        };
        Ok(RequestMeta {
            protocol_version,
            client_capabilities,
            client_info: meta.get(CLIENT_INFO_KEY).cloned(),
            log_level,
        })
    }
}

/// The `progressToken` of a request, if any (a string or an integer).
pub fn progress_token(params: Option<&Map<String, Value>>) -> Option<Value> {
    params
        .and_then(|p| p.get("_meta"))
        .and_then(|m| m.get("progressToken"))
        .filter(|t| t.is_string() || t.is_i64() || t.is_u64())
        .cloned()
}

/// Sets `_meta["io.modelcontextprotocol/related-task"] = {taskId}` on a params or result
/// object (2025-11-25 task-related messages).
pub(crate) fn tag_related(obj: &mut Value, task_id: &str) {
    let Some(o) = obj.as_object_mut() else { return };
    let meta = o.entry("_meta").or_insert_with(|| json!({}));
    if let Some(m) = meta.as_object_mut() {
        m.insert(RELATED_TASK_KEY.into(), json!({ "taskId": task_id }));
    }
}

//! Error types: JSON-RPC protocol errors, tool errors, and the engine's own setup errors.

use serde::Serialize;
use serde_json::{Value, json};

/// `MCP error <code>: <message>`: how the official TypeScript SDK's `McpError` reads, the text
/// its `McpServer` sends (`ServerBuilder::typescript_sdk_errors`).
pub(crate) fn typescript_sdk_text(code: i64, message: impl std::fmt::Display) -> String {
    format!("MCP error {code}: {message}")
}

/// JSON-RPC and MCP error codes used by the engine.
pub mod codes {
    /// Invalid JSON was received.
    pub const PARSE_ERROR: i64 = -32700;
    /// The JSON sent is not a valid request object (or a batch where batches are not allowed).
    pub const INVALID_REQUEST: i64 = -32600;
    /// The method does not exist or its capability is not advertised.
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// Invalid method parameters.
    pub const INVALID_PARAMS: i64 = -32602;
    /// Internal error.
    pub const INTERNAL_ERROR: i64 = -32603;
    /// Resource not found (legacy versions only; 2026-07-28 uses -32602).
    pub const RESOURCE_NOT_FOUND: i64 = -32002;
    /// URL elicitation required (2025-11-25 only).
    pub const URL_ELICITATION_REQUIRED: i64 = -32042;
    /// 2026-07-28: a transport header is missing or disagrees with the body.
    pub const HEADER_MISMATCH: i64 = -32020;
    /// 2026-07-28: the request needs a client capability it did not declare.
    pub const MISSING_REQUIRED_CLIENT_CAPABILITY: i64 = -32021;
    /// 2026-07-28: the requested protocol version is not supported.
    pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
    /// mcpforge: a rate limit refused the request; `data.retryAfterMs` says when to retry.
    pub const RATE_LIMITED: i64 = -32029;

    /// Every code above with its name: the one table the bindings re-export (Python's
    /// `mcpforge.errors` constants, Node's `ErrorCode`, C's `MCPF_ERROR_*`).
    pub const ALL: &[(&str, i64)] = &[
        ("PARSE_ERROR", PARSE_ERROR),
        ("INVALID_REQUEST", INVALID_REQUEST),
        ("METHOD_NOT_FOUND", METHOD_NOT_FOUND),
        ("INVALID_PARAMS", INVALID_PARAMS),
        ("INTERNAL_ERROR", INTERNAL_ERROR),
        ("RESOURCE_NOT_FOUND", RESOURCE_NOT_FOUND),
        ("URL_ELICITATION_REQUIRED", URL_ELICITATION_REQUIRED),
        ("HEADER_MISMATCH", HEADER_MISMATCH),
        ("MISSING_REQUIRED_CLIENT_CAPABILITY", MISSING_REQUIRED_CLIENT_CAPABILITY),
        ("UNSUPPORTED_PROTOCOL_VERSION", UNSUPPORTED_PROTOCOL_VERSION),
        ("RATE_LIMITED", RATE_LIMITED),
    ];
}

/// A JSON-RPC error object: what a client sees when a request cannot be processed.
///
/// Handlers return it to fail a request at the protocol level (the client renders it
/// opaquely); a failure the model should see is a [`ToolError`] instead.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ProtocolError {
    /// The JSON-RPC error code.
    pub code: i64,
    /// A short human-readable description.
    pub message: String,
    /// Optional structured detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ProtocolError {
    /// An error with a code and message and no data.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    /// Attaches structured data.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// -32700: the bytes were not valid JSON.
    pub fn parse_error(detail: impl std::fmt::Display) -> Self {
        Self::new(codes::PARSE_ERROR, format!("Parse error: {detail}"))
    }

    /// -32600: the message is not a valid JSON-RPC request.
    pub fn invalid_request(detail: impl std::fmt::Display) -> Self {
        Self::new(codes::INVALID_REQUEST, format!("Invalid request: {detail}"))
    }

    /// -32601: unknown method (or one whose capability is not advertised).
    pub fn method_not_found(method: &str) -> Self {
        Self::new(codes::METHOD_NOT_FOUND, format!("Method not found: {method}"))
    }

    /// -32602: invalid parameters.
    pub fn invalid_params(detail: impl std::fmt::Display) -> Self {
        Self::new(codes::INVALID_PARAMS, format!("Invalid params: {detail}"))
    }

    /// -32603: internal error. The message must not leak internals; details go to the log.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(codes::INTERNAL_ERROR, format!("Internal error: {detail}"))
    }

    /// Resource not found. Serialized as -32002 on legacy versions and -32602 on 2026-07-28
    /// (the dispatcher maps the code per version); `data.uri` names the resource.
    pub fn resource_not_found(uri: &str) -> Self {
        Self::new(codes::RESOURCE_NOT_FOUND, format!("Resource not found: {uri}")).with_data(json!({ "uri": uri }))
    }

    /// -32021: the request needs client capabilities it did not declare.
    pub fn missing_client_capability(required: Value) -> Self {
        Self::new(codes::MISSING_REQUIRED_CLIENT_CAPABILITY, "Missing required client capability")
            .with_data(json!({ "requiredCapabilities": required }))
    }

    /// -32022: the protocol version is not supported.
    pub fn unsupported_version(supported: &[&str], requested: &str) -> Self {
        Self::new(codes::UNSUPPORTED_PROTOCOL_VERSION, format!("Unsupported protocol version: {requested}"))
            .with_data(json!({ "supported": supported, "requested": requested }))
    }

    /// -32020: a transport header is missing or disagrees with the body.
    pub fn header_mismatch(detail: impl std::fmt::Display) -> Self {
        Self::new(codes::HEADER_MISMATCH, format!("Header mismatch: {detail}"))
    }

    /// -32600 refusing what a request's bearer grant does not allow, where no HTTP answer
    /// can say it (a WebSocket message): `data` carries the HTTP status and RFC 6750 `error`
    /// that answer would have, and the `scope` (space-separated) needed, if any.
    pub(crate) fn bearer_refused(
        detail: impl std::fmt::Display,
        status: u16,
        error: &str,
        scope: Option<&[String]>,
    ) -> Self {
        let mut data = json!({ "httpStatus": status, "error": error });
        if let Some(scope) = scope {
            data["scope"] = json!(scope.join(" "));
        }
        Self::invalid_request(detail).with_data(data)
    }
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(data) = &self.data {
            write!(f, " ({data})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ProtocolError {}

/// A tool ran and failed: the client gets a result with `isError: true` and this message,
/// so the model can read it and correct itself.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolError {
    /// The message shown to the model.
    pub message: String,
    /// Optional structured detail, sent as `structuredContent` when the tool has no output schema.
    pub data: Option<Value>,
    /// The client's own JSON-RPC error (code, message, data as sent) when this failure is the
    /// client refusing a request the server sent it (sampling, roots, elicitation). It is not
    /// sent anywhere; a binding may raise it to the handler as the SDKs do.
    pub refusal: Option<ProtocolError>,
}

impl ToolError {
    /// A tool error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), data: None, refusal: None }
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolError {}

impl From<String> for ToolError {
    fn from(message: String) -> Self {
        Self::new(message)
    }
}

impl From<&str> for ToolError {
    fn from(message: &str) -> Self {
        Self::new(message)
    }
}

impl From<serde_json::Error> for ToolError {
    fn from(e: serde_json::Error) -> Self {
        Self::new(e.to_string())
    }
}

impl From<std::io::Error> for ToolError {
    fn from(e: std::io::Error) -> Self {
        Self::new(e.to_string())
    }
}

/// Why a handler did not produce a result.
///
/// `Tool` becomes an `isError` result (tools only; for prompts and resources it is reported
/// as an invalid-params error), `Protocol` becomes a JSON-RPC error, and `InputRequired` means
/// the handler stopped at a client-input ask the client has not answered yet (the engine
/// answers `input_required` on the 2026 wire).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum HandlerError {
    /// The operation failed in a way the model should see.
    Tool(ToolError),
    /// The request cannot be processed.
    Protocol(ProtocolError),
    /// The handler is waiting for client input (see `RequestContext::elicit`).
    InputRequired,
}

impl std::fmt::Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandlerError::Tool(e) => write!(f, "tool error: {e}"),
            HandlerError::Protocol(e) => write!(f, "protocol error: {e}"),
            HandlerError::InputRequired => f.write_str("input required from the client"),
        }
    }
}

impl std::error::Error for HandlerError {}

impl HandlerError {
    /// The JSON-RPC error for a method that has no tool-error form (resources, prompts,
    /// completions): a protocol error as it is, a tool error as invalid params with its
    /// message, and an ask that could not be made as an internal error.
    pub fn into_protocol_error(self) -> ProtocolError {
        match self {
            HandlerError::Protocol(p) => p,
            HandlerError::Tool(t) => ProtocolError::invalid_params(t.message),
            HandlerError::InputRequired => {
                ProtocolError::internal("client input was required but could not be requested")
            }
        }
    }
}

impl From<ToolError> for HandlerError {
    fn from(e: ToolError) -> Self {
        HandlerError::Tool(e)
    }
}

impl From<ProtocolError> for HandlerError {
    fn from(e: ProtocolError) -> Self {
        HandlerError::Protocol(e)
    }
}

impl From<String> for HandlerError {
    fn from(e: String) -> Self {
        HandlerError::Tool(ToolError::new(e))
    }
}

impl From<&str> for HandlerError {
    fn from(e: &str) -> Self {
        HandlerError::Tool(ToolError::new(e))
    }
}

impl From<serde_json::Error> for HandlerError {
    fn from(e: serde_json::Error) -> Self {
        HandlerError::Tool(ToolError::from(e))
    }
}

impl From<std::io::Error> for HandlerError {
    fn from(e: std::io::Error) -> Self {
        HandlerError::Tool(ToolError::from(e))
    }
}

/// Errors from building or running a server (not from individual requests).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A tool, resource or prompt definition is invalid.
    #[error("invalid definition of {what} `{name}`: {reason}")]
    InvalidDefinition {
        /// "tool", "resource", "resource template" or "prompt".
        what: &'static str,
        /// The name or URI of the definition.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two definitions share a name or URI.
    #[error("duplicate {what} `{name}`")]
    Duplicate {
        /// "tool", "resource", "resource template" or "prompt".
        what: &'static str,
        /// The duplicated name or URI.
        name: String,
    },
    /// An I/O error on the transport.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The server configuration is invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_errors_map_to_protocol_errors_for_non_tool_methods() {
        let protocol = ProtocolError::resource_not_found("file:///x");
        assert_eq!(HandlerError::Protocol(protocol.clone()).into_protocol_error(), protocol);
        let tool = HandlerError::Tool(ToolError::new("no such prompt style"));
        assert_eq!(tool.into_protocol_error(), ProtocolError::invalid_params("no such prompt style"));
        assert_eq!(
            HandlerError::InputRequired.into_protocol_error(),
            ProtocolError::internal("client input was required but could not be requested")
        );
    }
}

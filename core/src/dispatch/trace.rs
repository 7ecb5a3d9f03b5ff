//! Request spans: one `tracing` span per request, named and attributed after the
//! OpenTelemetry conventions for MCP servers (`mcp.method.name`, `gen_ai.tool.name`, ...),
//! continuing the client's W3C trace context from `_meta` (with the `otel` feature), and
//! closed with how the request ended. Nothing is computed when no subscriber wants the span.
//! Text a client chose (method, name, URI, request id, version) is cut to a bound
//! ([`bounded`]): a span waiting for export holds no more of it than that.

use std::time::Instant;

use tracing::Span;
use tracing::field::Empty;

use super::metrics::{Ended, Outcome};
use crate::jsonrpc::{IncomingRequest, RequestId};
use crate::protocol::meta::{self, PROTOCOL_VERSION_KEY, RequestMeta};
use crate::protocol::method::{Method, Names};
use crate::session::Session;
use crate::telemetry::bounded;

/// The span of one request, and when it started (kept only while the span is enabled).
pub(crate) struct RequestSpan {
    span: Span,
    started: Option<Instant>,
    tool_call: bool,
}

impl RequestSpan {
    /// The span of `req`, arriving on a connection whose legacy session is `session`, with
    /// its `_meta` when the transport already read it.
    pub(crate) fn start(req: &IncomingRequest, session: Option<&Session>, known: Option<&RequestMeta>) -> RequestSpan {
        let method = req.method.as_str();
        let span = tracing::info_span!(
            "mcp.request",
            otel.name = Empty,
            otel.kind = "server",
            otel.status_code = Empty,
            mcp.method.name = &*bounded(method),
            jsonrpc.request.id = %ShownId(&req.id),
            gen_ai.operation.name = Empty,
            gen_ai.tool.name = Empty,
            gen_ai.prompt.name = Empty,
            mcp.resource.uri = Empty,
            mcp.protocol.version = Empty,
            mcp.session.id = Empty,
            mcpforge.era = Empty,
            mcpforge.outcome = Empty,
            error.type = Empty,
            rpc.response.status_code = Empty,
        );
        let tool_call = method == Method::ToolsCall.as_str();
        if span.is_disabled() {
            return RequestSpan { span, started: None, tool_call };
        }
        describe(&span, req, session, known);
        #[cfg(feature = "otel")]
        if let Some(parent) = crate::protocol::TraceContext::from_params(req.params.as_ref()) {
            crate::span_link::continue_trace(&span, &parent);
        }
        RequestSpan { span, started: Some(Instant::now()), tool_call }
    }

    /// The span, to run the request in.
    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// Whether the span records how the request ends (it is enabled).
    pub(crate) fn records(&self) -> bool {
        self.started.is_some()
    }

    /// Records how the request ended.
    pub(crate) fn finish(&self, ended: &Ended<'_>) {
        let Some(started) = self.started else { return };
        let outcome = Outcome::of(ended, self.tool_call, started.elapsed());
        self.span.record("mcpforge.outcome", outcome.label());
        match outcome {
            Outcome::Ok | Outcome::Cancelled => {}
            Outcome::ToolError => {
                self.span.record("error.type", "tool_error");
                self.span.record("otel.status_code", "ERROR");
            }
            _ => {
                if let Some(code) = ended.error_code {
                    self.span.record("error.type", code);
                    self.span.record("rpc.response.status_code", code);
                }
                self.span.record("otel.status_code", "ERROR");
            }
        }
    }
}

/// Names the span after the method and what it names, and records the era, version and
/// session.
fn describe(span: &Span, req: &IncomingRequest, session: Option<&Session>, known: Option<&RequestMeta>) {
    let method = bounded(req.method.as_str());
    let params = req.params.as_ref();
    let named = crate::middleware::named(&req.method, params).map(bounded);
    match &named {
        Some(name) => span.record("otel.name", format!("{method} {name}")),
        None => span.record("otel.name", &*method),
    };
    if let Some(name) = named.as_deref() {
        match Method::from_wire(&req.method).map(Method::names) {
            Some(Names::Tool) => {
                span.record("gen_ai.tool.name", name);
                span.record("gen_ai.operation.name", "execute_tool");
            }
            Some(Names::Prompt) => {
                span.record("gen_ai.prompt.name", name);
            }
            Some(Names::Resource) => {
                span.record("mcp.resource.uri", name);
            }
            _ => {}
        }
    }
    let modern = known.is_some() || meta::looks_modern(&req.method, params);
    if modern {
        let version = known
            .map(|m| m.protocol_version.as_str())
            .or_else(|| params?.get("_meta")?.get(PROTOCOL_VERSION_KEY)?.as_str());
        span.record("mcpforge.era", "stateless");
        if let Some(v) = version {
            span.record("mcp.protocol.version", &*bounded(v));
        }
    } else if let Some(s) = session {
        span.record("mcpforge.era", "session");
        span.record("mcp.protocol.version", s.version.as_str());
        if let Some(id) = s.id() {
            span.record("mcp.session.id", session_tag(id).as_str());
        }
    }
}

/// A request id as a span shows it: a number, or a string cut to the bound (quoted, as
/// [`RequestId`] displays it). Formatted only when a subscriber records it.
struct ShownId<'a>(&'a RequestId);

impl std::fmt::Display for ShownId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => write!(f, "{:?}", bounded(s)),
        }
    }
}

/// What a span says of a session: the first 16 hex digits of the SHA-256 of its id. Requests
/// of one session share it, but a session id is a credential (whoever holds one speaks in
/// that session), and a tracing backend is no place for it.
fn session_tag(id: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(id.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_session_is_tagged_without_its_id() {
        let tag = super::session_tag("3f1c9a1e-session");
        assert_eq!(tag.len(), 16);
        assert_eq!(tag, super::session_tag("3f1c9a1e-session"));
        assert_ne!(tag, super::session_tag("3f1c9a1e-sessioN"));
        assert!(!tag.contains("3f1c9a1e-session"));
    }
}

//! Where a request's `tracing` span sits in an OpenTelemetry trace: its parent set from the
//! client's W3C trace context, and its own trace position read back for handlers. Without
//! the `otel` feature (or with no OpenTelemetry layer installed) a span has no position and
//! handlers see the client's context as it arrived.

use tracing::Span;

use crate::protocol::TraceContext;

/// Makes `span` (not yet entered) a child of the client's span `parent`.
#[cfg(feature = "otel")]
pub(crate) fn continue_trace(span: &Span, parent: &TraceContext) {
    use opentelemetry::trace::{SpanContext, TraceContextExt, TraceFlags, TraceState};
    use opentelemetry::{SpanId, TraceId};
    use tracing_opentelemetry::OpenTelemetrySpanExt;

    let state = parent.tracestate.as_deref().and_then(|s| s.parse::<TraceState>().ok()).unwrap_or_default();
    let remote = SpanContext::new(
        TraceId::from_bytes(parent.trace_id),
        SpanId::from_bytes(parent.span_id),
        TraceFlags::new(parent.flags),
        true,
        state,
    );
    // An error only says no OpenTelemetry layer is installed: the span stays a root.
    let _ = span.set_parent(opentelemetry::Context::new().with_remote_span_context(remote));
}

/// The trace position of `span` in OpenTelemetry, when a layer records it.
#[cfg(feature = "otel")]
pub(crate) fn position(span: &Span) -> Option<TraceContext> {
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;

    if span.is_disabled() {
        return None;
    }
    let cx = span.context();
    let sc = cx.span().span_context().clone();
    if !sc.is_valid() {
        return None;
    }
    let state = sc.trace_state().header();
    Some(TraceContext {
        trace_id: sc.trace_id().to_bytes(),
        span_id: sc.span_id().to_bytes(),
        flags: sc.trace_flags().to_u8(),
        tracestate: Some(state).filter(|s| !s.is_empty()),
    })
}

/// Without OpenTelemetry a span has no trace position.
#[cfg(not(feature = "otel"))]
pub(crate) fn position(_span: &Span) -> Option<TraceContext> {
    None
}

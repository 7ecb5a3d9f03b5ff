//! The tracing tool (`trace_context`): it runs a span of its own inside the request and
//! answers the request span's `traceparent`, so a test can check in Rust, C, Python and Node
//! that the engine's span continues the client's trace and that a handler sees it
//! (tests/telemetry). Not part of the conformance suite.

use mcpforge::{RequestContext, ServerBuilder, Tool, ToolError};
use serde_json::{Value, json};

/// Registers `trace_context`.
pub fn trace_tool(builder: ServerBuilder) -> ServerBuilder {
    let tool = Tool::new("trace_context")
        .description("Tracing: returns the traceparent of the request's span (empty when none)")
        .input_schema(json!({ "type": "object" }));
    builder.tool(tool, |ctx: RequestContext, _: Value| async move {
        // The handler's own work, nested under the request's span in the exported trace.
        let work = tracing::info_span!("fixture.trace_context");
        let _inside = work.enter();
        Ok::<_, ToolError>(ctx.trace_context().map(|t| t.traceparent()).unwrap_or_default())
    })
}

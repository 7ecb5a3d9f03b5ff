//! The handler boundary: the object-safe traits every binding (Rust closures, C, Python,
//! Node) implements once, and the outputs handlers return. Everything on the wire side of
//! this line belongs to the engine.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::context::RequestContext;
use crate::error::{HandlerError, ProtocolError};
use crate::protocol::{CallToolResult, CompleteRequest, Completion, GetPromptResult, ResourceContents};

/// A boxed, sendable future: what every handler returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a tool produces.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolOutput {
    /// A complete `CallToolResult`, sent as is (after output-schema validation).
    Result(CallToolResult),
    /// A plain value: a string becomes one text block; any other value becomes
    /// `structuredContent` when the tool has an `outputSchema` (mirrored as JSON text), and a
    /// JSON text block otherwise.
    Value(Value),
}

impl From<CallToolResult> for ToolOutput {
    fn from(r: CallToolResult) -> Self {
        ToolOutput::Result(r)
    }
}

impl From<Value> for ToolOutput {
    fn from(v: Value) -> Self {
        ToolOutput::Value(v)
    }
}

impl From<String> for ToolOutput {
    fn from(s: String) -> Self {
        ToolOutput::Value(Value::String(s))
    }
}

impl From<&str> for ToolOutput {
    fn from(s: &str) -> Self {
        ToolOutput::Value(Value::String(s.to_owned()))
    }
}

/// Runs a tool. `args` has already been validated against the tool's `inputSchema`.
///
/// Return `Err(HandlerError::Tool(..))` for failures the model should see (`isError`
/// result), `Err(HandlerError::Protocol(..))` to fail the request with a JSON-RPC error.
pub trait ToolHandler: Send + Sync + 'static {
    /// Handles one `tools/call`.
    fn call(&self, ctx: RequestContext, args: Value) -> BoxFuture<'static, Result<ToolOutput, HandlerError>>;
}

/// Reads a resource: a concrete one (`vars` empty) or one matched by a template (`vars`
/// holds the template variables, percent-decoded).
pub trait ResourceHandler: Send + Sync + 'static {
    /// Handles one `resources/read`. Return
    /// `Err(ProtocolError::resource_not_found(uri).into())` when the resource does not exist.
    fn read(
        &self,
        ctx: RequestContext,
        uri: String,
        vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<Vec<ResourceContents>, HandlerError>>;
}

/// Renders a prompt. Required arguments have been checked by the engine.
pub trait PromptHandler: Send + Sync + 'static {
    /// Handles one `prompts/get`.
    fn get(
        &self,
        ctx: RequestContext,
        args: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<GetPromptResult, HandlerError>>;
}

/// Suggests values for a prompt argument or a template variable.
pub trait CompletionHandler: Send + Sync + 'static {
    /// Handles one `completion/complete`.
    fn complete(
        &self,
        ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<Completion, ProtocolError>>;
}

//! The handler boundary: the object-safe traits every binding (Rust closures, C, Python,
//! Node) implements once, and the outputs handlers return. Everything on the wire side of
//! this line belongs to the engine.

use std::collections::BTreeMap;

pub use crate::arguments::Arguments;
pub use crate::completion_output::CompletionOutput;
use crate::context::RequestContext;
use crate::error::{HandlerError, ProtocolError};
pub use crate::prompt_output::PromptOutput;
use crate::protocol::{CompleteRequest, Resource};
pub use crate::resource_output::ResourceOutput;
pub use crate::sync::BoxFuture;
pub use crate::tool_output::{Structured, ToolOutput, ValueContent, bytes_content, media_type};

/// Runs a tool. `args` has already been validated against the tool's `inputSchema`.
///
/// Return `Err(HandlerError::Tool(..))` for failures the model should see (`isError`
/// result), `Err(HandlerError::Protocol(..))` to fail the request with a JSON-RPC error.
pub trait ToolHandler: Send + Sync + 'static {
    /// Handles one `tools/call`.
    fn call(&self, ctx: RequestContext, args: Arguments) -> BoxFuture<'static, Result<ToolOutput, HandlerError>>;
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
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>>;
}

/// Lists the resources a resource template stands for right now: `resources/list` adds them
/// after the concrete resources, each taking the template's title, description, MIME type,
/// annotations, icons and `_meta` for what it leaves out. Called on every `resources/list`
/// whose page reaches past the concrete resources, so keep it cheap.
pub trait ResourceLister: Send + Sync + 'static {
    /// Lists the template's resources.
    fn list(&self, ctx: RequestContext) -> BoxFuture<'static, Result<Vec<Resource>, HandlerError>>;
}

/// Renders a prompt. Required arguments have been checked by the engine.
pub trait PromptHandler: Send + Sync + 'static {
    /// Handles one `prompts/get`.
    fn get(
        &self,
        ctx: RequestContext,
        args: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<PromptOutput, HandlerError>>;
}

/// Suggests values for a prompt argument or a template variable.
pub trait CompletionHandler: Send + Sync + 'static {
    /// Handles one `completion/complete`.
    fn complete(
        &self,
        ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>>;
}

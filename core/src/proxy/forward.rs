//! The handlers the proxy registers for an upstream's items: each forwards its request to
//! the upstream ([`Linked::forward`]), under the upstream's own names, and hands the upstream's result back as it came (a
//! tool's whole result, a resource's contents, a prompt's messages, a completion).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::linked::Linked;
use crate::context::RequestContext;
use crate::error::{HandlerError, ProtocolError};
use crate::handler::{
    Arguments, BoxFuture, CompletionHandler, CompletionOutput, PromptHandler, PromptOutput, ResourceHandler,
    ResourceOutput, ToolHandler, ToolOutput,
};
use crate::protocol::method::Method;
use crate::protocol::{CallToolResult, CompleteRequest, CompletionRef, GetPromptResult, ResourceContents};

/// Reads the upstream's `result` (or its member `member`) as `T`.
fn shaped<T: DeserializeOwned>(
    linked: &Linked,
    method: Method,
    mut result: Value,
    member: Option<&str>,
) -> Result<T, ProtocolError> {
    let value = match member {
        Some(member) => result.get_mut(member).map(Value::take).unwrap_or(Value::Null),
        None => result,
    };
    serde_json::from_value(value).map_err(|e| {
        ProtocolError::internal(format!(
            "upstream {}: a {} result of the wrong shape: {e}",
            linked.upstream.name,
            method.as_str()
        ))
    })
}

/// Forwards `tools/call` of one upstream tool.
pub(crate) struct Tool {
    pub(crate) linked: Arc<Linked>,
    pub(crate) name: String,
}

impl ToolHandler for Tool {
    fn call(&self, ctx: RequestContext, args: Arguments) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        let (linked, name) = (self.linked.clone(), self.name.clone());
        Box::pin(async move {
            let params = json!({ "name": name, "arguments": args.into_value() });
            let result = linked.forward(&ctx, Method::ToolsCall, params).await?;
            Ok(ToolOutput::Result(shaped::<CallToolResult>(&linked, Method::ToolsCall, result, None)?))
        })
    }
}

/// Forwards `resources/read` of one upstream resource or template.
pub(crate) struct Resource {
    pub(crate) linked: Arc<Linked>,
}

impl ResourceHandler for Resource {
    fn read(
        &self,
        ctx: RequestContext,
        uri: String,
        _vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>> {
        let linked = self.linked.clone();
        Box::pin(async move {
            let params = linked.naming.inner_uri_params(json!({ "uri": uri }));
            let result = linked.forward(&ctx, Method::ResourcesRead, params).await?;
            let mut contents =
                shaped::<Vec<ResourceContents>>(&linked, Method::ResourcesRead, result, Some("contents"))?;
            // The contents name the URI as the client knows it.
            contents.iter_mut().for_each(|c| c.uri = linked.naming.outer_uri(&c.uri));
            Ok(ResourceOutput::Contents(contents))
        })
    }
}

/// Forwards `prompts/get` of one upstream prompt.
pub(crate) struct Prompt {
    pub(crate) linked: Arc<Linked>,
    pub(crate) name: String,
}

impl PromptHandler for Prompt {
    fn get(
        &self,
        ctx: RequestContext,
        args: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<PromptOutput, HandlerError>> {
        let (linked, name) = (self.linked.clone(), self.name.clone());
        Box::pin(async move {
            let result = linked.forward(&ctx, Method::PromptsGet, json!({ "name": name, "arguments": args })).await?;
            Ok(PromptOutput::Result(shaped::<GetPromptResult>(&linked, Method::PromptsGet, result, None)?))
        })
    }
}

/// Forwards `completion/complete` to the upstream whose prompt or template it names.
pub(crate) struct Completion {
    pub(crate) linked: Vec<Arc<Linked>>,
    /// The server's fallback provider before these upstreams were mounted: it completes
    /// what none of them claims.
    pub(crate) before: Option<Arc<dyn CompletionHandler>>,
}

impl Completion {
    /// The upstream serving what `reference` names (the first one when none claims it).
    fn owner(&self, reference: &CompletionRef) -> Option<Arc<Linked>> {
        let live = || self.linked.iter().filter(|l| !l.is_detached());
        live().find(|l| claims(l, reference)).or_else(|| live().next()).cloned()
    }
}

/// Whether `linked` serves the prompt or template `reference` names.
fn claims(linked: &Linked, reference: &CompletionRef) -> bool {
    let known = crate::sync::lock(&linked.known);
    match reference {
        CompletionRef::Prompt { name } => known.prompts.contains_key(name),
        CompletionRef::Resource { uri } => known.templates.contains_key(uri) || known.resources.contains_key(uri),
    }
}

impl CompletionHandler for Completion {
    fn complete(
        &self,
        ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let owner = self.owner(&request.reference);
        if let Some(before) = &self.before {
            if !owner.as_ref().is_some_and(|l| claims(l, &request.reference)) {
                return before.complete(ctx, request);
            }
        }
        Box::pin(async move {
            let Some(linked) = owner else { return Ok(CompletionOutput::Values(Vec::new())) };
            let reference = match request.reference {
                CompletionRef::Prompt { name } => {
                    CompletionRef::Prompt { name: linked.naming.inner_name(&name).unwrap_or(&name).to_owned() }
                }
                CompletionRef::Resource { uri } => {
                    CompletionRef::Resource { uri: linked.naming.inner_uri(&uri).unwrap_or(uri) }
                }
            };
            let mut params = json!({
                "ref": reference,
                "argument": { "name": request.argument, "value": request.value },
            });
            if !request.context.is_empty() {
                params["context"] = json!({ "arguments": request.context });
            }
            let result = linked.forward(&ctx, Method::CompletionComplete, params).await?;
            Ok(CompletionOutput::Result(shaped(&linked, Method::CompletionComplete, result, Some("completion"))?))
        })
    }
}

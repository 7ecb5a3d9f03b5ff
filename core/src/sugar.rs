//! The Rust API's sugar over the handler boundary: closures and async fns become handlers,
//! tool arguments arrive as any `serde` type, results convert from plain values.
//!
//! | closure signature                                   | registered with        |
//! |-----------------------------------------------------|------------------------|
//! | `async fn(A) -> Result<R, E>`                       | `tool`                 |
//! | `async fn(RequestContext, A) -> Result<R, E>`       | `tool`                 |
//! | `async fn(RequestContext, String) -> Result<O, E>`  | `resource`             |
//! | `async fn(RequestContext, String, BTreeMap<String, String>) -> Result<O, E>` | `resource_template` |
//! | `async fn(RequestContext, BTreeMap<String, String>) -> Result<P, E>` | `prompt` |
//! | `async fn(RequestContext) -> Result<Vec<Resource>, E>`  | the lister of `listed_resource_template` |
//!
//! `A: DeserializeOwned` (use `serde_json::Value` for raw JSON), `R: Into<ToolOutput>`
//! (`String`, `&str`, `Value`, [`Json<T>`], `Vec<Content>`, `()`, `CallToolResult`; see
//! [`ToolOutput`] for what each becomes), `E: Into<HandlerError>`
//! (`ToolError`, `ProtocolError`, `String`, ...), `O: Into<ResourceOutput>` (`String`,
//! `Vec<ResourceContents>`, `Value`, ...), `P: Into<PromptOutput>` (`String`,
//! `Vec<PromptMessage>`, `GetPromptResult`, `Value`).

use std::collections::BTreeMap;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::context::RequestContext;
use crate::error::{HandlerError, ToolError};
use crate::handler::{
    Arguments, BoxFuture, PromptHandler, PromptOutput, ResourceHandler, ResourceLister, ResourceOutput, ToolHandler,
    ToolOutput,
};
use crate::protocol::Resource;

/// Structured output: a value that serializes to a JSON object becomes `structuredContent`
/// (with a JSON text mirror), with or without an `outputSchema`; any other value is a
/// [`ToolOutput::Json`] (structured as `{"result": value}` when the tool has an
/// `outputSchema`, JSON text otherwise).
#[derive(Debug, Clone, PartialEq)]
pub struct Json<T>(pub T);

impl<T: Serialize> From<Json<T>> for ToolOutput {
    fn from(j: Json<T>) -> Self {
        match serde_json::to_value(&j.0) {
            Ok(v @ Value::Object(_)) => ToolOutput::Result(crate::protocol::CallToolResult::structured(v)),
            Ok(v) => ToolOutput::Json(v),
            Err(e) => ToolOutput::Result(crate::protocol::CallToolResult::error(format!("result is not JSON: {e}"))),
        }
    }
}

/// Converts something into a tool handler. `M` only disambiguates closure shapes.
pub trait IntoToolHandler<M> {
    /// The boxed handler.
    fn into_tool_handler(self) -> Arc<dyn ToolHandler>;
}

impl IntoToolHandler<()> for Arc<dyn ToolHandler> {
    fn into_tool_handler(self) -> Arc<dyn ToolHandler> {
        self
    }
}

/// Marker: a closure taking only the arguments.
pub struct ArgsOnly<A, R, E>(PhantomData<fn(A) -> (R, E)>);
/// Marker: a closure taking the request context and the arguments.
pub struct WithContext<A, R, E>(PhantomData<fn(A) -> (R, E)>);

struct FnTool<F, M> {
    f: F,
    _m: PhantomData<fn() -> M>,
}

fn parse_args<A: DeserializeOwned>(args: &Arguments) -> Result<A, HandlerError> {
    args.parse().map_err(|e| ToolError::new(format!("invalid arguments: {e}")).into())
}

impl<F, Fut, A, R, E> ToolHandler for FnTool<F, ArgsOnly<A, R, E>>
where
    F: Fn(A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    A: DeserializeOwned + 'static,
    R: Into<ToolOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn call(&self, _ctx: RequestContext, args: Arguments) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        match parse_args::<A>(&args) {
            Ok(a) => {
                let fut = (self.f)(a);
                Box::pin(async move { fut.await.map(Into::into).map_err(Into::into) })
            }
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }
}

impl<F, Fut, A, R, E> ToolHandler for FnTool<F, WithContext<A, R, E>>
where
    F: Fn(RequestContext, A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    A: DeserializeOwned + 'static,
    R: Into<ToolOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn call(&self, ctx: RequestContext, args: Arguments) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        match parse_args::<A>(&args) {
            Ok(a) => {
                let fut = (self.f)(ctx, a);
                Box::pin(async move { fut.await.map(Into::into).map_err(Into::into) })
            }
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }
}

impl<F, Fut, A, R, E> IntoToolHandler<ArgsOnly<A, R, E>> for F
where
    F: Fn(A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    A: DeserializeOwned + 'static,
    R: Into<ToolOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn into_tool_handler(self) -> Arc<dyn ToolHandler> {
        Arc::new(FnTool::<F, ArgsOnly<A, R, E>> { f: self, _m: PhantomData })
    }
}

impl<F, Fut, A, R, E> IntoToolHandler<WithContext<A, R, E>> for F
where
    F: Fn(RequestContext, A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    A: DeserializeOwned + 'static,
    R: Into<ToolOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn into_tool_handler(self) -> Arc<dyn ToolHandler> {
        Arc::new(FnTool::<F, WithContext<A, R, E>> { f: self, _m: PhantomData })
    }
}

/// Converts something into a reader for a concrete resource.
pub trait IntoResourceHandler<M> {
    /// The boxed handler.
    fn into_resource_handler(self) -> Arc<dyn ResourceHandler>;
}

/// Converts something into a reader for a resource template.
pub trait IntoTemplateHandler<M> {
    /// The boxed handler.
    fn into_template_handler(self) -> Arc<dyn ResourceHandler>;
}

/// Converts something into a prompt renderer.
pub trait IntoPromptHandler<M> {
    /// The boxed handler.
    fn into_prompt_handler(self) -> Arc<dyn PromptHandler>;
}

/// Converts something into a lister of the resources a template stands for: an
/// `Arc<dyn ResourceLister>`, or a closure `|ctx| async { Ok(vec![Resource::new(..)]) }`.
pub trait IntoResourceLister<M> {
    /// The boxed lister.
    fn into_resource_lister(self) -> Arc<dyn ResourceLister>;
}

impl IntoResourceLister<()> for Arc<dyn ResourceLister> {
    fn into_resource_lister(self) -> Arc<dyn ResourceLister> {
        self
    }
}

struct FnLister<F, E> {
    f: F,
    _m: PhantomData<fn() -> E>,
}

impl<F, Fut, E> ResourceLister for FnLister<F, E>
where
    F: Fn(RequestContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<Resource>, E>> + Send + 'static,
    E: Into<HandlerError> + 'static,
{
    fn list(&self, ctx: RequestContext) -> BoxFuture<'static, Result<Vec<Resource>, HandlerError>> {
        let fut = (self.f)(ctx);
        Box::pin(async move { fut.await.map_err(Into::into) })
    }
}

impl<F, Fut, E> IntoResourceLister<E> for F
where
    F: Fn(RequestContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<Resource>, E>> + Send + 'static,
    E: Into<HandlerError> + 'static,
{
    fn into_resource_lister(self) -> Arc<dyn ResourceLister> {
        Arc::new(FnLister::<F, E> { f: self, _m: PhantomData })
    }
}

impl IntoResourceHandler<()> for Arc<dyn ResourceHandler> {
    fn into_resource_handler(self) -> Arc<dyn ResourceHandler> {
        self
    }
}

impl IntoTemplateHandler<()> for Arc<dyn ResourceHandler> {
    fn into_template_handler(self) -> Arc<dyn ResourceHandler> {
        self
    }
}

impl IntoPromptHandler<()> for Arc<dyn PromptHandler> {
    fn into_prompt_handler(self) -> Arc<dyn PromptHandler> {
        self
    }
}

struct FnResource<F, M> {
    f: F,
    _m: PhantomData<fn() -> M>,
}

/// Marker: `|ctx, uri|` readers.
pub struct UriOnly<E>(PhantomData<fn() -> E>);
/// Marker: `|ctx, uri, vars|` readers.
pub struct UriVars<E>(PhantomData<fn() -> E>);

impl<F, Fut, O, E> ResourceHandler for FnResource<F, UriOnly<(O, E)>>
where
    F: Fn(RequestContext, String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
    O: Into<ResourceOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn read(
        &self,
        ctx: RequestContext,
        uri: String,
        _vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>> {
        let fut = (self.f)(ctx, uri);
        Box::pin(async move { fut.await.map(Into::into).map_err(Into::into) })
    }
}

impl<F, Fut, O, E> ResourceHandler for FnResource<F, UriVars<(O, E)>>
where
    F: Fn(RequestContext, String, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
    O: Into<ResourceOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn read(
        &self,
        ctx: RequestContext,
        uri: String,
        vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>> {
        let fut = (self.f)(ctx, uri, vars);
        Box::pin(async move { fut.await.map(Into::into).map_err(Into::into) })
    }
}

impl<F, Fut, O, E> IntoResourceHandler<UriOnly<(O, E)>> for F
where
    F: Fn(RequestContext, String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
    O: Into<ResourceOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn into_resource_handler(self) -> Arc<dyn ResourceHandler> {
        Arc::new(FnResource::<F, UriOnly<(O, E)>> { f: self, _m: PhantomData })
    }
}

impl<F, Fut, O, E> IntoTemplateHandler<UriVars<(O, E)>> for F
where
    F: Fn(RequestContext, String, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
    O: Into<ResourceOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn into_template_handler(self) -> Arc<dyn ResourceHandler> {
        Arc::new(FnResource::<F, UriVars<(O, E)>> { f: self, _m: PhantomData })
    }
}

struct FnPrompt<F, M> {
    f: F,
    _m: PhantomData<fn() -> M>,
}

impl<F, Fut, O, E> PromptHandler for FnPrompt<F, (O, E)>
where
    F: Fn(RequestContext, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
    O: Into<PromptOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn get(
        &self,
        ctx: RequestContext,
        args: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<PromptOutput, HandlerError>> {
        let fut = (self.f)(ctx, args);
        Box::pin(async move { fut.await.map(Into::into).map_err(Into::into) })
    }
}

/// Marker: `|ctx, args|` prompt renderers.
pub struct PromptFn<E>(PhantomData<fn() -> E>);

impl<F, Fut, O, E> IntoPromptHandler<PromptFn<(O, E)>> for F
where
    F: Fn(RequestContext, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
    O: Into<PromptOutput> + 'static,
    E: Into<HandlerError> + 'static,
{
    fn into_prompt_handler(self) -> Arc<dyn PromptHandler> {
        Arc::new(FnPrompt::<F, (O, E)> { f: self, _m: PhantomData })
    }
}

/// The JSON Schema (2020-12) of a Rust type, for a tool's `inputSchema`.
#[cfg(feature = "schemars")]
pub fn schema_for<A: schemars::JsonSchema>() -> Value {
    let schema = schemars::SchemaGenerator::default().into_root_schema_for::<A>();
    let mut v = serde_json::to_value(schema).unwrap_or_else(|_| serde_json::json!({ "type": "object" }));
    if let Some(obj) = v.as_object_mut() {
        obj.entry("type").or_insert_with(|| Value::from("object"));
    }
    v
}

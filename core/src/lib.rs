//! mcpforge: a fast, correct Model Context Protocol server engine.
//!
//! Register tools, resources and prompts on a [`ServerBuilder`], then serve them over
//! stdio ([`Server::serve_stdio`]), any byte stream ([`Server::serve_io`]) or an in-memory
//! client ([`Server::connect_memory`]). Every protocol version is served at once: the
//! handshake versions 2024-11-05 … 2025-11-25 and the stateless 2026-07-28 wire.
//! [`client`] is the other side: an MCP client on the same codec and transports.
//!
//! ```no_run
//! use mcpforge::{Server, Tool, ToolError};
//! use serde_json::json;
//!
//! #[derive(serde::Deserialize)]
//! struct Add { a: f64, b: f64 }
//!
//! # async fn run() -> Result<(), mcpforge::Error> {
//! let server = Server::builder("demo", "1.0.0")
//!     .tool(
//!         Tool::new("add").description("Add two numbers").input_schema(json!({
//!             "type": "object",
//!             "properties": { "a": { "type": "number" }, "b": { "type": "number" } },
//!             "required": ["a", "b"]
//!         })),
//!         |args: Add| async move { Ok::<_, ToolError>((args.a + args.b).to_string()) },
//!     )
//!     .build()?;
//! server.serve_stdio().await
//! # }
//! ```

#[cfg(feature = "mimalloc")]
pub mod allocator;
mod arguments;
pub mod auth;
mod budget;
pub mod catalogue;
pub mod client;
mod completion_output;
pub mod context;
mod deadline;
pub mod dial;
pub mod dispatch;
pub mod error;
pub mod error_hook;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod handler;
mod identity;
pub mod initialize_hook;
pub mod jsonrpc;
pub mod middleware;
pub(crate) mod outbox;
pub mod path_policy;
mod prompt_output;
pub mod protocol;
pub mod proxy;
pub mod registry;
pub mod request_info;
mod resource_output;
pub mod schema;
pub mod sdk_options;
pub mod seal;
pub mod seal_official;
mod serde_fields;
pub mod server;
mod server_config;
mod server_toggle;
pub(crate) mod session;
pub mod skills;
mod span_link;
pub mod store;
pub mod sugar;
pub(crate) mod sync;
pub mod tasks;
pub mod telemetry;
mod tool_bytes;
mod tool_output;
pub mod transport;

pub use auth::{AuthError, AuthInfo, TokenVerifier};
pub use catalogue::{Catalogue, Kind as CatalogueKind, Visible};
pub use context::RequestContext;
pub use deadline::HeldThread;
pub use dispatch::executor::{Executor, Task};
pub use dispatch::limits::Limits;
pub use dispatch::rate_limit::{Rate, RateLimits};
pub use error::{Error, HandlerError, ProtocolError, ToolError};
pub use error_hook::{ErrorHook, Failure, FailureKind};
pub use handler::{
    Arguments, BoxFuture, CompletionHandler, CompletionOutput, PromptHandler, PromptOutput, ResourceHandler,
    ResourceLister, ResourceOutput, Structured, ToolHandler, ToolOutput, ValueContent, bytes_content, media_type,
};
pub use initialize_hook::{Handshake, InitializeHook};
pub use middleware::{Answer, Middleware, MiddlewareResult, Next, Request as MiddlewareRequest};
pub use path_policy::PathPolicy;
pub use protocol::{
    AppCsp, AppResource, CallToolResult, CompleteRequest, Completion, CompletionRef, Content, CreateMessageRequest,
    CreateMessageResult, ElicitAction, ElicitRequest, ElicitResult, GetPromptResult, InputRequest, ListKind,
    ListRootsResult, LogLevel, Prompt, PromptArgument, PromptMessage, ProtocolVersion, Resource, ResourceContents,
    ResourceTemplate, Role, Root, SamplingMessage, TaskSupport, Tool, ToolAnnotations, ToolExecution, TraceContext,
};
pub use request_info::HttpRequestInfo;
pub use server::{CacheScope, Server, ServerBuilder};
pub use skills::{Skill, SkillLimits};
pub use store::SharedStore;
pub use sugar::Json;
pub use tasks::{TaskOptions, TaskStatus};
pub use transport::http::{
    AuthOptions, CancelOnDisconnect, HttpApp, HttpDriver, HttpIo, HttpOptions, HttpServer, ServerCardOptions,
    SessionBudget, TlsOptions,
};
pub use transport::link::Link;
pub use transport::memory::MemoryClient;
pub use transport::stdio::{StdioDriver, StdioOptions, StdioReader, StdioWriter};

//! MCP wire types, one file per concept, and the version rules that shape them.

pub mod app;
pub mod client_input;
pub mod completion;
pub mod content;
pub mod header_params;
pub mod list_kind;
pub mod meta;
pub mod method;
pub mod params;
pub mod prompt;
pub mod resource;
pub mod shaping;
pub mod tool;
pub mod tool_ui;
pub mod trace_context;
pub mod version;

pub use app::{APP_MIME_TYPE, AppCsp, AppResource, ToolUi, UI_EXTENSION};
pub use client_input::{
    CreateMessageRequest, CreateMessageResult, ElicitAction, ElicitRequest, ElicitResult, InputRequest,
    InputRequestError, ListRootsResult, Root, SamplingMessage,
};
pub use completion::{CompleteRequest, Completion, CompletionRef};
pub use content::{CallToolResult, Content, ResourceContents, Role};
pub use list_kind::ListKind;
pub use meta::{LogLevel, RequestMeta};
pub use prompt::{GetPromptResult, Prompt, PromptArgument, PromptMessage};
pub use resource::{Resource, ResourceTemplate};
pub use tool::{TaskSupport, Tool, ToolAnnotations, ToolExecution, ValueContent};
pub use trace_context::TraceContext;
pub use version::ProtocolVersion;

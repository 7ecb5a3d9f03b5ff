//! `mcpforge-node`: the Node.js addon of the mcpforge engine. The engine serves the wire;
//! this crate crosses into JavaScript once per handler call (through one weak thread-safe
//! function per server) and back once with the answer. Stdio is served on Node's own event
//! loop (`event_loop.rs`, `loop_io.rs`), so a call over stdio never leaves the JavaScript
//! thread. The public JavaScript API lives in
//! `bindings-node/lib/`; everything exported here is internal to that package.

// The addon's Rust memory comes from mimalloc (`mcpforge::allocator` says why).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mcpforge::install_allocator!();

mod call_state;
mod callback;
mod calls;
mod catalogue;
mod cli;
mod client;
mod client_outbox;
mod client_runtime;
mod context;
mod direct;
mod error;
mod event_loop;
mod hosted;
mod initialize_hook;
mod link;
mod loop_io;
mod mcp_client;
mod middleware;
mod server;
mod uv;

pub use call_state::NativeCall;
pub use callback::{ABORT_HANDLER, RELEASE_HANDLER};
pub use calls::{
    FORM_JSON, FORM_RESULT, FORM_TEXT, call_input_required, call_object, call_protocol_error, call_respond,
    call_respond_bytes, call_tool_error, calls_in_flight,
};
pub use cli::cli_main;
pub use client::NativeMemoryClient;
pub use hosted::{NativeExchange, NativeHttpApp};
pub use link::NativeLink;
pub use mcp_client::{CONNECTION_CLOSED, NativeClient, REQUEST_TIMEOUT};
pub use server::{NativeHttp, NativeServer};

/// The engine's JSON-RPC error codes by name (`PARSE_ERROR`, ...): `ErrorCode` in
/// `lib/errors.js` is made from it, so every language shares one table.
#[napi_derive::napi]
pub fn error_codes() -> std::collections::HashMap<String, i64> {
    mcpforge::error::codes::ALL.iter().map(|(name, code)| ((*name).to_owned(), *code)).collect()
}

/// The protocol versions the engine serves, as JSON text in the engine's form
/// (`mcpforge::protocol::version::versions_json`: `all` and `handshake` newest first,
/// `latest` the newest handshake version, `stateless` the stateless wire's), which
/// `lib/versions.js` publishes.
#[napi_derive::napi]
pub fn protocol_versions() -> String {
    mcpforge::protocol::version::versions_json().to_string()
}

/// `options` (JSON text of an options object of the official SDK's API `sdk`,
/// `"typescript-transport"` or `"typescript-handler"`) with that SDK's option names
/// translated to the engine's HTTP options by the engine's table (`mcpforge::sdk_options`),
/// as JSON text; other names come back unchanged, for the engine's option check.
#[napi_derive::napi]
pub fn sdk_options(sdk: String, options: String) -> napi::Result<String> {
    use mcpforge::sdk_options::{Sdk, translate};
    let api = Sdk::parse(&sdk).ok_or_else(|| error::js_error(format!("no official SDK API is called {sdk:?}")))?;
    let given = match error::parse_json(&options, "the transport options")? {
        serde_json::Value::Object(map) => map,
        _ => return Err(error::js_error("the transport options must be an object")),
    };
    let translated = translate(api, given).map_err(error::js_error)?;
    Ok(serde_json::Value::Object(translated).to_string())
}

/// Routes the engine's `tracing` output to stderr (level from `MCPFORGE_LOG`) when the
/// addon loads.
#[napi_derive::module_init]
fn init() {
    mcpforge::telemetry::init_logging();
}

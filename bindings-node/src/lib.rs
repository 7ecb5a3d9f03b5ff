//! `mcpforge-node`: the Node.js addon of the mcpforge engine. The engine serves the wire;
//! this crate crosses into JavaScript once per handler call (through one weak thread-safe
//! function per server) and back once with the answer. The public JavaScript API lives in
//! `bindings-node/lib/`; everything exported here is internal to that package.

mod callback;
mod catalogue;
mod client;
mod context;
mod error;
mod hosted;
mod middleware;
mod server;

pub use callback::NativeCall;
pub use client::NativeMemoryClient;
pub use hosted::{NativeExchange, NativeHttpApp};
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

/// Routes the engine's `tracing` output to stderr (level from `MCPFORGE_LOG`) when the
/// addon loads.
#[napi_derive::module_init]
fn init() {
    mcpforge::telemetry::init_logging();
}

//! `mcpforge._native`: the CPython extension module behind the `mcpforge` package. This file
//! declares its modules and registers what Python uses (`NativeServer`, `NativeContext`,
//! `NativeClient`, `NativeEngineClient` (the MCP client), `Completer`, `NativeHttpApp`, the
//! engine's constants, `cli_main` (the `mcpforge` command)); the engine's tokio
//! runtime is `runtime.rs`'s. The public API is the Python package in `python/mcpforge`.

use pyo3::prelude::*;

// The module's Rust memory comes from mimalloc (`mcpforge::allocator` says why).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mcpforge::install_allocator!();

mod asgi;
mod callbacks;
mod catalogue;
mod cli;
mod client;
mod context;
mod convert;
mod direct;
mod engine_client;
mod engine_listen;
mod errors;
mod inbox;
mod initialize_hook;
mod inline;
mod interpreter;
mod middleware;
mod pace;
mod pool;
mod reply;
mod runtime;
mod server;
mod signal_wake;
mod telemetry;
mod template;

/// The module: declared safe for free-threaded CPython (every class guards its state with
/// locks or is immutable).
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ENGINE_VERSION", env!("CARGO_PKG_VERSION"))?;
    // The engine's JSON-RPC error codes by name (re-exported by `mcpforge.errors`).
    let codes = pyo3::types::PyDict::new(m.py());
    for (name, code) in mcpforge::error::codes::ALL {
        codes.set_item(*name, *code)?;
    }
    m.add("ERROR_CODES", codes)?;
    // The protocol versions, as the engine serves them (newest first).
    use mcpforge::ProtocolVersion;
    let names = |list: &[ProtocolVersion]| list.iter().map(|v| v.as_str()).collect::<Vec<_>>();
    m.add("PROTOCOL_VERSIONS", pyo3::types::PyTuple::new(m.py(), names(&ProtocolVersion::ALL))?)?;
    m.add("HANDSHAKE_PROTOCOL_VERSIONS", pyo3::types::PyTuple::new(m.py(), names(&ProtocolVersion::HANDSHAKE))?)?;
    m.add("LATEST_PROTOCOL_VERSION", ProtocolVersion::LATEST_LEGACY.as_str())?;
    m.add("STATELESS_PROTOCOL_VERSION", ProtocolVersion::STATELESS.as_str())?;
    // The outcome tags of handler results (`(tag, payload)`), read by the package by name.
    for (name, tag) in errors::tag::ALL {
        m.add(name, tag)?;
    }
    m.add_function(wrap_pyfunction!(cli::cli_main, m)?)?;
    m.add_function(wrap_pyfunction!(callbacks::bytes_content, m)?)?;
    m.add_function(wrap_pyfunction!(callbacks::media_type, m)?)?;
    m.add_function(wrap_pyfunction!(pool::default_max_workers, m)?)?;
    m.add_function(wrap_pyfunction!(telemetry::init_logging, m)?)?;
    m.add_function(wrap_pyfunction!(convert::json_value, m)?)?;
    m.add_class::<convert::JsonValue>()?;
    m.add_function(wrap_pyfunction!(server::http_option_names, m)?)?;
    m.add_function(wrap_pyfunction!(server::sdk_options, m)?)?;
    m.add_function(wrap_pyfunction!(template::template_variables, m)?)?;
    m.add_function(wrap_pyfunction!(template::template_match, m)?)?;
    m.add_class::<server::NativeServer>()?;
    m.add_class::<context::NativeContext>()?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<engine_client::NativeEngineClient>()?;
    m.add_class::<engine_listen::NativeListen>()?;
    m.add_class::<inbox::NativeInbox>()?;
    m.add_class::<inbox::NativeReply>()?;
    m.add_class::<callbacks::Completer>()?;
    m.add_class::<middleware::NativeNext>()?;
    m.add_class::<asgi::NativeHttpApp>()?;
    m.add_class::<asgi::NativeExchange>()?;
    let hook = wrap_pyfunction!(interpreter::_at_exit, m)?;
    m.py().import("atexit")?.call_method1("register", (hook,))?;
    Ok(())
}

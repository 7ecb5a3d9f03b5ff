//! The engine's logs, sent to stderr when the package asks.

use std::sync::OnceLock;

use pyo3::prelude::*;

/// Sends the engine's logs (`MCPFORGE_LOG` filter) to stderr; idempotent.
#[pyfunction]
pub(crate) fn init_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(mcpforge::telemetry::init_logging);
}

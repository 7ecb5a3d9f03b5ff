//! `cli_main`: the `mcpforge` command line written in Rust (`mcpforge-cli`), called by the
//! package's console script for everything but serving a Python file.

use pyo3::prelude::*;

/// Runs the `mcpforge` command line `argv` (without the program's name) and returns its exit
/// status. The GIL is released meanwhile: the command may wait on a server for a while.
#[pyfunction]
pub fn cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(|| mcpforge_cli::run(argv))
}

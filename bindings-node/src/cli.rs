//! `cliMain`: the `mcpforge` command line written in Rust (`mcpforge-cli`), called by the npm
//! package's `bin/mcpforge.js` for everything but serving a JavaScript file.

/// Runs the `mcpforge` command line `argv` (without node and the script) and returns its exit
/// status. It blocks the JavaScript thread until the command is done: it is the process's
/// only work.
#[napi_derive::napi]
pub fn cli_main(argv: Vec<String>) -> i32 {
    mcpforge_cli::run(argv)
}

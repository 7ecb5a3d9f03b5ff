//! `cliMain`: the `mcpforge` command line written in Rust (`mcpforge-cli`), called by the npm
//! package's `bin/mcpforge.js` for everything but serving a JavaScript file.

/// Runs the `mcpforge` command line `argv` (without node and the script) and returns its exit
/// status. It blocks the JavaScript thread until the command is done: it is the process's
/// only work, so Ctrl-C and SIGTERM are the command's (it stops what it started, then returns).
#[napi_derive::napi]
pub fn cli_main(argv: Vec<String>) -> i32 {
    leave_signals_to_the_command();
    mcpforge_cli::run(argv)
}

/// Gives SIGINT and SIGTERM back their default action before the command handles them. Node
/// handles both itself (it restores the terminal, then raises the signal again with its
/// handler reset); the command's handler, installed over it, would call it in turn, and the
/// signal raised again would reach the command's handler, without end.
fn leave_signals_to_the_command() {
    #[cfg(unix)]
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: signal(2) with SIG_DFL only sets the default action; no handler of this
        // process runs concurrently on this signal while the JavaScript thread is here.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
    }
}

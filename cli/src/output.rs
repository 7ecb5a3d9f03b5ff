//! Writing the command's output: to stdout a line at a time, flushed before the command
//! returns (the Python and Node commands print nothing of their own after it), the notes of
//! a subcommand that runs on, and the files `package` writes.

use std::io::Write;
use std::path::Path;

use crate::failure::Failure;

/// Writes `bytes` to the file at `path`, saying which file when it cannot.
pub(crate) fn file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure::new(format!("{}: {e}", path.display())))
}

/// Writes `text` and a newline to stdout (a closed stdout is not an error of the command).
pub(crate) fn line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.write_all(b"\n");
}

/// Writes `value` as indented JSON.
pub(crate) fn json(value: &serde_json::Value) {
    line(&serde_json::to_string_pretty(value).unwrap_or_default());
}

/// Writes `text` on stderr after `mcpforge SUBCOMMAND: `, what a subcommand that runs on
/// (`dev`) says as it goes.
pub(crate) fn said(subcommand: &str, text: &str) {
    eprintln!("mcpforge {subcommand}: {text}");
}

/// Flushes stdout.
pub(crate) fn flush() {
    let _ = std::io::stdout().flush();
}

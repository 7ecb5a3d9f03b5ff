//! Command-line handling shared by the example servers.

use std::net::SocketAddr;

/// Reads `--http HOST:PORT` from the command line: `Some(address)` to serve Streamable HTTP,
/// `None` (no arguments) to serve stdio. Anything else is an error naming the usage.
pub fn http_address() -> Result<Option<SocketAddr>, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        [flag, addr] if flag == "--http" => {
            addr.parse().map(Some).map_err(|e| format!("--http {addr}: {e} (expected HOST:PORT, e.g. 127.0.0.1:3000)"))
        }
        _ => Err("usage: [--http HOST:PORT]  (no arguments: serve stdio)".to_owned()),
    }
}

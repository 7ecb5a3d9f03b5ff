//! Command-line handling shared by the example servers.

use std::net::SocketAddr;

const USAGE: &str = "usage: [--http HOST:PORT [--auth JSON]]  (no arguments: serve stdio)";

/// The command line's serving choice: `--http HOST:PORT`, and with it `--auth JSON`, the HTTP
/// options' `auth` member (docs/auth.md: the built-in `jwt` or `introspection` verifier).
struct Command {
    http: Option<SocketAddr>,
    auth: Option<serde_json::Value>,
}

fn parse() -> Result<Command, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let http = |addr: &String| -> Result<SocketAddr, String> {
        addr.parse().map_err(|e| format!("--http {addr}: {e} (expected HOST:PORT, e.g. 127.0.0.1:3000)"))
    };
    match args.as_slice() {
        [] => Ok(Command { http: None, auth: None }),
        [flag, addr] if flag == "--http" => Ok(Command { http: Some(http(addr)?), auth: None }),
        [flag, addr, auth_flag, auth] if flag == "--http" && auth_flag == "--auth" => {
            let auth = serde_json::from_str(auth).map_err(|e| format!("--auth: not JSON: {e}"))?;
            Ok(Command { http: Some(http(addr)?), auth: Some(auth) })
        }
        _ => Err(USAGE.to_owned()),
    }
}

/// Reads `--http HOST:PORT` from the command line: `Some(address)` to serve Streamable HTTP,
/// `None` (no arguments) to serve stdio. Anything else is an error naming the usage.
pub fn http_address() -> Result<Option<SocketAddr>, String> {
    match parse()? {
        Command { auth: Some(_), .. } => Err(format!("this server takes no --auth; {USAGE}")),
        Command { http, .. } => Ok(http),
    }
}

/// Reads `--http HOST:PORT [--auth JSON]` from the command line: the HTTP options to serve
/// with (their `auth` member from `--auth`, checked as the engine reads it), or `None` (no
/// arguments) to serve stdio. Anything else is an error naming the usage.
pub fn http_options() -> Result<Option<mcpforge::HttpOptions>, String> {
    let Command { http: Some(addr), auth } = parse()? else { return Ok(None) };
    let Some(auth) = auth else { return Ok(Some(mcpforge::HttpOptions::new(addr))) };
    let json = serde_json::json!({ "bind": addr.to_string(), "auth": auth, "handleSignals": true });
    mcpforge::HttpOptions::from_json(json, None).map(Some).map_err(|e| format!("--auth: {e}"))
}

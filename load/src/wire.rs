//! The messages the load tool sends: the handshake of each wire, and the `tools/call`
//! request, serialized once into a template so a call costs the client little more than
//! writing its id.

use std::io::Write;

use serde_json::{Value, json};

/// The stateless protocol version.
pub const MODERN_VERSION: &str = "2026-07-28";
/// The version asked for in `initialize`; the server may answer with an older one.
pub const LEGACY_VERSION: &str = "2025-11-25";
/// How the load tool names itself to servers.
const CLIENT_NAME: &str = "mcpforge-load";

/// The tool call every request makes.
#[derive(Clone, Debug)]
pub struct CallSpec {
    /// Tool name.
    pub tool: String,
    /// Arguments, a JSON object.
    pub args: Value,
    /// The text the first content block of every answer must have, if any.
    pub expect: Option<String>,
}

/// The wire a server was found to speak.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wire {
    /// `initialize` was answered with this protocol version.
    Legacy(String),
    /// 2026-07-28: every request carries `_meta`.
    Modern,
}

impl Wire {
    /// The protocol version in use.
    pub fn version(&self) -> &str {
        match self {
            Wire::Legacy(version) => version,
            Wire::Modern => MODERN_VERSION,
        }
    }
}

/// The server's name and version as it reported them, and the wire in use.
#[derive(Clone, Debug)]
pub struct Negotiated {
    /// The wire.
    pub wire: Wire,
    /// `serverInfo.name` (or `?`).
    pub server_name: String,
    /// `serverInfo.version` (or `?`).
    pub server_version: String,
}

impl Negotiated {
    /// Reads `serverInfo` from an `initialize` result, or the `_meta` server info of a
    /// 2026 result.
    pub fn from_result(wire: Wire, result: &Value) -> Self {
        let info = match &wire {
            Wire::Legacy(_) => &result["serverInfo"],
            Wire::Modern => &result["_meta"]["io.modelcontextprotocol/serverInfo"],
        };
        let text = |v: &Value| v.as_str().unwrap_or("?").to_owned();
        Negotiated { server_name: text(&info["name"]), server_version: text(&info["version"]), wire }
    }
}

/// The `_meta` every 2026 request carries.
fn modern_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { "name": CLIENT_NAME, "version": env!("CARGO_PKG_VERSION") }
    })
}

/// `initialize` with id `id`.
pub fn initialize(id: u64) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "initialize",
        "params": {
            "protocolVersion": LEGACY_VERSION,
            "capabilities": {},
            "clientInfo": { "name": CLIENT_NAME, "version": env!("CARGO_PKG_VERSION") }
        }
    })
}

/// `notifications/initialized`.
pub fn initialized() -> Value {
    json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })
}

/// `server/discover` with id `id` (2026 wire).
pub fn discover(id: u64) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": "server/discover", "params": { "_meta": modern_meta() } })
}

/// True if a `server/discover` result says the server speaks the 2026 wire.
pub fn discover_supports_modern(result: &Value) -> bool {
    result["supportedVersions"].as_array().is_some_and(|versions| versions.iter().any(|v| v == MODERN_VERSION))
}

/// A `tools/call` request serialized once: `prefix`, the id, `suffix`.
#[derive(Clone, Debug)]
pub struct CallTemplate {
    prefix: &'static [u8],
    suffix: Vec<u8>,
    /// What the answer must say, if anything.
    pub expect: Option<String>,
    /// Name of the tool (the `Mcp-Name` header on HTTP).
    pub tool: String,
}

impl CallTemplate {
    /// The request for `spec` on `wire`.
    pub fn new(spec: &CallSpec, wire: &Wire) -> Self {
        let mut params = json!({ "name": spec.tool, "arguments": spec.args });
        if *wire == Wire::Modern {
            params["_meta"] = modern_meta();
        }
        let suffix = format!(r#","method":"tools/call","params":{params}}}"#).into_bytes();
        CallTemplate {
            prefix: br#"{"jsonrpc":"2.0","id":"#,
            suffix,
            expect: spec.expect.clone(),
            tool: spec.tool.clone(),
        }
    }

    /// Appends the request with id `id` (no newline) to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>, id: u64) {
        out.extend_from_slice(self.prefix);
        // Writing to a Vec cannot fail.
        let _ = write!(out, "{id}");
        out.extend_from_slice(&self.suffix);
    }
}

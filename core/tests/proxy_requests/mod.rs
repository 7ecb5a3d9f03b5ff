//! The requests the OAuth proxy tests build besides plain ones: a form post (consent,
//! token) and a tool call bearing an access token, at the 2026-07-28 revision.

#![allow(dead_code, reason = "each test file uses a different part")]

use serde_json::json;

use crate::http_client::Request;

/// `POST path` of `form`, `application/x-www-form-urlencoded`.
pub fn form_post(path: &str, form: &[(&str, &str)]) -> Request {
    Request::new("POST", path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap().into_bytes())
}

/// A `tools/call` of the tool `name` without arguments, bearing `token`.
pub fn tool_call(name: &str, token: &str) -> Request {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": name, "arguments": {}, "_meta": mcpforge::MemoryClient::modern_meta(json!({})) } });
    Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", name)
        .header("Authorization", &format!("Bearer {token}"))
}

//! The demo client: starts an example server as a child process, speaks MCP to it over a
//! real stdio pipe, and prints every exchange. Both eras are shown: a 2025-11-25 session
//! (initialize, list, call) and stateless 2026-07-28 requests (server/discover, call).
//!
//! Usage: `demo [SERVER_BINARY]` (default: the `quickstart` binary next to this one).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Session {
    fn start(path: &std::path::Path) -> std::io::Result<Session> {
        let mut child =
            Command::new(path).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Ok(Session { child, stdin, stdout, next_id: 1 })
    }

    fn send(&mut self, msg: &Value) -> std::io::Result<()> {
        println!("  -> {}", shorten(&msg.to_string()));
        writeln!(self.stdin, "{msg}")?;
        self.stdin.flush()
    }

    /// Sends a request and prints everything the server sends until its response.
    fn request(&mut self, method: &str, params: Value) -> std::io::Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line)? == 0 {
                return Err(std::io::Error::other("the server closed its output"));
            }
            let msg: Value = serde_json::from_str(&line).map_err(std::io::Error::other)?;
            println!("  <- {}", shorten(line.trim_end()));
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return Ok(msg);
            }
        }
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 220;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

fn modern(params: Value) -> Value {
    let mut p = params;
    p["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { "name": "mcpforge-demo", "version": "1" }
    });
    p
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = match std::env::args_os().nth(1) {
        Some(p) => std::path::PathBuf::from(p),
        None => std::env::current_exe()?.with_file_name("quickstart"),
    };
    println!("mcpforge demo: talking MCP over stdio to {}", server.display());
    let mut s = Session::start(&server)?;

    println!("\n== A 2025-11-25 session ==");
    let init = s.request(
        "initialize",
        json!({ "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "mcpforge-demo", "version": "1" } }),
    )?;
    s.send(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))?;
    let tools = s.request("tools/list", json!({}))?;
    let names: Vec<&str> =
        tools["result"]["tools"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    println!(
        "  negotiated {} with {}; tools: {}",
        init["result"]["protocolVersion"],
        init["result"]["serverInfo"]["name"],
        names.join(", ")
    );
    let echo = s.request("tools/call", json!({ "name": "echo", "arguments": { "text": "hello, MCP" } }))?;
    let add = s.request("tools/call", json!({ "name": "add", "arguments": { "a": 2, "b": 40 } }))?;
    let time = s.request("tools/call", json!({ "name": "current_time", "arguments": {} }))?;
    let bad = s.request("tools/call", json!({ "name": "add", "arguments": { "a": "two" } }))?;
    let unknown = s.request("tools/call", json!({ "name": "nope", "arguments": {} }))?;

    println!("\n== The stateless 2026-07-28 wire ==");
    let discover = s.request("server/discover", modern(json!({})))?;
    let modern_add = s.request("tools/call", modern(json!({ "name": "add", "arguments": { "a": 1.5, "b": 1 } })))?;

    drop(s.stdin);
    let status = s.child.wait()?;

    let text = |m: &Value| m["result"]["content"][0]["text"].as_str().unwrap_or("?").to_owned();
    println!("\n== Results ==");
    println!("  echo          -> {}", text(&echo));
    println!("  add(2, 40)    -> {}", text(&add));
    println!("  current_time  -> {}", text(&time));
    println!("  add(\"two\")    -> isError={} {}", bad["result"]["isError"], text(&bad));
    println!("  unknown tool  -> error {} {}", unknown["error"]["code"], unknown["error"]["message"]);
    println!("  discover      -> versions {}", discover["result"]["supportedVersions"]);
    println!("  add(1.5, 1)   -> {} (resultType {})", text(&modern_add), modern_add["result"]["resultType"]);
    println!("  server exited on stdin EOF with {status}");
    Ok(())
}

//! The benchmark floor: a hand-written serde_json echo loop over stdio.
//!
//! This is what an MCP-shaped stdio server costs with no framework at all: one
//! thread, one `BufReader` on stdin, one `BufWriter` on stdout, and
//! `serde_json::Value` for every message. It answers only what the stdio
//! benchmark (`core/benches/stdio.rs`) sends: `initialize`, notifications
//! (ignored), and `tools/call` of an echo tool, which returns
//! `params.arguments.text` as a single text content block. It does no schema
//! validation, no capability negotiation, no concurrency and no cancellation,
//! so it is a lower bound to compare the engine against, not a server to copy.
//!
//! Run it as the floor with `cargo build --release -p mcpforge-examples` and
//! `cargo bench -p mcpforge --bench stdio`.

use std::io::{self, BufRead, BufReader, BufWriter, Write};

use serde_json::{Value, json};

/// The protocol version this floor claims; the benchmark asks for the same one.
const PROTOCOL_VERSION: &str = "2025-06-18";

/// I/O buffer size. Larger than std's 8 KiB default so that a 100 KB echo
/// takes a handful of syscalls each way, which any hand-written loop would do.
const BUF_CAPACITY: usize = 64 * 1024;

fn main() {
    // A closed stdout (the client went away) ends the loop like EOF does;
    // there is nobody left to report an error to.
    let _ = serve();
}

/// Reads one JSON-RPC message per line until EOF, answering requests in order.
fn serve() -> io::Result<()> {
    let stdin = io::stdin();
    let mut input = BufReader::with_capacity(BUF_CAPACITY, stdin.lock());
    let stdout = io::stdout();
    let mut output = BufWriter::with_capacity(BUF_CAPACITY, stdout.lock());
    let mut line = String::new();

    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break; // EOF: the client closed our stdin.
        }
        if let Some(reply) = handle(&line) {
            serde_json::to_writer(&mut output, &reply)?;
            output.write_all(b"\n")?;
        }
        // Flush only when no further complete request is already buffered:
        // pipelined requests are answered in one batch of writes, while a lone
        // request is answered immediately. (Checking for a newline rather than
        // an empty buffer also flushes when only part of the next request has
        // arrived, so replies are never held back waiting for more input.)
        if !input.buffer().contains(&b'\n') {
            output.flush()?;
        }
    }
    output.flush()
}

/// Returns the reply for one incoming line, or `None` when there is nothing to
/// answer (notifications, responses, blank lines).
fn handle(line: &str) -> Option<Value> {
    if line.trim().is_empty() {
        return None;
    }
    let mut msg: Value = match serde_json::from_str(line) {
        Ok(msg) => msg,
        Err(_) => return Some(error(Value::Null, -32700, "Parse error")),
    };
    // Messages without an id are notifications (e.g. notifications/initialized)
    // and get no reply.
    let id = msg.get_mut("id").map(Value::take)?;
    let reply = match msg.get("method").and_then(Value::as_str) {
        Some("tools/call") => {
            // Move the text out of the parsed request instead of cloning it.
            let text = msg
                .pointer_mut("/params/arguments/text")
                .map(Value::take)
                .unwrap_or_else(|| Value::String(String::new()));
            json!({
                "jsonrpc": "2.0",
                "id": id,
                "result": {
                    "content": [{ "type": "text", "text": text }],
                    "isError": false
                }
            })
        }
        Some("initialize") => json!({
            "jsonrpc": "2.0",
            "id": id,
            "result": {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": { "tools": {} },
                "serverInfo": { "name": "echo-floor", "version": "0" }
            }
        }),
        // A message with an id but no method is a response to us; we never
        // send requests, so there is nothing to do with it.
        None => return None,
        // Any other request still gets an answer so a client never waits.
        Some(_) => error(id, -32601, "Method not found"),
    };
    Some(reply)
}

/// A JSON-RPC error response.
fn error(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

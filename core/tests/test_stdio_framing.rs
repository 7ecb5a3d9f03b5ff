//! Newline framing and bad input over a byte stream: CRLF, blank lines, coalesced and split
//! writes, the message size limit, parse and envelope errors, notifications and batches.

use std::time::Duration;

use mcpforge::{Limits, MemoryClient, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf};

const WAIT: Duration = Duration::from_secs(5);

/// A server with one tool, `echo`, returning its `text` argument.
fn server_with(limits: Limits) -> Server {
    Server::builder("framing-test", "1.0.0")
        .limits(limits)
        .tool(
            Tool::new("echo").input_schema(json!({
                "type": "object",
                "properties": { "text": { "type": "string" } },
                "required": ["text"]
            })),
            |args: Value| async move { Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned()) },
        )
        .build()
        .expect("server builds")
}

fn server() -> Server {
    server_with(Limits::default())
}

fn small_server() -> Server {
    server_with(Limits { max_message_size: 1024, ..Default::default() })
}

/// A client with a legacy session at `version`.
async fn session(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    let init = client.initialize(version, json!({})).await.expect("initialize succeeds");
    assert_eq!(init["protocolVersion"], version);
    client
}

/// The next message the server sent that no request of the client was waiting for.
async fn next(client: &mut MemoryClient) -> Value {
    client.next_message(WAIT).await.expect("the server answered within the timeout")
}

/// Sends a `ping` with a string id nobody waits for, and checks that the very next message
/// from the server is its response: nothing was sent in between (for example an answer to
/// a notification sent just before).
async fn assert_nothing_then_ping(client: &mut MemoryClient, probe: &str) {
    client.send_raw(&json!({ "jsonrpc": "2.0", "id": probe, "method": "ping" }).to_string()).await.unwrap();
    assert_eq!(next(client).await, json!({ "jsonrpc": "2.0", "id": probe, "result": {} }));
}

/// Checks an error response exactly: `id` is `None` when the member must be absent,
/// `Some(Value::Null)` for `"id": null`; the message must start with `message_prefix`;
/// there is a `data` member only when `data` is given, and then it is equal to it.
fn assert_error(msg: &Value, id: Option<Value>, code: i64, message_prefix: &str, data: Option<Value>) {
    let obj = msg.as_object().unwrap_or_else(|| panic!("not an object: {msg}"));
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let expected_keys: &[&str] = if id.is_some() { &["error", "id", "jsonrpc"] } else { &["error", "jsonrpc"] };
    assert_eq!(keys, expected_keys, "members of {msg}");
    assert_eq!(msg["jsonrpc"], "2.0");
    if let Some(id) = id {
        assert_eq!(msg["id"], id, "id of {msg}");
    }
    let err = msg["error"].as_object().unwrap_or_else(|| panic!("no error object: {msg}"));
    assert_eq!(err["code"], code, "code of {msg}");
    let text = err["message"].as_str().unwrap_or_else(|| panic!("no message: {msg}"));
    assert!(text.starts_with(message_prefix), "message `{text}` should start with `{message_prefix}`");
    assert_eq!(err.get("data").cloned(), data, "data of {msg}");
    let allowed = if err.contains_key("data") { 3 } else { 2 };
    assert_eq!(err.len(), allowed, "error members of {msg}");
}

/// A raw byte pipe to the engine, for input a `&str` cannot carry (invalid UTF-8) and for
/// controlling exactly how bytes are split into writes.
struct RawPipe {
    write: WriteHalf<DuplexStream>,
    lines: Lines<BufReader<ReadHalf<DuplexStream>>>,
    task: tokio::task::JoinHandle<Result<(), mcpforge::Error>>,
}

impl RawPipe {
    fn connect(server: &Server) -> RawPipe {
        let (client, server_end) = tokio::io::duplex(1 << 16);
        let (sr, sw) = tokio::io::split(server_end);
        let s = server.clone();
        let task = tokio::spawn(async move { s.serve_io(sr, sw).await });
        let (read, write) = tokio::io::split(client);
        RawPipe { write, lines: BufReader::new(read).lines(), task }
    }

    async fn write(&mut self, bytes: &[u8]) {
        self.write.write_all(bytes).await.unwrap();
        self.write.flush().await.unwrap();
    }

    async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(WAIT, self.lines.next_line())
            .await
            .expect("the server answered within the timeout")
            .unwrap()
            .expect("the server did not close the stream");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("server wrote invalid JSON `{line}`: {e}"))
    }

    /// EOF: the server finishes and closes its output without writing anything more.
    async fn close(mut self) {
        self.write.shutdown().await.unwrap();
        let rest = tokio::time::timeout(WAIT, self.lines.next_line()).await.expect("server closes its output");
        assert!(matches!(rest, Ok(None)), "unexpected output at close: {rest:?}");
        tokio::time::timeout(WAIT, self.task).await.expect("server ends").unwrap().expect("server ends cleanly");
    }
}

// ---------------------------------------------------------------------------------------
// Framing

#[tokio::test]
async fn crlf_terminated_lines_are_accepted() {
    let mut client = server().connect_memory();
    client.send_raw("{\"jsonrpc\":\"2.0\",\"id\":\"crlf\",\"method\":\"ping\"}\r").await.unwrap();
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": "crlf", "result": {} }));
    // A CRLF initialize opens a session that later CRLF requests use.
    let init = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }
    });
    client.send_raw(&format!("{init}\r")).await.unwrap();
    let resp = next(&mut client).await;
    assert_eq!(resp["id"], 1);
    assert_eq!(resp["result"]["protocolVersion"], "2025-06-18");
    client.send_raw("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r").await.unwrap();
    let call = json!({
        "jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": { "name": "echo", "arguments": { "text": "over crlf" } }
    });
    client.send_raw(&format!("{call}\r")).await.unwrap();
    assert_eq!(
        next(&mut client).await,
        json!({ "jsonrpc": "2.0", "id": 2, "result": { "content": [{ "type": "text", "text": "over crlf" }] } })
    );
    assert!(client.drain_messages().is_empty());
    client.close().await.unwrap();
}

#[tokio::test]
async fn blank_and_whitespace_lines_are_skipped_silently() {
    let mut client = server().connect_memory();
    for blank in ["", "\r", "   ", "\t \r", " \n\n \r\n"] {
        client.send_raw(blank).await.unwrap();
    }
    // Nothing was answered for the blank lines: the next message is the probe's response.
    assert_nothing_then_ping(&mut client, "after-blanks").await;
    // Blank lines between and around real messages.
    client.send_raw("\n\r\n{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"ping\"}\n\n").await.unwrap();
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": "x", "result": {} }));
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn several_messages_in_one_write_are_all_answered() {
    let mut client = session(&server(), "2025-11-25").await;
    let mut lines = Vec::new();
    for i in 0..5 {
        lines.push(
            json!({
                "jsonrpc": "2.0", "id": format!("m{i}"), "method": "tools/call",
                "params": { "name": "echo", "arguments": { "text": format!("msg {i}") } }
            })
            .to_string(),
        );
    }
    // One write: the lines joined by \n (mixed with \r\n); send_raw appends the final \n.
    let mut joined = lines[..4].join("\n");
    joined.push_str("\r\n");
    joined.push_str(&lines[4]);
    client.send_raw(&joined).await.unwrap();
    let mut got = std::collections::BTreeMap::new();
    for _ in 0..5 {
        let m = next(&mut client).await;
        got.insert(m["id"].as_str().unwrap().to_owned(), m);
    }
    for i in 0..5 {
        assert_eq!(
            got[&format!("m{i}")],
            json!({
                "jsonrpc": "2.0", "id": format!("m{i}"),
                "result": { "content": [{ "type": "text", "text": format!("msg {i}") }] }
            })
        );
    }
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_message_split_across_writes_is_reassembled() {
    let mut pipe = RawPipe::connect(&server());
    // Byte by byte, yielding between writes so the engine reads partial lines.
    let line = b"{\"jsonrpc\":\"2.0\",\"id\":\"split\",\"method\":\"ping\"}\r\n";
    for b in line {
        pipe.write(std::slice::from_ref(b)).await;
        tokio::task::yield_now().await;
    }
    assert_eq!(pipe.next().await, json!({ "jsonrpc": "2.0", "id": "split", "result": {} }));
    // Two messages where the write boundary falls inside the second one, and the newline of
    // the first arrives with the start of the second.
    let a = br#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#;
    let b = br#"{"jsonrpc":"2.0","id":"b","method":"ping"}"#;
    let mut first = a.to_vec();
    first.extend_from_slice(b"\n");
    first.extend_from_slice(&b[..10]);
    pipe.write(&first).await;
    assert_eq!(pipe.next().await, json!({ "jsonrpc": "2.0", "id": "a", "result": {} }));
    let mut rest = b[10..].to_vec();
    rest.push(b'\n');
    pipe.write(&rest).await;
    assert_eq!(pipe.next().await, json!({ "jsonrpc": "2.0", "id": "b", "result": {} }));
    pipe.close().await;
}

#[tokio::test]
async fn a_final_line_without_newline_is_processed_at_eof() {
    let mut pipe = RawPipe::connect(&server());
    pipe.write(br#"{"jsonrpc":"2.0","id":"last","method":"ping"}"#).await;
    pipe.write.shutdown().await.unwrap();
    assert_eq!(pipe.next().await, json!({ "jsonrpc": "2.0", "id": "last", "result": {} }));
    let rest = tokio::time::timeout(WAIT, pipe.lines.next_line()).await.expect("server closes its output");
    assert!(matches!(rest, Ok(None)), "unexpected output: {rest:?}");
    tokio::time::timeout(WAIT, pipe.task).await.unwrap().unwrap().unwrap();
}

// ---------------------------------------------------------------------------------------
// Size limit

/// A `ping` request line padded to exactly `len` bytes.
fn ping_of_len(id: &str, len: usize) -> String {
    let base =
        json!({ "jsonrpc": "2.0", "id": id, "method": "ping", "params": { "_meta": { "pad": "" } } }).to_string();
    assert!(base.len() <= len);
    let padded = json!({
        "jsonrpc": "2.0", "id": id, "method": "ping", "params": { "_meta": { "pad": "x".repeat(len - base.len()) } }
    })
    .to_string();
    assert_eq!(padded.len(), len);
    padded
}

#[tokio::test]
async fn oversized_line_gets_invalid_request_without_id_and_the_connection_goes_on() {
    let mut client = small_server().connect_memory();
    // Exactly at the limit: accepted.
    client.send_raw(&ping_of_len("at-limit", 1024)).await.unwrap();
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": "at-limit", "result": {} }));
    // One byte over: refused without an id (it was never parsed), before any session.
    client.send_raw(&ping_of_len("over", 1025)).await.unwrap();
    let msg = next(&mut client).await;
    assert_error(
        &msg,
        None,
        -32600,
        "Invalid request: message of 1025 bytes exceeds the limit of 1024 bytes",
        Some(json!({ "maxMessageSize": 1024 })),
    );
    // Far over the limit (spanning many reads), then a normal request on the same connection.
    let huge = format!(r#"{{"jsonrpc":"2.0","id":"huge","method":"ping","params":{{"p":"{}"}}}}"#, "y".repeat(300_000));
    client.send_raw(&huge).await.unwrap();
    let msg = next(&mut client).await;
    let text = format!("Invalid request: message of {} bytes exceeds the limit of 1024 bytes", huge.len());
    assert_error(&msg, None, -32600, &text, Some(json!({ "maxMessageSize": 1024 })));
    assert_nothing_then_ping(&mut client, "after-huge").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn oversized_line_on_sessions_shapes_the_missing_id_per_version() {
    let server = small_server();
    for (version, id) in [("2024-11-05", Some(Value::Null)), ("2025-06-18", Some(Value::Null)), ("2025-11-25", None)] {
        let mut client = session(&server, version).await;
        client.send_raw(&"z".repeat(5000)).await.unwrap();
        let msg = next(&mut client).await;
        assert_error(
            &msg,
            id,
            -32600,
            "Invalid request: message of 5000 bytes exceeds the limit of 1024 bytes",
            Some(json!({ "maxMessageSize": 1024 })),
        );
        // The session survives: a normal request is served at the negotiated version.
        let listed = client.request("tools/list", json!({})).await.unwrap();
        assert_eq!(listed["tools"][0]["name"], "echo", "{version}");
        assert_nothing_then_ping(&mut client, version).await;
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn oversized_line_ending_at_eof_is_reported() {
    let mut pipe = RawPipe::connect(&small_server());
    pipe.write(&vec![b'a'; 3000]).await;
    pipe.write.shutdown().await.unwrap();
    let msg = pipe.next().await;
    assert_error(
        &msg,
        None,
        -32600,
        "Invalid request: message of 3000 bytes exceeds the limit of 1024 bytes",
        Some(json!({ "maxMessageSize": 1024 })),
    );
    tokio::time::timeout(WAIT, pipe.task).await.unwrap().unwrap().unwrap();
}

// ---------------------------------------------------------------------------------------
// Parse errors

#[tokio::test]
async fn malformed_json_is_a_parse_error_without_id_before_any_session() {
    let mut client = server().connect_memory();
    for bad in [
        "{",
        "not json",
        r#"{"jsonrpc":"2.0","id":1,"method":"ping""#,
        r#"{"jsonrpc":"2.0","id":1,"method":"ping"} trailing"#,
        "{'single':'quotes'}",
        r#"{"jsonrpc":"2.0","id":1,"method":"ping",}"#,
    ] {
        client.send_raw(bad).await.unwrap();
        let msg = next(&mut client).await;
        assert_error(&msg, None, -32700, "Parse error: ", None);
    }
    assert_nothing_then_ping(&mut client, "after-parse-errors").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn parse_error_id_shape_follows_the_session_version() {
    let server = server();
    for (version, id) in [
        ("2024-11-05", Some(Value::Null)),
        ("2025-03-26", Some(Value::Null)),
        ("2025-06-18", Some(Value::Null)),
        ("2025-11-25", None),
    ] {
        let mut client = session(&server, version).await;
        client.send_raw(r#"{"jsonrpc":"2.0","id":7,"method":"#).await.unwrap();
        let msg = next(&mut client).await;
        assert_error(&msg, id, -32700, "Parse error: ", None);
        assert_nothing_then_ping(&mut client, version).await;
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn invalid_utf8_is_a_parse_error_and_the_stream_goes_on() {
    let mut pipe = RawPipe::connect(&server());
    // Invalid bytes inside a string, then invalid bytes outside any string.
    pipe.write(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"s\":\"\xff\xfe\"}}\n").await;
    let msg = pipe.next().await;
    assert_error(&msg, None, -32700, "Parse error: ", None);
    pipe.write(b"\xc3\x28\n").await;
    let msg = pipe.next().await;
    assert_error(&msg, None, -32700, "Parse error: ", None);
    // A truncated multi-byte sequence at the end of the line.
    pipe.write(b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"s\":\"\xe2\x82\"}}\n").await;
    let msg = pipe.next().await;
    assert_error(&msg, None, -32700, "Parse error: ", None);
    // Valid UTF-8 (multi-byte) still works on the same stream.
    pipe.write("{\"jsonrpc\":\"2.0\",\"id\":\"ünï\",\"method\":\"ping\"}\n".as_bytes()).await;
    assert_eq!(pipe.next().await, json!({ "jsonrpc": "2.0", "id": "ünï", "result": {} }));
    pipe.close().await;
}

#[tokio::test]
async fn invalid_utf8_on_a_legacy_session_gets_null_id() {
    let mut pipe = RawPipe::connect(&server());
    let init = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }
    });
    pipe.write(format!("{init}\n").as_bytes()).await;
    assert_eq!(pipe.next().await["result"]["protocolVersion"], "2025-03-26");
    pipe.write(b"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"s\":\"\x80\"}}\n").await;
    let msg = pipe.next().await;
    assert_error(&msg, Some(Value::Null), -32700, "Parse error: ", None);
    pipe.close().await;
}

// ---------------------------------------------------------------------------------------
// Envelope errors

#[tokio::test]
async fn non_object_json_is_an_invalid_request() {
    let mut client = server().connect_memory();
    for bad in ["42", "\"a string\"", "true", "null", "3.5"] {
        client.send_raw(bad).await.unwrap();
        let msg = next(&mut client).await;
        assert_error(&msg, None, -32600, "Invalid request: a message must be a JSON object", None);
    }
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn envelope_errors_on_a_session_echo_the_id_when_readable() {
    let mut client = session(&server(), "2025-11-25").await;
    let jsonrpc_msg = "Invalid request: \"jsonrpc\" must be \"2.0\"";
    let id_msg = "Invalid request: \"id\" must be a string or an integer";
    let cases: Vec<(Value, Option<Value>, i64, &str)> = vec![
        // Missing or wrong `jsonrpc`, the id is still echoed.
        (json!({ "id": 1, "method": "ping" }), Some(json!(1)), -32600, jsonrpc_msg),
        (json!({ "jsonrpc": "1.0", "id": "s", "method": "ping" }), Some(json!("s")), -32600, jsonrpc_msg),
        (json!({ "jsonrpc": 2.0, "id": 2, "method": "ping" }), Some(json!(2)), -32600, jsonrpc_msg),
        (json!({ "jsonrpc": null, "id": 3, "method": "ping" }), Some(json!(3)), -32600, jsonrpc_msg),
        // Missing `jsonrpc` on something without a readable id.
        (json!({ "method": "ping" }), None, -32600, jsonrpc_msg),
        // Ids that are not ids (2025-11-25 omits the id it could not read).
        (json!({ "jsonrpc": "2.0", "id": null, "method": "ping" }), None, -32600, id_msg),
        (json!({ "jsonrpc": "2.0", "id": true, "method": "ping" }), None, -32600, id_msg),
        (json!({ "jsonrpc": "2.0", "id": { "a": 1 }, "method": "ping" }), None, -32600, id_msg),
        (json!({ "jsonrpc": "2.0", "id": [1], "method": "ping" }), None, -32600, id_msg),
        (json!({ "jsonrpc": "2.0", "id": 1.5, "method": "ping" }), None, -32600, id_msg),
        // `method` not a string.
        (
            json!({ "jsonrpc": "2.0", "id": 4, "method": 12 }),
            Some(json!(4)),
            -32600,
            "Invalid request: \"method\" must be a string",
        ),
        (
            json!({ "jsonrpc": "2.0", "id": "n", "method": null }),
            Some(json!("n")),
            -32600,
            "Invalid request: \"method\" must be a string",
        ),
        // Neither a method nor a response.
        (
            json!({ "jsonrpc": "2.0", "id": 5 }),
            Some(json!(5)),
            -32600,
            "Invalid request: a response needs exactly one of \"result\" and \"error\"",
        ),
        (json!({ "jsonrpc": "2.0" }), None, -32600, "Invalid request: a message needs a \"method\""),
        // A response with both `result` and `error`.
        (
            json!({ "jsonrpc": "2.0", "id": 6, "result": {}, "error": { "code": 1, "message": "x" } }),
            Some(json!(6)),
            -32600,
            "Invalid request: a response needs exactly one of \"result\" and \"error\"",
        ),
        // A response whose error is not an error object.
        (
            json!({ "jsonrpc": "2.0", "id": 8, "error": "boom" }),
            Some(json!(8)),
            -32600,
            "Invalid request: malformed \"error\" object",
        ),
        // params: an array is invalid params; a scalar is not a valid request at all.
        (
            json!({ "jsonrpc": "2.0", "id": 9, "method": "tools/list", "params": [1, 2] }),
            Some(json!(9)),
            -32602,
            "Invalid params: params must be an object",
        ),
        (
            json!({ "jsonrpc": "2.0", "id": 10, "method": "tools/list", "params": 5 }),
            Some(json!(10)),
            -32600,
            "Invalid request: \"params\" must be an object",
        ),
        (
            json!({ "jsonrpc": "2.0", "id": "p", "method": "tools/list", "params": "str" }),
            Some(json!("p")),
            -32600,
            "Invalid request: \"params\" must be an object",
        ),
        (
            json!({ "jsonrpc": "2.0", "id": 11, "method": "tools/list", "params": true }),
            Some(json!(11)),
            -32600,
            "Invalid request: \"params\" must be an object",
        ),
        // Scalar params make it no valid JSON-RPC message at all, so even without an id it
        // is answered (JSON-RPC 2.0 answers invalid requests with an unknown id).
        (
            json!({ "jsonrpc": "2.0", "method": "notifications/x", "params": 5 }),
            None,
            -32600,
            "Invalid request: \"params\" must be an object",
        ),
    ];
    for (input, id, code, message) in cases {
        client.send_raw(&input.to_string()).await.unwrap();
        let msg = next(&mut client).await;
        assert_error(&msg, id, code, message, None);
    }
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn unreadable_ids_are_null_on_older_sessions() {
    let mut client = session(&server(), "2025-06-18").await;
    for bad_id in [json!(null), json!(false), json!({}), json!(2.25)] {
        client.send_raw(&json!({ "jsonrpc": "2.0", "id": bad_id, "method": "ping" }).to_string()).await.unwrap();
        let msg = next(&mut client).await;
        assert_error(&msg, Some(Value::Null), -32600, "Invalid request: \"id\" must be a string or an integer", None);
    }
    client.send_raw("[1,2]").await.unwrap();
    let msg = next(&mut client).await;
    assert_error(&msg, Some(Value::Null), -32600, "Invalid request: batches are only accepted", None);
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn null_params_count_as_absent_params() {
    let mut client = session(&server(), "2025-11-25").await;
    client.send_raw(r#"{"jsonrpc":"2.0","id":"np","method":"tools/list","params":null}"#).await.unwrap();
    let msg = next(&mut client).await;
    assert_eq!(msg["id"], "np");
    assert_eq!(msg["result"]["tools"][0]["name"], "echo");
    client.close().await.unwrap();
}

#[tokio::test]
async fn string_and_integer_ids_keep_their_json_type() {
    let mut client = session(&server(), "2025-11-25").await;
    for id in [json!(0), json!(-17), json!(i64::MAX), json!("0"), json!(""), json!("with \"quotes\" and ünïcode")] {
        client.send_raw(&json!({ "jsonrpc": "2.0", "id": id, "method": "ping" }).to_string()).await.unwrap();
        assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": id, "result": {} }));
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn unknown_method_is_method_not_found_with_the_id() {
    let mut client = session(&server(), "2025-06-18").await;
    client.send_raw(r#"{"jsonrpc":"2.0","id":"u1","method":"does/not/exist","params":{}}"#).await.unwrap();
    assert_eq!(
        next(&mut client).await,
        json!({ "jsonrpc": "2.0", "id": "u1", "error": { "code": -32601, "message": "Method not found: does/not/exist" } })
    );
    client.send_raw(r#"{"jsonrpc":"2.0","id":77,"method":"Tools/List"}"#).await.unwrap();
    assert_eq!(
        next(&mut client).await,
        json!({ "jsonrpc": "2.0", "id": 77, "error": { "code": -32601, "message": "Method not found: Tools/List" } })
    );
    client.close().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Notifications and stray responses

#[tokio::test]
async fn notifications_are_never_answered() {
    let mut client = session(&server(), "2025-06-18").await;
    let notifications = [
        json!({ "jsonrpc": "2.0", "method": "notifications/does-not-exist" }),
        json!({ "jsonrpc": "2.0", "method": "notifications/does-not-exist", "params": { "x": 1 } }),
        json!({ "jsonrpc": "2.0", "method": "tools/list" }),
        json!({ "jsonrpc": "2.0", "method": "initialize", "params": { "protocolVersion": "2025-06-18" } }),
        json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 999 } }),
        json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": null } }),
        json!({ "jsonrpc": "2.0", "method": "notifications/cancelled" }),
        json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }),
        json!({ "jsonrpc": "2.0", "method": "notifications/progress", "params": { "progressToken": 1, "progress": 1 } }),
        // Valid JSON-RPC notifications whose params MCP does not allow (an array): a
        // notification is never answered, not even with an error.
        json!({ "jsonrpc": "2.0", "method": "notifications/does-not-exist", "params": [1, 2] }),
        json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": [5] }),
    ];
    for (i, n) in notifications.iter().enumerate() {
        client.send_raw(&n.to_string()).await.unwrap();
        assert_nothing_then_ping(&mut client, &format!("probe-{i}")).await;
    }
    // Responses to requests the server never sent are ignored too.
    for stray in [
        json!({ "jsonrpc": "2.0", "id": 424242, "result": {} }),
        json!({ "jsonrpc": "2.0", "id": "nope", "error": { "code": -32601, "message": "no" } }),
    ] {
        client.send_raw(&stray.to_string()).await.unwrap();
        assert_nothing_then_ping(&mut client, "after-stray").await;
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn notifications_before_initialize_are_not_answered() {
    let mut client = server().connect_memory();
    client.send_raw(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).await.unwrap();
    client.send_raw(r#"{"jsonrpc":"2.0","method":"notifications/whatever","params":{}}"#).await.unwrap();
    assert_nothing_then_ping(&mut client, "pre-init").await;
    // `notifications/initialized` without a session did not create one.
    let resp = client.request_raw("tools/list", json!({})).await;
    assert_eq!(resp["error"]["code"], -32600);
    client.close().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Batches

/// Sorts the elements of a batch response by id (ids are strings in these tests).
fn by_id(batch: &Value) -> Vec<Value> {
    let mut items = batch.as_array().unwrap_or_else(|| panic!("not a batch response: {batch}")).clone();
    items.sort_by_key(|m| m["id"].to_string());
    items
}

#[tokio::test]
async fn batches_are_served_on_2025_03_26_sessions() {
    let mut client = session(&server(), "2025-03-26").await;
    let batch = json!([
        { "jsonrpc": "2.0", "id": "b1", "method": "ping" },
        { "jsonrpc": "2.0", "method": "notifications/something" },
        { "jsonrpc": "2.0", "id": "b2", "method": "tools/call", "params": { "name": "echo", "arguments": { "text": "hi" } } },
        { "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": "nobody" } },
        { "jsonrpc": "2.0", "id": "b3", "method": "no/such/method" },
        { "jsonrpc": "2.0", "id": "b4", "method": "tools/list" },
    ]);
    client.send_raw(&batch.to_string()).await.unwrap();
    let resp = next(&mut client).await;
    let tools = client.request("tools/list", json!({})).await.unwrap();
    assert_eq!(
        by_id(&resp),
        vec![
            json!({ "jsonrpc": "2.0", "id": "b1", "result": {} }),
            json!({ "jsonrpc": "2.0", "id": "b2", "result": { "content": [{ "type": "text", "text": "hi" }] } }),
            json!({ "jsonrpc": "2.0", "id": "b3", "error": { "code": -32601, "message": "Method not found: no/such/method" } }),
            json!({ "jsonrpc": "2.0", "id": "b4", "result": tools }),
        ]
    );
    // Exactly one message for the whole batch.
    assert_nothing_then_ping(&mut client, "after-batch").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn batch_elements_that_are_invalid_get_their_own_errors() {
    let mut client = session(&server(), "2025-03-26").await;
    let batch = json!([
        1,
        { "jsonrpc": "2.0", "id": "ok", "method": "ping" },
        { "jsonrpc": "2.0", "id": true, "method": "ping" },
        { "jsonrpc": "1.0", "id": "old", "method": "ping" },
        { "jsonrpc": "2.0", "id": "arr", "method": "tools/list", "params": [] },
    ]);
    client.send_raw(&batch.to_string()).await.unwrap();
    let resp = next(&mut client).await;
    let items = resp.as_array().unwrap_or_else(|| panic!("not a batch: {resp}"));
    assert_eq!(items.len(), 5, "{resp}");
    let mut nulls = 0;
    for m in items {
        match m["id"].as_str() {
            Some("ok") => assert_eq!(m, &json!({ "jsonrpc": "2.0", "id": "ok", "result": {} })),
            Some("old") => assert_error(m, Some(json!("old")), -32600, "Invalid request: \"jsonrpc\"", None),
            Some("arr") => {
                assert_error(m, Some(json!("arr")), -32602, "Invalid params: params must be an object", None)
            }
            Some(other) => panic!("unexpected id {other}"),
            // 2025-03-26 requires the id member: unreadable ids are null.
            None => {
                assert_error(m, Some(Value::Null), -32600, "Invalid request: ", None);
                nulls += 1;
            }
        }
    }
    assert_eq!(nulls, 2);
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn batch_of_notifications_only_gets_no_response() {
    let mut client = session(&server(), "2025-03-26").await;
    let batch = json!([
        { "jsonrpc": "2.0", "method": "notifications/a" },
        { "jsonrpc": "2.0", "method": "notifications/b", "params": {} },
        { "jsonrpc": "2.0", "id": 31337, "result": {} },
    ]);
    client.send_raw(&batch.to_string()).await.unwrap();
    assert_nothing_then_ping(&mut client, "after-notification-batch").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn empty_batch_is_an_invalid_request() {
    let mut client = session(&server(), "2025-03-26").await;
    client.send_raw("[]").await.unwrap();
    assert_eq!(
        next(&mut client).await,
        json!({ "jsonrpc": "2.0", "id": null, "error": { "code": -32600, "message": "Invalid request: empty batch" } })
    );
    client.send_raw(" [ ] ").await.unwrap();
    assert_error(&next(&mut client).await, Some(Value::Null), -32600, "Invalid request: empty batch", None);
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn initialize_inside_a_batch_is_refused() {
    let mut client = session(&server(), "2025-03-26").await;
    let batch = json!([
        {
            "jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": { "protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }
        },
        { "jsonrpc": "2.0", "id": "p", "method": "ping" },
    ]);
    client.send_raw(&batch.to_string()).await.unwrap();
    let resp = next(&mut client).await;
    assert_eq!(
        by_id(&resp),
        vec![
            json!({ "jsonrpc": "2.0", "id": "init", "error": { "code": -32600, "message": "Invalid request: initialize must not be batched" } }),
            json!({ "jsonrpc": "2.0", "id": "p", "result": {} }),
        ]
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn batches_are_refused_outside_2025_03_26() {
    let batch = json!([
        { "jsonrpc": "2.0", "id": "r1", "method": "ping" },
        { "jsonrpc": "2.0", "id": "r2", "method": "tools/list" },
    ])
    .to_string();
    let message = "Invalid request: batches are only accepted on protocol 2025-03-26 sessions";
    let server = server();

    // Before initialize: the id member is omitted.
    let mut client = server.connect_memory();
    client.send_raw(&batch).await.unwrap();
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "error": { "code": -32600, "message": message } }));
    // A batch cannot carry the handshake either.
    let init_batch = json!([{
        "jsonrpc": "2.0", "id": "i", "method": "initialize",
        "params": { "protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }
    }]);
    client.send_raw(&init_batch.to_string()).await.unwrap();
    assert_error(&next(&mut client).await, None, -32600, message, None);
    assert_eq!(client.request_raw("tools/list", json!({})).await["error"]["code"], -32600, "no session was opened");
    assert_nothing_then_ping(&mut client, "pre-init").await;
    client.close().await.unwrap();

    for (version, id) in [("2024-11-05", Some(Value::Null)), ("2025-06-18", Some(Value::Null)), ("2025-11-25", None)] {
        let mut client = session(&server, version).await;
        client.send_raw(&batch).await.unwrap();
        let msg = next(&mut client).await;
        assert_error(&msg, id, -32600, message, None);
        // None of the batched requests ran: the next message is the probe's response.
        assert_nothing_then_ping(&mut client, version).await;
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn batches_of_modern_requests_are_refused_without_a_session() {
    let mut client = server().connect_memory();
    let meta = MemoryClient::modern_meta(json!({}));
    let batch = json!([
        { "jsonrpc": "2.0", "id": "d", "method": "server/discover", "params": { "_meta": meta } },
        { "jsonrpc": "2.0", "id": "t", "method": "tools/list", "params": { "_meta": meta } },
    ]);
    client.send_raw(&batch.to_string()).await.unwrap();
    assert_error(&next(&mut client).await, None, -32600, "Invalid request: batches are only accepted", None);
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn the_size_limit_does_not_count_the_line_terminator() {
    let mut client = small_server().connect_memory();
    // Exactly at the limit with a CRLF terminator: the \r is framing, not message.
    client.send_raw(&format!("{}\r", ping_of_len("crlf-at-limit", 1024))).await.unwrap();
    assert_eq!(next(&mut client).await, json!({ "jsonrpc": "2.0", "id": "crlf-at-limit", "result": {} }));
    // One byte over with CRLF is still refused, and the size reported excludes the \r.
    client.send_raw(&format!("{}\r", ping_of_len("crlf-over", 1025))).await.unwrap();
    assert_error(
        &next(&mut client).await,
        None,
        -32600,
        "Invalid request: message of 1025 bytes exceeds the limit of 1024 bytes",
        Some(json!({ "maxMessageSize": 1024 })),
    );
    assert_nothing_then_ping(&mut client, "end").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn large_and_small_answers_on_a_byte_stream_arrive_whole() {
    // Answers smaller than the writer's batch buffer are batched; larger ones are written
    // alone. Either way each is one whole line.
    let server = server();
    let mut pipe = RawPipe::connect(&server);
    let init = json!({
        "jsonrpc": "2.0", "id": "init", "method": "initialize",
        "params": { "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    });
    pipe.write(format!("{init}\n").as_bytes()).await;
    assert_eq!(pipe.next().await["id"], "init");
    let echo = |i: usize, size: usize| {
        json!({ "jsonrpc": "2.0", "id": i, "method": "tools/call",
                "params": { "name": "echo", "arguments": { "text": "t".repeat(size) } } })
    };
    let sizes = [10, 200_000, 20, 30, 150_000, 70_000, 5, 65_536];
    // One at a time: the order is the server's.
    for (i, size) in sizes.iter().enumerate() {
        pipe.write(format!("{}\n", echo(i, *size)).as_bytes()).await;
        let answer = pipe.next().await;
        assert_eq!(answer["id"], i);
        assert_eq!(answer["result"]["content"][0]["text"].as_str().map(str::len), Some(*size));
    }
    // All at once: answered in any order, every one whole.
    let input: String = sizes.iter().enumerate().map(|(i, size)| format!("{}\n", echo(i, *size))).collect();
    pipe.write(input.as_bytes()).await;
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..sizes.len() {
        let answer = pipe.next().await;
        let text = answer["result"]["content"][0]["text"].as_str().map(str::len);
        seen.insert(answer["id"].as_u64().expect("a numeric id") as usize, text);
    }
    let want: std::collections::BTreeMap<usize, Option<usize>> =
        sizes.iter().enumerate().map(|(i, size)| (i, Some(*size))).collect();
    assert_eq!(seen, want);
    pipe.close().await;
}

//! The benchmark's slow server over real stdio pipes: the handshake, then `slow` answers
//! `done` (to calls in flight together too), and the server exits on EOF.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

#[test]
fn slow_answers_done_and_the_server_exits_on_eof() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slow_server"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("slow_server starts");
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut send = |message: Value| writeln!(stdin, "{message}").expect("the server reads its stdin");
    send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}}));
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    // Three calls written before any answer is read: all three are in flight at once.
    for id in 1..=3 {
        send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": "slow", "arguments": {}}}));
    }

    let mut answered = Vec::new();
    let mut line = String::new();
    while answered.len() < 4 {
        line.clear();
        assert!(stdout.read_line(&mut line).expect("the server writes its stdout") > 0, "EOF before every answer");
        let reply: Value = serde_json::from_str(&line).expect("JSON");
        let id = reply["id"].as_u64().expect("an answer with an id");
        if id > 0 {
            assert_eq!(reply["result"]["content"][0]["text"], "done", "{reply}");
        } else {
            assert_eq!(reply["result"]["serverInfo"]["name"], "mcpforge-bench-slow", "{reply}");
        }
        answered.push(id);
    }
    answered.sort_unstable();
    assert_eq!(answered, [0, 1, 2, 3]);

    drop(stdin);
    assert!(child.wait().expect("the server exits").success());
}

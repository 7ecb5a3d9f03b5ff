//! The Rust client engine against a scripted server (a transport whose other end the test
//! plays): what mcpforge's own server never does — an unknown protocol version, a list that
//! never ends, structured content that breaks the tool's output schema, a request the client
//! has no handler for — and the exact `notifications/cancelled` a timeout sends.

use std::time::Duration;

use futures_util::future::BoxFuture;
use mcpforge::client::transport::{Transport, Wire};
use mcpforge::client::{Client, ClientBuilder, ClientError, ClientLimits};
use serde_json::{Value, json};
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(10);

/// A transport whose server is `answer`: each client message in, the server's messages out.
/// Every client message is also copied to the returned log.
struct Scripted<F> {
    answer: F,
    log: mpsc::UnboundedSender<Value>,
}

fn scripted<F>(answer: F) -> (Scripted<F>, mpsc::UnboundedReceiver<Value>)
where
    F: FnMut(&Value) -> Vec<Value> + Send + 'static,
{
    let (log, seen) = mpsc::unbounded_channel();
    (Scripted { answer, log }, seen)
}

impl<F: FnMut(&Value) -> Vec<Value> + Send + 'static> Transport for Scripted<F> {
    fn open(self: Box<Self>, queue: usize) -> BoxFuture<'static, Result<Wire, ClientError>> {
        let Scripted { mut answer, log } = *self;
        let (outgoing, mut from_client) = mpsc::channel::<Vec<u8>>(queue);
        let (to_client, incoming) = mpsc::channel(queue);
        // The server ends when the client's side of the queue closes, after logging every
        // message the client sent.
        tokio::spawn(async move {
            while let Some(bytes) = from_client.recv().await {
                let message: Value = serde_json::from_slice(&bytes).expect("the client sends JSON");
                let _ = log.send(message.clone());
                for reply in answer(&message) {
                    let _ = to_client.send(reply.to_string().into_bytes()).await;
                }
            }
        });
        let closer: mcpforge::client::transport::Closer = Box::new(|| Box::pin(async {}));
        Box::pin(async move { Ok(Wire { outgoing, incoming, closer, guard: Box::new(()) }) })
    }
}

/// The answer to `initialize` at `version`; nothing for anything else.
fn handshake(message: &Value, version: &str) -> Option<Value> {
    (message["method"] == "initialize").then(|| {
        json!({ "jsonrpc": "2.0", "id": message["id"], "result": {
            "protocolVersion": version, "capabilities": { "tools": {} }, "serverInfo": { "name": "scripted", "version": "0" }
        }})
    })
}

fn reply(message: &Value, result: Value) -> Vec<Value> {
    vec![json!({ "jsonrpc": "2.0", "id": message["id"], "result": result })]
}

fn client() -> ClientBuilder {
    Client::builder("engine-test", "1.0.0")
}

#[tokio::test]
async fn a_version_the_client_does_not_know_is_refused() {
    let (transport, _) = scripted(|m| handshake(m, "1999-01-01").into_iter().collect());
    let refused = client().connect(transport).await.expect_err("an unknown version");
    assert!(matches!(&refused, ClientError::Protocol(m) if m.contains("1999-01-01")), "{refused}");
}

#[tokio::test]
async fn an_older_version_the_server_chooses_is_accepted() {
    let (transport, mut seen) = scripted(|m| handshake(m, "2025-03-26").into_iter().collect());
    let client = client().connect(transport).await.expect("connects");
    assert_eq!(client.session().protocol_version.as_str(), "2025-03-26");
    let offered = seen.recv().await.expect("initialize");
    assert_eq!(offered["params"]["protocolVersion"], "2025-11-25", "the newest is offered");
    let initialized = seen.recv().await.expect("initialized");
    assert_eq!(initialized["method"], "notifications/initialized");
}

#[tokio::test]
async fn a_list_that_never_ends_fails_after_the_page_limit() {
    let (transport, _) = scripted(|m| match handshake(m, "2025-06-18") {
        Some(answer) => vec![answer],
        None if m["method"] == "tools/list" => reply(m, json!({ "tools": [{ "name": "t" }], "nextCursor": "again" })),
        None => Vec::new(),
    });
    let limits = ClientLimits { max_pages: 3, ..ClientLimits::default() };
    let client = client().limits(limits).connect(transport).await.expect("connects");
    let outcome = client.list_tools().await;
    assert!(matches!(&outcome, Err(ClientError::Protocol(m)) if m.contains("3 pages")), "{outcome:?}");
}

#[tokio::test]
async fn structured_content_is_checked_against_the_output_schema() {
    let (transport, _) = scripted(|m| match handshake(m, "2025-06-18") {
        Some(answer) => vec![answer],
        None if m["method"] == "tools/list" => reply(
            m,
            json!({ "tools": [{ "name": "sum", "inputSchema": { "type": "object" }, "outputSchema": {
                "type": "object", "properties": { "sum": { "type": "number" } }, "required": ["sum"] } }] }),
        ),
        None if m["params"]["arguments"]["good"] == true => {
            reply(m, json!({ "content": [], "structuredContent": { "sum": 3 } }))
        }
        None if m["params"]["arguments"]["missing"] == true => reply(m, json!({ "content": [] })),
        None if m["method"] == "tools/call" => {
            reply(m, json!({ "content": [], "structuredContent": { "sum": "three" } }))
        }
        None => Vec::new(),
    });
    let client = client().connect(transport).await.expect("connects");
    // Before the list, the schema is unknown: nothing is checked.
    client.call_tool("sum", json!({})).await.expect("unchecked");
    client.list_tools().await.expect("tools/list");
    client.call_tool("sum", json!({ "good": true })).await.expect("a matching result");
    let wrong = client.call_tool("sum", json!({})).await;
    assert!(matches!(&wrong, Err(ClientError::OutputSchema { tool, .. }) if tool == "sum"), "{wrong:?}");
    let missing = client.call_tool("sum", json!({ "missing": true })).await;
    assert!(
        matches!(&missing, Err(ClientError::OutputSchema { detail, .. }) if detail.contains("no structuredContent"))
    );
}

#[tokio::test]
async fn a_server_request_without_a_handler_gets_method_not_found() {
    let (transport, mut seen) = scripted(|m| match handshake(m, "2025-11-25") {
        Some(answer) => vec![answer],
        None if m["method"] == "notifications/initialized" => vec![
            json!({ "jsonrpc": "2.0", "id": "s-1", "method": "sampling/createMessage", "params": {} }),
            json!({ "jsonrpc": "2.0", "id": "s-2", "method": "ping" }),
        ],
        None => Vec::new(),
    });
    let client = client().connect(transport).await.expect("connects");
    assert_eq!(client.session().capabilities, json!({ "tools": {} }));
    let mut answers = Vec::new();
    while answers.len() < 2 {
        let message = tokio::time::timeout(WAIT, seen.recv()).await.expect("in time").expect("open");
        if message.get("method").is_none() {
            answers.push(message);
        }
    }
    answers.sort_by_key(|a| a["id"].as_str().map(str::to_owned));
    assert_eq!(answers[0]["id"], "s-1");
    assert_eq!(answers[0]["error"]["code"], -32601);
    assert_eq!(answers[1], json!({ "jsonrpc": "2.0", "id": "s-2", "result": {} }));
}

#[tokio::test(start_paused = true)]
async fn a_timeout_sends_cancelled_with_the_call_id_and_a_reason() {
    let (transport, mut seen) = scripted(|m| handshake(m, "2025-11-25").into_iter().collect());
    let client = client().timeout(Duration::from_millis(50)).connect(transport).await.expect("connects");
    let outcome = client.request("tools/call", json!({ "name": "slow" })).await;
    assert!(matches!(outcome, Err(ClientError::Timeout { .. })), "{outcome:?}");
    let mut cancelled = None;
    for _ in 0..4 {
        let message = tokio::time::timeout(WAIT, seen.recv()).await.expect("in time").expect("open");
        if message["method"] == "notifications/cancelled" {
            cancelled = Some(message);
            break;
        }
    }
    let cancelled = cancelled.expect("a cancellation was sent");
    assert_eq!(cancelled["params"]["requestId"], 2, "the call's id (initialize was 1)");
    assert_eq!(cancelled["params"]["reason"], "the request timed out");
}

#[tokio::test]
async fn a_full_notification_channel_drops_and_counts_while_handlers_see_all() {
    let (transport, _seen) = scripted(|m| match handshake(m, "2025-11-25") {
        Some(answer) => vec![answer],
        None if m["method"] == "tools/list" => {
            let mut out: Vec<Value> = (0..5)
                .map(|i| json!({ "jsonrpc": "2.0", "method": "notifications/message", "params": { "level": "info", "data": i } }))
                .collect();
            out.extend(reply(m, json!({ "tools": [] })));
            out
        }
        None => Vec::new(),
    });
    let (heard_tx, mut heard) = mpsc::unbounded_channel();
    let limits = ClientLimits { notifications: 2, ..ClientLimits::default() };
    let client = client()
        .limits(limits)
        .on_notification("notifications/message", move |n| _ = heard_tx.send(n.params["data"].clone()))
        .connect(transport)
        .await
        .expect("connects");
    client.list_tools().await.expect("the answer comes after the five notifications");
    let mut channel = client.notifications().expect("the channel");
    assert_eq!(channel.try_recv().expect("kept").params["data"], 0);
    assert_eq!(channel.try_recv().expect("kept").params["data"], 1);
    assert!(channel.try_recv().is_err(), "the rest were dropped from the channel");
    assert_eq!(client.dropped_notifications(), 3);
    let handled: Vec<Value> = std::iter::from_fn(|| heard.try_recv().ok()).collect();
    assert_eq!(handled, vec![json!(0), json!(1), json!(2), json!(3), json!(4)], "the handler saw every one");
}

/// A 2026-07-28 scripted server: `server/discover`, and `tools/call` asking for input
/// through `answer`.
fn stateless(message: &Value, answer: impl Fn(&Value) -> Value) -> Vec<Value> {
    match message["method"].as_str() {
        Some("server/discover") => reply(
            message,
            json!({ "resultType": "complete", "supportedVersions": ["2026-07-28"], "capabilities": { "tools": {} },
                    "ttlMs": 0, "cacheScope": "private", "_meta": { "io.modelcontextprotocol/serverInfo": { "name": "s" } } }),
        ),
        Some("tools/call") => reply(message, answer(message)),
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn input_requests_are_answered_and_sent_back_with_the_request_state() {
    let (transport, mut seen) = scripted(|m| {
        stateless(m, |m| match m["params"]["inputResponses"]["who"]["content"]["name"].as_str() {
            Some(name) => json!({ "resultType": "complete", "content": [{ "type": "text", "text": name }] }),
            None => json!({ "resultType": "input_required", "requestState": "round-1", "inputRequests": {
                "who": { "method": "elicitation/create", "params": { "message": "Name?", "requestedSchema": { "type": "object" } } } } }),
        })
    });
    let client = client()
        .protocol(mcpforge::client::Protocol::Stateless)
        .on_elicitation(|_| async { Ok(json!({ "action": "accept", "content": { "name": "Ada" } })) })
        .connect(transport)
        .await
        .expect("connects");
    let done = client.call_tool("t", json!({})).await.expect("answered");
    assert_eq!(done["content"][0]["text"], "Ada");
    let calls: Vec<Value> =
        std::iter::from_fn(|| seen.try_recv().ok()).filter(|m| m["method"] == "tools/call").collect();
    assert_eq!(calls.len(), 2);
    let meta = &calls[0]["params"]["_meta"];
    assert_eq!(meta["io.modelcontextprotocol/protocolVersion"], "2026-07-28");
    assert_eq!(meta["io.modelcontextprotocol/clientCapabilities"]["elicitation"], json!({ "form": {}, "url": {} }));
    assert_eq!(calls[1]["params"]["requestState"], "round-1");
    assert_eq!(calls[1]["params"]["inputResponses"]["who"]["action"], "accept");
}

#[tokio::test]
async fn a_server_that_keeps_asking_is_stopped_after_the_round_limit() {
    let (transport, _) = scripted(|m| {
        stateless(m, |_| json!({ "resultType": "input_required", "requestState": "again", "inputRequests": {} }))
    });
    let limits = ClientLimits { max_input_rounds: 4, ..ClientLimits::default() };
    let client = client().protocol(mcpforge::client::Protocol::Stateless).limits(limits).connect(transport).await;
    let outcome = client.expect("connects").call_tool("t", json!({})).await;
    assert!(matches!(&outcome, Err(ClientError::Protocol(m)) if m.contains("4 rounds")), "{outcome:?}");
}

#[tokio::test(start_paused = true)]
async fn initialize_is_never_cancelled_even_when_it_times_out() {
    let (transport, mut seen) = scripted(|_| Vec::new());
    let outcome = client().timeout(Duration::from_millis(50)).connect(transport).await;
    assert!(matches!(outcome, Err(ClientError::Timeout { ref method, .. }) if method == "initialize"), "{outcome:?}");
    let mut sent = Vec::new();
    // Everything the client sent, up to the end of the server's log.
    while let Some(message) = tokio::time::timeout(WAIT, seen.recv()).await.expect("the log ends") {
        sent.push(message);
    }
    assert_eq!(sent.len(), 1, "initialize alone, no notifications/cancelled: {sent:?}");
}

#[tokio::test]
async fn a_callers_own_progress_token_is_kept() {
    let (transport, mut seen) = scripted(|m| match handshake(m, "2025-11-25") {
        Some(answer) => vec![answer],
        None => reply(m, json!({ "content": [] })),
    });
    let client = client().connect(transport).await.expect("connects");
    let params = json!({ "name": "t", "_meta": { "progressToken": "mine" } });
    client.request("tools/call", params).await.expect("answered");
    client.request("tools/list", json!({})).await.expect("answered");
    let sent: Vec<Value> = std::iter::from_fn(|| seen.try_recv().ok()).filter(|m| m.get("id").is_some()).collect();
    assert_eq!(sent[1]["params"]["_meta"]["progressToken"], "mine");
    assert_eq!(sent[2]["params"]["_meta"]["progressToken"], sent[2]["id"], "else the request id is the token");
}

/// Tells, when dropped, that the handler holding it stopped.
struct Stopped(Option<tokio::sync::oneshot::Sender<()>>);

impl Drop for Stopped {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

#[tokio::test]
async fn the_servers_cancellation_stops_the_clients_handler() {
    let (transport, mut seen) = scripted(|m| match handshake(m, "2025-11-25") {
        Some(answer) => vec![answer],
        None if m["method"] == "notifications/initialized" => vec![
            json!({ "jsonrpc": "2.0", "id": 7, "method": "elicitation/create", "params": { "message": "?" } }),
            json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 7 } }),
        ],
        None => reply(m, json!({})),
    });
    let (stopped_tx, stopped) = tokio::sync::oneshot::channel();
    let stopped_tx = std::sync::Mutex::new(Some(stopped_tx));
    let client = client()
        .on_elicitation(move |_| {
            let guard = Stopped(stopped_tx.lock().expect("not poisoned").take());
            async move {
                let _guard = guard;
                std::future::pending::<()>().await;
                Ok(json!({ "action": "cancel" }))
            }
        })
        .connect(transport)
        .await
        .expect("connects");
    tokio::time::timeout(WAIT, stopped).await.expect("the handler was stopped").expect("signalled");
    // The next request's answer proves the connection went on; the cancelled one is never answered.
    client.request("tools/list", json!({})).await.expect("answered");
    let sent: Vec<Value> = std::iter::from_fn(|| seen.try_recv().ok()).collect();
    assert!(sent.iter().all(|m| m["id"] != 7), "no answer to the cancelled request: {sent:?}");
}

#[tokio::test]
async fn a_batch_from_the_server_is_taken_message_by_message() {
    let (transport, _seen) = scripted(|m| match handshake(m, "2025-03-26") {
        Some(answer) => vec![answer],
        None if m["method"] == "tools/list" => vec![json!([
            { "jsonrpc": "2.0", "method": "notifications/message", "params": { "level": "info", "data": "first" } },
            { "jsonrpc": "2.0", "id": m["id"], "result": { "tools": [{ "name": "batched" }] } },
        ])],
        None => Vec::new(),
    });
    let client = client().connect(transport).await.expect("connects");
    let tools = client.list_tools().await.expect("the answer inside the batch");
    assert_eq!(tools[0]["name"], "batched");
    let mut channel = client.notifications().expect("the channel");
    assert_eq!(channel.try_recv().expect("the notification of the batch").params["data"], "first");
}

#[tokio::test]
async fn auto_falls_back_to_the_handshake_when_discover_is_unknown() {
    let (transport, mut seen) = scripted(|m| match handshake(m, "2025-06-18") {
        Some(answer) => vec![answer],
        None if m["method"] == "server/discover" => vec![json!({ "jsonrpc": "2.0", "id": m["id"],
            "error": { "code": -32601, "message": "Method not found" } })],
        None => Vec::new(),
    });
    let client = client().protocol(mcpforge::client::Protocol::Auto).connect(transport).await.expect("connects");
    assert_eq!(client.session().protocol_version.as_str(), "2025-06-18");
    let mut methods = Vec::new();
    while methods.len() < 3 {
        let message = tokio::time::timeout(WAIT, seen.recv()).await.expect("in time").expect("open");
        methods.push(message["method"].clone());
    }
    assert_eq!(methods, vec![json!("server/discover"), json!("initialize"), json!("notifications/initialized")]);
}

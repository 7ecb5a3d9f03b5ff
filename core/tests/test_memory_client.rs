//! The in-memory client shared between tasks: after `take_messages`, requests go out
//! concurrently through an `Arc<MemoryClient>` while another task reads the notifications
//! (what the Python test client does).

use std::sync::Arc;
use std::time::Duration;

use mcpforge::{RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_shared_client_reads_notifications_while_requests_run() {
    let server = Server::builder("memory-client-test", "1.0.0")
        .tool(Tool::new("steps"), |ctx: RequestContext, _: Value| async move {
            for i in 1..=3 {
                ctx.report_progress(f64::from(i), Some(3.0), None);
            }
            Ok::<_, ToolError>("done")
        })
        .build()
        .expect("valid server");
    let mut client = server.connect_memory();
    let mut messages = client.take_messages();
    let client = Arc::new(client);
    client.initialize("2025-11-25", json!({})).await.expect("initialize");

    let calls: Vec<_> = (0..4)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let params = json!({ "name": "steps", "arguments": {}, "_meta": { "progressToken": i } });
                client.request("tools/call", params).await
            })
        })
        .collect();
    for call in calls {
        let result = call.await.expect("task").expect("tools/call");
        assert_eq!(result["content"][0]["text"], "done");
    }
    let mut progress = 0;
    while progress < 12 {
        let message = tokio::time::timeout(WAIT, messages.recv()).await.expect("in time").expect("open");
        assert_eq!(message["method"], "notifications/progress");
        progress += 1;
    }
    // The client's own queue was handed over: it sees nothing.
    let mut client = Arc::into_inner(client).expect("the only reference");
    assert!(client.drain_messages().is_empty());
    client.close().await.expect("clean close");
}

//! Restarting an upstream on request (`Proxy::restart`, what `mcpforge dev` does when a
//! source file changes): the child is replaced by a new one started from the command as it
//! now reads, its catalogue replaces the old one and connected clients are told; a child
//! that does not start says why (the end of its stderr), requests fail at once meanwhile
//! with that reason, and the next restart starts it again. The upstream is a shell script
//! the test rewrites, run as a real child process.

use std::path::{Path, PathBuf};

use crate::example_servers::{everything, example, gone, with_env};
use crate::proxy_harness::{Gateway, WAIT, eventually, marker, text, told};

use mcpforge::Server;
use mcpforge::client::{Client, ClientError};
use mcpforge::proxy::{Backoff, Mode, Upstream};
use serde_json::{Value, json};

const MARK: &str = "MCPFORGE_PROXY_RESTART_TEST";

/// A script in a directory of its own that runs `body`.
fn script(test: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcpforge-restart-{}", marker(test)));
    std::fs::create_dir_all(&dir).expect("a directory");
    let path = dir.join("server.sh");
    rewrite(&path, body);
    path
}

fn rewrite(path: &Path, body: &str) {
    std::fs::write(path, format!("{body}\n")).expect("written");
}

/// A proxy of the script, restarted only on request.
async fn gateway(path: &Path, mark: &str) -> Gateway {
    let upstream = Upstream::command("dev", "sh", [path.display().to_string()])
        .mode(Mode::Shared)
        .backoff(Backoff::ON_REQUEST)
        .setting(MARK, mark);
    Gateway::start_as_given(Server::builder("dev", "1.0.0"), vec![upstream]).await
}

fn names(tools: &[Value]) -> Vec<&str> {
    tools.iter().filter_map(|t| t["name"].as_str()).collect()
}

async fn echo(client: &Client, said: &str) -> Result<String, ClientError> {
    client.call_tool("echo", json!({ "text": said })).await.map(|r| text(&r).to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_replaces_the_child_and_its_catalogue() {
    let mark = marker("replaced");
    let path = script("replaced", &format!("exec {}", everything().display()));
    let gateway = gateway(&path, &mark).await;
    let client = gateway.client("a").await;
    let mut heard = client.notifications().expect("the channel");
    assert_eq!(echo(&client, "before").await.expect("answered"), "before");
    let first = with_env(MARK, &mark);
    assert_eq!(first.len(), 1, "one child: {first:?}");

    rewrite(&path, &format!("exec {}", example("quickstart").display()));
    tokio::time::timeout(WAIT, gateway.proxy.restart("dev")).await.expect("in time").expect("restarted");
    told(&mut heard, "notifications/tools/list_changed").await;
    let tools = client.list_tools().await.expect("listed");
    assert!(names(&tools).contains(&"add") && !names(&tools).contains(&"count"), "{:?}", names(&tools));
    let added = client.call_tool("add", json!({ "a": 2, "b": 3 })).await.expect("the new child answers");
    assert_eq!(text(&added), "5");
    eventually("the first child gone", || gone(first[0])).await;
    assert!(gateway.proxy.restart("nobody").await.is_err(), "no such upstream");
    drop(gateway);
    eventually("no child left once the proxy stops", || with_env(MARK, &mark).is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_that_does_not_start_says_why_until_the_next_restart() {
    let mark = marker("broken");
    let serve = format!("exec {}", everything().display());
    let path = script("broken", &serve);
    let gateway = gateway(&path, &mark).await;
    let client = gateway.client("a").await;
    assert_eq!(echo(&client, "up").await.expect("answered"), "up");

    rewrite(&path, "echo 'SyntaxError: invalid syntax (line 3)' >&2; exit 3");
    let failed = tokio::time::timeout(WAIT, gateway.proxy.restart("dev")).await.expect("in time");
    let why = failed.expect_err("the child does not start");
    assert!(why.starts_with("it exited before it answered"), "{why}");
    assert!(why.contains("SyntaxError: invalid syntax (line 3)"), "the child's stderr is said: {why}");
    let down = gateway.proxy.failure("dev").expect("down, and why");
    assert!(down.contains("SyntaxError"), "{down}");
    // Requests fail with that reason, without waiting for a child that is not coming.
    match tokio::time::timeout(WAIT, echo(&client, "meanwhile")).await.expect("failed in time") {
        Err(ClientError::Server(e)) => {
            assert_eq!(e.code, -32603);
            assert!(e.message.contains("not running") && e.message.contains("SyntaxError"), "{}", e.message);
        }
        other => panic!("the call should fail: {other:?}"),
    }

    rewrite(&path, &serve);
    tokio::time::timeout(WAIT, gateway.proxy.restart("dev")).await.expect("in time").expect("started again");
    assert_eq!(echo(&client, "after").await.expect("the same client is answered"), "after");
    assert_eq!(gateway.proxy.failure("dev"), None, "up again");
    drop(gateway);
    eventually("no child left once the proxy stops", || with_env(MARK, &mark).is_empty()).await;
    let _ = std::fs::remove_dir_all(path.parent().expect("its directory"));
}

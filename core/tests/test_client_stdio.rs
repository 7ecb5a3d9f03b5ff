//! The Rust client over stdio to a real child: the `everything` example server started as
//! a child process, every kind of request and each kind of server request answered; and the
//! child (with what it started) killed when the client is dropped, its stderr kept; and a
//! binding's driver reading and writing the pipes, its executor running the connection.

use crate::example_servers::{everything, gone};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mcpforge::client::transport::ChildTransport;
use mcpforge::client::{Client, ClientBuilder};
use mcpforge::{Executor, StdioDriver, StdioReader, StdioWriter, Task};
use serde_json::{Map, Value, json};
use tokio::net::unix::pipe;

const WAIT: Duration = Duration::from_secs(10);

fn answering() -> ClientBuilder {
    Client::builder("stdio-test", "1.0.0")
        .on_sampling(|_| async {
            Ok(json!({ "role": "assistant", "content": { "type": "text", "text": "A summary." }, "model": "m" }))
        })
        .on_elicitation(|_| async { Ok(json!({ "action": "accept", "content": { "name": "Ada" } })) })
        .roots(vec![json!({ "uri": "file:///project" })])
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_child_server_answers_every_kind_of_request() {
    let client = answering().connect(ChildTransport::new(everything())).await.expect("connects");
    assert_eq!(client.session().server_info["name"], "mcpforge-everything");
    let mut notifications = client.notifications().expect("the channel");
    let tools = client.list_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t["name"] == "count"));
    assert_eq!(text(&client.call_tool("echo", json!({ "text": "over a pipe" })).await.expect("echo")), "over a pipe");
    let weather = client.call_tool("weather", json!({ "city": "Oslo" })).await.expect("structured, checked");
    assert_eq!(weather["structuredContent"]["city"], "Oslo");
    let counted = client.call_tool("count", json!({ "steps": 3, "delay_ms": 1 })).await.expect("count");
    assert_eq!(text(&counted), "counted to 3");
    let mut progress = 0;
    while progress < 3 {
        let n = tokio::time::timeout(WAIT, notifications.recv()).await.expect("in time").expect("open");
        progress += usize::from(n.method == "notifications/progress");
    }
    assert_eq!(text(&client.call_tool("summarize", json!({ "text": "long" })).await.expect("sampling")), "A summary.");
    assert_eq!(text(&client.call_tool("ask_name", json!({})).await.expect("elicitation")), "Hello, Ada!");
    assert_eq!(text(&client.call_tool("roots", json!({})).await.expect("roots")), "file:///project");
    let notes = client.read_resource("memo://notes").await.expect("resources/read");
    assert!(notes["contents"][0]["text"].as_str().is_some_and(|t| t.contains("welcome")));
    assert!(!client.list_resource_templates().await.expect("templates").is_empty());
    let mut args = Map::new();
    args.insert("code".into(), json!("x = 1"));
    let prompt = client.get_prompt("code_review", args).await.expect("prompts/get");
    assert_eq!(prompt["messages"][0]["role"], "user");
    let reference = json!({ "type": "ref/prompt", "name": "code_review" });
    let done = client.complete(reference, json!({ "name": "language", "value": "ru" }), None).await.expect("complete");
    assert_eq!(done["completion"]["values"], json!(["rust"]));
    client.ping().await.expect("ping");
    client.close().await;
}

#[tokio::test]
async fn dropping_the_client_kills_the_child_and_what_it_started() {
    let script = format!("sleep 600 & echo \"pids $$ $!\" >&2; exec '{}'", everything().display());
    let child = ChildTransport::new("sh").args(["-c", &script]);
    let stderr = child.stderr();
    let client = Client::builder("stdio-test", "1.0.0").connect(child).await.expect("connects");
    client.ping().await.expect("ping");
    let line = stderr.contents();
    let pids: Vec<u32> = line
        .lines()
        .find_map(|l| l.strip_prefix("pids "))
        .expect("the script's pids on stderr")
        .split(' ')
        .map(|p| p.parse().expect("a pid"))
        .collect();
    assert!(pids.iter().all(|pid| !gone(*pid)), "both run while the client lives");
    drop(client);
    for _ in 0..200 {
        if pids.iter().all(|pid| gone(*pid)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("processes {pids:?} outlived the client");
}

#[tokio::test]
async fn a_child_that_exits_fails_the_connection_and_its_stderr_is_kept() {
    let child = ChildTransport::new("sh").args(["-c", "echo 'no config file' >&2; exit 3"]);
    let stderr = child.stderr();
    let outcome = Client::builder("stdio-test", "1.0.0").connect(child).await;
    assert!(matches!(outcome, Err(mcpforge::client::ClientError::Closed)), "{outcome:?}");
    for _ in 0..200 {
        if stderr.contents().contains("no config file") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("stderr not kept: {:?}", stderr.contents());
}

/// Runs tasks on tokio, counting them (a binding's executor, as far as the engine can tell).
struct Counting(AtomicUsize);

impl Executor for Counting {
    fn spawn(&self, task: Task) {
        self.0.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(task);
    }
}

/// A driver on `executor` whose openers count their calls; `keep` says whether they open
/// the descriptors (as tokio pipes) or give them back to the engine.
fn driver(executor: Arc<Counting>, opened: &Arc<AtomicUsize>, keep: bool) -> StdioDriver {
    let (input, output) = (opened.clone(), opened.clone());
    StdioDriver {
        executor,
        open_input: Box::new(move |fd| {
            input.fetch_add(1, Ordering::SeqCst);
            if !keep {
                return Err(fd);
            }
            Ok(Box::new(pipe::Receiver::from_owned_fd(fd).expect("a pipe")) as StdioReader)
        }),
        open_output: Box::new(move |fd| {
            output.fetch_add(1, Ordering::SeqCst);
            if !keep {
                return Err(fd);
            }
            Ok(Box::new(pipe::Sender::from_owned_fd(fd).expect("a pipe")) as StdioWriter)
        }),
    }
}

#[tokio::test]
async fn a_bindings_driver_opens_the_pipes_and_its_executor_runs_the_connection() {
    for keep in [true, false] {
        let executor = Arc::new(Counting(AtomicUsize::new(0)));
        let opened = Arc::new(AtomicUsize::new(0));
        let child = ChildTransport::new(everything()).driver(driver(executor.clone(), &opened, keep));
        let client =
            Client::builder("stdio-test", "1.0.0").executor(executor.clone()).connect(child).await.expect("connects");
        let calls = (0..32).map(|i| client.call_tool("echo", json!({ "text": format!("call {i}") })));
        let answers = futures_util::future::join_all(calls).await;
        for (i, answer) in answers.iter().enumerate() {
            assert_eq!(text(answer.as_ref().expect("echo")), format!("call {i}"));
        }
        assert_eq!(opened.load(Ordering::SeqCst), 2, "both pipes offered to the driver");
        // The child's writer and reader, and the engine's reading task.
        assert_eq!(executor.0.load(Ordering::SeqCst), 3, "keep {keep}");
        client.close().await;
    }
}

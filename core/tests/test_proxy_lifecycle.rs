//! When a shared upstream's child runs: started with the proxy (eager), or only to list
//! its catalogue and then at the first call (lazy); stopped when idle past its idle
//! timeout and started again by the next call; and, health-checked, killed and replaced
//! once it stops answering pings (stopped with SIGSTOP), the call in flight failing at
//! once. The upstreams are real child processes found by a mark in their environment.

use std::time::Duration;

use crate::example_servers::{everything, gone, with_env};
use crate::proxy_harness::{Gateway, WAIT, eventually, marker, signal_mid_call, text};
use crate::test_proxy_children::MARK;

use mcpforge::proxy::{HealthCheck, Mode, Start, Upstream};
use serde_json::json;

/// A shared upstream marked with `mark`.
fn shared(mark: &str) -> Upstream {
    Upstream::command("tools", everything(), Vec::<String>::new()).mode(Mode::Shared).setting(MARK, mark)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eager_child_runs_before_any_request() {
    let mark = marker("eager");
    let gateway = Gateway::start(vec![shared(&mark).start(Start::Eager)]).await;
    assert_eq!(with_env(MARK, &mark).len(), 1, "started with the proxy");
    assert!(gateway.proxy.healthy("tools"));
    drop(gateway);
    eventually("no child left once the proxy stops", || with_env(MARK, &mark).is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lazy_child_runs_only_while_called_and_stops_when_idle() {
    let mark = marker("lazy");
    let upstream = shared(&mark).start(Start::Lazy).idle_timeout(Duration::from_millis(300));
    let gateway = Gateway::start(vec![upstream]).await;
    eventually("the child stopped once its catalogue was listed", || with_env(MARK, &mark).is_empty()).await;
    let client = gateway.client("caller").await;
    let listed = client.request("tools/list", json!({})).await.expect("listed");
    let names: Vec<&str> =
        listed["tools"].as_array().expect("tools").iter().filter_map(|t| t["name"].as_str()).collect();
    assert!(names.contains(&"echo"), "the catalogue is served with no child running: {names:?}");
    assert!(with_env(MARK, &mark).is_empty(), "listing started no child");
    for round in ["first", "second"] {
        // A call in flight holds the child up past its idle timeout.
        let counting = client.call_tool("count", json!({ "steps": 8, "delay_ms": 100 }));
        let mut counting = std::pin::pin!(counting);
        let seen = tokio::time::timeout(WAIT, async {
            loop {
                tokio::select! {
                    done = &mut counting => return (done, false),
                    () = tokio::time::sleep(Duration::from_millis(20)) => {
                        if with_env(MARK, &mark).len() == 1 {
                            return ((&mut counting).await, true);
                        }
                    }
                }
            }
        });
        let (counted, ran) = seen.await.expect("the call ends in time");
        counted.expect("counted");
        assert!(ran, "the {round} call ran a child");
        echo(&client, round).await;
        eventually("the idle child stopped", || with_env(MARK, &mark).is_empty()).await;
    }
    drop(gateway);
}

/// Asserts the echo of `said` comes back.
async fn echo(client: &mcpforge::client::Client, said: &str) {
    let echoed = tokio::time::timeout(WAIT, client.call_tool("echo", json!({ "text": said }))).await.expect("in time");
    assert_eq!(text(&echoed.expect("echo")), said);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_that_stops_answering_pings_is_killed_and_replaced() {
    let mark = marker("health");
    let check = HealthCheck { interval: Duration::from_millis(200), timeout: Duration::from_millis(200), failures: 2 };
    let gateway = Gateway::start(vec![shared(&mark).health(check)]).await;
    let before = with_env(MARK, &mark);
    let [child] = before[..] else { panic!("one child: {before:?}") };
    let client = gateway.client("caller").await;
    echo(&client, "alive").await;
    let (client, why) = signal_mid_call(client, child, libc::SIGSTOP).await;
    assert!(why.contains("tools") && why.contains("health checks"), "the error says why: {why}");
    eventually("the stopped child killed", || gone(child)).await;
    echo(&client, "replaced").await;
    let after = with_env(MARK, &mark);
    assert!(after.len() == 1 && after[0] != child, "a new child: {after:?}");
    eventually("the new child healthy", || gateway.proxy.healthy("tools")).await;
    drop(gateway);
    eventually("no child left once the proxy stops", || with_env(MARK, &mark).is_empty()).await;
}

//! The proxy's upstream children: one killed in the middle of a call fails that call at
//! once with an error naming the upstream, leaves nothing of its process group behind, and
//! is started again; per-session children are stopped when their session ends; per-user
//! children are one per authenticated user, refuse a request without one, stop when
//! idle, and are replaced when they stop answering pings. The upstreams are real child processes found by a mark in their environment.

use std::time::Duration;

use crate::example_servers::{command_of, everything, gone, with_env};
use crate::proxy_harness::{Gateway, WAIT, eventually, marker, signal_mid_call, text};

use mcpforge::client::{Client, ClientError};
use mcpforge::proxy::{HealthCheck, Mode, Upstream};
use mcpforge::{AuthError, AuthInfo};
use serde_json::json;

pub const MARK: &str = "MCPFORGE_PROXY_TEST";

/// The users' tokens: `alice` and `bob` name their user, `service` a grant naming none.
async fn verify_user(token: String) -> Result<AuthInfo, AuthError> {
    match token.as_str() {
        "alice" | "bob" => Ok(AuthInfo::new(token, Vec::<String>::new())),
        "service" => Ok(AuthInfo::default()),
        _ => Err(AuthError::Invalid("unknown token".into())),
    }
}

/// A per-user upstream marked with `mark`.
fn per_user(mark: &str) -> Upstream {
    Upstream::command("private", everything(), Vec::<String>::new()).mode(Mode::PerUser).setting(MARK, mark)
}

/// The index of notes `client` reads (the `everything` server keeps its notes in its process).
async fn notes_index(client: &Client) -> String {
    let read = client.request("resources/read", json!({ "uri": "memo://notes" })).await.expect("read");
    read["contents"][0]["text"].as_str().unwrap_or_default().to_owned()
}

/// Asserts `client`'s echo of `said` comes back.
async fn echoes(client: &Client, said: &str) {
    let echoed = tokio::time::timeout(WAIT, client.call_tool("echo", json!({ "text": said }))).await.expect("in time");
    assert_eq!(text(&echoed.expect("echo")), said);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_killed_mid_call_fails_the_call_and_restarts_with_no_orphan() {
    let mark = marker("killed");
    // The child leaves a grandchild in its process group, holding its output open.
    let script = format!("sleep 300 & exec {}", everything().display());
    let upstream = Upstream::command("doomed", "sh", ["-c", &script]).mode(Mode::Shared).setting(MARK, &mark);
    let gateway = Gateway::start(vec![upstream]).await;
    let before = with_env(MARK, &mark);
    let server = before.iter().copied().find(|p| command_of(*p) == "everything").expect("the upstream runs");
    let grandchild = before.iter().copied().find(|p| command_of(*p) == "sleep").expect("its grandchild runs");
    let (client, why) = signal_mid_call(gateway.client("caller").await, server, libc::SIGKILL).await;
    assert!(why.contains("doomed"), "the error names the upstream: {why}");
    eventually("the process group gone", || gone(server) && gone(grandchild)).await;
    // Restarted: the next call is answered by a new child.
    let echoed = client.call_tool("echo", json!({ "text": "again" })).await.expect("answered after the restart");
    assert_eq!(text(&echoed), "again");
    let after = with_env(MARK, &mark);
    assert!(after.iter().any(|p| command_of(*p) == "everything" && *p != server), "a new child: {after:?}");
    drop(gateway);
    eventually("no child left once the proxy stops", || with_env(MARK, &mark).is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_session_children_are_stopped_when_their_session_ends() {
    let mark = marker("sessions");
    let upstream =
        Upstream::command("private", everything(), Vec::<String>::new()).mode(Mode::PerSession).setting(MARK, &mark);
    let gateway = Gateway::start(vec![upstream]).await;
    let (a, b) = (gateway.client("a").await, gateway.client("b").await);
    for (client, said) in [(&a, "from a"), (&b, "from b")] {
        assert_eq!(text(&client.call_tool("echo", json!({ "text": said })).await.expect("echo")), said);
    }
    assert_eq!(gateway.proxy.session_children("private"), 2);
    // One for the catalogue, one per session.
    assert_eq!(with_env(MARK, &mark).len(), 3);
    a.close().await;
    eventually("a's child stopped", || gateway.proxy.session_children("private") == 1).await;
    eventually("a's process gone", || with_env(MARK, &mark).len() == 2).await;
    assert_eq!(text(&b.call_tool("echo", json!({ "text": "b still" })).await.expect("echo")), "b still");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_user_children_are_one_per_user_and_a_request_without_one_is_refused() {
    let mark = marker("per-user");
    let gateway = Gateway::start_authorized(vec![per_user(&mark)], verify_user).await;
    // The catalogue's child runs from the start.
    assert_eq!(with_env(MARK, &mark).len(), 1);
    let alice = [gateway.client_with_token("a1", "alice").await, gateway.client_with_token("a2", "alice").await];
    for (client, said) in alice.iter().zip(["alice one", "alice two"]) {
        echoes(client, said).await;
    }
    // Two sessions of one user: one child.
    assert_eq!(gateway.proxy.session_children("private"), 1);
    assert_eq!(with_env(MARK, &mark).len(), 2);
    let bob = gateway.client_with_token("b", "bob").await;
    echoes(&bob, "bob").await;
    assert_eq!(gateway.proxy.session_children("private"), 2);
    assert_eq!(with_env(MARK, &mark).len(), 3);
    // A user's sessions share the user's child and its state; another user's child has its own.
    let wrote = alice[0].call_tool("write_note", json!({ "name": "plan", "text": "alice's" })).await;
    assert_eq!(text(&wrote.expect("written")), "saved memo://notes/plan");
    assert!(notes_index(&alice[1]).await.contains("memo://notes/plan"), "alice's other session sees her note");
    assert!(!notes_index(&bob).await.contains("memo://notes/plan"), "bob's child never sees alice's note");
    let service = gateway.client_with_token("s", "service").await;
    match service.call_tool("echo", json!({ "text": "nobody" })).await {
        Err(ClientError::Server(e)) => {
            assert_eq!(e.code, -32603);
            assert!(e.message.contains("per user"), "the error says why: {}", e.message);
        }
        other => panic!("a request without a user is refused: {other:?}"),
    }
    assert_eq!(gateway.proxy.session_children("private"), 2);
    assert_eq!(with_env(MARK, &mark).len(), 3);
    drop(gateway);
    eventually("no child left once the proxy stops", || with_env(MARK, &mark).is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_per_user_child_is_stopped_and_the_next_call_starts_another() {
    let mark = marker("per-user-idle");
    let upstream = per_user(&mark).idle_timeout(Duration::from_millis(300));
    let gateway = Gateway::start_authorized(vec![upstream], verify_user).await;
    let alice = gateway.client_with_token("a", "alice").await;
    echoes(&alice, "first").await;
    let catalogue = with_env(MARK, &mark);
    assert_eq!(catalogue.len(), 2, "the catalogue's child and alice's");
    eventually("alice's idle child stopped", || gateway.proxy.session_children("private") == 0).await;
    eventually("its process gone", || with_env(MARK, &mark).len() == 1).await;
    // The catalogue's child is never stopped for idleness.
    let left = with_env(MARK, &mark);
    assert!(catalogue.contains(&left[0]), "the catalogue's child still runs: {left:?}");
    echoes(&alice, "again").await;
    assert_eq!(gateway.proxy.session_children("private"), 1);
    let now = with_env(MARK, &mark);
    assert!(now.iter().any(|p| !catalogue.contains(p)), "a new child: {now:?} after {catalogue:?}");
    drop(gateway);
    eventually("no child left once the proxy stops", || with_env(MARK, &mark).is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_per_user_child_that_stops_answering_pings_is_replaced() {
    let mark = marker("per-user-health");
    let check = HealthCheck { interval: Duration::from_millis(200), timeout: Duration::from_millis(200), failures: 2 };
    let gateway = Gateway::start_authorized(vec![per_user(&mark).health(check)], verify_user).await;
    let catalogue = with_env(MARK, &mark);
    let alice = gateway.client_with_token("a", "alice").await;
    echoes(&alice, "before").await;
    let child = with_env(MARK, &mark).into_iter().find(|p| !catalogue.contains(p)).expect("alice's child");
    let (alice, why) = signal_mid_call(alice, child, libc::SIGSTOP).await;
    assert!(why.contains("private") && why.contains("health checks"), "the error says why: {why}");
    eventually("the stopped child killed", || gone(child)).await;
    echoes(&alice, "after").await;
    let now = with_env(MARK, &mark);
    assert!(now.len() == 2 && !now.contains(&child), "the catalogue's child and a new one: {now:?}");
    drop(gateway);
    eventually("no child left once the proxy stops", || with_env(MARK, &mark).is_empty()).await;
}

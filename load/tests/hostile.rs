//! `mcpforge-hostile` against the real `everything` server: a flood of malformed lines from a
//! client that never reads, 2,000 idle legacy HTTP sessions under 300 list changes, and 600
//! half-open connections against a server limited to 512 open files. Each must leave the
//! server under 64 MiB of RSS and still serving; the program prints the curve. And the short
//! form of the soak of mixed hostile traffic (`make soak-hostile`) against the Rust hooks
//! server (bench/servers), whose memory and open files must stay flat while a steady client
//! gets every answer.

use std::process::Command;

mod common;
use common::server;

const HOSTILE: &str = env!("CARGO_BIN_EXE_mcpforge-hostile");

fn run(args: &[&str]) -> (bool, String) {
    run_against(args, &[&server("everything")])
}

fn run_against(args: &[&str], server: &[&str]) -> (bool, String) {
    let out = Command::new(HOSTILE).args(args).arg("--").args(server).output().expect("mcpforge-hostile runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{text}");
    (out.status.success(), text)
}

#[test]
fn a_client_that_floods_and_never_reads_is_stopped_by_backpressure() {
    let (ok, text) = run(&["flood", "--lines", "3000000", "--limit-mb", "64"]);
    assert!(ok, "{text}");
    assert!(text.contains("the server stopped reading (backpressure)"), "{text}");
    assert!(text.contains("answered a ping after the flood"), "{text}");
}

#[test]
fn idle_sessions_under_list_changes_keep_the_server_small() {
    let (ok, text) = run(&["sessions", "--sessions", "2000", "--changes", "300", "--limit-mb", "64"]);
    assert!(ok, "{text}");
    assert!(text.contains("300 list changes fanned out"), "{text}");
}

#[test]
fn half_open_connections_past_the_file_limit_leave_clients_served() {
    // Served is what this test checks; how fast is the program's figure (`make hostile`).
    let (ok, text) = run(&["slowloris", "--connections", "600", "--limit-ms", "20000"]);
    assert!(ok, "{text}");
    assert!(text.contains("20 clients served"), "{text}");
}

/// The short form of `make soak-hostile`: 36 s with a sample every 3 s (the first 3 samples
/// are the warm-up), the server limited to 256 open files (192 connections) against 200 idle
/// WebSockets, and 100 `initialize` a second against 500 sessions, so every cap is reached
/// during the warm-up.
#[test]
fn mixed_hostile_traffic_leaves_the_hooks_server_flat_and_serving() {
    let hooks = server("hooks_server");
    let (ok, text) = run_against(
        &[
            "mixed",
            "--seconds",
            "36",
            "--sample-secs",
            "3",
            "--files",
            "256",
            "--websockets",
            "200",
            "--sessions-per-sec",
            "100",
        ],
        &[&hooks, "--max-sessions", "500"],
    );
    assert!(ok, "{text}");
    assert!(text.contains("flat after warm-up, and the steady client got every answer"), "{text}");
}

#[test]
fn usage_errors_are_explained() {
    let out = Command::new(HOSTILE).arg("nonsense").output().expect("mcpforge-hostile runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown scenario `nonsense`") && err.contains("usage:"), "{err}");
}

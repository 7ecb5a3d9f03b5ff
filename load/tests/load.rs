//! `mcpforge-load` as a user runs it: the real binary against the real quickstart server
//! (and the benchmark's slow server) over stdio pipes and HTTP on 127.0.0.1, with small call
//! counts. Every run's JSON report is read back and checked; nothing here depends on timing.

use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::server;

const LOAD: &str = env!("CARGO_BIN_EXE_mcpforge-load");

/// Runs the load tool with `args`; returns its output.
fn load(args: &[&str]) -> Output {
    Command::new(LOAD).args(args).output().expect("mcpforge-load runs")
}

/// Runs the load tool with `--json` and `args`; returns the exit code and the report.
fn load_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--json", "--no-progress"];
    all.extend_from_slice(args);
    let output = load(&all);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("not a JSON report ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&output.stderr))
    });
    (output.status.code().expect("exited normally"), report)
}

/// Asserts a clean run of `calls` calls and returns the report.
fn assert_clean(code: i32, report: &Value, calls: u64) {
    assert_eq!(report["aborted"], Value::Null, "{report:#}");
    assert_eq!(code, 0, "{report:#}");
    let measured = &report["measured"];
    assert_eq!(measured["calls"], calls, "{report:#}");
    assert_eq!(measured["ok"], calls, "{report:#}");
    assert_eq!(measured["failed"], 0, "{report:#}");
    assert!(measured["latency"]["p50_us"].as_f64().is_some_and(|us| us > 0.0), "{report:#}");
    assert!(report["server_usage"]["peak_rss_mb"].as_f64().is_some_and(|mb| mb > 0.0), "{report:#}");
}

#[test]
fn help_tells_a_newcomer_what_to_type() {
    let output = load(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in ["--concurrency", "--url", "--expect-echo", "--cold-start", "Examples:", "{port}", "Exit status"] {
        assert!(help.contains(needle), "--help does not mention {needle}:\n{help}");
    }
}

#[test]
fn usage_errors_say_what_is_wrong() {
    let output = load(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("say which server to drive"));

    let output = load(&["--args", "[1,2]", "--", "true"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--args must be a JSON object"));

    let output = load(&["--url", "http://127.0.0.1:{port}/mcp"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("{port}"));
}

#[test]
fn stdio_sequential_on_the_legacy_wire() {
    let quickstart = server("quickstart");
    let (code, report) =
        load_json(&["-n", "50", "--warmup", "5", "--wire", "legacy", "--expect-echo", "--", &quickstart]);
    assert_clean(code, &report, 50);
    assert_eq!(report["mode"], "sequential");
    assert_eq!(report["wire"], "legacy");
    assert_eq!(report["protocol_version"], "2025-11-25");
    assert!(report["server"].as_str().is_some_and(|s| s.starts_with("mcpforge-quickstart ")), "{report:#}");
}

#[test]
fn stdio_pipelined_on_the_2026_wire_checks_every_sum() {
    let quickstart = server("quickstart");
    let args = ["-c", "8", "-n", "400", "--wire", "2026", "--tool", "add", "--args", r#"{"a":1,"b":2}"#];
    let (code, report) = load_json(&[&args[..], &["--expect", "3", "--", &quickstart]].concat());
    assert_clean(code, &report, 400);
    assert_eq!(report["mode"], "pipelined");
    assert_eq!(report["concurrency"], 8);
    assert_eq!(report["wire"], "2026");
}

#[test]
fn auto_wire_finds_the_2026_wire_and_large_payloads_round_trip() {
    let quickstart = server("quickstart");
    let (code, report) = load_json(&["-n", "20", "--text-size", "102400", "--expect-echo", "--", &quickstart]);
    assert_clean(code, &report, 20);
    assert_eq!(report["protocol_version"], "2026-07-28");
}

#[test]
fn a_short_soak_samples_a_flat_rss_curve() {
    // The short form of `make soak` (1,000,000 calls in every language): 100,000 pipelined
    // calls with the server's RSS sampled every 20,000; after warm-up it must stay flat.
    let quickstart = server("quickstart");
    let args = ["-c", "16", "-n", "100000", "--rss-every", "20000", "--expect-echo", "--", &quickstart];
    let (code, report) = load_json(&args);
    assert_clean(code, &report, 100_000);
    let curve = report["rss_curve"].as_array().expect("an RSS curve").clone();
    assert!(curve.len() >= 3, "{report:#}");
    let mb = |point: &Value| point[1].as_f64().expect("MiB");
    let growth = mb(&curve[curve.len() - 1]) - mb(&curve[0]);
    assert!(growth < 4.0, "RSS grew by {growth:.1} MiB over the run: {curve:?}");
}

#[test]
fn wrong_answers_are_counted_by_kind_and_fail_the_run() {
    let quickstart = server("quickstart");
    let (code, report) = load_json(&["-c", "4", "-n", "30", "--expect", "not this", "--", &quickstart]);
    assert_eq!(code, 1);
    assert_eq!(report["aborted"], Value::Null);
    assert_eq!(report["measured"]["failed"], 30);
    assert_eq!(report["measured"]["errors"]["wrong_content"], 30);
    let example = report["measured"]["error_examples"]["wrong_content"].as_str().expect("an example");
    assert!(example.contains("not this") && example.contains("hello"), "{example}");

    let (code, report) = load_json(&["-n", "10", "--tool", "no_such_tool", "--", &quickstart]);
    assert_eq!(code, 1);
    let errors = report["measured"]["errors"].as_object().expect("error counts");
    assert_eq!(errors.len(), 1, "{report:#}");
    let (kind, count) = errors.iter().next().expect("one kind");
    assert!(kind.starts_with("jsonrpc_error(") || kind == "tool_error", "{kind}");
    assert_eq!(count, 10);
}

#[test]
fn a_duration_run_stops_by_itself() {
    let quickstart = server("quickstart");
    let (code, report) = load_json(&["-c", "4", "-d", "0.3", "--expect-echo", "--", &quickstart]);
    assert_eq!(code, 0, "{report:#}");
    let calls = report["measured"]["calls"].as_u64().expect("calls");
    assert!(calls > 0);
    assert_eq!(report["measured"]["ok"], calls);
}

#[test]
fn http_on_both_wires_with_the_server_started_on_a_free_port() {
    let quickstart = server("quickstart");
    for wire in ["2026", "legacy"] {
        let (code, report) = load_json(&[
            "--url",
            "http://127.0.0.1:{port}/mcp",
            "--wire",
            wire,
            "-c",
            "4",
            "-n",
            "200",
            "--expect-echo",
            "--",
            &quickstart,
            "--http",
            "127.0.0.1:{port}",
        ]);
        assert_clean(code, &report, 200);
        assert_eq!(report["mode"], "connections");
        assert_eq!(report["wire"], wire);
        let url = report["url"].as_str().expect("url");
        assert!(!url.contains("{port}") && url.starts_with("http://127.0.0.1:"), "{url}");
    }
}

#[test]
fn a_header_goes_on_every_request_to_a_server_that_checks_tokens() {
    let quickstart = server("quickstart");
    let (issuer, resource, secret) =
        ("https://as.example.com", "http://127.0.0.1/mcp", "a shared secret of 32 bytes or more");
    let auth = serde_json::json!({ "resource": resource, "jwt": { "issuer": issuer, "sharedSecret": secret } });
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let claims = serde_json::json!({ "iss": issuer, "aud": resource, "sub": "load", "exp": now + 600 });
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
    let token = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).expect("signed");
    let auth = auth.to_string();
    let run = |headers: &[&str]| {
        let head = ["--url", "http://127.0.0.1:{port}/mcp", "--wire", "2026", "-c", "2", "-n", "50", "--warmup", "0"];
        let tail = ["--expect-echo", "--", &quickstart, "--http", "127.0.0.1:{port}", "--auth", &auth];
        load_json(&[&head[..], headers, &tail[..]].concat())
    };

    let bearer = format!("Authorization: Bearer {token}");
    let (code, report) = run(&["-H", &bearer, "--header", "X-Trace: load-test"]);
    assert_clean(code, &report, 50);

    let (code, report) = run(&[]);
    assert_eq!(code, 1, "{report:#}");
    // Refused at the first request, before any call is measured.
    let aborted = report["aborted"].as_str().expect("the run was aborted");
    assert!(aborted.contains("HTTP 401"), "{report:#}");

    for (header, message) in [
        ("no colon", "is not `NAME: VALUE`"),
        ("Host: example.com", "set by mcpforge-load itself"),
        ("Bad Name: x", "is not a header name"),
    ] {
        let output = load(&["--url", "http://127.0.0.1:1/mcp", "-H", header]);
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains(message), "{header}: {output:?}");
    }
    let output = load(&["-H", &bearer, "--", "true"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--header needs --url"));
}

/// The `--interval-ms` series of a report: it must cover the measured time and account for
/// every call and failure of the run, by kind.
fn assert_intervals_add_up(report: &Value) -> Vec<Value> {
    let measured = &report["measured"];
    let intervals = measured["intervals"].as_array().expect("intervals").clone();
    let sum = |field: &str| intervals.iter().map(|i| i[field].as_u64().expect("a count")).sum::<u64>();
    assert_eq!(sum("calls"), measured["calls"].as_u64().expect("calls"), "{report:#}");
    assert_eq!(sum("ok"), measured["ok"].as_u64().expect("ok"), "{report:#}");
    assert_eq!(sum("failed"), measured["failed"].as_u64().expect("failed"), "{report:#}");
    for (kind, count) in measured["errors"].as_object().expect("errors") {
        let per_interval: u64 = intervals.iter().filter_map(|i| i["errors"][kind].as_u64()).sum();
        assert_eq!(Some(per_interval), count.as_u64(), "{kind}: {report:#}");
    }
    let last_end = intervals.last().expect("at least one interval")["end_s"].as_f64().expect("end_s");
    let elapsed = measured["elapsed_s"].as_f64().expect("elapsed_s");
    assert!((last_end - elapsed).abs() < 1e-6, "the intervals end at {last_end}, the run at {elapsed}");
    intervals
}

#[test]
fn intervals_count_calls_and_failures_over_time() {
    let quickstart = server("quickstart");
    let args = ["--url", "http://127.0.0.1:{port}/mcp", "--wire", "2026", "-c", "4", "-d", "0.5"];
    let (code, report) = load_json(
        &[&args[..], &["--interval-ms", "100", "--expect-echo", "--", &quickstart, "--http", "127.0.0.1:{port}"]]
            .concat(),
    );
    assert_eq!(code, 0, "{report:#}");
    let intervals = assert_intervals_add_up(&report);
    assert!(intervals.len() >= 5, "{report:#}");
    assert!(intervals.iter().all(|i| i["errors"].as_object().is_some_and(|e| e.is_empty())), "{report:#}");

    let (code, report) = load_json(&["-n", "40", "--interval-ms", "10", "--expect", "not this", "--", &quickstart]);
    assert_eq!(code, 1);
    assert_eq!(report["measured"]["errors"]["wrong_content"], 40);
    assert_intervals_add_up(&report);
}

#[test]
fn cold_start_times_every_spawn_to_its_first_answer() {
    let quickstart = server("quickstart");
    let args = ["--cold-start", "3", "--tool", "add", "--args", r#"{"a":2,"b":2}"#, "--expect", "4"];
    let (code, report) = load_json(&[&args[..], &["--", &quickstart]].concat());
    assert_eq!(code, 0, "{report:#}");
    let cold = &report["cold_start"];
    assert_eq!(cold["samples_ms"].as_array().map(Vec::len), Some(3), "{report:#}");
    assert!(cold["min_ms"].as_f64() <= cold["median_ms"].as_f64());
    assert!(cold["median_ms"].as_f64() <= cold["max_ms"].as_f64());
}

#[test]
fn blocking_handlers_answer_every_pipelined_call() {
    let slow = server("slow_server");
    let (code, report) =
        load_json(&["-c", "16", "-n", "48", "--tool", "slow", "--args", "{}", "--expect", "done", "--", &slow]);
    assert_clean(code, &report, 48);
}

#[test]
fn a_server_that_exits_at_once_is_reported_with_its_status() {
    let (code, report) = load_json(&["--", "sh", "-c", "echo starting up >&2; exit 3"]);
    assert_eq!(code, 1);
    let reason = report["aborted"].as_str().expect("aborted");
    assert!(reason.contains("exit status 3"), "{reason}");
    assert_eq!(report["server_stderr"], "starting up");
}

#[test]
fn a_server_that_never_answers_is_given_up_on() {
    let (code, report) = load_json(&["--wire", "legacy", "--startup-timeout", "0.5", "--", "sleep", "30"]);
    assert_eq!(code, 1);
    let reason = report["aborted"].as_str().expect("aborted");
    assert!(reason.contains("did not answer"), "{reason}");
}

#[test]
fn a_server_that_stops_answering_mid_run_is_stopped_after_the_timeout() {
    // Answers `initialize`, then never reads or answers anything again.
    let script = r#"read line; echo '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"mute","version":"0"}}}'; exec sleep 30"#;
    let (code, report) =
        load_json(&["--wire", "legacy", "--timeout", "0.5", "--warmup", "0", "-n", "10", "--", "sh", "-c", script]);
    assert_eq!(code, 1);
    let reason = report["aborted"].as_str().expect("aborted");
    assert!(reason.contains("--timeout"), "{reason}");
    assert_eq!(report["server"], "mute 0");
}

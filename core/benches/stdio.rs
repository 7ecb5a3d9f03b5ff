//! Stdio benchmark: the mcpforge engine against a hand-written floor.
//!
//! Two MCP servers are spawned as child processes speaking newline-delimited
//! JSON-RPC on their stdin/stdout:
//!
//! * **engine**: `quickstart` from `examples/rust`, an mcpforge server with an
//!   `echo` tool;
//! * **floor**: `echo_floor` from `examples/rust`, a bare serde_json loop with no
//!   framework, i.e. roughly the least a Rust stdio server can cost.
//!
//! After the MCP handshake, each server is measured on:
//!
//! * **sequential**: `tools/call echo {"text":"hello"}` one at a time;
//!   p50/p99 round-trip latency and calls/s;
//! * **pipelined**: the same call with 64 requests in flight; calls/s;
//! * **100KB**: a 100,000-character text echoed back, one call at a time;
//!   calls/s and MB/s;
//! * **peak RSS** of the server process (`VmHWM`, Linux only).
//!
//! Both servers run on the same machine in the same run, so the engine/floor
//! ratio is the figure to watch; absolute numbers move with the machine. To
//! keep a noisy machine from favouring one side, the servers are measured in
//! alternating rounds (engine, floor, engine, floor, ...) with fresh processes,
//! and each figure is the best of its rounds (noise only ever slows a run down);
//! peak RSS is the largest seen. The
//! program prints figures and asserts nothing about timing, but every reply is
//! checked (id and echoed text) and a wrong reply aborts the run.
//!
//! ```text
//! cargo build --release -p mcpforge-examples
//! cargo bench -p mcpforge --bench stdio                 # full run
//! cargo bench -p mcpforge --bench stdio -- --quick      # 10x fewer calls
//! cargo bench -p mcpforge --bench stdio -- --json /tmp/stdio.json
//! ```
//!
//! `MCPFORGE_BENCH_SERVER` and `MCPFORGE_BENCH_FLOOR` override the paths of the
//! engine and floor binaries, and `MCPFORGE_BENCH_NAMES=a,b` names the two columns when
//! another pair is compared (`make bench` also runs the C quickstart against the Rust one).

mod common;

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{Args, Bench, Watchdog, fail, note, percentile, preview};

/// The protocol version the client asks for in `initialize`.
const PROTOCOL_VERSION: &str = "2025-06-18";
/// The text echoed by the sequential and pipelined measurements.
const SMALL_TEXT: &str = "hello";
/// Requests outstanding at once in the pipelined measurement.
const IN_FLIGHT: usize = 64;
/// Length in characters (and bytes: it is ASCII) of the large echo text.
const LARGE_LEN: usize = 100_000;
/// Wall-clock limit for everything done with one server, handshake to exit.
const SERVER_TIME_LIMIT: Duration = Duration::from_secs(120);
/// How long a server may take to exit after its stdin is closed.
const EXIT_GRACE: Duration = Duration::from_secs(5);
/// I/O buffer size for the pipes; a 100 KB message then takes a few syscalls.
const BUF_CAPACITY: usize = 64 * 1024;

fn main() {
    // The server exits on EOF when we do, so `fail` need not wait to kill it.
    common::init(Bench { label: "stdio bench", usage: USAGE, kill_wait: Duration::ZERO });
    let options = common::parse_args(|_, _| false);
    let counts = if options.quick { Counts::QUICK } else { Counts::FULL };
    let engine_path = common::find_binary("MCPFORGE_BENCH_SERVER", "quickstart");
    let floor_path = common::find_binary("MCPFORGE_BENCH_FLOOR", "echo_floor");

    let mut engine_runs = Vec::with_capacity(options.rounds);
    let mut floor_runs = Vec::with_capacity(options.rounds);
    for round in 1..=options.rounds {
        note(format_args!("round {round} of {}", options.rounds));
        engine_runs.push(bench_server("engine", &engine_path, &counts));
        floor_runs.push(bench_server("floor", &floor_path, &counts));
    }
    let engine = Figures::best(engine_runs);
    let floor = Figures::best(floor_runs);

    print_table(&options, &counts, &engine, &floor);
    if let Some(path) = &options.json {
        write_json(path, &options, &counts, &engine, &floor);
    }
}

// ---------------------------------------------------------------------------
// Configuration

/// The usage text, for `--help` and usage errors.
const USAGE: &str = "\
usage: stdio [--quick] [--rounds N] [--json PATH]
  --quick      10x fewer calls and one round (smoke test)
  --rounds N   alternating rounds per server; each figure is the best round (default 3)
  --json PATH  also write the figures as JSON (a relative PATH is relative to
               the working directory, which under `cargo bench` is core/)
env: MCPFORGE_BENCH_SERVER, MCPFORGE_BENCH_FLOOR override the server binaries;
     MCPFORGE_BENCH_NAMES=a,b names the two columns";

/// How many calls each measurement makes.
struct Counts {
    /// Small calls made before each small-message measurement, not counted.
    warmup: usize,
    sequential: usize,
    pipelined: usize,
    /// 100 KB calls made before the large measurement, not counted.
    large_warmup: usize,
    large: usize,
}

impl Counts {
    const FULL: Counts = Counts { warmup: 1_000, sequential: 20_000, pipelined: 100_000, large_warmup: 20, large: 500 };
    const QUICK: Counts = Counts { warmup: 100, sequential: 2_000, pipelined: 10_000, large_warmup: 2, large: 50 };
}

// ---------------------------------------------------------------------------
// One server

/// Everything measured for one server.
struct Figures {
    binary: PathBuf,
    /// `serverInfo` and `protocolVersion` from the `initialize` result.
    server_info: String,
    seq_p50_us: f64,
    seq_p99_us: f64,
    seq_calls_per_s: f64,
    pipelined_calls_per_s: f64,
    large_calls_per_s: f64,
    large_mb_per_s: f64,
    /// `None` where `/proc/<pid>/status` is not available.
    peak_rss_mb: Option<f64>,
}

impl Figures {
    /// The best of several rounds of one server: lowest latency, highest
    /// throughput, and the largest peak RSS.
    fn best(runs: Vec<Figures>) -> Figures {
        let mut runs = runs.into_iter();
        let mut best = runs.next().expect("at least one round");
        for r in runs {
            best.seq_p50_us = best.seq_p50_us.min(r.seq_p50_us);
            best.seq_p99_us = best.seq_p99_us.min(r.seq_p99_us);
            best.seq_calls_per_s = best.seq_calls_per_s.max(r.seq_calls_per_s);
            best.pipelined_calls_per_s = best.pipelined_calls_per_s.max(r.pipelined_calls_per_s);
            best.large_calls_per_s = best.large_calls_per_s.max(r.large_calls_per_s);
            best.large_mb_per_s = best.large_mb_per_s.max(r.large_mb_per_s);
            best.peak_rss_mb = common::larger_peak(best.peak_rss_mb, r.peak_rss_mb);
        }
        best
    }
}

/// Spawns the server at `path`, runs every measurement on it, and shuts it down.
fn bench_server(label: &'static str, path: &Path, counts: &Counts) -> Figures {
    note(format_args!("{label}: {}", path.display()));
    let mut child = Command::new(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // Inherited, so a failing server can say why.
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| fail(format!("cannot start {}: {e}", path.display())));
    let pid = child.id();
    let stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    common::set_server(child);
    // Reads from a hung server block forever, so the time limit cannot be
    // checked in the measurement loops themselves.
    let watchdog = Watchdog::start(
        SERVER_TIME_LIMIT,
        format!("{label} took more than {} s; aborting (is it hung?)", SERVER_TIME_LIMIT.as_secs()),
    );

    let mut client = Client::new(stdin, stdout);
    let server_info = client.handshake();
    note(format_args!("{label}: {server_info}; sequential..."));
    let (seq_p50_us, seq_p99_us, seq_calls_per_s) = sequential(&mut client, counts);
    note(format_args!("{label}: pipelined..."));
    let pipelined_calls_per_s = pipelined(&mut client, counts);
    note(format_args!("{label}: 100KB..."));
    let (large_calls_per_s, large_mb_per_s) = large(&mut client, counts);
    // The server is still running, so its high-water mark covers every
    // measurement above.
    let peak_rss_mb = common::peak_rss_mb(pid);

    // Dropping the client flushes and closes the server's stdin: EOF is the
    // stdio transport's way of asking the server to exit.
    drop(client);
    shut_down(label, common::take_server());
    watchdog.stop();

    Figures {
        binary: path.to_owned(),
        server_info,
        seq_p50_us,
        seq_p99_us,
        seq_calls_per_s,
        pipelined_calls_per_s,
        large_calls_per_s,
        large_mb_per_s,
        peak_rss_mb,
    }
}

/// Waits for the server to exit after its stdin was closed; kills it if it
/// takes longer than [`EXIT_GRACE`]. Either outcome is reported, not fatal.
fn shut_down(label: &str, mut child: Child) {
    let deadline = Instant::now() + EXIT_GRACE;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    note(format_args!("note: {label} exited with {status}"));
                }
                return;
            }
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                note(format_args!(
                    "note: {label} had not exited {} s after stdin closed; killing it",
                    EXIT_GRACE.as_secs()
                ));
                let _ = child.kill();
                let _ = child.wait();
                return;
            }
            Err(e) => fail(format!("waiting for {label} to exit: {e}")),
        }
    }
}

// ---------------------------------------------------------------------------
// Measurements

/// One echo call at a time: returns (p50 us, p99 us, calls/s).
///
/// Latency is the round trip as a client sees it: write and flush the request,
/// read the reply line, parse and check it. The client's share is the same for
/// both servers.
fn sequential(client: &mut Client, counts: &Counts) -> (f64, f64, f64) {
    let payload = Payload::new(SMALL_TEXT.to_owned());
    // Warm-up: the first calls pay for page faults, lazy allocation, cold
    // caches and branch predictors, and CPU frequency ramp-up, in both
    // processes. We want the steady state, so those calls are not counted.
    for _ in 0..counts.warmup {
        client.call(&payload);
    }

    let mut latencies = Vec::with_capacity(counts.sequential);
    let start = Instant::now();
    for _ in 0..counts.sequential {
        let sent = Instant::now();
        client.call(&payload);
        latencies.push(sent.elapsed());
    }
    let elapsed = start.elapsed();

    latencies.sort_unstable();
    (micros(percentile(&latencies, 50.0)), micros(percentile(&latencies, 99.0)), per_second(counts.sequential, elapsed))
}

/// Echo calls with [`IN_FLIGHT`] requests outstanding: returns calls/s.
///
/// A writer thread sends a request whenever it holds a permit; a reader thread
/// reads and checks replies and hands back one permit per reply. Starting with
/// `IN_FLIGHT` permits keeps exactly that many requests in flight. Replies may
/// arrive in any order (a concurrent server is free to reorder them), so ids
/// are checked as a set: each must be one we sent and arrive exactly once.
fn pipelined(client: &mut Client, counts: &Counts) -> f64 {
    // Warm-up for the same reasons as in `sequential`, and to let a server
    // with worker threads spin them all up.
    run_pipelined(client, counts.warmup);
    let start = Instant::now();
    run_pipelined(client, counts.pipelined);
    per_second(counts.pipelined, start.elapsed())
}

fn run_pipelined(client: &mut Client, calls: usize) {
    let payload = Payload::new(SMALL_TEXT.to_owned());
    let first_id = client.next_id;
    client.next_id += calls as u64;

    let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        permit_tx.send(()).expect("channel has room for every permit");
    }

    let payload = &payload;
    let Client { stdin, stdout, .. } = client;
    thread::scope(|scope| {
        scope.spawn(move || {
            for id in first_id..first_id + calls as u64 {
                // Requests are buffered and flushed only when the writer has to
                // wait for a permit, so a burst of requests goes out in few
                // writes, as a real pipelining client would send them.
                match permit_rx.try_recv() {
                    Ok(()) => {}
                    Err(TryRecvError::Empty) => {
                        flush(stdin);
                        if permit_rx.recv().is_err() {
                            fail("pipelined reader stopped early");
                        }
                    }
                    Err(TryRecvError::Disconnected) => fail("pipelined reader stopped early"),
                }
                write_call(stdin, id, payload);
            }
            flush(stdin);
        });

        scope.spawn(move || {
            let mut seen = vec![false; calls];
            let mut line = String::new();
            for _ in 0..calls {
                let reply = read_reply(stdout, &mut line);
                let id = reply_id(&reply);
                let index = id
                    .checked_sub(first_id)
                    .map(|i| i as usize)
                    .filter(|&i| i < calls)
                    .unwrap_or_else(|| fail(format!("reply with unexpected id {id}")));
                if std::mem::replace(&mut seen[index], true) {
                    fail(format!("two replies for request {id}"));
                }
                check_text(id, echoed_text(id, &reply), SMALL_TEXT);
                // The writer drops its end once everything is sent; permits
                // after that are not needed.
                let _ = permit_tx.send(());
            }
        });
    });
}

/// 100 KB echo calls, one at a time: returns (calls/s, MB/s).
///
/// MB/s counts the echoed text once (1 MB = 10^6 bytes); the bytes on the
/// pipes are about twice that, one copy each way.
fn large(client: &mut Client, counts: &Counts) -> (f64, f64) {
    // Printable ASCII without characters JSON must escape, so this measures
    // moving bytes rather than escaping them.
    let text: String =
        b"abcdefghijklmnopqrstuvwxyz0123456789".iter().cycle().take(LARGE_LEN).map(|&b| char::from(b)).collect();
    let payload = Payload::new(text);
    // Warm-up: the first large messages grow the server's buffers.
    for _ in 0..counts.large_warmup {
        client.call(&payload);
    }
    let start = Instant::now();
    for _ in 0..counts.large {
        client.call(&payload);
    }
    let calls_per_s = per_second(counts.large, start.elapsed());
    (calls_per_s, calls_per_s * LARGE_LEN as f64 / 1e6)
}

// ---------------------------------------------------------------------------
// The client side of the stdio transport

/// Our end of one server's stdin and stdout.
struct Client {
    stdin: BufWriter<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// Reused buffer for reply lines.
    line: String,
    /// The id for the next request; ids are never reused within a session.
    next_id: u64,
}

impl Client {
    fn new(stdin: ChildStdin, stdout: ChildStdout) -> Self {
        Client {
            stdin: BufWriter::with_capacity(BUF_CAPACITY, stdin),
            stdout: BufReader::with_capacity(BUF_CAPACITY, stdout),
            line: String::new(),
            next_id: 1,
        }
    }

    /// The MCP handshake: `initialize`, then `notifications/initialized`.
    /// Returns a one-line description of the server for the report.
    fn handshake(&mut self) -> String {
        let request = json!({
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": { "name": "bench", "version": "0" }
            }
        });
        self.send(&request);
        let reply = read_reply(&mut self.stdout, &mut self.line);
        if reply_id(&reply) != 0 {
            fail(format!("initialize: reply has the wrong id: {}", preview(&reply.to_string())));
        }
        let result = match reply.get("result") {
            Some(result) => result,
            None => fail(format!("initialize failed: {}", preview(&reply.to_string()))),
        };
        let version = result["protocolVersion"].as_str().unwrap_or("?");
        let name = result["serverInfo"]["name"].as_str().unwrap_or("?");
        let server_version = result["serverInfo"]["version"].as_str().unwrap_or("?");

        self.send(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
        format!("{name} {server_version}, protocol {version}")
    }

    /// Writes one message and flushes it.
    fn send(&mut self, message: &Value) {
        let written = serde_json::to_writer(&mut self.stdin, message)
            .map_err(io::Error::from)
            .and_then(|()| self.stdin.write_all(b"\n"));
        if let Err(e) = written {
            fail(format!("writing to server stdin: {e}"));
        }
        flush(&mut self.stdin);
    }

    /// One `tools/call` of `echo`, waiting for its reply. Aborts the run
    /// unless the reply has the request's id and echoes the text exactly.
    fn call(&mut self, payload: &Payload) {
        let id = self.next_id;
        self.next_id += 1;
        write_call(&mut self.stdin, id, payload);
        flush(&mut self.stdin);
        let reply = read_reply(&mut self.stdout, &mut self.line);
        let got = reply_id(&reply);
        if got != id {
            fail(format!("sent request {id}, got a reply for {got}"));
        }
        check_text(id, echoed_text(id, &reply), &payload.text);
    }
}

/// An echo argument, JSON-encoded once up front so that building a request
/// costs the client next to nothing and the timings are the server's.
struct Payload {
    text: String,
    /// `text` as a JSON string literal, quotes included.
    json: String,
}

impl Payload {
    fn new(text: String) -> Self {
        let json = serde_json::to_string(&text).expect("a string always serializes");
        Payload { text, json }
    }
}

/// Writes (without flushing) the `tools/call` request for `echo` with `payload`.
fn write_call(out: &mut impl Write, id: u64, payload: &Payload) {
    let written = write!(
        out,
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"echo","arguments":{{"text":"#
    )
    .and_then(|()| out.write_all(payload.json.as_bytes()))
    .and_then(|()| out.write_all(b"}}}\n"));
    if let Err(e) = written {
        fail(format!("writing to server stdin: {e}"));
    }
}

fn flush(out: &mut impl Write) {
    if let Err(e) = out.flush() {
        fail(format!("writing to server stdin: {e}"));
    }
}

/// Reads the next reply, skipping any notifications the server sends (such as
/// log messages). A server request, a line that is not JSON, or EOF aborts.
fn read_reply(input: &mut impl BufRead, line: &mut String) -> Value {
    loop {
        line.clear();
        match input.read_line(line) {
            Ok(0) => fail("the server closed its stdout while a reply was expected (did it crash?)"),
            Ok(_) => {}
            Err(e) => fail(format!("reading server stdout: {e}")),
        }
        if line.trim().is_empty() {
            continue;
        }
        let message: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| fail(format!("server wrote a line that is not JSON ({e}): {}", preview(line))));
        match (message.get("method"), message.get("id")) {
            (Some(_), None) => continue, // a notification
            (Some(_), Some(_)) => fail(format!("unexpected request from the server: {}", preview(line))),
            _ => return message,
        }
    }
}

/// The numeric id of a reply (the bench only sends numeric ids).
fn reply_id(reply: &Value) -> u64 {
    reply
        .get("id")
        .and_then(Value::as_u64)
        .unwrap_or_else(|| fail(format!("reply without a numeric id: {}", preview(&reply.to_string()))))
}

/// `result.content[0].text` of a successful echo reply; anything else aborts.
fn echoed_text(id: u64, reply: &Value) -> &str {
    if let Some(error) = reply.get("error") {
        fail(format!("request {id} failed: {}", preview(&error.to_string())));
    }
    let result = &reply["result"];
    if result["isError"] == Value::Bool(true) {
        fail(format!("request {id}: tool error: {}", preview(&result.to_string())));
    }
    result
        .pointer("/content/0/text")
        .and_then(Value::as_str)
        .unwrap_or_else(|| fail(format!("request {id}: no result.content[0].text: {}", preview(&reply.to_string()))))
}

fn check_text(id: u64, got: &str, sent: &str) {
    if got.len() != sent.len() {
        fail(format!("request {id}: sent {} bytes of text, got {} back", sent.len(), got.len()));
    }
    if got != sent {
        fail(format!("request {id}: echoed text differs from what was sent: {}", preview(got)));
    }
}

// ---------------------------------------------------------------------------
// Reporting

fn print_table(options: &Args, counts: &Counts, engine: &Figures, floor: &Figures) {
    println!("mcpforge stdio benchmark (same machine, same run)");
    println!(
        "{}: {} sequential, {} pipelined ({IN_FLIGHT} in flight), {} x 100KB; best of {} alternating round(s)",
        options.mode(),
        counts.sequential,
        counts.pipelined,
        counts.large,
        options.rounds
    );
    let (a, b) = column_names();
    println!("{a}: {} ({})", engine.binary.display(), engine.server_info);
    println!("{b}: {} ({})", floor.binary.display(), floor.server_info);
    println!("ratio = {a}/{b}: for latency and RSS lower is better, for calls/s and MB/s higher is better");
    println!();
    println!("{:<22}{:>12}{:>12}{:>10}", "", a, b, "ratio");
    for row in rows(engine, floor) {
        let value = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.*}", row.decimals));
        let ratio = row.ratio().map_or_else(|| "n/a".to_owned(), |r| format!("{r:.2}x"));
        println!("{:<22}{:>12}{:>12}{:>10}", row.label, value(row.engine), value(row.floor), ratio);
    }
}

/// The names of the two columns: "engine" and "floor", or the two comma-separated names in
/// `MCPFORGE_BENCH_NAMES` when the pair compared is another one (e.g. the C and the Rust
/// quickstart).
fn column_names() -> (String, String) {
    std::env::var("MCPFORGE_BENCH_NAMES")
        .ok()
        .and_then(|v| v.split_once(',').map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned())))
        .unwrap_or_else(|| ("engine".to_owned(), "floor".to_owned()))
}

fn write_json(path: &Path, options: &Args, counts: &Counts, engine: &Figures, floor: &Figures) {
    let figures = |f: &Figures| {
        json!({
            "binary": f.binary.display().to_string(),
            "server": f.server_info,
            "sequential_p50_us": f.seq_p50_us,
            "sequential_p99_us": f.seq_p99_us,
            "sequential_calls_per_s": f.seq_calls_per_s,
            "pipelined_calls_per_s": f.pipelined_calls_per_s,
            "large_calls_per_s": f.large_calls_per_s,
            "large_mb_per_s": f.large_mb_per_s,
            "peak_rss_mb": f.peak_rss_mb,
        })
    };
    let ratios: serde_json::Map<String, Value> =
        rows(engine, floor).iter().map(|row| (row.key.to_owned(), json!(row.ratio()))).collect();
    let report = json!({
        "mode": options.mode(),
        "rounds": options.rounds,
        "counts": {
            "sequential": counts.sequential,
            "pipelined": counts.pipelined,
            "in_flight": IN_FLIGHT,
            "large": counts.large,
            "large_len": LARGE_LEN,
        },
        "engine": figures(engine),
        "floor": figures(floor),
        "ratio_engine_over_floor": ratios,
    });
    common::write_json_file(path, &report);
}

/// One line of the report.
struct Row {
    label: &'static str,
    /// Name in the JSON output.
    key: &'static str,
    decimals: usize,
    engine: Option<f64>,
    floor: Option<f64>,
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        match (self.engine, self.floor) {
            (Some(engine), Some(floor)) if floor > 0.0 => Some(engine / floor),
            _ => None,
        }
    }
}

fn rows(engine: &Figures, floor: &Figures) -> [Row; 7] {
    let row = |label, key, decimals, get: fn(&Figures) -> Option<f64>| Row {
        label,
        key,
        decimals,
        engine: get(engine),
        floor: get(floor),
    };
    [
        row("sequential p50 (us)", "sequential_p50_us", 1, |f| Some(f.seq_p50_us)),
        row("sequential p99 (us)", "sequential_p99_us", 1, |f| Some(f.seq_p99_us)),
        row("sequential calls/s", "sequential_calls_per_s", 0, |f| Some(f.seq_calls_per_s)),
        row("pipelined calls/s", "pipelined_calls_per_s", 0, |f| Some(f.pipelined_calls_per_s)),
        row("100KB calls/s", "large_calls_per_s", 0, |f| Some(f.large_calls_per_s)),
        row("100KB MB/s", "large_mb_per_s", 1, |f| Some(f.large_mb_per_s)),
        row("peak RSS (MB)", "peak_rss_mb", 1, |f| f.peak_rss_mb),
    ]
}

// ---------------------------------------------------------------------------
// Small helpers

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn per_second(calls: usize, elapsed: Duration) -> f64 {
    calls as f64 / elapsed.as_secs_f64()
}

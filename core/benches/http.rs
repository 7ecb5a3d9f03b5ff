//! HTTP benchmark: the mcpforge engine serving Streamable HTTP to many clients.
//!
//! The `quickstart` server from `examples/rust` is started as a child process
//! with `--http 127.0.0.1:PORT` (a free port picked by binding port 0) and
//! driven at `/mcp` by a small keep-alive HTTP/1.1 client on `std::net::TcpStream`
//! (`common/http_client.rs`), in four configurations:
//!
//! * **wire**: the 2026-07-28 stateless shape (every POST carries
//!   `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and the `_meta` fields;
//!   no handshake, no session), or legacy 2025-11-25 sessions (`initialize`,
//!   `notifications/initialized`, then every call carries `Mcp-Session-Id`);
//! * **connections**: 16 or 64 client threads, each with its own keep-alive
//!   connection (and, on the legacy wire, its own session).
//!
//! Each thread calls `tools/call echo {"text":"hello"}` in a closed loop (send,
//! wait for the answer, send the next) for a fixed duration after a short
//! warm-up. Every response is checked (status 200, a JSON body, the request's
//! id, the echoed text) and a wrong one aborts the run. Per configuration the
//! program prints calls/s, the p50/p99 latency of a call as the client sees
//! it, and the server's CPU time per call (from `/proc/<pid>/stat`; it depends
//! less than the others on how the cores are shared); at the end it prints the
//! server's peak RSS (`VmHWM`). The last two are Linux only.
//!
//! Client and server share the machine: on a 2-core machine 64 client threads
//! mostly measure contention for the cores, not the server alone. To keep the
//! noise from favouring one configuration, each round starts a fresh server and
//! runs the configurations alternating between the wires (2026/16, legacy/16,
//! 2026/64, legacy/64); each figure is the best of its rounds (noise only ever
//! slows a run down) and peak RSS is the largest seen. Timing is never
//! asserted: the program only prints figures.
//!
//! ```text
//! cargo build --release -p mcpforge-examples
//! cargo bench -p mcpforge --bench http                    # full run: 3 rounds of 5 s
//! cargo bench -p mcpforge --bench http -- --quick         # 1 round of 1 s
//! cargo bench -p mcpforge --bench http -- --duration 10 --json /tmp/http.json
//! ```
//!
//! `MCPFORGE_BENCH_SERVER` overrides the path of the server binary; it must
//! accept `--http HOST:PORT` and have an `echo` tool.

mod common;
#[path = "common/http_client.rs"]
mod http_client;

use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};

use common::{Args, Bench, Watchdog, fail, note, preview};
use http_client::{Connection, ENDPOINT, EchoCall, Figures, Session, TEXT, Timing, json_reply, preview_bytes};

/// The protocol version legacy sessions are initialized with.
const LEGACY_VERSION: &str = "2025-11-25";
/// The configurations of one round, in the order they run: the wires alternate.
const CONFIGS: [(Wire, usize); 4] = [(Wire::Modern, 16), (Wire::Legacy, 16), (Wire::Modern, 64), (Wire::Legacy, 64)];
/// Measured time per configuration, and with `--quick`.
const DURATION: Duration = Duration::from_secs(5);
const QUICK_DURATION: Duration = Duration::from_secs(1);
/// Uncounted calls before each measurement: connections, sessions, the
/// server's buffers and the CPU frequency all settle first.
const WARMUP: Duration = Duration::from_secs(1);
const QUICK_WARMUP: Duration = Duration::from_millis(250);

fn main() {
    // An HTTP server does not exit with us, so `fail` waits a little for the
    // lock on it rather than give up on killing it at once.
    common::init(Bench { label: "http bench", usage: USAGE, kill_wait: Duration::from_secs(1) });
    let options = parse_args();
    let path = common::find_binary("MCPFORGE_BENCH_SERVER", "quickstart");

    let mut rounds = Vec::with_capacity(options.args.rounds);
    for round in 1..=options.args.rounds {
        note(format_args!("round {round} of {}", options.args.rounds));
        rounds.push(bench_round(round, &path, &options));
    }
    let report = Report::best(path, rounds);

    print_table(&options, &report);
    if let Some(json_path) = &options.args.json {
        write_json(json_path, &options, &report);
    }
}

// ---------------------------------------------------------------------------
// Configuration

/// Command-line options.
struct Options {
    /// `--quick` (one short round, for a smoke test), `--json PATH`, and
    /// `--rounds N` (each round with a fresh server).
    args: Args,
    /// `--duration S`: measured time per configuration (default 5 s; 1 s with `--quick`).
    duration: Duration,
    /// Uncounted time before each measurement.
    warmup: Duration,
}

impl Options {
    /// The watchdog's limit for one round (one server): twice the planned
    /// time plus a minute for startup, handshakes and shutdown. A healthy run
    /// never gets near it; a hung one is stopped by it.
    fn round_time_limit(&self) -> Duration {
        Duration::from_secs(60) + (self.warmup + self.duration) * (2 * CONFIGS.len() as u32)
    }
}

/// The shared options (see [`common::parse_args`]) and `--duration S`.
fn parse_args() -> Options {
    let (args, duration) = http_client::parse_args_with_duration();
    let duration = duration.unwrap_or(if args.quick { QUICK_DURATION } else { DURATION });
    let warmup = if args.quick { QUICK_WARMUP } else { WARMUP };
    Options { args, duration, warmup }
}

/// The usage text, for `--help` and usage errors.
const USAGE: &str = "\
usage: http [--quick] [--duration S] [--rounds N] [--json PATH]
  --quick       one round of 1 s per configuration (smoke test)
  --duration S  measured seconds per configuration (default 5)
  --rounds N    rounds, each with a fresh server; each figure is the best round (default 3)
  --json PATH   also write the figures as JSON (a relative PATH is relative to
                the working directory, which under `cargo bench` is core/)
env: MCPFORGE_BENCH_SERVER overrides the server binary (it must take --http HOST:PORT)";

// ---------------------------------------------------------------------------
// Rounds and configurations

/// Which shape of Streamable HTTP the clients speak.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// 2026-07-28: stateless, metadata in headers and `_meta`.
    Modern,
    /// 2025-11-25: a session per connection.
    Legacy,
}

impl Wire {
    fn label(self) -> &'static str {
        match self {
            Wire::Modern => "2026 stateless",
            Wire::Legacy => "legacy sessions",
        }
    }

    /// Name in the JSON output.
    fn key(self) -> &'static str {
        match self {
            Wire::Modern => "2026",
            Wire::Legacy => "legacy",
        }
    }
}

/// Everything measured on one server.
struct Round {
    /// Name and version of the server, from the probe call.
    server_info: String,
    /// In the order of [`CONFIGS`].
    configs: Vec<Figures>,
    /// `None` where `/proc/<pid>/status` is not available.
    peak_rss_mb: Option<f64>,
}

/// The best of all rounds.
struct Report {
    binary: PathBuf,
    server_info: String,
    configs: Vec<Figures>,
    peak_rss_mb: Option<f64>,
}

impl Report {
    /// Per configuration the highest calls/s and the lowest latencies, each
    /// taken independently; the largest peak RSS.
    fn best(binary: PathBuf, rounds: Vec<Round>) -> Report {
        let mut rounds = rounds.into_iter();
        let first = rounds.next().expect("at least one round");
        let mut report =
            Report { binary, server_info: first.server_info, configs: first.configs, peak_rss_mb: first.peak_rss_mb };
        for round in rounds {
            for (best, r) in report.configs.iter_mut().zip(round.configs) {
                best.calls = best.calls.max(r.calls);
                best.calls_per_s = best.calls_per_s.max(r.calls_per_s);
                best.p50_us = best.p50_us.min(r.p50_us);
                best.p99_us = best.p99_us.min(r.p99_us);
                best.server_cpu_us = match (best.server_cpu_us, r.server_cpu_us) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            report.peak_rss_mb = common::larger_peak(report.peak_rss_mb, round.peak_rss_mb);
        }
        report
    }
}

/// Starts a fresh server, measures every configuration on it, and kills it.
fn bench_round(round: usize, path: &Path, options: &Options) -> Round {
    // Socket timeouts bound every single call, but not, say, a server that
    // answers each call just under the limit; the watchdog bounds the total.
    let limit = options.round_time_limit();
    let watchdog = Watchdog::start(
        limit,
        format!("round {round} took more than {} s; aborting (is the server hung?)", limit.as_secs()),
    );
    let (addr, pid) = http_client::start_server(path, &[]);
    let server_info = http_client::probe(addr, "");
    note(format_args!("{server_info} at http://{addr}{ENDPOINT}"));

    let timing = Timing { warmup: options.warmup, duration: options.duration };
    let mut configs = Vec::with_capacity(CONFIGS.len());
    for (wire, connections) in CONFIGS {
        note(format_args!("{} x {connections} connections...", wire.label()));
        configs.push(http_client::closed_loop(addr, pid, wire.label(), &wire, connections, timing));
        http_client::check_server_running();
    }
    // The server is still running, so its high-water mark covers every
    // configuration above.
    let peak_rss_mb = common::peak_rss_mb(pid);
    http_client::stop_server();
    watchdog.stop();

    Round { server_info, configs, peak_rss_mb }
}

// ---------------------------------------------------------------------------
// Legacy sessions

impl Session for Wire {
    /// The legacy wire's session id.
    type State = Option<String>;

    fn open(&self, conn: &mut Connection) -> (EchoCall, Option<String>) {
        match self {
            Wire::Modern => (EchoCall::modern(""), None),
            Wire::Legacy => {
                let session = conn.open_session();
                (EchoCall::new(session_headers(&session), ""), Some(session))
            }
        }
    }

    fn close(&self, conn: &mut Connection, session: Option<String>) {
        if let Some(session) = session {
            conn.end_session(&session);
        }
    }
}

impl Connection {
    /// The legacy handshake: `initialize`, then `notifications/initialized`.
    /// Returns the session id.
    fn open_session(&mut self) -> String {
        let initialize = json!({
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": LEGACY_VERSION,
                "capabilities": {},
                "clientInfo": { "name": "bench", "version": "0" }
            }
        });
        let response = self.send("POST", "", initialize.to_string().as_bytes());
        let reply = json_reply("initialize", &response);
        if reply.get("id") != Some(&json!(0)) || reply.get("result").is_none() {
            fail(format!("initialize failed: {}", preview(&reply.to_string())));
        }
        if reply["result"]["protocolVersion"] != LEGACY_VERSION {
            fail(format!("initialize: asked for {LEGACY_VERSION}, got {}", reply["result"]["protocolVersion"]));
        }
        let session = response.session_id.unwrap_or_else(|| fail("initialize: no mcp-session-id header"));
        // The id goes back into our request headers verbatim.
        if session.is_empty() || !session.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            fail(format!("initialize: session id is not visible ASCII: {}", preview(&session)));
        }

        let headers = session_headers(&session);
        let initialized = self.send("POST", &headers, br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        if initialized.status != 202 {
            fail(format!("notifications/initialized: HTTP {} (expected 202)", initialized.status));
        }
        session
    }

    /// Ends a legacy session with DELETE.
    fn end_session(&mut self, session: &str) {
        let response = self.send("DELETE", &session_headers(session), b"");
        if !(200..300).contains(&response.status) {
            fail(format!("DELETE of a session: HTTP {}: {}", response.status, preview_bytes(&response.body)));
        }
    }
}

/// The header lines that put a request in a legacy session.
fn session_headers(session: &str) -> String {
    format!("mcp-session-id: {session}\r\nmcp-protocol-version: {LEGACY_VERSION}\r\n")
}

// ---------------------------------------------------------------------------
// Reporting

fn print_table(options: &Options, report: &Report) {
    let cpus = thread::available_parallelism().map_or_else(|_| "?".to_owned(), |n| n.to_string());
    println!("mcpforge HTTP benchmark (Streamable HTTP at {ENDPOINT}, keep-alive HTTP/1.1, closed-loop clients)");
    println!(
        "{}: {} s per configuration after {} s warm-up; best of {} round(s), a fresh server each",
        options.args.mode(),
        options.duration.as_secs_f64(),
        options.warmup.as_secs_f64(),
        options.args.rounds
    );
    println!("server: {} ({})", report.binary.display(), report.server_info);
    println!("client threads and server share {cpus} CPU(s); one thread per connection, echo {{\"text\":\"{TEXT}\"}}");
    println!();
    println!(
        "{:<18}{:>6}{:>12}{:>12}{:>12}{:>22}",
        "wire", "conns", "calls/s", "p50 (us)", "p99 (us)", "server CPU (us/call)"
    );
    for ((wire, connections), f) in CONFIGS.iter().zip(&report.configs) {
        println!(
            "{:<18}{:>6}{:>12.0}{:>12.1}{:>12.1}{:>22}",
            wire.label(),
            connections,
            f.calls_per_s,
            f.p50_us,
            f.p99_us,
            f.server_cpu_us.map_or_else(|| "n/a".to_owned(), |us| format!("{us:.1}"))
        );
    }
    println!();
    match report.peak_rss_mb {
        Some(mb) => println!("server peak RSS (VmHWM): {mb:.1} MB"),
        None => println!("server peak RSS (VmHWM): n/a"),
    }
}

fn write_json(path: &Path, options: &Options, report: &Report) {
    let configs: Vec<Value> = report
        .configs
        .iter()
        .zip(CONFIGS)
        .map(|(f, (wire, connections))| {
            json!({
                "wire": wire.key(),
                "connections": connections,
                "calls": f.calls,
                "calls_per_s": f.calls_per_s,
                "p50_us": f.p50_us,
                "p99_us": f.p99_us,
                "server_cpu_us_per_call": f.server_cpu_us,
            })
        })
        .collect();
    let value = json!({
        "mode": options.args.mode(),
        "rounds": options.args.rounds,
        "duration_s": options.duration.as_secs_f64(),
        "warmup_s": options.warmup.as_secs_f64(),
        "cpus": thread::available_parallelism().map(|n| n.get()).ok(),
        "server": {
            "binary": report.binary.display().to_string(),
            "info": report.server_info,
        },
        "configurations": configs,
        "peak_rss_mb": report.peak_rss_mb,
    });
    common::write_json_file(path, &value);
}

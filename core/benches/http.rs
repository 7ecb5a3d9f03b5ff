//! HTTP benchmark: the mcpforge engine serving Streamable HTTP to many clients.
//!
//! The `quickstart` server from `examples/rust` is started as a child process
//! with `--http 127.0.0.1:PORT` (a free port picked by binding port 0) and
//! driven at `/mcp` by a small keep-alive HTTP/1.1 client written here on
//! `std::net::TcpStream`, in four configurations:
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

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Barrier, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{Args, Bench, Watchdog, fail, note, percentile, preview};

/// The modern (stateless) protocol version.
const MODERN_VERSION: &str = "2026-07-28";
/// The protocol version legacy sessions are initialized with.
const LEGACY_VERSION: &str = "2025-11-25";
/// The MCP endpoint of the server under test.
const ENDPOINT: &str = "/mcp";
/// The text every call echoes.
const TEXT: &str = "hello";
/// The configurations of one round, in the order they run: the wires alternate.
const CONFIGS: [(Wire, usize); 4] = [(Wire::Modern, 16), (Wire::Legacy, 16), (Wire::Modern, 64), (Wire::Legacy, 64)];
/// Measured time per configuration, and with `--quick`.
const DURATION: Duration = Duration::from_secs(5);
const QUICK_DURATION: Duration = Duration::from_secs(1);
/// Uncounted calls before each measurement: connections, sessions, the
/// server's buffers and the CPU frequency all settle first.
const WARMUP: Duration = Duration::from_secs(1);
const QUICK_WARMUP: Duration = Duration::from_millis(250);
/// How long the server may take to start accepting connections.
const STARTUP_LIMIT: Duration = Duration::from_secs(10);
/// Limit for any single connect, write or read: a call that takes longer is
/// treated as a hung server.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response header line and body the client accepts.
const MAX_LINE: usize = 8 * 1024;
const MAX_HEADERS: usize = 64;
const MAX_BODY: usize = 1024 * 1024;

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
    let mut duration = None;
    let args = common::parse_args(|arg, rest| {
        if arg != "--duration" {
            return false;
        }
        // At most a day, so that the arithmetic on durations cannot overflow.
        match rest.next().and_then(|s| s.parse().ok()).filter(|&s: &f64| s > 0.0 && s <= 86_400.0) {
            Some(s) => duration = Some(Duration::from_secs_f64(s)),
            None => common::usage_error("--duration needs a positive number of seconds"),
        }
        true
    });
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

/// The figures of one configuration in one round.
struct Figures {
    wire: Wire,
    connections: usize,
    /// Calls counted (started after the warm-up).
    calls: usize,
    calls_per_s: f64,
    p50_us: f64,
    p99_us: f64,
    /// Server CPU time (user + system) per call in microseconds; `None` where
    /// `/proc/<pid>/stat` is not available.
    server_cpu_us: Option<f64>,
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
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
    note(format_args!("starting {} --http {addr}", path.display()));
    let child = Command::new(path)
        .arg("--http")
        .arg(addr.to_string())
        .stdin(Stdio::null())
        // Anything the server prints goes to our stderr, where it can say why
        // it failed, and stays out of the table on our stdout.
        .stdout(io::stderr())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| fail(format!("cannot start {}: {e}", path.display())));
    let pid = child.id();
    common::set_server(child);
    // Socket timeouts bound every single call, but not, say, a server that
    // answers each call just under the limit; the watchdog bounds the total.
    let limit = options.round_time_limit();
    let watchdog = Watchdog::start(
        limit,
        format!("round {round} took more than {} s; aborting (is the server hung?)", limit.as_secs()),
    );

    wait_until_accepting(addr);
    let server_info = probe(addr);
    note(format_args!("{server_info} at http://{addr}{ENDPOINT}"));

    let mut configs = Vec::with_capacity(CONFIGS.len());
    for (wire, connections) in CONFIGS {
        note(format_args!("{} x {connections} connections...", wire.label()));
        configs.push(run_config(addr, pid, wire, connections, options));
        check_server_running();
    }
    // The server is still running, so its high-water mark covers every
    // configuration above.
    let peak_rss_mb = common::peak_rss_mb(pid);

    // An HTTP server has no EOF to exit on; it is simply killed.
    let mut child = common::take_server();
    let _ = child.kill();
    let _ = child.wait();
    watchdog.stop();

    Round { server_info, configs, peak_rss_mb }
}

/// A port that was free a moment ago: bind port 0, note what the OS picked,
/// and release it for the server.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| fail(format!("cannot pick a free port: {e}")))
}

/// Polls until the server accepts a TCP connection, at most [`STARTUP_LIMIT`].
fn wait_until_accepting(addr: SocketAddr) {
    let deadline = Instant::now() + STARTUP_LIMIT;
    loop {
        check_server_running();
        if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
            return;
        }
        if Instant::now() >= deadline {
            fail(format!("the server did not accept connections on {addr} within {} s", STARTUP_LIMIT.as_secs()));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Aborts the run if the server under test has exited.
fn check_server_running() {
    // The lock is released at the end of this statement, before `fail` needs it.
    let checked = common::lock_server().as_mut().map(Child::try_wait);
    let status = match checked {
        Some(Ok(status)) => status,
        Some(Err(e)) => fail(format!("checking on the server: {e}")),
        None => None,
    };
    if let Some(status) = status {
        fail(format!("the server exited ({status})"));
    }
}

/// One checked 2026 echo call on a connection of its own, before any
/// measurement: the endpoint works, and its answer names the server.
fn probe(addr: SocketAddr) -> String {
    let mut conn = Connection::open(addr);
    let call = EchoCall::new(Wire::Modern, None);
    let reply = conn.echo(&call, 1);
    let info = &reply["result"]["_meta"]["io.modelcontextprotocol/serverInfo"];
    let name = info["name"].as_str().unwrap_or("?");
    let version = info["version"].as_str().unwrap_or("?");
    format!("{name} {version}")
}

/// What one client thread measured.
struct ThreadResult {
    /// One per call started after the warm-up, in nanoseconds.
    latencies_ns: Vec<u64>,
    /// Every echo call, warm-up included.
    all_calls: usize,
    /// When the last counted call was answered.
    last_done: Instant,
}

/// Runs one configuration: `connections` client threads calling `echo` in a
/// closed loop for the warm-up and then for `options.duration`.
fn run_config(addr: SocketAddr, pid: u32, wire: Wire, connections: usize, options: &Options) -> Figures {
    let cpu_before = server_cpu_seconds(pid);
    // Every thread connects (and on the legacy wire opens its session) first;
    // the clock starts once all of them are ready.
    let ready = Barrier::new(connections);
    let start = OnceLock::new();
    let results: Vec<ThreadResult> = thread::scope(|scope| {
        let threads: Vec<_> = (0..connections)
            .map(|index| {
                let (ready, start) = (&ready, &start);
                scope.spawn(move || client_thread(addr, wire, index, ready, start, options))
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap_or_else(|_| fail("a client thread panicked"))).collect()
    });
    // The server's CPU time over the whole configuration (handshakes, warm-up
    // and measurement) per echo call: what a call costs the server, which
    // depends less on contention than calls/s and latency do. The handshakes
    // are at most a few hundred requests among hundreds of thousands of calls.
    let all_calls = results.iter().map(|r| r.all_calls).sum::<usize>();
    let server_cpu_us = match (cpu_before, server_cpu_seconds(pid)) {
        (Some(before), Some(after)) if all_calls > 0 => Some((after - before) * 1e6 / all_calls as f64),
        _ => None,
    };
    let measure_from = *start.get().expect("set by the client threads") + options.warmup;

    let calls = results.iter().map(|r| r.latencies_ns.len()).sum::<usize>();
    if calls == 0 {
        fail(format!("{} x {connections}: no call completed after the warm-up", wire.label()));
    }
    // Closed loops: each thread stops at the first call it would start after
    // the deadline, so the window ends with the last answer counted.
    let last_done = results.iter().map(|r| r.last_done).max().expect("at least one thread");
    let elapsed = last_done.saturating_duration_since(measure_from);
    let mut latencies: Vec<u64> = results.into_iter().flat_map(|r| r.latencies_ns).collect();
    latencies.sort_unstable();

    let figures = Figures {
        wire,
        connections,
        calls,
        calls_per_s: calls as f64 / elapsed.as_secs_f64(),
        p50_us: percentile(&latencies, 50.0) as f64 / 1e3,
        p99_us: percentile(&latencies, 99.0) as f64 / 1e3,
        server_cpu_us,
    };
    note(format_args!(
        "  {} calls, {:.0} calls/s, p50 {:.1} us, p99 {:.1} us, server CPU {} us/call",
        figures.calls,
        figures.calls_per_s,
        figures.p50_us,
        figures.p99_us,
        figures.server_cpu_us.map_or_else(|| "n/a".to_owned(), |us| format!("{us:.1}"))
    ));
    figures
}

/// One client: its own connection (and legacy session), echo calls until the
/// deadline, then the session is ended and the connection closed.
fn client_thread(
    addr: SocketAddr,
    wire: Wire,
    index: usize,
    ready: &Barrier,
    start: &OnceLock<Instant>,
    options: &Options,
) -> ThreadResult {
    let mut conn = Connection::open(addr);
    let session = match wire {
        Wire::Modern => None,
        Wire::Legacy => Some(conn.open_session()),
    };
    let call = EchoCall::new(wire, session.as_deref());
    // Ids unique across threads, though only the legacy sessions require
    // uniqueness (per session).
    let mut id = (index as u64) << 32;

    ready.wait();
    // The first thread past the barrier sets the start for all of them.
    let measure_from = *start.get_or_init(Instant::now) + options.warmup;
    let stop_at = measure_from + options.duration;
    let mut latencies_ns = Vec::new();
    let mut all_calls = 0;
    let mut last_done = measure_from;
    // Bounded: no call starts after `stop_at`, and each call is bounded by IO_TIMEOUT.
    loop {
        let sent = Instant::now();
        if sent >= stop_at {
            break;
        }
        id += 1;
        conn.echo(&call, id);
        let done = Instant::now();
        all_calls += 1;
        if sent >= measure_from {
            latencies_ns.push(u64::try_from((done - sent).as_nanos()).unwrap_or(u64::MAX));
            last_done = done;
        }
    }

    if let Some(session) = &session {
        conn.end_session(session);
    }
    ThreadResult { latencies_ns, all_calls, last_done }
}

/// CPU time (user + system) process `pid` has used so far, in seconds, from
/// `/proc/<pid>/stat` (in clock ticks, 100 per second on Linux).
fn server_cpu_seconds(pid: u32) -> Option<f64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces; the fields after it don't.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after field 2.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

// ---------------------------------------------------------------------------
// A minimal keep-alive HTTP/1.1 client

/// One keep-alive connection to the server.
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    /// `Host` header value: `127.0.0.1:PORT`, which the server's DNS-rebinding
    /// check accepts.
    host: String,
    /// Reused buffers: the request being written, the header line being read.
    request: Vec<u8>,
    line: String,
    /// Reused buffer for the body of an echo request.
    body: Vec<u8>,
}

/// A response: only what the bench looks at.
struct Response {
    status: u16,
    content_type: Option<String>,
    session_id: Option<String>,
    body: Vec<u8>,
}

impl Connection {
    fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
            .unwrap_or_else(|e| fail(format!("cannot connect to {addr}: {e}")));
        // Each request goes out in one write; don't let Nagle hold it back.
        let configured = stream
            .set_nodelay(true)
            .and_then(|()| stream.set_read_timeout(Some(IO_TIMEOUT)))
            .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)));
        let writer = configured
            .and_then(|()| stream.try_clone())
            .unwrap_or_else(|e| fail(format!("setting up a connection to {addr}: {e}")));
        Connection {
            reader: BufReader::with_capacity(16 * 1024, stream),
            writer,
            host: addr.to_string(),
            request: Vec::with_capacity(1024),
            line: String::new(),
            body: Vec::with_capacity(512),
        }
    }

    /// Sends one request and reads its response. `headers` are extra header
    /// lines, each ending in CRLF. A POST carries a JSON `body`.
    fn send(&mut self, method: &str, headers: &str, body: &[u8]) -> Response {
        let request = &mut self.request;
        request.clear();
        // Writing to a Vec cannot fail.
        let _ = write!(request, "{method} {ENDPOINT} HTTP/1.1\r\nhost: {}\r\n{headers}", self.host);
        if method == "POST" {
            let _ = write!(
                request,
                "content-type: application/json\r\naccept: application/json, text/event-stream\r\n\
                 content-length: {}\r\n",
                body.len()
            );
        }
        request.extend_from_slice(b"\r\n");
        request.extend_from_slice(body);
        if let Err(e) = self.writer.write_all(request) {
            fail(format!("sending a request: {e}"));
        }
        self.read_response()
    }

    /// Reads a status line, headers, and a `content-length` body.
    fn read_response(&mut self) -> Response {
        let status_line = self.read_line("the status line");
        let status = status_line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| fail(format!("not an HTTP/1.1 status line: {}", preview(&status_line))));

        let mut response = Response { status, content_type: None, session_id: None, body: Vec::new() };
        let mut content_length = None;
        for count in 0.. {
            let line = self.read_line("a header");
            if line.is_empty() {
                break;
            }
            if count == MAX_HEADERS {
                fail(format!("more than {MAX_HEADERS} response headers"));
            }
            let Some((name, value)) = line.split_once(':') else {
                fail(format!("not a header line: {}", preview(&line)));
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => {
                    let length = value.parse().ok().filter(|&n: &usize| n <= MAX_BODY);
                    content_length = Some(length.unwrap_or_else(|| fail(format!("bad content-length: {value}"))));
                }
                "content-type" => response.content_type = Some(value.to_owned()),
                "mcp-session-id" => response.session_id = Some(value.to_owned()),
                "transfer-encoding" => {
                    fail(format!("response with transfer-encoding: {value} (this client expects content-length)"))
                }
                // The bench measures keep-alive connections; a server closing
                // them would silently turn it into a connection benchmark.
                "connection" if value.eq_ignore_ascii_case("close") => {
                    fail("the server asked to close the connection (connection: close)")
                }
                _ => {}
            }
        }
        let length = content_length.unwrap_or_else(|| fail(format!("HTTP {status} response without content-length")));
        response.body.resize(length, 0);
        if let Err(e) = self.reader.read_exact(&mut response.body) {
            fail(format!("reading a {length}-byte response body: {e}"));
        }
        response
    }

    /// One CRLF-terminated line, without the CRLF.
    fn read_line(&mut self, what: &str) -> String {
        self.line.clear();
        // `take` bounds the line even if the server never sends a newline.
        let read = (&mut self.reader).take(MAX_LINE as u64 + 2).read_line(&mut self.line);
        match read {
            Ok(0) => fail(format!("the server closed the connection while {what} was expected")),
            Ok(_) if !self.line.ends_with('\n') => fail(format!("{what} is longer than {MAX_LINE} bytes")),
            Ok(_) => self.line.trim_end_matches(['\r', '\n']).to_owned(),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                fail(format!("no response within {} s (is the server hung?)", IO_TIMEOUT.as_secs()))
            }
            Err(e) => fail(format!("reading {what}: {e}")),
        }
    }

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

    /// One echo call; aborts the run unless the answer is a 200 JSON response
    /// with the request's id and the text echoed exactly. Returns the reply.
    fn echo(&mut self, call: &EchoCall, id: u64) -> Value {
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        body.extend_from_slice(call.body_prefix.as_bytes());
        let _ = write!(body, "{id}");
        body.extend_from_slice(call.body_suffix.as_bytes());
        let response = self.send("POST", &call.headers, &body);
        self.body = body;

        let reply = json_reply("tools/call echo", &response);
        if reply.get("id").and_then(Value::as_u64) != Some(id) {
            fail(format!("sent request {id}, got: {}", preview(&reply.to_string())));
        }
        if let Some(error) = reply.get("error") {
            fail(format!("request {id} failed: {}", preview(&error.to_string())));
        }
        let result = &reply["result"];
        if result["isError"] == Value::Bool(true) {
            fail(format!("request {id}: tool error: {}", preview(&result.to_string())));
        }
        match result.pointer("/content/0/text").and_then(Value::as_str) {
            Some(TEXT) => {}
            Some(other) => fail(format!("request {id}: sent {TEXT:?}, got {:?} back", preview(other))),
            None => fail(format!("request {id}: no result.content[0].text: {}", preview(&reply.to_string()))),
        }
        reply
    }
}

/// Parses a response that must be `200` with a JSON body.
fn json_reply(what: &str, response: &Response) -> Value {
    if response.status != 200 {
        fail(format!("{what}: HTTP {}: {}", response.status, preview_bytes(&response.body)));
    }
    let content_type = response.content_type.as_deref().unwrap_or("");
    if !content_type.starts_with("application/json") {
        // An SSE answer (`text/event-stream`) is legal MCP, but the server has
        // nothing to stream for `echo`, and this client does not parse SSE.
        fail(format!("{what}: expected an application/json response, got content-type {content_type:?}"));
    }
    serde_json::from_slice(&response.body)
        .unwrap_or_else(|e| fail(format!("{what}: response body is not JSON ({e}): {}", preview_bytes(&response.body))))
}

/// The header lines that put a request in a legacy session.
fn session_headers(session: &str) -> String {
    format!("mcp-session-id: {session}\r\nmcp-protocol-version: {LEGACY_VERSION}\r\n")
}

/// The `tools/call echo` request of one wire, prepared once so that a call
/// costs the client little more than writing its id.
struct EchoCall {
    /// Extra header lines, each ending in CRLF.
    headers: String,
    /// The JSON body is `body_prefix`, the id, `body_suffix`.
    body_prefix: &'static str,
    body_suffix: String,
}

impl EchoCall {
    fn new(wire: Wire, session: Option<&str>) -> Self {
        let (headers, meta) = match (wire, session) {
            (Wire::Modern, _) => (
                // The 2026 metadata headers must match the body (transport §4).
                format!("mcp-protocol-version: {MODERN_VERSION}\r\nmcp-method: tools/call\r\nmcp-name: echo\r\n"),
                format!(
                    r#","_meta":{{"io.modelcontextprotocol/protocolVersion":"{MODERN_VERSION}","io.modelcontextprotocol/clientCapabilities":{{}}}}"#
                ),
            ),
            (Wire::Legacy, Some(session)) => (session_headers(session), String::new()),
            (Wire::Legacy, None) => unreachable!("a legacy call needs a session"),
        };
        EchoCall {
            headers,
            body_prefix: r#"{"jsonrpc":"2.0","id":"#,
            body_suffix: format!(
                r#","method":"tools/call","params":{{"name":"echo","arguments":{{"text":"{TEXT}"}}{meta}}}}}"#
            ),
        }
    }
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
    for f in &report.configs {
        println!(
            "{:<18}{:>6}{:>12.0}{:>12.1}{:>12.1}{:>22}",
            f.wire.label(),
            f.connections,
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
        .map(|f| {
            json!({
                "wire": f.wire.key(),
                "connections": f.connections,
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

// ---------------------------------------------------------------------------
// Small helpers

/// [`preview`] of a body that should be UTF-8.
fn preview_bytes(bytes: &[u8]) -> String {
    preview(&String::from_utf8_lossy(bytes))
}

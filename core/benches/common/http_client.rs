//! The HTTP side of the bench programs: starting a server with `--http HOST:PORT` on a free
//! loopback port, a minimal keep-alive HTTP/1.1 client of its `/mcp` endpoint written on
//! `std::net::TcpStream`, and the closed loop of `tools/call echo` calls that yields calls/s,
//! latency percentiles and the server's CPU time per call.
//!
//! Every response is checked (status 200, a JSON body, the request's id, the echoed text)
//! and anything else aborts the run through [`fail`]. Included by the benches that drive a
//! server over HTTP, next to `common`.

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Barrier, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{self, fail, note, percentile, preview};

/// The modern (stateless) protocol version.
pub const MODERN_VERSION: &str = "2026-07-28";
/// The MCP endpoint of the server under test.
pub const ENDPOINT: &str = "/mcp";
/// The text every call echoes.
pub const TEXT: &str = "hello";
/// How long the server may take to start accepting connections.
const STARTUP_LIMIT: Duration = Duration::from_secs(10);
/// Limit for any single connect, write or read: a call that takes longer is
/// treated as a hung server.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response header line and body the client accepts.
const MAX_LINE: usize = 8 * 1024;
const MAX_HEADERS: usize = 64;
const MAX_BODY: usize = 1024 * 1024;

// ---------------------------------------------------------------------------
// The server under test

/// Starts `path --http 127.0.0.1:PORT` followed by `args` on a free port, makes it
/// the server under test ([`common::set_server`]) and waits until it accepts
/// connections. Returns its address and process id.
pub fn start_server(path: &Path, args: &[String]) -> (SocketAddr, u32) {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
    note(format_args!("starting {} --http {addr}", path.display()));
    let child = Command::new(path)
        .arg("--http")
        .arg(addr.to_string())
        .args(args)
        .stdin(Stdio::null())
        // Anything the server prints goes to our stderr, where it can say why
        // it failed, and stays out of the table on our stdout.
        .stdout(io::stderr())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| fail(format!("cannot start {}: {e}", path.display())));
    let pid = child.id();
    common::set_server(child);
    wait_until_accepting(addr);
    (addr, pid)
}

/// Kills the server under test: an HTTP server has no EOF to exit on.
pub fn stop_server() {
    let mut child = common::take_server();
    let _ = child.kill();
    let _ = child.wait();
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
pub fn check_server_running() {
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
/// measurement: the endpoint works (with `headers`, extra header lines), and
/// its answer names the server.
pub fn probe(addr: SocketAddr, headers: &str) -> String {
    let mut conn = Connection::open(addr);
    let call = EchoCall::modern(headers);
    let reply = conn.echo(&call, 1);
    let info = &reply["result"]["_meta"]["io.modelcontextprotocol/serverInfo"];
    let name = info["name"].as_str().unwrap_or("?");
    let version = info["version"].as_str().unwrap_or("?");
    format!("{name} {version}")
}

// ---------------------------------------------------------------------------
// The closed loop

/// How a client thread uses its connection: what it sets up first, the call it
/// then repeats, and what it ends with.
pub trait Session: Sync {
    /// What [`Session::close`] needs from [`Session::open`].
    type State;
    /// Prepares a fresh connection (a handshake, say); returns the call to repeat.
    fn open(&self, conn: &mut Connection) -> (EchoCall, Self::State);
    /// Ends what [`Session::open`] began, after the last call.
    fn close(&self, conn: &mut Connection, state: Self::State);
}

/// How long a closed loop runs.
#[derive(Clone, Copy)]
pub struct Timing {
    /// Uncounted calls first: connections, the server's buffers and the CPU
    /// frequency all settle.
    pub warmup: Duration,
    /// Measured time after the warm-up.
    pub duration: Duration,
}

/// The figures of one closed loop.
pub struct Figures {
    /// Calls counted (started after the warm-up).
    pub calls: usize,
    pub calls_per_s: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    /// Server CPU time (user + system) per call in microseconds; `None` where
    /// `/proc/<pid>/stat` is not available.
    pub server_cpu_us: Option<f64>,
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

/// Runs `connections` client threads against the server at `addr` (process
/// `pid`), each calling `echo` as `session` says in a closed loop (send, wait
/// for the answer, send the next) for the warm-up and then the measured time.
/// `label` names the configuration in messages.
pub fn closed_loop<S: Session>(
    addr: SocketAddr,
    pid: u32,
    label: &str,
    session: &S,
    connections: usize,
    timing: Timing,
) -> Figures {
    let cpu_before = server_cpu_seconds(pid);
    // Every thread connects (and opens its session) first; the clock starts
    // once all of them are ready.
    let ready = Barrier::new(connections);
    let start = OnceLock::new();
    let results: Vec<ThreadResult> = thread::scope(|scope| {
        let threads: Vec<_> = (0..connections)
            .map(|index| {
                let (ready, start) = (&ready, &start);
                scope.spawn(move || client_thread(addr, session, index, ready, start, timing))
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
    let measure_from = *start.get().expect("set by the client threads") + timing.warmup;

    let calls = results.iter().map(|r| r.latencies_ns.len()).sum::<usize>();
    if calls == 0 {
        fail(format!("{label} x {connections}: no call completed after the warm-up"));
    }
    // Closed loops: each thread stops at the first call it would start after
    // the deadline, so the window ends with the last answer counted.
    let last_done = results.iter().map(|r| r.last_done).max().expect("at least one thread");
    let elapsed = last_done.saturating_duration_since(measure_from);
    let mut latencies: Vec<u64> = results.into_iter().flat_map(|r| r.latencies_ns).collect();
    latencies.sort_unstable();

    let figures = Figures {
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

/// One client: its own connection (and session), echo calls until the
/// deadline, then the session is ended and the connection closed.
fn client_thread<S: Session>(
    addr: SocketAddr,
    session: &S,
    index: usize,
    ready: &Barrier,
    start: &OnceLock<Instant>,
    timing: Timing,
) -> ThreadResult {
    let mut conn = Connection::open(addr);
    let (call, state) = session.open(&mut conn);
    // Ids unique across threads, though only sessions require uniqueness (per
    // session).
    let mut id = (index as u64) << 32;

    ready.wait();
    // The first thread past the barrier sets the start for all of them.
    let measure_from = *start.get_or_init(Instant::now) + timing.warmup;
    let stop_at = measure_from + timing.duration;
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

    session.close(&mut conn, state);
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
pub struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    /// `Host` header value: `127.0.0.1:PORT`, which the server's DNS-rebinding
    /// check accepts.
    host: String,
    /// Reused buffers: the request being written, the header line being read.
    request: Vec<u8>,
    line: String,
    /// Reused buffer for the body of an echo request.
    pub body: Vec<u8>,
}

/// A response: only what the bench looks at.
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub session_id: Option<String>,
    pub body: Vec<u8>,
}

impl Connection {
    /// Connects to the server at `addr`.
    pub fn open(addr: SocketAddr) -> Self {
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
    pub fn send(&mut self, method: &str, headers: &str, body: &[u8]) -> Response {
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

    /// Sends `call` with request id `id` and returns the response, unchecked.
    pub fn post(&mut self, call: &EchoCall, id: u64) -> Response {
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        body.extend_from_slice(call.body_prefix.as_bytes());
        let _ = write!(body, "{id}");
        body.extend_from_slice(call.body_suffix.as_bytes());
        let response = self.send("POST", &call.headers, &body);
        self.body = body;
        response
    }

    /// One echo call; aborts the run unless the answer is a 200 JSON response
    /// with the request's id and the text echoed exactly. Returns the reply.
    pub fn echo(&mut self, call: &EchoCall, id: u64) -> Value {
        let response = self.post(call, id);
        if call.stateless && response.session_id.is_some() {
            fail(format!("request {id}: a 2026 stateless call was answered with an mcp-session-id"));
        }
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
pub fn json_reply(what: &str, response: &Response) -> Value {
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

/// The `tools/call echo` request a connection repeats, prepared once so that a
/// call costs the client little more than writing its id.
pub struct EchoCall {
    /// Extra header lines, each ending in CRLF.
    headers: String,
    /// The JSON body is `body_prefix`, the id, `body_suffix`.
    body_prefix: &'static str,
    body_suffix: String,
    /// A 2026 stateless call, whose answers must not open a session.
    stateless: bool,
}

impl EchoCall {
    /// A call with extra header lines `headers` (each ending in CRLF) and
    /// `meta`, the text of a `_meta` member (with its leading comma) or empty.
    pub fn new(headers: String, meta: &str) -> Self {
        EchoCall {
            headers,
            body_prefix: r#"{"jsonrpc":"2.0","id":"#,
            body_suffix: format!(
                r#","method":"tools/call","params":{{"name":"echo","arguments":{{"text":"{TEXT}"}}{meta}}}}}"#
            ),
            stateless: false,
        }
    }

    /// A 2026-07-28 stateless call: the metadata headers, which must match the
    /// body (transport §4), and the `_meta` fields; `extra` header lines after
    /// them (each ending in CRLF).
    pub fn modern(extra: &str) -> Self {
        let headers =
            format!("mcp-protocol-version: {MODERN_VERSION}\r\nmcp-method: tools/call\r\nmcp-name: echo\r\n{extra}");
        let meta = format!(
            r#","_meta":{{"io.modelcontextprotocol/protocolVersion":"{MODERN_VERSION}","io.modelcontextprotocol/clientCapabilities":{{}}}}"#
        );
        EchoCall { stateless: true, ..EchoCall::new(headers, &meta) }
    }
}

/// [`preview`] of a body that should be UTF-8.
pub fn preview_bytes(bytes: &[u8]) -> String {
    preview(&String::from_utf8_lossy(bytes))
}

/// The shared options (see [`common::parse_args`]) and `--duration S` (seconds, more than 0
/// and at most a day, so that the arithmetic on durations cannot overflow): the options,
/// and the duration if one was given.
pub fn parse_args_with_duration() -> (common::Args, Option<Duration>) {
    let mut duration = None;
    let args = common::parse_args(|arg, rest| {
        if arg != "--duration" {
            return false;
        }
        match rest.next().and_then(|s| s.parse().ok()).filter(|&s: &f64| s > 0.0 && s <= 86_400.0) {
            Some(s) => duration = Some(Duration::from_secs_f64(s)),
            None => common::usage_error("--duration needs a positive number of seconds"),
        }
        true
    });
    (args, duration)
}

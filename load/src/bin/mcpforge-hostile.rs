//! `mcpforge-hostile`: clients that try to make an MCP server's memory grow, run against a
//! real server process while its resident memory is sampled. It prints the RSS curve and
//! fails (exit 1) when the server's RSS goes over the limit or it stops serving.
//!
//! - `flood`: writes malformed JSON-RPC lines to the server's stdin as fast as it can and
//!   never reads its stdout. A server with bounded queues stops reading (the writes block)
//!   instead of queueing an error answer per line. Afterwards the client starts reading and
//!   checks the server still answers a `ping`.
//! - `sessions`: opens many legacy Streamable HTTP sessions that never open a stream, then
//!   makes the server's tool list change many times (a tool that adds or removes another
//!   tool, `toggle_bonus_tool` in the `everything` example): every change is fanned out to
//!   every idle session.
//! - `slowloris`: starts the server with a small open-file limit (512), opens many more
//!   half-open HTTP connections than that (a request head that never ends), then times
//!   ordinary `initialize` requests: a server with a connection limit that closes idle
//!   connections to make room serves them at once.
//! - `sigterm`: sends N calls of a slow tool (`slow_compute`, as the conformance fixtures of
//!   every language have it) over stdio, or over HTTP with `--http`, then SIGTERM while they
//!   run: every call must be answered (a result, or an error once the grace period ends) and
//!   the process must exit with status 0 within the grace period and a margin.
//!
//! Only std: the program is small and a blocking client is the simplest hostile one.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: mcpforge-hostile flood [--lines N] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile sessions [--sessions N] [--changes N] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile slowloris [--connections N] [--limit-ms T] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile sigterm [--calls N] [--seconds S] [--http] [--limit-ms T] -- SERVER [ARGS...]

flood     writes N malformed lines (default 3000000) to the server's stdin, never reading
sessions  opens N idle legacy HTTP sessions (default 2000), then calls the server's
          `toggle_bonus_tool` N times (--changes, default 300); the server is started with
          `--http 127.0.0.1:PORT` appended
slowloris starts the server (`--http 127.0.0.1:PORT` appended) with an open-file limit of
          512, opens N half-open connections (default 600), then sends 20 `initialize`
          requests, each of which must be answered within T ms (default 100)
sigterm   sends N calls (default 64) of `slow_compute` {\"seconds\": S} (default 1) over stdio (or
          HTTP, `--http 127.0.0.1:PORT` appended), then SIGTERM: every call must be answered
          and the server must exit 0 within T ms of the signal (default 7000)
All print the server's RSS over time and fail when it exceeds M MiB (default 64; 512 for sigterm).";

/// The server's open-file limit in `slowloris`.
const SLOWLORIS_FILES: u32 = 512;
/// Ordinary requests timed in `slowloris`.
const SLOWLORIS_PROBES: u32 = 20;

/// How often the server's RSS is sampled.
const SAMPLE: Duration = Duration::from_millis(250);
/// Writes that make no progress for this long mean the server stopped reading.
const STALL: Duration = Duration::from_secs(2);
/// The longest any scenario step may take.
const DEADLINE: Duration = Duration::from_secs(120);

struct Options {
    scenario: String,
    count: u64,
    changes: u64,
    limit_mb: f64,
    limit_ms: f64,
    /// `sigterm`: how long each call works.
    seconds: f64,
    /// `sigterm`: over HTTP instead of stdio.
    http: bool,
    server: Vec<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let scenario = args.first().cloned().ok_or("no scenario")?;
    let (count, changes) = match scenario.as_str() {
        "flood" => (3_000_000, 0),
        "sessions" => (2_000, 300),
        "slowloris" => (600, 0),
        "sigterm" => (64, 0),
        other => return Err(format!("unknown scenario `{other}`")),
    };
    // `sigterm` is about answers and exit time, not memory (a Node server alone is ~60 MiB).
    let (limit_ms, limit_mb) = if scenario == "sigterm" { (7000.0, 512.0) } else { (100.0, 64.0) };
    let mut o = Options { scenario, count, changes, limit_mb, limit_ms, seconds: 1.0, http: false, server: Vec::new() };
    let mut rest = args[1..].iter();
    while let Some(a) = rest.next() {
        let mut value = || rest.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--http" => o.http = true,
            "--seconds" => o.seconds = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--lines" | "--sessions" | "--connections" | "--calls" => {
                o.count = value()?.parse().map_err(|e| format!("{a}: {e}"))?
            }
            "--changes" => o.changes = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--limit-mb" => o.limit_mb = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--limit-ms" => o.limit_ms = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--" => {
                o.server = rest.cloned().collect();
                break;
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if o.server.is_empty() {
        return Err("no server command after `--`".into());
    }
    Ok(o)
}

/// The resident set size of a process, MiB (`VmRSS` in `/proc/PID/status`).
fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The RSS samples of one run.
struct Curve {
    pid: u32,
    start: Instant,
    peak: f64,
}

impl Curve {
    fn new(pid: u32) -> Curve {
        Curve { pid, start: Instant::now(), peak: 0.0 }
    }

    /// Samples the RSS and prints one point of the curve.
    fn point(&mut self, what: &str) -> f64 {
        let rss = rss_mb(self.pid);
        self.peak = self.peak.max(rss);
        println!("  t={:>6.2}s  rss={rss:>7.1} MiB  {what}", self.start.elapsed().as_secs_f64());
        rss
    }
}

/// Stops the server (and reaps it) when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(command: &[String], extra: &[String], stdio: bool) -> std::io::Result<Server> {
    spawn_limited(command, extra, stdio, None)
}

/// Starts the server, under an open-file limit when `files` is given (through the shell's
/// `ulimit`, which then `exec`s the server, so the pid is the server's).
fn spawn_limited(command: &[String], extra: &[String], stdio: bool, files: Option<u32>) -> std::io::Result<Server> {
    let mut c = match files {
        Some(n) => {
            let mut c = Command::new("sh");
            c.args(["-c", "ulimit -n \"$0\" && exec \"$@\"", &n.to_string()]).args(command);
            c
        }
        None => {
            let mut c = Command::new(&command[0]);
            c.args(&command[1..]);
            c
        }
    };
    c.args(extra).stderr(Stdio::null());
    if stdio {
        c.stdin(Stdio::piped()).stdout(Stdio::piped());
    } else {
        c.stdin(Stdio::null()).stdout(Stdio::null());
    }
    c.spawn().map(Server)
}

/// `flood`: malformed lines in, nothing read out.
fn flood(o: &Options) -> Result<f64, String> {
    let mut server = spawn(&o.server, &[], true).map_err(|e| format!("cannot start the server: {e}"))?;
    let pid = server.0.id();
    let mut stdin = server.0.stdin.take().ok_or("no stdin")?;
    let stdout = server.0.stdout.take().ok_or("no stdout")?;
    let mut curve = Curve::new(pid);
    curve.point("started");
    let written = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let lines = o.count;
    let writer = {
        let (written, stop) = (written.clone(), stop.clone());
        thread::spawn(move || -> ChildStdin {
            const LINE: &[u8] = b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n";
            let chunk: Vec<u8> = LINE.iter().copied().cycle().take(LINE.len() * 1024).collect();
            while written.load(Ordering::Relaxed) < lines && !stop.load(Ordering::Relaxed) {
                if stdin.write_all(&chunk).is_err() {
                    break;
                }
                written.fetch_add(1024, Ordering::Relaxed);
            }
            stdin
        })
    };
    let begun = Instant::now();
    let (mut last, mut progressed) = (0, Instant::now());
    loop {
        thread::sleep(SAMPLE);
        let now = written.load(Ordering::Relaxed);
        curve.point(&format!("{now} lines written"));
        if now != last {
            (last, progressed) = (now, Instant::now());
        }
        if writer.is_finished() || progressed.elapsed() >= STALL || begun.elapsed() >= DEADLINE {
            break;
        }
    }
    let stalled = !writer.is_finished();
    println!(
        "  {} after {last} lines",
        if stalled { "the server stopped reading (backpressure)" } else { "every line was written" }
    );
    // Read from now on, and check the server still answers.
    stop.store(true, Ordering::Relaxed);
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.contains("\"id\":\"alive\"") {
                let _ = seen_tx.send(());
            }
        }
    });
    let mut stdin = writer.join().map_err(|_| "the writer panicked")?;
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":\"alive\",\"method\":\"ping\"}\n")
        .map_err(|e| format!("the server closed its input: {e}"))?;
    seen_rx.recv_timeout(DEADLINE).map_err(|_| "the server did not answer a ping after the flood")?;
    curve.point("answered a ping after the flood");
    Ok(curve.peak)
}

/// A free loopback port.
fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// One HTTP/1.1 POST to `/mcp` (connection closed after it): the status, the session id
/// header, and the body.
fn post(addr: SocketAddr, body: &str, session: Option<&str>) -> std::io::Result<(u16, Option<String>, String)> {
    let mut tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(s) = session {
        head.push_str(&format!("Mcp-Session-Id: {s}\r\nMCP-Protocol-Version: 2025-06-18\r\n"));
    }
    head.push_str("\r\n");
    tcp.write_all(head.as_bytes())?;
    tcp.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let session = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("mcp-session-id").then(|| value.trim().to_owned())
    });
    Ok((status, session, body.to_owned()))
}

/// `sessions`: idle legacy sessions under list-change fan-out.
fn sessions(o: &Options) -> Result<f64, String> {
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let server = spawn(&o.server, &["--http".into(), addr.to_string()], false)
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let begun = Instant::now();
    while TcpStream::connect(addr).is_err() {
        if begun.elapsed() > Duration::from_secs(30) {
            return Err("the server did not listen within 30 s".into());
        }
        thread::sleep(Duration::from_millis(50));
    }
    let mut curve = Curve::new(server.0.id());
    curve.point("listening");
    let init = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hostile","version":"1"}}}"#;
    let initialized = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
    let mut ids = Vec::with_capacity(o.count as usize);
    for i in 0..o.count {
        let (status, id, body) = post(addr, init, None).map_err(|e| format!("initialize: {e}"))?;
        let id = id.ok_or_else(|| format!("initialize answered {status} without a session: {body}"))?;
        post(addr, initialized, Some(&id)).map_err(|e| format!("initialized: {e}"))?;
        ids.push(id);
        if (i + 1) % 500 == 0 {
            curve.point(&format!("{} idle sessions", i + 1));
        }
    }
    curve.point(&format!("{} idle sessions open", ids.len()));
    let caller = ids.first().ok_or("no session")?;
    for i in 0..o.changes {
        let call = format!(
            r#"{{"jsonrpc":"2.0","id":{i},"method":"tools/call","params":{{"name":"toggle_bonus_tool","arguments":{{}}}}}}"#
        );
        let (status, _, body) = post(addr, &call, Some(caller)).map_err(|e| format!("tools/call: {e}"))?;
        if status != 200 || !body.contains("\"result\"") {
            return Err(format!("toggle_bonus_tool answered {status}: {body}"));
        }
        if (i + 1) % 50 == 0 {
            curve.point(&format!("{} list changes fanned out", i + 1));
        }
    }
    let (status, _, body) = post(addr, r#"{"jsonrpc":"2.0","id":"alive","method":"ping"}"#, Some(caller))
        .map_err(|e| format!("ping: {e}"))?;
    if status != 200 || !body.contains("alive") {
        return Err(format!("ping after the fan-out answered {status}: {body}"));
    }
    curve.point("answered a ping after the fan-out");
    Ok(curve.peak)
}

/// `slowloris`: half-open connections past the server's open-file limit, then ordinary
/// clients, each timed.
fn slowloris(o: &Options) -> Result<f64, String> {
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let server = spawn_limited(&o.server, &["--http".into(), addr.to_string()], false, Some(SLOWLORIS_FILES))
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let begun = Instant::now();
    while TcpStream::connect(addr).is_err() {
        if begun.elapsed() > Duration::from_secs(30) {
            return Err("the server did not listen within 30 s".into());
        }
        thread::sleep(Duration::from_millis(50));
    }
    let mut curve = Curve::new(server.0.id());
    curve.point(&format!("listening, open-file limit {SLOWLORIS_FILES}"));
    let mut held = Vec::with_capacity(o.count as usize);
    for _ in 0..o.count {
        // A connection the server accepts but whose request head never ends. The kernel's
        // backlog takes what the server does not accept, so the connect never fails.
        let Ok(mut tcp) = TcpStream::connect_timeout(&addr, Duration::from_secs(5)) else { continue };
        let _ = tcp.write_all(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        held.push(tcp);
    }
    thread::sleep(Duration::from_millis(500));
    curve.point(&format!("{} half-open connections", held.len()));
    let init = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hostile","version":"1"}}}"#;
    let mut worst = 0.0_f64;
    for i in 0..SLOWLORIS_PROBES {
        let started = Instant::now();
        let (status, _, body) = post(addr, init, None).map_err(|e| format!("initialize {i}: {e}"))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if status != 200 || !body.contains("\"protocolVersion\"") {
            return Err(format!("initialize {i} answered {status}: {body}"));
        }
        worst = worst.max(ms);
        println!("  initialize {i:>2}: {ms:>7.2} ms");
    }
    curve.point(&format!("{SLOWLORIS_PROBES} clients served, the slowest in {worst:.2} ms"));
    drop(held);
    if worst > o.limit_ms {
        return Err(format!("the slowest client waited {worst:.2} ms (limit {} ms)", o.limit_ms));
    }
    Ok(curve.peak)
}

/// What the calls of `sigterm` got.
#[derive(Default)]
struct Answers {
    results: u64,
    errors: u64,
}

/// The answers of `sigterm`, counted already (HTTP) or by a thread reading stdout.
enum Reading {
    Done(Answers),
    Thread(thread::JoinHandle<Answers>),
}

/// The `slow_compute` call with JSON-RPC id `id` (legacy wire).
fn slow_call(id: u64, seconds: f64) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"slow_compute","arguments":{{"seconds":{seconds}}}}}}}"#
    )
}

/// Counts a JSON-RPC answer line (a result or an error for one of our ids).
fn count_answer(line: &str, answers: &mut Answers) {
    if !line.contains("\"id\":") {
        return;
    }
    if line.contains("\"result\":") {
        answers.results += 1;
    } else if line.contains("\"error\":") {
        answers.errors += 1;
    }
}

/// `sigterm`: slow calls in flight, then SIGTERM.
fn sigterm(o: &Options) -> Result<f64, String> {
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let extra: Vec<String> = if o.http { vec!["--http".into(), addr.to_string()] } else { Vec::new() };
    let mut server = spawn(&o.server, &extra, !o.http).map_err(|e| format!("cannot start the server: {e}"))?;
    let pid = server.0.id();
    let mut curve = Curve::new(pid);
    let init = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hostile","version":"1"}}}"#;
    let initialized = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
    let (reading, signalled) = if o.http {
        let begun = Instant::now();
        while TcpStream::connect(addr).is_err() {
            if begun.elapsed() > Duration::from_secs(30) {
                return Err("the server did not listen within 30 s".into());
            }
            thread::sleep(Duration::from_millis(50));
        }
        let (status, session, body) = post(addr, init, None).map_err(|e| format!("initialize: {e}"))?;
        let session = session.ok_or_else(|| format!("initialize answered {status} without a session: {body}"))?;
        post(addr, initialized, Some(&session)).map_err(|e| format!("initialized: {e}"))?;
        let calls: Vec<_> = (1..=o.count)
            .map(|id| {
                let (session, call) = (session.clone(), slow_call(id, o.seconds));
                thread::spawn(move || post(addr, &call, Some(&session)))
            })
            .collect();
        thread::sleep(Duration::from_millis(500));
        curve.point(&format!("{} calls in flight", o.count));
        let signalled = Instant::now();
        // SAFETY: kill(2) with a pid we started and have not reaped; no memory is touched.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        let mut answers = Answers::default();
        for call in calls {
            match call.join() {
                Ok(Ok((200, _, body))) => body.lines().for_each(|l| count_answer(l, &mut answers)),
                Ok(Ok((status, _, _))) if status >= 500 => answers.errors += 1,
                _ => {}
            }
        }
        (Reading::Done(answers), signalled)
    } else {
        let mut stdin = server.0.stdin.take().ok_or("no stdin")?;
        let stdout = server.0.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        writeln!(stdin, "{init}").map_err(|e| e.to_string())?;
        lines.next().ok_or("no answer to initialize")?.map_err(|e| e.to_string())?;
        writeln!(stdin, "{initialized}").map_err(|e| e.to_string())?;
        for id in 1..=o.count {
            writeln!(stdin, "{}", slow_call(id, o.seconds)).map_err(|e| e.to_string())?;
        }
        stdin.flush().map_err(|e| e.to_string())?;
        thread::sleep(Duration::from_millis(500));
        curve.point(&format!("{} calls in flight", o.count));
        let signalled = Instant::now();
        // SAFETY: as above.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        // Read on a thread: the answers end with the server's output (EOF), which comes at
        // its exit, or when it is killed after the bound below.
        let reader = thread::spawn(move || {
            let mut answers = Answers::default();
            for line in lines {
                let Ok(line) = line else { break };
                count_answer(&line, &mut answers);
            }
            answers
        });
        drop(stdin);
        (Reading::Thread(reader), signalled)
    };
    let status = loop {
        if let Some(status) = server.0.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if signalled.elapsed() > Duration::from_secs(60) {
            return Err("the server was still running 60 s after SIGTERM".into());
        }
        thread::sleep(Duration::from_millis(10));
    };
    let exit_ms = signalled.elapsed().as_secs_f64() * 1000.0;
    let answers = match reading {
        Reading::Done(answers) => answers,
        Reading::Thread(reader) => reader.join().map_err(|_| "the reader panicked")?,
    };
    println!(
        "  {} calls: {} answered with a result, {} with an error, {} unanswered; exited {status} {exit_ms:.0} ms after SIGTERM",
        o.count,
        answers.results,
        answers.errors,
        o.count - answers.results - answers.errors
    );
    if answers.results + answers.errors != o.count {
        return Err("some calls were never answered".into());
    }
    if !status.success() {
        return Err(format!("the server did not exit cleanly: {status}"));
    }
    if exit_ms > o.limit_ms {
        return Err(format!("the server took {exit_ms:.0} ms to exit (limit {} ms)", o.limit_ms));
    }
    Ok(curve.peak)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("mcpforge-hostile: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    println!("mcpforge-hostile {}: {}", o.scenario, o.server.join(" "));
    let result = match o.scenario.as_str() {
        "flood" => flood(&o),
        "sessions" => sessions(&o),
        "sigterm" => sigterm(&o),
        _ => slowloris(&o),
    };
    match result {
        Ok(peak) if peak <= o.limit_mb => {
            println!("peak RSS {peak:.1} MiB (limit {} MiB): ok", o.limit_mb);
            ExitCode::SUCCESS
        }
        Ok(peak) => {
            println!("peak RSS {peak:.1} MiB is over the limit of {} MiB", o.limit_mb);
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("failed: {e}");
            ExitCode::FAILURE
        }
    }
}

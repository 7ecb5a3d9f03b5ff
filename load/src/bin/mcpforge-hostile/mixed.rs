//! `mixed`: a soak of mixed hostile traffic against one HTTP server, its resident memory and
//! open files sampled all along, which must stay flat after warm-up ([`flatness`]), while a
//! steady client must get every answer.
//!
//! For the whole run, at once, each at a bounded pace:
//! - idle WebSockets at `/mcp`, half of them after an `initialize`, kept up to a cap and
//!   replaced when the server closes them;
//! - tool calls naming unique random tools of 64 KiB, in a session, with now and then a call
//!   of the catalogue-hidden `secret` and of the failing `fail`;
//! - clients that never read: a call answered with 64 KiB, or a session's SSE stream, sent and
//!   held open unread, then dropped;
//! - a flood of `initialize`, whose sessions are never deleted;
//! - the steady client, calling `echo` in a session of its own ([`steady`]).
//!
//! The server is started with `--http 127.0.0.1:PORT` appended, under an open-file limit,
//! and with its OpenTelemetry export (the standard `OTEL_EXPORTER_OTLP_ENDPOINT`) pointed at
//! a collector that accepts and never answers ([`BlackHole`]). Every hostile request carries
//! `Authorization: Bearer hostile`, the steady client's `Bearer steady`: a server with bearer
//! authorization sees two subjects (bench/servers' hooks servers accept both), one without
//! ignores the header.

use std::collections::VecDeque;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use super::blackhole::BlackHole;
use super::curve::{open_files, rss_mb};
use super::flatness::{Measure, Plan};
use super::http;
use super::options::Options;
use super::steady::{Call, Steady};
use super::websocket::IdleSockets;

/// The protocol version of every session.
const VERSION: &str = "2025-06-18";
/// The most a series may grow after warm-up, percent (issue: "flat within 10%").
const FLAT_PCT: f64 = 10.0;
/// The bytes of each junk tool name.
const JUNK_NAME_BYTES: usize = 64 * 1024;
/// One junk call each this long (each read to the end before the next).
const JUNK_EVERY: Duration = Duration::from_millis(100);
/// Of every ten junk calls, these call the hidden tool and the failing one instead.
const JUNK_HIDDEN: u64 = 8;
const JUNK_FAILING: u64 = 9;
/// The idle WebSockets are looked after this often: at most this many opened each time.
const WS_EVERY: Duration = Duration::from_millis(100);
const WS_PER_TICK: usize = 10;
/// Every this many ticks, the sockets the server closed are noticed.
const WS_SWEEP_TICKS: u64 = 10;
/// One never-reading client each this long; at most this many held at once (the oldest
/// dropped first).
const HOLD_EVERY: Duration = Duration::from_millis(250);
const HOLD_CAP: usize = 16;
/// The text a never-reading client's call asks to be echoed.
const HOLD_ECHO_BYTES: usize = 64 * 1024;
/// The steady client's pause between calls.
const STEADY_PAUSE: Duration = Duration::from_millis(50);
/// The text the steady client asks to be echoed.
const STEADY_TEXT: &str = "steady answer";
/// File descriptors the soak itself needs besides the idle WebSockets.
const OWN_FILES: u64 = 256;

/// What the hostile clients have done so far.
#[derive(Default)]
struct Counts {
    ws_tried: AtomicU64,
    ws_closed: AtomicU64,
    ws_refused: AtomicU64,
    ws_open: AtomicU64,
    junk: AtomicU64,
    junk_refused: AtomicU64,
    held: AtomicU64,
    flooded: AtomicU64,
    flood_refused: AtomicU64,
}

/// What each hostile loop needs.
#[derive(Clone)]
struct Target {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
}

/// `name: Bearer token`.
fn bearer(token: &str) -> Vec<(String, String)> {
    vec![("Authorization".to_owned(), format!("Bearer {token}"))]
}

/// Runs `step` every `period` until `stop` (never catching up on missed ticks in a burst).
fn paced(stop: &AtomicBool, period: Duration, mut step: impl FnMut()) {
    let mut next = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        step();
        next += period;
        loop {
            let now = Instant::now();
            if stop.load(Ordering::Relaxed) || now >= next {
                next = next.max(now);
                break;
            }
            thread::sleep((next - now).min(Duration::from_millis(100)));
        }
    }
}

/// A hostile legacy session, opened again when the server has ended it or refused it.
struct HostileSession {
    addr: SocketAddr,
    open: bool,
    headers: Vec<(String, String)>,
}

impl HostileSession {
    fn open(addr: SocketAddr) -> HostileSession {
        let mut s = HostileSession { addr, open: false, headers: Vec::new() };
        s.reopen();
        s
    }

    /// A new session (or none, when the server refuses: requests then fail and are counted,
    /// and [`HostileSession::ensure`] tries again).
    fn reopen(&mut self) {
        let auth = bearer("hostile");
        let session = http::open_session_with(self.addr, VERSION, &auth);
        self.open = session.is_ok();
        self.headers = session.map(|id| http::session_headers(&id, VERSION)).unwrap_or_default();
        self.headers.extend(auth);
    }

    /// Opens a session when there is none.
    fn ensure(&mut self) {
        if !self.open {
            self.reopen();
        }
    }
}

/// A `tools/call` body.
fn tool_call(id: u64, tool: &str, arguments: &str) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"{tool}","arguments":{arguments}}}}}"#
    )
}

/// A name of `JUNK_NAME_BYTES` letters and digits no one has used (xorshift, seeded by the clock).
struct JunkNames(u64);

impl JunkNames {
    fn new() -> JunkNames {
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
        JunkNames(nanos | 1)
    }

    fn next(&mut self) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..JUNK_NAME_BYTES)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                ALPHABET[(self.0 % ALPHABET.len() as u64) as usize] as char
            })
            .collect()
    }
}

/// Calls unique junk tools (and now and then the hidden and the failing tool), reading each
/// answer.
fn junk(t: Target) {
    let mut session = HostileSession::open(t.addr);
    let mut names = JunkNames::new();
    let mut id = 0u64;
    paced(&t.stop, JUNK_EVERY, || {
        session.ensure();
        id += 1;
        let body = match id % 10 {
            JUNK_HIDDEN => tool_call(id, "secret", "{}"),
            JUNK_FAILING => tool_call(id, "fail", "{}"),
            _ => tool_call(id, &names.next(), "{}"),
        };
        t.counts.junk.fetch_add(1, Ordering::Relaxed);
        match http::post(t.addr, &body, &session.headers) {
            Ok((200, _, _)) => {}
            Ok((404, _, _)) => session.reopen(),
            _ => {
                t.counts.junk_refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
}

/// Sends requests whose answers are never read (a call answered with 64 KiB, or a fresh
/// session's SSE stream), holds them, and drops the oldest past the cap.
fn never_read(t: Target) {
    let mut session = HostileSession::open(t.addr);
    let echo = tool_call(0, "echo", &format!(r#"{{"text":"{}"}}"#, "x".repeat(HOLD_ECHO_BYTES)));
    let mut held: VecDeque<TcpStream> = VecDeque::with_capacity(HOLD_CAP + 1);
    let mut n = 0u64;
    paced(&t.stop, HOLD_EVERY, || {
        n += 1;
        let sent = if n % 2 == 0 {
            session.ensure();
            http::send(t.addr, &echo, &session.headers)
        } else {
            session.reopen();
            let mut headers = session.headers.clone();
            headers.push(("Accept".to_owned(), "text/event-stream".to_owned()));
            http::send_get(t.addr, "/mcp", &headers)
        };
        if let Ok(tcp) = sent {
            t.counts.held.fetch_add(1, Ordering::Relaxed);
            held.push_back(tcp);
            if held.len() > HOLD_CAP {
                held.pop_front();
            }
        }
    });
}

/// Every second, `per_second` `initialize` requests back to back; the sessions are never
/// deleted.
fn flood(t: Target, per_second: u64) {
    let init = http::initialize(VERSION);
    let auth = bearer("hostile");
    paced(&t.stop, Duration::from_secs(1), || {
        for _ in 0..per_second {
            if t.stop.load(Ordering::Relaxed) {
                return;
            }
            t.counts.flooded.fetch_add(1, Ordering::Relaxed);
            if !matches!(http::post(t.addr, &init, &auth), Ok((200, Some(_), _))) {
                t.counts.flood_refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
}

/// Keeps up to `cap` idle WebSockets open, replacing the ones the server closes.
fn websockets(t: Target, cap: usize) {
    let mut sockets = IdleSockets::new(t.addr, bearer("hostile"));
    let init = http::initialize(VERSION);
    let mut tick = 0u64;
    paced(&t.stop, WS_EVERY, || {
        tick += 1;
        if tick % WS_SWEEP_TICKS == 0 {
            t.counts.ws_closed.fetch_add(sockets.sweep().len() as u64, Ordering::Relaxed);
        }
        for _ in 0..WS_PER_TICK.min(cap - sockets.len().min(cap)) {
            let tried = t.counts.ws_tried.fetch_add(1, Ordering::Relaxed);
            if sockets.open_one((tried % 2 == 0).then_some(init.as_str())).is_err() {
                t.counts.ws_refused.fetch_add(1, Ordering::Relaxed);
            }
        }
        t.counts.ws_open.store(sockets.len() as u64, Ordering::Relaxed);
    });
}

/// The soak's own open-file limit (`Max open files` in `/proc/self/limits`).
fn own_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Bytes of `/metrics` (0 when the server does not serve it).
fn metrics_bytes(addr: SocketAddr) -> usize {
    match http::get(addr, "/metrics", &bearer("steady")) {
        Ok((200, body)) => body.len(),
        _ => 0,
    }
}

/// Runs the scenario; returns the server's peak RSS.
pub(super) fn mixed(o: &Options) -> Result<f64, String> {
    let every = Duration::from_secs_f64(o.sample_secs);
    let plan = Plan::new((o.seconds / o.sample_secs).floor() as usize, o.warmup)?;
    if let Some(limit) = own_file_limit().filter(|l| *l < o.count + OWN_FILES) {
        return Err(format!(
            "{} WebSockets need an open-file limit of {} (`ulimit -n` is {limit})",
            o.count,
            o.count + OWN_FILES
        ));
    }
    let collector = BlackHole::start().map_err(|e| format!("the collector: {e}"))?;
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT".to_owned(), format!("http://{}", collector.addr())),
        ("OTEL_SERVICE_NAME".to_owned(), "mcpforge-hostile-mixed".to_owned()),
    ];
    let (mut server, addr) = http::start_with_env(o, Some(o.files), &env)?;
    let pid = server.0.id();
    println!(
        "  open-file limit {}, {} idle WebSockets at most, {} initialize a second, {} s sampled every {} s; {}",
        o.files,
        o.count,
        o.rate,
        o.seconds,
        o.sample_secs,
        plan.describe()
    );
    let steady = Steady::start(
        addr,
        Call {
            version: VERSION,
            headers: bearer("steady"),
            tool: "echo",
            arguments: format!(r#"{{"text":"{STEADY_TEXT}"}}"#),
            expect: STEADY_TEXT.to_owned(),
            pause: STEADY_PAUSE,
        },
    )?;
    let target = Target { addr, stop: Arc::new(AtomicBool::new(false)), counts: Arc::new(Counts::default()) };
    let (cap, rate) = (o.count as usize, o.rate);
    let loops = [
        thread::spawn({
            let t = target.clone();
            move || websockets(t, cap)
        }),
        thread::spawn({
            let t = target.clone();
            move || junk(t)
        }),
        thread::spawn({
            let t = target.clone();
            move || never_read(t)
        }),
        thread::spawn({
            let t = target.clone();
            move || flood(t, rate)
        }),
    ];
    let begun = Instant::now();
    let (mut rss, mut files) = (Vec::with_capacity(plan.samples), Vec::with_capacity(plan.samples));
    let mut stopped = None;
    for k in 1..=plan.samples {
        let due = begun + every * k as u32;
        thread::sleep(due.saturating_duration_since(Instant::now()));
        if let Ok(Some(status)) = server.0.try_wait() {
            stopped = Some(format!("the server exited ({status}) after {:.0} s", begun.elapsed().as_secs_f64()));
            break;
        }
        let (mb, fds) = (rss_mb(pid), open_files(pid));
        rss.push(mb);
        files.push(fds as f64);
        let c = &target.counts;
        let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let (sent, answered) = steady.tally().counts();
        println!(
            "  t={:>5.0}s  rss={mb:>7.1} MiB  files={fds:>5}  ws={} ({} tried, {} refused, {} closed by the server)  junk={} ({} refused)  initialize={} ({} refused)  unread={}  steady={answered}/{sent}  metrics={} B  collector={}",
            begun.elapsed().as_secs_f64(),
            n(&c.ws_open),
            n(&c.ws_tried),
            n(&c.ws_refused),
            n(&c.ws_closed),
            n(&c.junk),
            n(&c.junk_refused),
            n(&c.flooded),
            n(&c.flood_refused),
            n(&c.held),
            metrics_bytes(addr),
            collector.accepted(),
        );
        if mb > o.limit_mb {
            stopped = Some(format!("the server's RSS reached {mb:.1} MiB, over the ceiling of {} MiB", o.limit_mb));
            break;
        }
    }
    target.stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.join().map_err(|_| "a hostile client panicked")?;
    }
    let tally = steady.finish()?;
    collector.finish();
    let peak = rss.iter().copied().fold(0.0, f64::max);
    if let Some(why) = stopped {
        return Err(why);
    }
    let (sent, answered) = tally.counts();
    let (m_rss, m_files) = (Measure::of(&plan, &rss), Measure::of(&plan, &files));
    println!("  {}", m_rss.line("RSS", " MiB", FLAT_PCT));
    println!("  {}", m_files.line("open files", "", FLAT_PCT));
    println!("  steady client: {sent} calls, {answered} answered");
    let mut failed = Vec::new();
    for (what, m) in [("RSS", m_rss), ("open files", m_files)] {
        if m.growth_pct > FLAT_PCT {
            failed.push(format!("{what} grew {:.1}% after warm-up (limit {FLAT_PCT}%)", m.growth_pct));
        }
    }
    if let Err(e) = tally.check() {
        failed.push(e);
    }
    if !failed.is_empty() {
        return Err(failed.join("; "));
    }
    println!("  flat after warm-up, and the steady client got every answer");
    Ok(peak)
}

//! `mcpforge-hostile`: clients that try to make an MCP server's memory grow, run against a
//! real server process while its resident memory is sampled. It prints the RSS curve and
//! fails (exit 1) when the server's RSS goes over the limit or it stops serving.
//!
//! Each scenario is a module of its own: `flood`, `sessions`, `slowloris`, `sigterm`,
//! `disconnect`, `slow_reader`, `idle_websockets` and `mixed` (the usage text below says what
//! each does).
//!
//! Only std (and tungstenite for the WebSocket handshake and framing): the program is small
//! and a blocking client is the simplest hostile one.

use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

mod blackhole;
mod disconnect;
mod flatness;
mod flood;
mod http;
mod idle_websockets;
mod mixed;
mod sessions;
mod sigterm;
mod slow_reader;
mod slowloris;
mod steady;
mod websocket;

const USAGE: &str = "\
usage: mcpforge-hostile flood [--lines N] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile sessions [--sessions N] [--changes N] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile slowloris [--connections N] [--limit-ms T] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile sigterm [--calls N] [--seconds S] [--http] [--limit-ms T] -- SERVER [ARGS...]
       mcpforge-hostile disconnect [--rounds N] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile slow-reader [--calls N] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile idle-websockets [--sockets N] [--limit-mb M] -- SERVER [ARGS...]
       mcpforge-hostile mixed [--seconds S] [--sample-secs T] [--warmup F] [--websockets N]
                              [--files N] [--sessions-per-sec N] [--limit-mb M] -- SERVER [ARGS...]

flood     writes N malformed lines (default 3000000) to the server's stdin, never reading
sessions  opens N idle legacy HTTP sessions (default 2000; 250 per client address,
          127.1.0.0 and on), then calls the server's
          `toggle_bonus_tool` N times (--changes, default 300); the server is started with
          `--http 127.0.0.1:PORT` appended
slowloris starts the server (`--http 127.0.0.1:PORT` appended) with an open-file limit of
          512, opens N half-open connections (default 600), then sends 20 `initialize`
          requests, each of which must be answered within T ms (default 100)
sigterm   sends N calls (default 64) of `slow_compute` {\"seconds\": S} (default 1) over stdio (or
          HTTP, `--http 127.0.0.1:PORT` appended), then SIGTERM: every call must be answered
          and the server must exit 0 within T ms of the signal (default 7000)
disconnect N rounds (default 2000) of four requests dropped mid-response over HTTP
          (`--http 127.0.0.1:PORT` appended): a JSON answer, an SSE stream after its first
          event, a 2025-03-26 batch, and a 2026-07-28 call; meanwhile a steady client calls
          the server, and every one of its calls must be answered
slow-reader writes N calls (default 100000) of `test_simple_text` over stdio while reading
          the answers at about 1 MB/s: every call must be answered
idle-websockets starts the server (`--http 127.0.0.1:PORT` appended) with an open-file
          limit of 256, opens N WebSockets that send nothing (default 200, past its
          connection limit), then sends `initialize`: no upgrade may be refused, the
          `initialize` must be answered, and the sockets closed to make room must get a
          close frame with code 1001
mixed     a soak of mixed hostile traffic for S seconds (default 3600) over HTTP (`--http
          127.0.0.1:PORT` appended; open-file limit N, default 1024; OpenTelemetry export
          pointed at a collector that never answers): up to N idle WebSockets (default
          800), calls of unique 64 KiB tool names, clients that never read their answers,
          N initialize a second never deleted (default 25), and a steady client calling
          `echo` that must get every answer. The server's RSS and open files are
          sampled every T seconds (default 10) and must stay within 10% after the warm-up
          (the first fraction F of the run, default 0.2): the largest sample of the last
          fifth of the run against the largest of the fifth after the warm-up. Requests
          carry `Authorization: Bearer hostile` (the steady client's `Bearer steady`).
All print the server's RSS over time and fail when it exceeds M MiB (default 64; 512 for
sigterm; for mixed, 1024, where the run stops); for disconnect, slow-reader and
idle-websockets M bounds the growth once the server is ready (default 32), so servers of
every language are held to the same bound.";

/// How often the server's RSS is sampled.
const SAMPLE: Duration = Duration::from_millis(250);
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
    /// `mixed`: seconds between two samples.
    sample_secs: f64,
    /// `mixed`: the share of the run that is warm-up.
    warmup: f64,
    /// `mixed`: the server's open-file limit.
    files: u32,
    /// `mixed`: `initialize` requests a second.
    rate: u64,
    server: Vec<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let scenario = args.first().cloned().ok_or("no scenario")?;
    let (count, changes) = match scenario.as_str() {
        "flood" => (3_000_000, 0),
        "sessions" => (2_000, 300),
        "slowloris" => (600, 0),
        "sigterm" => (64, 0),
        "disconnect" => (2_000, 0),
        "slow-reader" => (100_000, 0),
        "idle-websockets" => (200, 0),
        "mixed" => (800, 0),
        other => return Err(format!("unknown scenario `{other}`")),
    };
    // `sigterm` is about answers and exit time, not memory (a Node server alone is ~60 MiB).
    let (limit_ms, limit_mb) = match scenario.as_str() {
        "sigterm" => (7000.0, 512.0),
        "disconnect" | "slow-reader" | "idle-websockets" => (100.0, 32.0),
        "mixed" => (100.0, 1024.0),
        _ => (100.0, 64.0),
    };
    let seconds = if scenario == "mixed" { 3600.0 } else { 1.0 };
    let mut o = Options {
        scenario,
        count,
        changes,
        limit_mb,
        limit_ms,
        seconds,
        http: false,
        sample_secs: 10.0,
        warmup: 0.2,
        files: 1024,
        rate: 25,
        server: Vec::new(),
    };
    let mut rest = args[1..].iter();
    while let Some(a) = rest.next() {
        let mut value = || rest.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--http" => o.http = true,
            "--seconds" => o.seconds = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--sample-secs" => o.sample_secs = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--warmup" => o.warmup = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--files" => o.files = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--sessions-per-sec" => o.rate = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--lines" | "--sessions" | "--connections" | "--calls" | "--rounds" | "--sockets" | "--websockets" => {
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
    if !(o.sample_secs > 0.0 && (0.0..1.0).contains(&o.warmup)) {
        return Err("--sample-secs must be above 0 and --warmup in [0, 1)".into());
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

/// How many files a process has open (the entries of `/proc/PID/fd`).
fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
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

/// Starts the server (its stdin and stdout piped when `stdio`).
fn spawn(command: &[String], extra: &[String], stdio: bool) -> std::io::Result<Server> {
    spawn_limited(command, extra, stdio, None, &[])
}

/// Starts the server, under an open-file limit when `files` is given (through the shell's
/// `ulimit`, which then `exec`s the server, so the pid is the server's), with `env` added to
/// its environment.
fn spawn_limited(
    command: &[String],
    extra: &[String],
    stdio: bool,
    files: Option<u32>,
    env: &[(String, String)],
) -> std::io::Result<Server> {
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
    c.args(extra).envs(env.iter().map(|(k, v)| (k, v))).stderr(Stdio::null());
    if stdio {
        c.stdin(Stdio::piped()).stdout(Stdio::piped());
    } else {
        c.stdin(Stdio::null()).stdout(Stdio::null());
    }
    c.spawn().map(Server)
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
        "flood" => flood::flood(&o),
        "sessions" => sessions::sessions(&o),
        "sigterm" => sigterm::sigterm(&o),
        "disconnect" => disconnect::disconnect(&o),
        "slow-reader" => slow_reader::slow_reader(&o),
        "idle-websockets" => idle_websockets::idle_websockets(&o),
        "mixed" => mixed::mixed(&o),
        _ => slowloris::slowloris(&o),
    };
    let what = if matches!(o.scenario.as_str(), "disconnect" | "slow-reader" | "idle-websockets") {
        "RSS growth"
    } else {
        "peak RSS"
    };
    match result {
        Ok(mb) if mb <= o.limit_mb => {
            println!("{what} {mb:.1} MiB (limit {} MiB): ok", o.limit_mb);
            ExitCode::SUCCESS
        }
        Ok(mb) => {
            println!("{what} {mb:.1} MiB is over the limit of {} MiB", o.limit_mb);
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("failed: {e}");
            ExitCode::FAILURE
        }
    }
}

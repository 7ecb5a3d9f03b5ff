//! The command line: what `mcpforge-load --help` shows, and its translation into a [`Plan`].

use std::time::Duration;

use clap::{Parser, ValueEnum};
use hyper::header::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::wire::CallSpec;

/// Shown after the options by `--help`.
const EXAMPLES: &str = "\
Examples:
  # 1,000 calls of echo {\"text\":\"hello\"}, one at a time, over stdio:
  mcpforge-load -- ./target/release/quickstart

  # 100,000 calls with 64 requests in flight on the pipe, answers checked:
  mcpforge-load -c 64 -n 100000 --expect-echo -- ./target/release/quickstart

  # Another tool and its arguments, any server command (here a Python one):
  mcpforge-load --tool add --args '{\"a\":1,\"b\":2}' --expect 3 -- python3 server.py

  # 100 KiB of text per call:
  mcpforge-load --text-size 102400 --expect-echo -n 2000 -- ./target/release/quickstart

  # A running HTTP server, 16 connections for 10 seconds:
  mcpforge-load --url http://127.0.0.1:3000/mcp -c 16 -d 10

  # Start the HTTP server too: {port} becomes a free port in the URL and the command:
  mcpforge-load --url 'http://127.0.0.1:{port}/mcp' -c 64 -d 10 --wire legacy \\
      -- ./target/release/quickstart --http '127.0.0.1:{port}'

  # A server that checks bearer tokens:
  mcpforge-load --url http://127.0.0.1:3000/mcp -c 16 -d 10 -H \"Authorization: Bearer $TOKEN\"

  # calls/s and failures by kind every 500 ms, e.g. while a server behind nginx restarts:
  mcpforge-load --url http://127.0.0.1:8080/mcp --wire 2026 -c 64 -d 30 --interval-ms 500

  # Cold start: spawn the server 5 times, time spawn -> first answered tools/call:
  mcpforge-load --cold-start 5 -- ./target/release/quickstart

Exit status: 0 when every call was answered correctly, 1 when any call failed or the run
was aborted (the report says why), 2 for a usage error.";

/// Drives an MCP server with `tools/call` requests and reports calls/s, latency
/// percentiles, errors by kind, and the server's peak RSS and CPU time.
///
/// The server is a command to start (stdio: requests go to its stdin, answers come from its
/// stdout; put the command after `--`) or the URL of a Streamable HTTP endpoint. The tool
/// first does the handshake the server needs (the 2026-07-28 stateless wire, or
/// `initialize` on older servers), then calls one tool over and over and checks every
/// answer: the id matches a request, there is a result and no error, and the text is the
/// expected one when `--expect` or `--expect-echo` says what to expect.
#[derive(Parser, Debug)]
#[command(name = "mcpforge-load", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// Streamable HTTP endpoint to drive instead of stdio, e.g. http://127.0.0.1:3000/mcp.
    /// With a COMMAND, `{port}` in the URL and the command is replaced by a free port.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// An extra header on every HTTP request, `NAME: VALUE`; repeat for more (e.g.
    /// `-H "Authorization: Bearer TOKEN"` for a server that checks tokens).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = header)]
    pub headers: Vec<(HeaderName, HeaderValue)>,

    /// Protocol shape: `2026` (stateless, `_meta` on every request), `legacy` (initialize
    /// first; on HTTP one session per connection), or `auto` (ask `server/discover`, fall
    /// back to `initialize`).
    #[arg(long, value_enum, default_value_t = WireChoice::Auto)]
    pub wire: WireChoice,

    /// Name of the tool to call.
    #[arg(long, default_value = "echo")]
    pub tool: String,

    /// Arguments of every call, a JSON object.
    #[arg(long, value_name = "JSON", default_value = r#"{"text":"hello"}"#)]
    pub args: String,

    /// Replace the `text` argument with BYTES bytes of ASCII text (a large-payload test).
    #[arg(long, value_name = "BYTES")]
    pub text_size: Option<usize>,

    /// Check that each answer's first content block is exactly this text.
    #[arg(long, value_name = "TEXT", conflicts_with = "expect_echo")]
    pub expect: Option<String>,

    /// Check that each answer's first content block is the `text` argument (for echo tools).
    #[arg(long)]
    pub expect_echo: bool,

    /// Requests in flight: on stdio, pipelined on the one pipe (1 = one at a time); on HTTP,
    /// keep-alive connections each calling in a closed loop.
    #[arg(short = 'c', long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,

    /// Measured calls (default 1000 unless --duration is given).
    #[arg(short = 'n', long, value_name = "N", conflicts_with = "duration",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub calls: Option<u64>,

    /// Measure for this many seconds instead of a number of calls.
    #[arg(short = 'd', long, value_name = "SECONDS", value_parser = positive_seconds)]
    pub duration: Option<f64>,

    /// Calls made and checked before the measurement starts, not counted.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub warmup: u64,

    /// Instead of a load run: start the server N times and time each start to its first
    /// answered tools/call (needs a COMMAND).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub cold_start: Option<u32>,

    /// Abort the run when no answer arrives for this long.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = positive_seconds)]
    pub timeout: f64,

    /// How long a started server may take to answer its first request.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = positive_seconds)]
    pub startup_timeout: f64,

    /// Client threads for HTTP (default: half the CPUs, at least one, leaving the rest to the
    /// server when both run on one machine).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,

    /// Also count the measured calls per interval of this many milliseconds: the report
    /// shows calls/s and failures by kind over time (e.g. while a server behind a load
    /// balancer is killed and restarted).
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    pub interval_ms: Option<u64>,

    /// Print the report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,

    /// No progress bar (it is drawn on stderr only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,

    /// Sample the server's RSS each time this many more calls were answered in the measured
    /// phase (stdio, a server this tool started): the report prints the curve and its growth
    /// after the first sample (a soak run).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub rss_every: Option<u64>,

    /// The server to start: a command and its arguments, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `--wire`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WireChoice {
    /// Ask `server/discover`; use `initialize` if the server does not know it.
    Auto,
    /// `initialize` + `notifications/initialized` (2025-11-25 asked for).
    Legacy,
    /// The 2026-07-28 stateless wire.
    #[value(name = "2026")]
    Modern,
}

/// When the measured phase ends.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// After this many calls.
    Calls(u64),
    /// After this much time: no call starts later.
    Duration(Duration),
}

impl Stop {
    /// True when no further call should start: `started` calls have, and the run began at
    /// `start`.
    pub fn reached(self, started: u64, start: std::time::Instant) -> bool {
        match self {
            Stop::Calls(n) => started >= n,
            Stop::Duration(d) => start.elapsed() >= d,
        }
    }

    /// Room to reserve for latencies (a guess for duration runs).
    pub fn capacity_hint(self) -> usize {
        match self {
            Stop::Calls(n) => n.min(10_000_000) as usize,
            Stop::Duration(_) => 1 << 16,
        }
    }
}

/// Where the server is.
#[derive(Clone, Debug)]
pub enum Target {
    /// A command speaking MCP on its stdin/stdout.
    Stdio {
        /// Program and arguments.
        command: Vec<String>,
    },
    /// A Streamable HTTP endpoint, optionally started by us.
    Http {
        /// The URL, `{port}` not yet replaced.
        url: String,
        /// Program and arguments, `{port}` not yet replaced.
        command: Option<Vec<String>>,
    },
}

/// Everything a run needs, checked.
#[derive(Debug)]
pub struct Plan {
    /// Where the server is.
    pub target: Target,
    /// `--wire`.
    pub wire: WireChoice,
    /// The call to make.
    pub call: CallSpec,
    /// `--concurrency`.
    pub concurrency: usize,
    /// `--calls` / `--duration`.
    pub stop: Stop,
    /// `--warmup`.
    pub warmup: u64,
    /// `--cold-start`.
    pub cold_start: Option<u32>,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--startup-timeout`.
    pub startup_timeout: Duration,
    /// HTTP client threads.
    pub threads: usize,
    /// `--json`.
    pub json: bool,
    /// Draw the progress bar.
    pub progress: bool,
    /// `--rss-every`.
    pub rss_every: Option<u64>,
    /// `--interval-ms`.
    pub interval: Option<Duration>,
    /// `--header`: sent on every HTTP request.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// Headers this tool writes itself, which `--header` may not set.
const OWN_HEADERS: [&str; 9] = [
    "host",
    "content-type",
    "content-length",
    "transfer-encoding",
    "accept",
    "mcp-protocol-version",
    "mcp-method",
    "mcp-name",
    "mcp-session-id",
];

/// A clap value parser for `--header`: `NAME: VALUE`, a valid header that the tool does not
/// write itself.
fn header(s: &str) -> Result<(HeaderName, HeaderValue), String> {
    let (name, value) = s.split_once(':').ok_or_else(|| format!("`{s}` is not `NAME: VALUE`"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("`{}` is not a header name", name.trim()))?;
    if OWN_HEADERS.contains(&name.as_str()) {
        return Err(format!("`{name}` is set by mcpforge-load itself"));
    }
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| format!("the value of `{name}` is not a valid header value"))?;
    Ok((name, value))
}

/// A clap value parser for positive, finite seconds (at most a day).
fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds between 0 and 86400")),
    }
}

impl Cli {
    /// Checks the combination of options and builds the plan; the error is a usage message.
    pub fn into_plan(self) -> Result<Plan, String> {
        let target = match (self.url, self.command.is_empty()) {
            (None, true) => {
                return Err("say which server to drive: a command after `--` (stdio) or --url URL (HTTP)".into());
            }
            (None, false) => Target::Stdio { command: self.command },
            (Some(url), no_command) => {
                if !url.starts_with("http://") {
                    return Err(format!("--url {url}: only http:// URLs are supported"));
                }
                if no_command && url.contains("{port}") {
                    return Err("{port} in --url needs a COMMAND to start the server on that port".into());
                }
                Target::Http { url, command: (!no_command).then_some(self.command) }
            }
        };
        if !self.headers.is_empty() && matches!(target, Target::Stdio { .. }) {
            return Err("--header needs --url: headers are for HTTP".into());
        }
        let mut args: Value = serde_json::from_str(&self.args).map_err(|e| format!("--args is not valid JSON: {e}"))?;
        let Some(object) = args.as_object_mut() else {
            return Err("--args must be a JSON object, e.g. '{\"text\":\"hello\"}'".into());
        };
        if let Some(size) = self.text_size {
            object.insert("text".into(), Value::String(ascii_text(size)));
        }
        let expect = match (self.expect, self.expect_echo) {
            (Some(text), _) => Some(text),
            (None, true) => match object.get("text") {
                Some(Value::String(text)) => Some(text.clone()),
                _ => return Err("--expect-echo needs a string `text` argument".into()),
            },
            (None, false) => None,
        };
        if self.cold_start.is_some() && matches!(target, Target::Http { command: None, .. }) {
            return Err("--cold-start needs a COMMAND to start the server".into());
        }
        let stop = match (self.calls, self.duration) {
            (Some(n), _) => Stop::Calls(n),
            (None, Some(s)) => Stop::Duration(Duration::from_secs_f64(s)),
            (None, None) => Stop::Calls(1000),
        };
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Plan {
            target,
            wire: self.wire,
            call: CallSpec { tool: self.tool, args, expect },
            concurrency: self.concurrency as usize,
            stop,
            warmup: self.warmup,
            cold_start: self.cold_start,
            timeout: Duration::from_secs_f64(self.timeout),
            startup_timeout: Duration::from_secs_f64(self.startup_timeout),
            threads: self.threads.map_or(cpus.div_ceil(2), |n| n as usize),
            json: self.json,
            progress: !self.no_progress,
            rss_every: self.rss_every,
            interval: self.interval_ms.map(Duration::from_millis),
            headers: self.headers,
        })
    }
}

/// `size` bytes of printable ASCII that JSON need not escape, so a large payload measures
/// moving bytes rather than escaping them.
fn ascii_text(size: usize) -> String {
    b"abcdefghijklmnopqrstuvwxyz0123456789".iter().cycle().take(size).map(|&b| char::from(b)).collect()
}

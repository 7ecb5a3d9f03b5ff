//! HTTP benchmark of bearer-token checks: what the built-in JWT verifier (the `auth.jwt`
//! options) costs the server per request on the 2026 stateless wire.
//!
//! The `quickstart` server from `examples/rust` is started on a free loopback port three
//! ways, one configuration (row) each:
//!
//! * **without auth**: `--http 127.0.0.1:PORT`;
//! * **cached JWT**: `--auth` with `jwt` against a key set this program serves on loopback
//!   (an RS256 key made at start, as an identity provider publishes it), default `cacheTtl`:
//!   every client repeats its token, so all but the first request find the verified grant
//!   in the cache (keyed by the token's hash);
//! * **uncached JWT**: the same with `cacheTtl: 0`, so the signature and claims are checked
//!   on every request.
//!
//! With auth on, the server must refuse a call without a token (401) before anything is
//! measured. Then 16 client threads, each on its own keep-alive connection, call
//! `tools/call echo` on the 2026-07-28 wire with `Authorization: Bearer <token>` in a
//! closed loop (the client of `common/http_client.rs`, every answer checked). Per row the
//! program prints calls/s, p50/p99 latency and the server's CPU time per call (from
//! `/proc/<pid>/stat`), and the difference in CPU per call from the row without auth: what
//! checking the token costs; and the server's peak RSS (`VmHWM`). Each round starts a fresh server per row and runs the rows in
//! an order rotated by one from the round before, so that no row always runs first or
//! last; each figure is the median of its rounds, the difference in CPU the median of the
//! differences within each round. Timing is never asserted: the program
//! only prints figures.
//!
//! ```text
//! cargo build --release -p mcpforge-examples
//! cargo bench -p mcpforge --bench http_auth                 # 3 rounds of 2 s per row
//! cargo bench -p mcpforge --bench http_auth -- --quick      # 1 round of 0.5 s
//! cargo bench -p mcpforge --bench http_auth -- --rounds 5 --json out.json
//! ```
//!
//! `MCPFORGE_BENCH_SERVER` overrides the path of the server binary; it must accept
//! `--http HOST:PORT [--auth JSON]` and have an `echo` tool.

mod common;
#[path = "common/http_client.rs"]
mod http_client;
#[path = "common/jwks.rs"]
mod jwks;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use common::{Args, Bench, Watchdog, fail, note};
use http_client::{Connection, EchoCall, Figures, Session, Timing};

/// Client threads, one keep-alive connection each.
const CONNECTIONS: usize = 16;
/// Measured time per row and round, and with `--quick`.
const DURATION: Duration = Duration::from_secs(2);
const QUICK_DURATION: Duration = Duration::from_millis(500);
/// Uncounted calls before each measurement.
const WARMUP: Duration = Duration::from_millis(500);
const QUICK_WARMUP: Duration = Duration::from_millis(200);
/// The rows, in the order of the first round.
const ROWS: [Row; 3] = [Row::NoAuth, Row::Cached, Row::Uncached];

fn main() {
    // An HTTP server does not exit with us, so `fail` waits a little for the
    // lock on it rather than give up on killing it at once.
    common::init(Bench { label: "http auth bench", usage: USAGE, kill_wait: Duration::from_secs(1) });
    let options = parse_args();
    let path = common::find_binary("MCPFORGE_BENCH_SERVER", "quickstart");

    // The key set is served from this process, on a runtime thread of its own.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(format!("cannot start a tokio runtime: {e}")));
    let key = jwks::keys().into_iter().find(|k| k.alg == jsonwebtoken::Algorithm::RS256).expect("an RS256 key");
    let jwks_uri = runtime.block_on(jwks::serve_jwks(std::slice::from_ref(&key)));
    let token = key.token();

    let mut figures: Vec<Vec<Measured>> = ROWS.iter().map(|_| Vec::new()).collect();
    for round in 0..options.args.rounds {
        note(format_args!("round {} of {}", round + 1, options.args.rounds));
        for i in 0..ROWS.len() {
            let index = (round + i) % ROWS.len();
            let row = ROWS[index];
            note(format_args!("{}...", row.label()));
            figures[index].push(bench_row(row, &path, &jwks_uri, &token, &options));
        }
    }
    let medians: Vec<Medians> = figures.iter().map(|rounds| Medians::of(rounds, &figures[0])).collect();

    print_table(&options, &path, &medians);
    if let Some(json_path) = &options.args.json {
        write_json(json_path, &options, &medians);
    }
}

// ---------------------------------------------------------------------------
// Configuration

/// Command-line options.
struct Options {
    /// `--quick`, `--json PATH`, and `--rounds N` (each a fresh server per row).
    args: Args,
    /// Warm-up and measured time per row and round (`--duration S`).
    timing: Timing,
}

/// The shared options (see [`common::parse_args`]) and `--duration S`.
fn parse_args() -> Options {
    let (args, duration) = http_client::parse_args_with_duration();
    let duration = duration.unwrap_or(if args.quick { QUICK_DURATION } else { DURATION });
    let warmup = if args.quick { QUICK_WARMUP } else { WARMUP };
    Options { args, timing: Timing { warmup, duration } }
}

/// The usage text, for `--help` and usage errors.
const USAGE: &str = "\
usage: http_auth [--quick] [--duration S] [--rounds N] [--json PATH]
  --quick       one round of 0.5 s per row (smoke test)
  --duration S  measured seconds per row and round (default 2)
  --rounds N    rounds, each with a fresh server per row; each figure is the median (default 3)
  --json PATH   also write the figures as JSON (a relative PATH is relative to
                the working directory, which under `cargo bench` is core/)
env: MCPFORGE_BENCH_SERVER overrides the server binary (it must take --http HOST:PORT [--auth JSON])";

// ---------------------------------------------------------------------------
// Rows

/// How the server checks tokens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Row {
    /// No `auth` options: no token is asked for.
    NoAuth,
    /// `auth.jwt` with the default `cacheTtl`: a token seen before is not verified again.
    Cached,
    /// `auth.jwt` with `cacheTtl: 0`: every request's token is verified.
    Uncached,
}

impl Row {
    fn label(self) -> &'static str {
        match self {
            Row::NoAuth => "without auth",
            Row::Cached => "JWT RS256, cached",
            Row::Uncached => "JWT RS256, cacheTtl 0",
        }
    }

    /// Name in the JSON output.
    fn key(self) -> &'static str {
        match self {
            Row::NoAuth => "none",
            Row::Cached => "jwt_cached",
            Row::Uncached => "jwt_uncached",
        }
    }

    /// The server's `--auth` options, if any.
    fn auth(self, jwks_uri: &str) -> Option<Value> {
        let jwt = match self {
            Row::NoAuth => return None,
            Row::Cached => json!({ "issuer": jwks::ISSUER, "jwksUri": jwks_uri }),
            Row::Uncached => json!({ "issuer": jwks::ISSUER, "jwksUri": jwks_uri, "cacheTtl": 0 }),
        };
        Some(json!({ "resource": jwks::RESOURCE, "jwt": jwt }))
    }
}

/// A client that sends its bearer token (header lines, or none) on every 2026 call.
struct Bearer<'a>(&'a str);

impl Session for Bearer<'_> {
    type State = ();

    fn open(&self, _conn: &mut Connection) -> (EchoCall, ()) {
        (EchoCall::modern(self.0), ())
    }

    fn close(&self, _conn: &mut Connection, (): ()) {}
}

/// Starts a fresh server configured as `row` says, measures it, and kills it.
fn bench_row(row: Row, path: &Path, jwks_uri: &str, token: &str, options: &Options) -> Measured {
    let limit = Duration::from_secs(60) + (options.timing.warmup + options.timing.duration) * 2;
    let watchdog = Watchdog::start(
        limit,
        format!("{} took more than {} s; aborting (is the server hung?)", row.label(), limit.as_secs()),
    );
    let auth = row.auth(jwks_uri);
    let args: Vec<String> = auth.iter().flat_map(|auth| ["--auth".to_owned(), auth.to_string()]).collect();
    let (addr, pid) = http_client::start_server(path, &args);
    let headers = match auth {
        Some(_) => {
            refused_without_token(addr);
            format!("authorization: Bearer {token}\r\n")
        }
        None => String::new(),
    };
    // The first call with the token also fetches the key set.
    let server_info = http_client::probe(addr, &headers);
    note(format_args!("{server_info} at http://{addr}{}", http_client::ENDPOINT));
    let figures = http_client::closed_loop(addr, pid, row.label(), &Bearer(&headers), CONNECTIONS, options.timing);
    http_client::check_server_running();
    let peak_rss_mb = common::peak_rss_mb(pid);
    http_client::stop_server();
    watchdog.stop();
    Measured { figures, peak_rss_mb }
}

/// One row in one round.
struct Measured {
    figures: Figures,
    /// The server's `VmHWM`; `None` where `/proc/<pid>/status` is not available.
    peak_rss_mb: Option<f64>,
}

/// Aborts the run unless a call without a token is refused with 401: the rows with auth
/// must measure a server that checks tokens.
fn refused_without_token(addr: std::net::SocketAddr) {
    let call = EchoCall::modern("");
    let mut conn = Connection::open(addr);
    let status = conn.post(&call, 1).status;
    if status != 401 {
        fail(format!("a call without a token got HTTP {status}, not 401: is auth on?"));
    }
}

/// A row's medians over its rounds, and its largest peak RSS.
struct Medians {
    calls_per_s: f64,
    p50_us: f64,
    p99_us: f64,
    server_cpu_us: Option<f64>,
    /// Server CPU per call above the row without auth: the median over the rounds of the
    /// difference within a round (the rows ran back to back), so that a round slowed down
    /// for the whole machine cancels out.
    extra_cpu_us: Option<f64>,
    peak_rss_mb: Option<f64>,
}

impl Medians {
    /// The medians of `measured`, a row's rounds; `base` holds the rounds without auth.
    fn of(measured: &[Measured], base: &[Measured]) -> Medians {
        let rounds: Vec<&Figures> = measured.iter().map(|m| &m.figures).collect();
        let cpu: Vec<f64> = rounds.iter().filter_map(|f| f.server_cpu_us).collect();
        let extra: Vec<f64> =
            rounds.iter().zip(base).filter_map(|(f, b)| Some(f.server_cpu_us? - b.figures.server_cpu_us?)).collect();
        Medians {
            extra_cpu_us: (!extra.is_empty()).then(|| median(extra)),
            peak_rss_mb: measured.iter().fold(None, |peak, m| common::larger_peak(peak, m.peak_rss_mb)),
            calls_per_s: median(rounds.iter().map(|f| f.calls_per_s).collect()),
            p50_us: median(rounds.iter().map(|f| f.p50_us).collect()),
            p99_us: median(rounds.iter().map(|f| f.p99_us).collect()),
            server_cpu_us: (!cpu.is_empty()).then(|| median(cpu)),
        }
    }
}

/// The median of non-empty `values` (the mean of the middle two for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}

// ---------------------------------------------------------------------------
// Reporting

/// A figure to one decimal, or `n/a`.
fn show(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"))
}

fn print_table(options: &Options, path: &Path, medians: &[Medians]) {
    println!("mcpforge HTTP benchmark with bearer tokens (2026 stateless wire, {CONNECTIONS} keep-alive connections)");
    println!(
        "{}: {} s per row after {} s warm-up; median of {} round(s), a fresh server per row",
        options.args.mode(),
        options.timing.duration.as_secs_f64(),
        options.timing.warmup.as_secs_f64(),
        options.args.rounds
    );
    println!("server: {}", path.display());
    println!();
    println!(
        "{:<24}{:>10}{:>11}{:>11}{:>15}{:>16}{:>11}",
        "auth", "calls/s", "p50 (us)", "p99 (us)", "CPU (us/call)", "auth (us/call)", "RSS (MB)"
    );
    for (row, m) in ROWS.iter().zip(medians) {
        let extra = if *row == Row::NoAuth { "-".to_owned() } else { show(m.extra_cpu_us) };
        println!(
            "{:<24}{:>10.0}{:>11.1}{:>11.1}{:>15}{:>16}{:>11}",
            row.label(),
            m.calls_per_s,
            m.p50_us,
            m.p99_us,
            show(m.server_cpu_us),
            extra,
            show(m.peak_rss_mb)
        );
    }
}

fn write_json(path: &Path, options: &Options, medians: &[Medians]) {
    let rows: Vec<Value> = ROWS
        .iter()
        .zip(medians)
        .map(|(row, m)| {
            json!({
                "auth": row.key(),
                "calls_per_s": m.calls_per_s,
                "p50_us": m.p50_us,
                "p99_us": m.p99_us,
                "server_cpu_us_per_call": m.server_cpu_us,
                "auth_cpu_us_per_call": m.extra_cpu_us,
                "peak_rss_mb": m.peak_rss_mb,
            })
        })
        .collect();
    let value = json!({
        "mode": options.args.mode(),
        "rounds": options.args.rounds,
        "duration_s": options.timing.duration.as_secs_f64(),
        "warmup_s": options.timing.warmup.as_secs_f64(),
        "connections": CONNECTIONS,
        "rows": rows,
    });
    common::write_json_file(path, &value);
}

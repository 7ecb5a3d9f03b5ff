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

use std::process::ExitCode;

mod blackhole;
mod curve;
mod disconnect;
mod flatness;
mod flood;
mod http;
mod idle_websockets;
mod mixed;
mod options;
mod server;
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = match options::parse(&args) {
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

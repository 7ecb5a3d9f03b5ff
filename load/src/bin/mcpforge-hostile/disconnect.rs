//! `disconnect`: clients that go away in the middle of every kind of HTTP response, round
//! after round, while a steady client keeps calling: the steady client must get every
//! answer, the server must still serve each kind in full afterwards, and its memory must
//! stay bounded (what the dropped requests produce is freed or capped).

use std::io::Read;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use super::curve::Curve;
use super::http;
use super::options::Options;
use super::server::DEADLINE;
use super::steady::{Call, Steady};

/// The protocol version of the JSON and SSE rounds.
const LEGACY: &str = "2025-06-18";
/// The only protocol version that takes batches.
const BATCHING: &str = "2025-03-26";
/// How long each dropped call works (so it is still running when its client goes).
const WORK_SECONDS: f64 = 0.05;

/// One kind of response that a client drops.
#[derive(Clone, Copy)]
enum Kind {
    /// A call answered with one JSON body: dropped before the answer.
    Json,
    /// A call that reports progress, so its answer is an SSE stream: dropped after the
    /// first event.
    Sse,
    /// A batch of two calls (2025-03-26): dropped before the answer.
    Batch,
    /// A 2026-07-28 call, where the disconnect cancels the handler: dropped before the
    /// answer.
    Modern,
}

const KINDS: [Kind; 4] = [Kind::Json, Kind::Sse, Kind::Batch, Kind::Modern];

/// The sessions and the address the rounds use.
struct Target {
    addr: SocketAddr,
    legacy: Vec<(String, String)>,
    batching: Vec<(String, String)>,
}

impl Target {
    /// The body and headers of one request of `kind`.
    fn request(&self, kind: Kind, id: u64) -> (String, Vec<(String, String)>) {
        let call = |id: u64, extra: &str| {
            format!(
                r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"slow_compute","arguments":{{"seconds":{WORK_SECONDS}}}{extra}}}}}"#
            )
        };
        match kind {
            Kind::Json => (call(id, ""), self.legacy.clone()),
            Kind::Sse => (
                format!(
                    r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"test_tool_with_progress","arguments":{{}},"_meta":{{"progressToken":{id}}}}}}}"#
                ),
                self.legacy.clone(),
            ),
            Kind::Batch => (format!("[{},{}]", call(id, ""), call(id + 1, "")), self.batching.clone()),
            Kind::Modern => {
                let meta = r#","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"hostile","version":"1"}}"#;
                let headers = [
                    ("MCP-Protocol-Version", "2026-07-28"),
                    ("Mcp-Method", "tools/call"),
                    ("Mcp-Name", "slow_compute"),
                ];
                (call(id, meta), headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect())
            }
        }
    }

    /// Sends one request of `kind` and goes away mid-response.
    fn drop_one(&self, kind: Kind, id: u64) -> Result<(), String> {
        let (body, headers) = self.request(kind, id);
        let mut tcp = http::send(self.addr, &body, &headers).map_err(|e| format!("connect: {e}"))?;
        if let Kind::Sse = kind {
            // Read until the stream has begun (its first event), then leave.
            let mut seen = Vec::new();
            let mut chunk = [0u8; 1024];
            while !seen.windows(5).any(|w| w == b"data:") {
                match tcp.read(&mut chunk) {
                    Ok(0) => {
                        return Err(format!("the SSE call ended before any event: {}", String::from_utf8_lossy(&seen)));
                    }
                    Ok(n) => seen.extend_from_slice(&chunk[..n]),
                    Err(e) => return Err(format!("reading the SSE call: {e}")),
                }
            }
        }
        Ok(())
    }

    /// Sends one request of `kind` and reads it to the end: it must be answered in full.
    fn complete_one(&self, kind: Kind, id: u64) -> Result<(), String> {
        let (body, headers) = self.request(kind, id);
        let (status, _, answer) = http::post(self.addr, &body, &headers).map_err(|e| format!("post: {e}"))?;
        let results = answer.matches("\"result\"").count();
        let wanted = if let Kind::Batch = kind { 2 } else { 1 };
        if status != 200 || results != wanted {
            return Err(format!("a complete request after the rounds answered {status}: {answer}"));
        }
        Ok(())
    }
}

/// Runs the scenario; returns the RSS growth once the sessions were open.
pub(super) fn disconnect(o: &Options) -> Result<f64, String> {
    let (server, addr) = http::start(o, None)?;
    let mut curve = Curve::new(server.0.id());
    let target = Target {
        addr,
        legacy: http::session_headers(&http::open_session(addr, LEGACY)?, LEGACY),
        batching: http::session_headers(&http::open_session(addr, BATCHING)?, BATCHING),
    };
    let ready = curve.point("listening, sessions open");
    // A client that calls `slow_compute` (no work) in its own session, one call at a time.
    let steady = Steady::start(
        addr,
        Call {
            version: LEGACY,
            headers: Vec::new(),
            tool: "slow_compute",
            arguments: r#"{"seconds":0,"label":"steady"}"#.to_owned(),
            expect: "Computed steady".to_owned(),
            pause: Duration::ZERO,
        },
    )?;
    let begun = Instant::now();
    let every = (o.count / 10).max(1);
    let mut warm = None;
    let mut id = 1u64;
    for round in 0..o.count {
        for kind in KINDS {
            target.drop_one(kind, id)?;
            id += 2;
        }
        if (round + 1) % every == 0 {
            let rss = curve.point(&format!("{} rounds of 4 dropped responses", round + 1));
            warm.get_or_insert(rss);
        }
        if begun.elapsed() > DEADLINE {
            return Err(format!("the rounds took longer than {} s", DEADLINE.as_secs()));
        }
    }
    // Let the dropped calls finish (or be cancelled) before the final checks.
    thread::sleep(Duration::from_millis(500));
    let tally = steady.finish()?;
    for kind in KINDS {
        target.complete_one(kind, id)?;
        id += 2;
    }
    let end = curve.point("each kind answered in full after the rounds");
    let (sent, answered) = tally.counts();
    println!(
        "  {} dropped responses in {:.1} s; steady client: {sent} calls, {answered} answered; RSS after the first tenth {:.1} MiB, at the end {end:.1} MiB",
        o.count * KINDS.len() as u64,
        begun.elapsed().as_secs_f64(),
        warm.unwrap_or(end)
    );
    tally.check()?;
    Ok(curve.peak - ready)
}

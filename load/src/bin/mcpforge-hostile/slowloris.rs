//! `slowloris`: half-open HTTP connections past the server's open-file limit, then
//! ordinary clients, each timed.

use std::io::Write;
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use super::curve::Curve;
use super::http;
use super::options::Options;

/// The server's open-file limit.
const SLOWLORIS_FILES: u32 = 512;
/// Ordinary requests timed.
const SLOWLORIS_PROBES: u32 = 20;

/// `slowloris`: half-open connections past the server's open-file limit, then ordinary
/// clients, each timed.
pub(super) fn slowloris(o: &Options) -> Result<f64, String> {
    let (server, addr) = http::start(o, Some(SLOWLORIS_FILES))?;
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
    let init = http::initialize("2025-06-18");
    let mut worst = 0.0_f64;
    for i in 0..SLOWLORIS_PROBES {
        let started = Instant::now();
        let (status, _, body) = http::post(addr, &init, &[]).map_err(|e| format!("initialize {i}: {e}"))?;
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

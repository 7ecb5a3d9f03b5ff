//! `idle-websockets`: WebSockets that never send anything, opened past the server's
//! connection limit (the server runs with an open-file limit of 256), then an ordinary
//! client. Idle sockets must make room as idle HTTP connections do: no upgrade is refused,
//! the ordinary client is served, and the sockets closed to make room are told so with a
//! close frame.

use std::thread;
use std::time::Duration;

use super::curve::Curve;
use super::http;
use super::options::Options;
use super::websocket::IdleSockets;

/// The server's open-file limit (its default connection limit is three quarters of it).
const FILES: u32 = 256;
/// How long a close frame the server sends while making room may take to arrive.
const SETTLE: Duration = Duration::from_millis(300);

/// Runs the scenario; returns the RSS growth once the server was listening.
pub(super) fn idle_websockets(o: &Options) -> Result<f64, String> {
    let (server, addr) = http::start(o, Some(FILES))?;
    let mut curve = Curve::new(server.0.id());
    let ready = curve.point(&format!("listening, open-file limit {FILES}"));
    let mut sockets = IdleSockets::new(addr, Vec::new());
    let mut refused = Vec::new();
    for i in 0..o.count {
        if let Err(e) = sockets.open_one(None) {
            refused.push(format!("WebSocket {i}: {e}"));
        }
    }
    curve.point(&format!("{} idle WebSockets open, {} upgrades refused", sockets.len(), refused.len()));
    let (status, _, body) =
        http::post(addr, &http::initialize("2025-06-18"), &[]).map_err(|e| format!("initialize: {e}"))?;
    if status != 200 || !body.contains("\"protocolVersion\"") {
        return Err(format!("a new client's initialize answered {status} with idle WebSockets open: {body}"));
    }
    curve.point("a new client was served");
    if let Some(first) = refused.first() {
        return Err(format!("{} upgrades were refused while idle sockets held places ({first})", refused.len()));
    }
    thread::sleep(SETTLE);
    let codes: Vec<u16> = sockets.sweep().into_iter().flatten().collect();
    println!("  {} idle WebSockets closed to make room, close codes {:?}", codes.len(), dedup(&codes));
    if codes.is_empty() {
        return Err("no idle WebSocket was closed: the server never reached its connection limit".into());
    }
    if codes.iter().any(|c| *c != 1001) {
        return Err(format!("idle WebSockets were closed with codes {:?}, not 1001", dedup(&codes)));
    }
    Ok(curve.peak - ready)
}

/// The distinct values of `codes`, sorted.
fn dedup(codes: &[u16]) -> Vec<u16> {
    let mut d = codes.to_vec();
    d.sort_unstable();
    d.dedup();
    d
}

//! `idle-websockets`: WebSockets that never send anything, opened past the server's
//! connection limit (the server runs with an open-file limit of 256), then an ordinary
//! client. Idle sockets must make room as idle HTTP connections do: no upgrade is refused,
//! the ordinary client is served, and the sockets closed to make room are told so with a
//! close frame.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use super::{Curve, Options, http};

/// The server's open-file limit (its default connection limit is three quarters of it).
const FILES: u32 = 256;
/// How long a close frame the server sends while making room may take to arrive.
const SETTLE: Duration = Duration::from_millis(300);

/// Runs the scenario; returns the RSS growth once the server was listening.
pub(super) fn idle_websockets(o: &Options) -> Result<f64, String> {
    let (server, addr) = http::start(o, Some(FILES))?;
    let mut curve = Curve::new(server.0.id());
    let ready = curve.point(&format!("listening, open-file limit {FILES}"));
    let mut sockets = Vec::with_capacity(o.count as usize);
    let mut refused = Vec::new();
    for i in 0..o.count {
        match upgrade(addr).map_err(|e| format!("WebSocket {i}: {e}"))? {
            Ok(socket) => sockets.push(socket),
            Err(status) => refused.push(status),
        }
    }
    curve.point(&format!("{} idle WebSockets open, {} upgrades refused", sockets.len(), refused.len()));
    let (status, _, body) =
        http::post(addr, &http::initialize("2025-06-18"), &[]).map_err(|e| format!("initialize: {e}"))?;
    if status != 200 || !body.contains("\"protocolVersion\"") {
        return Err(format!("a new client's initialize answered {status} with idle WebSockets open: {body}"));
    }
    curve.point("a new client was served");
    if let Some(status) = refused.first() {
        return Err(format!("{} upgrades were refused (HTTP {status}) while idle sockets held places", refused.len()));
    }
    thread::sleep(SETTLE);
    let mut codes = Vec::new();
    for socket in &mut sockets {
        if let Some(code) = close_code(socket) {
            codes.push(code);
        }
    }
    println!("  {} idle WebSockets closed to make room, close codes {:?}", codes.len(), dedup(&codes));
    if codes.is_empty() {
        return Err("no idle WebSocket was closed: the server never reached its connection limit".into());
    }
    if codes.iter().any(|c| *c != 1001) {
        return Err(format!("idle WebSockets were closed with codes {:?}, not 1001", dedup(&codes)));
    }
    Ok(curve.peak - ready)
}

/// Opens a WebSocket (subprotocol `mcp`): the socket, or the HTTP status of a refusal.
fn upgrade(addr: SocketAddr) -> std::io::Result<Result<TcpStream, u16>> {
    let mut tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    let head = format!(
        "GET /mcp HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: mcp\r\n\r\n"
    );
    tcp.write_all(head.as_bytes())?;
    // The answer's head, byte by byte: nothing of what follows it may be read here.
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        if tcp.read(&mut byte)? == 0 {
            break;
        }
        answer.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&answer);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Ok(if status == 101 { Ok(tcp) } else { Err(status) })
}

/// The code of the close frame the server sent on `socket`, if one is there already.
fn close_code(socket: &mut TcpStream) -> Option<u16> {
    socket.set_nonblocking(true).ok()?;
    let mut frame = [0u8; 4];
    let mut got = 0;
    while got < frame.len() {
        match socket.read(&mut frame[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock && got > 0 => thread::sleep(Duration::from_millis(5)),
            Err(_) => break,
        }
    }
    // FIN + opcode 8 (close), an unmasked payload of at least the two bytes of the code.
    (got == frame.len() && frame[0] == 0x88 && frame[1] & 0x7f >= 2).then(|| u16::from_be_bytes([frame[2], frame[3]]))
}

/// The distinct values of `codes`, sorted.
fn dedup(codes: &[u16]) -> Vec<u16> {
    let mut d = codes.to_vec();
    d.sort_unstable();
    d.dedup();
    d
}

//! `sessions`: many idle legacy Streamable HTTP sessions (never a stream, never closed),
//! opened by many clients (loopback addresses), while the server's tool list changes again
//! and again, each change fanned out to every session.

use std::net::Ipv4Addr;

use super::curve::Curve;
use super::http;
use super::options::Options;

/// The protocol version of the idle sessions.
const VERSION: &str = "2025-06-18";

/// Sessions opened from each client address: well under a server's per-client bound (a
/// tenth of its 10,000 sessions by default), so every session stays open.
const PER_CLIENT: u64 = 250;

/// The address the `i`th session is opened from: 127.1.x.y, a new one every [`PER_CLIENT`].
fn client(i: u64) -> Ipv4Addr {
    let [.., hi, lo] = (i / PER_CLIENT).to_be_bytes();
    Ipv4Addr::new(127, 1, hi, lo)
}

/// `sessions`: idle legacy sessions under list-change fan-out.
pub(super) fn sessions(o: &Options) -> Result<f64, String> {
    let (server, addr) = http::start(o, None)?;
    let mut curve = Curve::new(server.0.id());
    curve.point("listening");
    let mut ids = Vec::with_capacity(o.count as usize);
    for i in 0..o.count {
        ids.push(http::open_session_from(addr, Some(client(i)), VERSION)?);
        if (i + 1) % 500 == 0 {
            curve.point(&format!("{} idle sessions", i + 1));
        }
    }
    curve.point(&format!("{} idle sessions open", ids.len()));
    let caller = &http::session_headers(ids.first().ok_or("no session")?, VERSION);
    for i in 0..o.changes {
        let call = format!(
            r#"{{"jsonrpc":"2.0","id":{i},"method":"tools/call","params":{{"name":"toggle_bonus_tool","arguments":{{}}}}}}"#
        );
        let (status, _, body) = http::post(addr, &call, caller).map_err(|e| format!("tools/call: {e}"))?;
        if status != 200 || !body.contains("\"result\"") {
            return Err(format!("toggle_bonus_tool answered {status}: {body}"));
        }
        if (i + 1) % 50 == 0 {
            curve.point(&format!("{} list changes fanned out", i + 1));
        }
    }
    let (status, _, body) = http::post(addr, r#"{"jsonrpc":"2.0","id":"alive","method":"ping"}"#, caller)
        .map_err(|e| format!("ping: {e}"))?;
    if status != 200 || !body.contains("alive") {
        return Err(format!("ping after the fan-out answered {status}: {body}"));
    }
    curve.point("answered a ping after the fan-out");
    Ok(curve.peak)
}

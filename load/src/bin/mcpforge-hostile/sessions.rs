//! `sessions`: many idle legacy Streamable HTTP sessions (never a stream, never closed)
//! while the server's tool list changes again and again, each change fanned out to every
//! session.

use super::{Curve, Options, http};

/// The protocol version of the idle sessions.
const VERSION: &str = "2025-06-18";

/// `sessions`: idle legacy sessions under list-change fan-out.
pub(super) fn sessions(o: &Options) -> Result<f64, String> {
    let (server, addr) = http::start(o, None)?;
    let mut curve = Curve::new(server.0.id());
    curve.point("listening");
    let mut ids = Vec::with_capacity(o.count as usize);
    for i in 0..o.count {
        ids.push(http::open_session(addr, VERSION)?);
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

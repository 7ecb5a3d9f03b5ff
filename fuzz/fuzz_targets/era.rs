//! Era classification of a request (the router's `classify`, with `_meta` parsing by
//! `RequestMeta::from_params`), on a server with and without the 2026-07-28 wire and on a
//! connection without a session or with a legacy session of each version: a request is
//! served on the 2026 wire only when its `_meta` (or its method) says so and names that
//! version; a 2026-shaped request never falls back to the legacy session, and any other
//! request is served in the session, or answered as a bare `ping`, or refused -32600.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpforge::error::codes;
use mcpforge::fuzzing::{classify_era, is_modern_only};
use mcpforge::jsonrpc::Incoming;
use mcpforge::protocol::ProtocolVersion;
use mcpforge::protocol::meta::{PROTOCOL_VERSION_KEY, RequestMeta, is_modern_shaped};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    let Ok(Incoming::Request(req)) = Incoming::from_value(value) else { return };
    let params = req.params.as_ref();
    let meta = RequestMeta::from_params(params);
    if let Ok(m) = &meta {
        let sent = params.and_then(|p| p.get("_meta")?.get(PROTOCOL_VERSION_KEY)).and_then(Value::as_str);
        assert_eq!(sent, Some(m.protocol_version.as_str()));
        assert!(m.client_capabilities.is_object());
        assert!(is_modern_shaped(params));
    }
    let shaped = is_modern_shaped(params) || is_modern_only(&req.method);
    let sessions = ProtocolVersion::ALL.into_iter().filter(|v| !v.is_modern()).map(Some);
    for session in sessions.chain([None]) {
        for modern in [false, true] {
            let got = classify_era(modern, session, &req);
            if shaped {
                let names_2026 = meta.as_ref().is_ok_and(|m| m.protocol_version == "2026-07-28");
                match got {
                    Ok(Some(v)) => assert!(v.is_modern() && modern && names_2026),
                    Ok(None) => panic!("a 2026-shaped request is never a bare ping"),
                    Err(e) if meta.is_err() => assert_eq!(e.code, codes::INVALID_PARAMS),
                    Err(e) if modern && names_2026 => assert_eq!(e.code, codes::METHOD_NOT_FOUND),
                    Err(e) => assert_eq!(e.code, codes::UNSUPPORTED_PROTOCOL_VERSION),
                }
            } else {
                match (session, got) {
                    (Some(v), Ok(Some(served))) => assert_eq!(served, v),
                    (None, Ok(None)) => assert_eq!(req.method, "ping"),
                    (None, Err(e)) => assert!(e.code == codes::INVALID_REQUEST && req.method != "ping"),
                    (session, got) => panic!("session {session:?}: {got:?}"),
                }
            }
        }
    }
});

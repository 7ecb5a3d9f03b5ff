//! Entry points for the fuzz targets (`fuzz/`, `make fuzz`): thin wrappers that reach the
//! crate-private parsers and checks the targets exercise (line framing, era classification,
//! the HTTP metadata and `Host`/`Origin` header checks, `requestState` reading, SSE event
//! ids). Compiled only with the `fuzzing` feature and hidden from the documentation: not
//! part of the supported API.

use std::pin::pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};

use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue};
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use crate::context::InputState;
use crate::dispatch::call::{Era, Peer};
use crate::dispatch::mrtr;
use crate::dispatch::router;
use crate::error::ProtocolError;
use crate::jsonrpc::{Frame, IncomingRequest, LineReader};
use crate::outbox::outbox;
use crate::protocol::ProtocolVersion;
use crate::protocol::header_params::HeaderParam;
use crate::protocol::params::InputParams;
use crate::seal::Sealer;
use crate::server::Server;
use crate::session::Session;
use crate::transport::http::{HttpOptions, event_store, guard, headers};

pub use crate::transport::http::event_store::{EventStore, ReplayError, StoreLimits, StreamId};

/// One frame of the line codec, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnedFrame {
    /// A complete line without its terminator.
    Line(Vec<u8>),
    /// A line over the limit, with its length.
    Oversized(usize),
}

/// Every frame [`LineReader`] yields for `input` with a `max`-byte limit, read through a
/// buffer of `read_size` bytes (so a line arrives in pieces of at most that size).
pub fn frames(input: &[u8], max: usize, read_size: usize) -> Vec<OwnedFrame> {
    let mut reader = LineReader::new(tokio::io::BufReader::with_capacity(read_size.max(1), input), max);
    let mut out = Vec::new();
    loop {
        // Reading from a byte slice never waits: one poll finishes every call.
        let Poll::Ready(next) = pin!(reader.next_frame()).poll(&mut Context::from_waker(Waker::noop())) else {
            unreachable!("a byte slice is always ready");
        };
        match next.expect("a byte slice cannot fail to read") {
            Some(Frame::Line(line)) => out.push(OwnedFrame::Line(line.to_vec())),
            Some(Frame::Oversized(n)) => out.push(OwnedFrame::Oversized(n)),
            None => return out,
        }
    }
}

/// A server serving every protocol version, or only the legacy ones, built once.
fn server(modern: bool) -> &'static Server {
    static SERVERS: [OnceLock<Server>; 2] = [OnceLock::new(), OnceLock::new()];
    SERVERS[usize::from(modern)].get_or_init(|| {
        let builder = Server::builder("fuzz", "0.0.0").state_key(b"fuzz");
        let builder = if modern { builder } else { builder.protocol_versions(&ProtocolVersion::ALL[1..]) };
        builder.build().expect("the fuzzing server builds")
    })
}

/// True for the methods that exist only on the 2026-07-28 wire.
pub fn is_modern_only(method: &str) -> bool {
    crate::protocol::method::marks_modern(method)
}

/// The router's era decision for `req` on a server that serves 2026-07-28 (`modern`) or
/// only the legacy versions, on a connection whose legacy session (if any) negotiated
/// `session`. `Ok(None)`: a `ping` outside any session; otherwise the version served.
pub fn classify_era(
    modern: bool,
    session: Option<ProtocolVersion>,
    req: &IncomingRequest,
) -> Result<Option<ProtocolVersion>, ProtocolError> {
    let (out, _reader) = outbox("fuzz", 1, 1024);
    let session = session.map(|v| Arc::new(Session::new(v, json!({}), Value::Null, out.clone())));
    let peer = Peer {
        session,
        out,
        stopping: Arc::new(CancellationToken::new()),
        auth: None,
        http: None,
        client: None,
        conn: 0,
        revealed: None,
        deadline: crate::deadline::Deadline::Own,
    };
    let era = router::classify(&server(modern).shared, &peer, req, None)?;
    Ok(era.as_ref().map(Era::version))
}

/// The 2026-07-28 metadata header check ([`headers::check_request`]) against `headers`,
/// a list of (name, value) pairs looked up case-insensitively.
pub fn check_metadata_headers(
    method: &str,
    params: Option<&Map<String, Value>>,
    tool_params: &[HeaderParam],
    headers: &[(String, String)],
) -> Result<(), ProtocolError> {
    let lookup = |name: &str| -> Vec<String> {
        headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()).collect()
    };
    headers::check_request(method, params, tool_params, &lookup)
}

/// The `params` field that `Mcp-Name` mirrors for `method`, if the method has one.
pub fn name_field(method: &str) -> Option<&'static str> {
    crate::protocol::method::Method::from_wire(method).and_then(crate::protocol::method::Method::name_header_field)
}

/// Decodes one metadata header value (plain or `=?base64?…?=`).
pub fn decode_header_value(raw: &str) -> Result<String, String> {
    headers::decode_value(raw)
}

/// Encodes a value for a metadata header.
pub fn encode_header_value(value: &str) -> String {
    headers::encode_value(value)
}

/// The `Host`/`Origin` check of the default HTTP options (loopback only). `None` when a
/// value is not a valid HTTP header value (the HTTP layer refuses it first).
pub fn host_and_origin_allowed(host: Option<&[u8]>, origin: Option<&[u8]>) -> Option<bool> {
    static OPTIONS: OnceLock<HttpOptions> = OnceLock::new();
    let mut map = HeaderMap::new();
    for (name, value) in [(HOST, host), (ORIGIN, origin)] {
        if let Some(v) = value {
            map.insert(name, HeaderValue::from_bytes(v).ok()?);
        }
    }
    Some(guard::check(OPTIONS.get_or_init(HttpOptions::default), &map).is_ok())
}

/// What a retry's `requestState` and `inputResponses` gave a handler: its answers and the
/// application state carried over.
pub type RoundInput = (Map<String, Value>, Option<Value>);

/// Reads a retry's `requestState` and `inputResponses` from `params`, as a 2026-07-28
/// `tools/call`, `prompts/get` or `resources/read` does.
pub fn read_request_state(
    sealer: &Sealer,
    method: &str,
    bind: &[&Value],
    subject: Option<&str>,
    params: &mut Map<String, Value>,
) -> Result<RoundInput, ProtocolError> {
    let input = mrtr::read_input(sealer, method, bind, subject, InputParams::take(params))?;
    Ok((input.answers, input.app_state))
}

/// The `input_required` result a round ends with, carrying `answers` and `app_state` in a
/// sealed `requestState` bound to (`method`, `bind`, `subject`).
pub fn input_required(
    sealer: &Sealer,
    method: &str,
    bind: &[&Value],
    subject: Option<&str>,
    answers: Map<String, Value>,
    app_state: Option<Value>,
) -> Value {
    let input = InputState::new(answers, None);
    *crate::sync::lock(&input.next_state) = app_state;
    mrtr::input_required(sealer, method, bind, subject, &input)
}

/// Parses an SSE event id (`"<stream>-<seq>"`), as `Last-Event-ID` resumption does.
pub fn parse_event_id(id: &str) -> Option<(u64, u64)> {
    event_store::parse_id(id)
}

/// Formats an SSE event id.
pub fn format_event_id(stream: u64, seq: u64) -> String {
    event_store::format_id(stream, seq)
}

//! The legacy `initialize` handshake: version negotiation, capabilities for that version,
//! and a new session (keeping a bounded description of the client).

use std::sync::Arc;

use serde_json::{Value, json};

use super::Outbox;
use super::capabilities::capabilities;
use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::protocol::params::InitializeParams;
use crate::protocol::{ProtocolVersion, shaping};
use crate::session::Session;

/// The most bytes of JSON a session keeps of each of the client's `capabilities` and
/// `clientInfo`.
pub(crate) const MAX_CLIENT_DESCRIPTION: usize = 16 * 1024;

/// The length of `value` as compact JSON, counted without building the text (a writer
/// that only counts: a few lines, not worth a crate).
fn json_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail, nor can serializing a `Value`.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// The session a legacy request without a handshake of its own is served in (HTTP's
/// `sessionless` mode): the version `header_version` names (its `MCP-Protocol-Version`),
/// 2025-03-26 when absent, the newest served legacy version when that one is not served,
/// and nothing else known about the client.
pub(crate) fn assumed(
    shared: &Arc<ServerShared>,
    header_version: Option<&str>,
    out: Outbox,
) -> Result<Arc<Session>, ProtocolError> {
    let legacy = |v: &ProtocolVersion| !v.is_modern() && shared.versions.contains(v);
    let version = header_version
        .and_then(ProtocolVersion::parse)
        .or(Some(ProtocolVersion::V2025_03_26))
        .filter(legacy)
        .or_else(|| shared.versions.iter().copied().find(legacy))
        .ok_or_else(|| ProtocolError::invalid_request("this server serves no handshake-era protocol version"))?;
    initialize(shared, &InitializeParams::asking(version.as_str()), out).map(|(session, _)| session)
}

/// Answers `initialize`: returns the new session and the serialized result.
pub(crate) fn initialize(
    shared: &Arc<ServerShared>,
    params: &InitializeParams<'_>,
    out: Outbox,
) -> Result<(Arc<Session>, Vec<u8>), ProtocolError> {
    let (version, answer) = propose(shared, params)?;
    Ok((open(shared, params, version, out), serialize(&answer)?))
}

/// What the engine answers to a first `initialize` with `params`: the version it agrees on
/// and the result object, or the refusal (a version it cannot serve, a client description
/// over its bound). Opens nothing ([`open`] does).
pub(crate) fn propose(
    shared: &ServerShared,
    params: &InitializeParams<'_>,
) -> Result<(ProtocolVersion, Value), ProtocolError> {
    let version = negotiate(shared, params)?;
    // The session keeps both for its life (and a shared store's record of it does too).
    let capabilities = params.capabilities.map_or(2, json_len);
    let info = params.client_info.map_or(4, json_len);
    for (what, len) in [("capabilities", capabilities), ("clientInfo", info)] {
        if len > MAX_CLIENT_DESCRIPTION {
            return Err(ProtocolError::invalid_params(format!(
                "`{what}` is at most {MAX_CLIENT_DESCRIPTION} bytes of JSON"
            )));
        }
    }
    Ok((version, result(shared, version)))
}

/// Opens the session a handshake with `params` agreed on at `version` (checked by
/// [`propose`]).
pub(crate) fn open(
    shared: &Arc<ServerShared>,
    params: &InitializeParams<'_>,
    version: ProtocolVersion,
    out: Outbox,
) -> Arc<Session> {
    let client_capabilities = Value::Object(params.capabilities.cloned().unwrap_or_default());
    let client_info = params.client_info.cloned().unwrap_or(Value::Null);
    let session = Arc::new(Session::new(version, client_capabilities, client_info, out));
    shared.hub.add_session(Arc::downgrade(&session));
    session
}

/// The version an application's answer to `initialize` names (its `protocolVersion`), when
/// it is a handshake version this server serves.
pub(crate) fn answered_version(shared: &ServerShared, answer: &Value) -> Option<ProtocolVersion> {
    let named = ProtocolVersion::parse(answer.get("protocolVersion")?.as_str()?)?;
    (!named.is_modern() && shared.versions.contains(&named)).then_some(named)
}

/// Answers an `initialize` sent again on a session: the same answer when it negotiates the
/// session's version (the official SDKs answer a repeated handshake; their test helpers
/// initialize before the test does), a refusal when it asks for another version. The
/// session keeps what the first handshake said about the client.
pub(crate) fn repeated(
    shared: &Arc<ServerShared>,
    params: &InitializeParams<'_>,
    session: &Session,
) -> Result<Value, ProtocolError> {
    let version = negotiate(shared, params)?;
    if version != session.version {
        return Err(ProtocolError::invalid_request(format!(
            "the session is already initialized with protocol version {}",
            session.version.as_str()
        )));
    }
    Ok(result(shared, version))
}

/// An `initialize` result as the bytes of its answer.
pub(crate) fn serialize(answer: &Value) -> Result<Vec<u8>, ProtocolError> {
    serde_json::to_vec(answer).map_err(ProtocolError::internal)
}

/// The version `initialize` with `params` agrees on: a supported handshake version is
/// echoed; anything else gets the newest one (the client disconnects if it cannot speak it).
fn negotiate(shared: &ServerShared, params: &InitializeParams<'_>) -> Result<ProtocolVersion, ProtocolError> {
    let requested = params.protocol_version()?;
    let legacy: Vec<ProtocolVersion> = shared.versions.iter().copied().filter(|v| !v.is_modern()).collect();
    let Some(&newest) = legacy.first() else {
        // A modern-only server: tell the legacy client what it would need.
        return Err(ProtocolError::new(
            crate::error::codes::METHOD_NOT_FOUND,
            "This server does not support the initialize handshake; use server/discover",
        )
        .with_data(json!({ "supported": shared.version_strings() })));
    };
    Ok(ProtocolVersion::parse(requested).filter(|v| legacy.contains(v)).unwrap_or(newest))
}

/// The `initialize` result for `version`.
fn result(shared: &ServerShared, version: ProtocolVersion) -> Value {
    let mut info = shared.info.clone();
    if let Some(obj) = info.as_object_mut() {
        shaping::implementation(obj, version);
    }
    let mut result = json!({
        "protocolVersion": version.as_str(),
        "capabilities": capabilities(shared, &shared.registry.snapshot(), version),
        "serverInfo": info,
    });
    if let Some(i) = crate::sync::lock(&shared.instructions).as_deref() {
        result["instructions"] = json!(i);
    }
    result
}

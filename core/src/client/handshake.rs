//! Connecting on either wire: the handshake (`initialize` offering a version, accepting the
//! server's answer when the client knows it, then `notifications/initialized`), the
//! stateless 2026-07-28 wire (`server/discover`, and the `_meta` every request carries), and
//! the probe that picks between them.

use serde_json::{Value, json};

use super::error::ClientError;
use super::options::Protocol;
use super::peer::{CallOptions, CancelReason, Peer, with_meta};
use crate::error::{ProtocolError, codes};
use crate::protocol::ProtocolVersion;
use crate::protocol::meta::{
    CLIENT_CAPABILITIES_KEY, CLIENT_INFO_KEY, LOG_LEVEL_KEY, PROTOCOL_VERSION_KEY, SERVER_INFO_KEY,
};
use crate::protocol::method::Method;

/// What the client learnt of the server when it connected.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSession {
    /// The version the connection speaks.
    pub protocol_version: ProtocolVersion,
    /// The server's capabilities.
    pub capabilities: Value,
    /// The server's name and version (`serverInfo`), when it gave them.
    pub server_info: Value,
    /// The server's instructions, when it gave some.
    pub instructions: Option<String>,
}

/// Who the client is, as it tells the server.
pub(crate) struct Introduction<'a> {
    /// `clientInfo`.
    pub(crate) info: &'a Value,
    /// The client capabilities.
    pub(crate) capabilities: &'a Value,
}

impl Introduction<'_> {
    /// Adds the 2026-07-28 per-request `_meta` to `params`, with the log level the
    /// application asked for, if any.
    pub(crate) fn stamp(&self, params: &mut Value, log_level: Option<&str>) {
        with_meta(params, PROTOCOL_VERSION_KEY, json!(ProtocolVersion::STATELESS.as_str()));
        with_meta(params, CLIENT_CAPABILITIES_KEY, self.capabilities.clone());
        with_meta(params, CLIENT_INFO_KEY, self.info.clone());
        if let Some(level) = log_level {
            with_meta(params, LOG_LEVEL_KEY, json!(level));
        }
    }
}

/// Connects on the wire `protocol` names.
pub(crate) async fn connect(
    peer: &Peer,
    me: &Introduction<'_>,
    protocol: Protocol,
    call: CallOptions,
    probe: CallOptions,
) -> Result<ServerSession, ClientError> {
    match protocol {
        Protocol::Handshake(version) => initialize(peer, me, version, call).await,
        Protocol::Stateless => discover(peer, me, call).await,
        Protocol::Auto => match discover(peer, me, probe).await {
            Err(ClientError::Closed) => Err(ClientError::Closed),
            Err(e) => {
                tracing::debug!("server/discover failed ({e}); trying the handshake");
                initialize(peer, me, ProtocolVersion::LATEST_LEGACY, call).await
            }
            found => found,
        },
    }
}

async fn initialize(
    peer: &Peer,
    me: &Introduction<'_>,
    offered: ProtocolVersion,
    call: CallOptions,
) -> Result<ServerSession, ClientError> {
    if offered.is_modern() {
        return Err(ClientError::Protocol(format!("{} has no handshake", offered.as_str())));
    }
    let params = json!({ "protocolVersion": offered.as_str(), "capabilities": me.capabilities, "clientInfo": me.info });
    let result = peer.request(Method::Initialize.as_str(), params, call).await?;
    let answered = result.get("protocolVersion").and_then(Value::as_str).unwrap_or_default();
    let Some(version) = ProtocolVersion::parse(answered).filter(|v| !v.is_modern()) else {
        return Err(ClientError::Protocol(format!(
            "the server chose protocol version {answered:?}, unknown to this client"
        )));
    };
    peer.notify(Method::Initialized.as_str(), None).await?;
    Ok(session(version, &result, result.get("serverInfo")))
}

async fn discover(peer: &Peer, me: &Introduction<'_>, call: CallOptions) -> Result<ServerSession, ClientError> {
    let mut params = json!({});
    me.stamp(&mut params, None);
    let result = send_stateless(peer, Method::ServerDiscover.as_str(), params, call, None).await?;
    let supported = result.get("supportedVersions").and_then(Value::as_array);
    let modern = supported.is_some_and(|v| v.iter().any(|v| v.as_str() == Some(ProtocolVersion::STATELESS.as_str())));
    if !modern {
        return Err(ClientError::Protocol(format!(
            "the server does not offer {}",
            ProtocolVersion::STATELESS.as_str()
        )));
    }
    Ok(session(ProtocolVersion::STATELESS, &result, result.pointer("/_meta").and_then(|m| m.get(SERVER_INFO_KEY))))
}

/// Sends a 2026-07-28 request. A server that refuses the version (-32022) while listing it
/// among the versions it supports is asked once more: the client speaks no other stateless
/// version, so there is nothing else to offer, and a second refusal is the answer.
pub(crate) async fn send_stateless(
    peer: &Peer,
    method: &str,
    params: Value,
    call: CallOptions,
    reason: Option<&CancelReason>,
) -> Result<Value, ClientError> {
    match peer.request_as(method, params.clone(), call, reason).await {
        Err(ClientError::Server(e)) if e.code == codes::UNSUPPORTED_PROTOCOL_VERSION && lists_stateless(&e) => {
            tracing::debug!(
                method,
                "the server refused {} but lists it; asking again",
                ProtocolVersion::STATELESS.as_str()
            );
            peer.request_as(method, params, call, reason).await
        }
        answered => answered,
    }
}

/// Whether an unsupported-version error's `data.supported` lists the stateless version.
fn lists_stateless(error: &ProtocolError) -> bool {
    let supported = error.data.as_ref().and_then(|d| d.get("supported")).and_then(Value::as_array);
    supported.is_some_and(|v| v.iter().any(|v| v.as_str() == Some(ProtocolVersion::STATELESS.as_str())))
}

fn session(version: ProtocolVersion, result: &Value, server_info: Option<&Value>) -> ServerSession {
    ServerSession {
        protocol_version: version,
        capabilities: result.get("capabilities").cloned().unwrap_or_else(|| json!({})),
        server_info: server_info.cloned().unwrap_or(Value::Null),
        instructions: result.get("instructions").and_then(Value::as_str).map(str::to_owned),
    }
}

//! Resource subscriptions, legacy (`resources/subscribe` and `resources/unsubscribe`, kept by
//! the session and its shared-store record) and 2026 (`resourceSubscriptions` of
//! `subscriptions/listen`, kept by the listen stream): which URIs a request may subscribe
//! to (under a catalogue hook only those it may see, so a hidden resource answers as a
//! missing one) and the bounds on what a client may make the server keep.

use crate::protocol::method::Method;
use serde_json::Value;

use super::resources::shown_as;
use crate::dispatch::call::{Call, Peer, Reply};
use crate::dispatch::visibility::Sight;
use crate::error::ProtocolError;
use crate::protocol::params::SubscribeParams;
use crate::registry::Snapshot;
use crate::session::{MAX_PER_SESSION, StateChange};

/// The longest URI a client may subscribe to, in bytes: a subscription keeps the URI as
/// sent, in the session (and its shared-store record) or the listen stream.
pub(crate) const MAX_URI_BYTES: usize = 4096;

/// The most `resourceSubscriptions` one `subscriptions/listen` may name.
pub(crate) const MAX_PER_LISTEN: usize = 256;

/// Whether the request may subscribe to `uri`: without a catalogue hook any URI (a resource
/// may appear later), with one only a resource or template match it may see (then revealed
/// to the request's metrics, when `peer` is given).
async fn may_subscribe(peer: Option<&Peer>, sight: &Sight, snap: &Snapshot, uri: &str) -> bool {
    if !sight.is_filtered() {
        return true;
    }
    let Some(shown) = shown_as(sight, snap, uri).await else { return false };
    if let Some(peer) = peer {
        peer.reveal(&shown);
    }
    true
}

fn too_long(uri: &str) -> Option<ProtocolError> {
    (uri.len() > MAX_URI_BYTES)
        .then(|| ProtocolError::invalid_params(format!("a subscribed URI is at most {MAX_URI_BYTES} bytes")))
}

/// `resources/subscribe` and `resources/unsubscribe` of a legacy session: a hidden URI is
/// refused as a missing resource, as `resources/read` refuses it.
pub(crate) async fn legacy(mut call: Call<'_>) -> Reply {
    let params = call.take_params();
    let Call { peer, ref era, ref req, ref sight, ref snap, .. } = call;
    let method = req.method.as_str();
    let session = era.legacy_session(method)?;
    let SubscribeParams { uri } = SubscribeParams::read(&params)?;
    if let Some(e) = too_long(uri) {
        return Err(e);
    }
    if !may_subscribe(Some(peer), sight, snap, uri).await {
        return Err(ProtocolError::resource_not_found(uri));
    }
    let change = if method == Method::ResourcesSubscribe.as_str() {
        if !session.subscribe(uri.to_owned(), MAX_PER_SESSION) {
            return Err(ProtocolError::invalid_params(format!(
                "at most {MAX_PER_SESSION} subscriptions per session: unsubscribe from one first"
            )));
        }
        StateChange::Subscribe { uri: uri.to_owned() }
    } else {
        session.unsubscribe(uri);
        StateChange::Unsubscribe { uri: uri.to_owned() }
    };
    // Answered once every instance that shares the session can see the change.
    session.persist(change).await?;
    Ok(b"{}".to_vec())
}

/// The `resourceSubscriptions` a listen stream honors: the URIs the request may subscribe
/// to, each once, in the order given. A hidden or (under a catalogue hook) unknown URI is
/// left out of the acknowledgement, as an unknown task id is: the client cannot tell them
/// apart. More than [`MAX_PER_LISTEN`] URIs, or one over [`MAX_URI_BYTES`], is -32602.
pub(crate) async fn listened(listed: &[Value], sight: &Sight, snap: &Snapshot) -> Result<Vec<String>, ProtocolError> {
    if listed.len() > MAX_PER_LISTEN {
        return Err(ProtocolError::invalid_params(format!(
            "at most {MAX_PER_LISTEN} `resourceSubscriptions` per stream"
        )));
    }
    let mut honored: Vec<String> = Vec::new();
    for uri in listed.iter().filter_map(Value::as_str) {
        if let Some(e) = too_long(uri) {
            return Err(e);
        }
        if !honored.iter().any(|h| h == uri) && may_subscribe(None, sight, snap, uri).await {
            honored.push(uri.to_owned());
        }
    }
    Ok(honored)
}

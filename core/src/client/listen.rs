//! Subscriptions on the 2026-07-28 wire: a `subscriptions/listen` request kept open
//! ([`Listening`]), whose stream carries the notifications the client opted into (resource
//! updates, list changes, task states), each tagged with the stream's id in `_meta` and
//! delivered to the application like any other notification. Closing a stream cancels its
//! request; a notification of a stream already closed is dropped. [`Client::subscribe`] keeps
//! one stream of its own for the resources subscribed one by one, opened again with the
//! new set at each change (the new one acknowledged before the old one closes, so no update
//! falls between them). On the handshake wire `subscribe` is `resources/subscribe`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::Client;
use super::error::ClientError;
use super::peer::{CallOptions, CancelReason, Peer};
use crate::dispatch::executor::Joinable;
use crate::jsonrpc::RequestId;
use crate::protocol::method::Method;
use crate::sync::lock;

/// How long a stream's request may stay open: the server ends it when it stops, the client
/// when it closes the stream; this only keeps the wait finite.
const STREAM_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// What a listen stream asks the server to send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscriptions {
    /// `notifications/resources/updated` for these URIs (and the resources under them).
    pub resources: Vec<String>,
    /// `notifications/tools/list_changed`.
    pub tools_list_changed: bool,
    /// `notifications/prompts/list_changed`.
    pub prompts_list_changed: bool,
    /// `notifications/resources/list_changed`.
    pub resources_list_changed: bool,
    /// `notifications/tasks` for these tasks (the Tasks extension).
    pub task_ids: Vec<String>,
}

impl Subscriptions {
    /// Updates of these resources only.
    #[must_use]
    pub fn resources<I: IntoIterator<Item = S>, S: Into<String>>(uris: I) -> Subscriptions {
        Subscriptions { resources: uris.into_iter().map(Into::into).collect(), ..Subscriptions::default() }
    }

    /// The request's `notifications` object.
    fn to_json(&self) -> Value {
        let mut wanted = serde_json::Map::new();
        let mut flag = |key: &str, on: bool| {
            if on {
                wanted.insert(key.into(), json!(true));
            }
        };
        flag("toolsListChanged", self.tools_list_changed);
        flag("promptsListChanged", self.prompts_list_changed);
        flag("resourcesListChanged", self.resources_list_changed);
        if !self.resources.is_empty() {
            wanted.insert("resourceSubscriptions".into(), json!(self.resources));
        }
        if !self.task_ids.is_empty() {
            wanted.insert("taskIds".into(), json!(self.task_ids));
        }
        Value::Object(wanted)
    }
}

/// An open `subscriptions/listen` stream. Dropping it (or [`Listening::close`]) cancels the
/// request: the server gets `notifications/cancelled` and the stream's later notifications
/// are dropped.
pub struct Listening {
    id: RequestId,
    honored: Value,
    request: Joinable<()>,
    /// Tripped when the request ended.
    ended: CancellationToken,
}

impl std::fmt::Debug for Listening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listening").field("id", &self.id).field("honored", &self.honored).finish_non_exhaustive()
    }
}

impl Listening {
    /// The stream's id (its request's id, the `subscriptionId` its notifications carry).
    pub fn id(&self) -> &RequestId {
        &self.id
    }

    /// What the server agreed to send: its acknowledgement's `notifications` object (what it
    /// does not support or the caller may not see is left out).
    pub fn honored(&self) -> &Value {
        &self.honored
    }

    /// The resource URIs the server agreed to report on.
    pub fn resources(&self) -> Vec<&str> {
        let listed = self.honored.get("resourceSubscriptions").and_then(Value::as_array);
        listed.into_iter().flatten().filter_map(Value::as_str).collect()
    }

    /// Whether the stream is still open (the server may end it, e.g. when it stops).
    pub fn is_open(&self) -> bool {
        !self.ended.is_cancelled()
    }

    /// Closes the stream (its request is cancelled on the server).
    pub async fn close(mut self) {
        self.request.abort();
        let _ = (&mut self.request).await;
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.request.abort();
    }
}

/// Forgets a stream when its request ends, however it ends.
struct Open {
    peer: Arc<Peer>,
    id: RequestId,
    ended: CancellationToken,
}

impl Open {
    /// Registers the stream `id` (`ack`: where its acknowledgement goes, if anywhere).
    fn register(peer: &Arc<Peer>, id: &RequestId, ack: Option<oneshot::Sender<Value>>) -> Open {
        lock(&peer.streams).insert(id.clone(), ack);
        Open { peer: peer.clone(), id: id.clone(), ended: CancellationToken::new() }
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        lock(&self.peer.streams).remove(&self.id);
        self.ended.cancel();
    }
}

impl Client {
    /// Opens a `subscriptions/listen` stream for `wanted` (2026-07-28 only) and waits for
    /// the server's acknowledgement (within the client's call timeout). The stream's
    /// notifications reach the notification handlers and channel like any other, through
    /// the connection's bounded queues.
    pub async fn listen(&self, wanted: &Subscriptions) -> Result<Listening, ClientError> {
        if !self.is_stateless() {
            return Err(ClientError::Protocol(format!(
                "{} exists only on the 2026-07-28 wire; use subscribe",
                Method::SubscriptionsListen.as_str()
            )));
        }
        let mut params = json!({ "notifications": wanted.to_json() });
        self.stamp(&mut params, !wanted.task_ids.is_empty());
        let id = self.peer.reserve_id();
        let (ack, acknowledged) = oneshot::channel();
        let (finished, end) = oneshot::channel();
        // Made here, so that a stream stopped before its task ever ran is forgotten too.
        let open = Open::register(&self.peer, &id, Some(ack));
        let ended = open.ended.clone();
        let request = self.spawner.spawn_joinable(async move {
            let forever =
                CallOptions { timeout: STREAM_LIFETIME, reset_on_progress: false, max_total: STREAM_LIFETIME };
            let (peer, key) = (&open.peer, open.id.clone());
            let outcome = peer.request_numbered(key, Method::SubscriptionsListen.as_str(), params, forever, None).await;
            let _ = finished.send(outcome);
        });
        let mut stream = Listening { id, honored: Value::Null, request, ended };
        let waited = tokio::time::timeout(self.call.timeout, async {
            tokio::select! {
                ack = acknowledged => ack.map_err(|_| ClientError::Closed),
                outcome = end => Err(match outcome {
                    Ok(Err(e)) => e,
                    Ok(Ok(_)) => ClientError::Protocol("the listen stream ended before it was acknowledged".into()),
                    Err(_) => ClientError::Closed,
                }),
            }
        })
        .await;
        let ack = match waited {
            Ok(ack) => ack?,
            Err(_) => {
                let after = self.call.timeout;
                return Err(ClientError::Timeout { method: Method::SubscriptionsListen.as_str().into(), after });
            }
        };
        stream.honored = ack.get("notifications").cloned().unwrap_or_else(|| json!({}));
        Ok(stream)
    }

    /// A `subscriptions/listen` sent as a plain request ([`Client::request`]): its stream is
    /// open (its notifications delivered) until the request ends or its future is dropped.
    pub(crate) async fn listen_request(
        &self,
        params: Value,
        call: CallOptions,
        reason: &CancelReason,
    ) -> Result<Value, ClientError> {
        let id = self.peer.reserve_id();
        let _open = Open::register(&self.peer, &id, None);
        let method = Method::SubscriptionsListen.as_str();
        self.peer.request_numbered(id, method, params, call, Some(reason)).await
    }

    /// Replaces `stream` by one for `wanted`: the new stream is acknowledged before the old
    /// one closes, so nothing between them is missed (a notification may come twice).
    pub async fn change_listen(&self, stream: &mut Listening, wanted: &Subscriptions) -> Result<(), ClientError> {
        let fresh = self.listen(wanted).await?;
        std::mem::replace(stream, fresh).close().await;
        Ok(())
    }

    /// `notifications/resources/updated` for `uri` from now on: `resources/subscribe` on the
    /// handshake wire; on 2026-07-28 the client's own listen stream, opened again with `uri`
    /// added (an error when the server does not agree to report on it).
    pub async fn subscribe(&self, uri: &str) -> Result<(), ClientError> {
        if !self.is_stateless() {
            return self.request(Method::ResourcesSubscribe.as_str(), json!({ "uri": uri })).await.map(drop);
        }
        let mut kept = self.subscribed.lock().await;
        let mut uris: Vec<String> =
            kept.as_ref().map(|s| s.resources().into_iter().map(str::to_owned).collect()).unwrap_or_default();
        if uris.iter().any(|u| u == uri) {
            return Ok(());
        }
        uris.push(uri.to_owned());
        let fresh = self.listen(&Subscriptions::resources(uris)).await?;
        if !fresh.resources().contains(&uri) {
            return Err(ClientError::Protocol(format!("the server does not report updates of {uri}")));
        }
        if let Some(old) = kept.replace(fresh) {
            old.close().await;
        }
        Ok(())
    }

    /// No more updates of `uri`: `resources/unsubscribe` on the handshake wire; on
    /// 2026-07-28 the client's listen stream opened again without it (closed when none is left).
    pub async fn unsubscribe(&self, uri: &str) -> Result<(), ClientError> {
        if !self.is_stateless() {
            return self.request(Method::ResourcesUnsubscribe.as_str(), json!({ "uri": uri })).await.map(drop);
        }
        let mut kept = self.subscribed.lock().await;
        let Some(stream) = kept.take() else { return Ok(()) };
        let uris: Vec<String> = stream.resources().into_iter().filter(|u| *u != uri).map(str::to_owned).collect();
        if uris.is_empty() {
            stream.close().await;
            return Ok(());
        }
        match self.listen(&Subscriptions::resources(uris)).await {
            Ok(fresh) => {
                *kept = Some(fresh);
                stream.close().await;
                Ok(())
            }
            Err(e) => {
                *kept = Some(stream);
                Err(e)
            }
        }
    }
}

//! Subscriptions on the 2026-07-28 wire: a `subscriptions/listen` request kept open
//! ([`Listening`]), whose stream carries the notifications the client opted into (resource
//! updates, list changes, task states), each tagged with the stream's id in `_meta` and
//! delivered to the application like any other notification. Closing a stream cancels its
//! request; a notification of a stream already closed is dropped. [`Client::subscribe`] keeps
//! one stream of its own for the resources subscribed one by one, opened again with the
//! new set at each change (the new one acknowledged before the old one closes, so no update
//! falls between them). On the handshake wire `subscribe` is `resources/subscribe`.

use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::Client;
use super::error::ClientError;
use super::peer::{CallOptions, CancelReason};
use super::subscriptions::{Listening, Open, STREAM_LIFETIME, Subscriptions};
use crate::protocol::method::Method;

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

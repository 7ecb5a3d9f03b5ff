//! The client engine's core: one connection's request/response correlation over a
//! [`Wire`]. It numbers requests, waits for each answer with a timeout that progress
//! notifications can extend (up to a ceiling), sends `notifications/cancelled` when a call
//! times out or its future is dropped, answers the server's own requests with the
//! application's handlers (each in a task of its own, cancelled by the server's
//! `notifications/cancelled`), and delivers the server's notifications.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;

use super::answer::Answers;
use super::error::ClientError;
use super::notifications::{Notification, Notifications};
use crate::dispatch::executor::{Joinable, Spawner};
use crate::error::ProtocolError;
use crate::jsonrpc::{Incoming, IncomingRequest, RequestId, encode};
use crate::protocol::meta::SUBSCRIPTION_ID_KEY;
use crate::protocol::method::Method;
use crate::sync::lock;

/// How long one call waits for its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallOptions {
    /// How long to wait for the answer, or for the next progress notification when
    /// `reset_on_progress` is set.
    pub timeout: Duration,
    /// Ask for progress (a `progressToken`) and restart the timeout at each progress
    /// notification.
    pub reset_on_progress: bool,
    /// The longest a call waits in all, progress or not.
    pub max_total: Duration,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions { timeout: Duration::from_secs(60), reset_on_progress: true, max_total: Duration::from_secs(600) }
    }
}

/// Why a call is given up when its future is dropped: "the caller stopped waiting" unless
/// [`CancelReason::set`] gave another reason first (an application's own, e.g. the reason of
/// a JavaScript `AbortSignal`), sent to the server in `notifications/cancelled`.
#[derive(Debug, Clone, Default)]
pub struct CancelReason(Arc<Mutex<Option<String>>>);

impl CancelReason {
    /// A reason not yet set.
    #[must_use]
    pub fn new() -> CancelReason {
        CancelReason::default()
    }

    /// Sets the reason the call's `notifications/cancelled` carries when its future is dropped.
    pub fn set(&self, reason: impl Into<String>) {
        *lock(&self.0) = Some(reason.into());
    }
}

/// A call waiting for its answer.
struct Waiter {
    answer: oneshot::Sender<Result<Value, ProtocolError>>,
    /// The call's progress token, when it has one.
    token: Option<RequestId>,
}

/// One connection's engine (see the module docs).
pub(crate) struct Peer {
    outgoing: mpsc::Sender<Vec<u8>>,
    pending: Mutex<HashMap<RequestId, Waiter>>,
    /// By progress token, what each progress notification sets for its call (taken when
    /// the call's timeout runs out).
    progress: Mutex<HashMap<RequestId, Arc<AtomicBool>>>,
    next_id: AtomicI64,
    pub(crate) answers: Answers,
    pub(crate) notifications: Notifications,
    /// The server's requests being answered, by id (cancelled by `notifications/cancelled`).
    answering: Mutex<HashMap<RequestId, AbortHandle>>,
    /// Room for the server's requests answered at once; a request past it is refused.
    answer_slots: Arc<Semaphore>,
    /// Set once the server's side ended.
    ended: AtomicBool,
    /// Tripped once the server's side ended (what [`Peer::closed`] waits for).
    closed: CancellationToken,
    /// The open `subscriptions/listen` streams, by request id: the sender of each stream's
    /// acknowledgement until it came. A notification tagged with a stream not open here
    /// (closed by the client, its cancellation still on its way) is dropped.
    pub(crate) streams: Mutex<HashMap<RequestId, Option<oneshot::Sender<Value>>>>,
}

impl Peer {
    /// Starts the engine on a transport's queues; the reading task (run by `spawner`) ends
    /// with the transport. At most `max_answering` of the server's requests are answered at
    /// once.
    pub(crate) fn start(
        outgoing: mpsc::Sender<Vec<u8>>,
        incoming: mpsc::Receiver<Vec<u8>>,
        answers: Answers,
        notifications: Notifications,
        max_answering: usize,
        spawner: &Spawner,
    ) -> (Arc<Peer>, Joinable<()>) {
        let peer = Arc::new(Peer {
            outgoing,
            pending: Mutex::default(),
            progress: Mutex::default(),
            next_id: AtomicI64::new(1),
            answers,
            notifications,
            answering: Mutex::default(),
            answer_slots: Arc::new(Semaphore::new(max_answering.max(1))),
            ended: AtomicBool::new(false),
            closed: CancellationToken::new(),
            streams: Mutex::default(),
        });
        let reader = spawner.spawn_joinable(read_loop(Arc::downgrade(&peer), incoming));
        (peer, reader)
    }

    /// Sends a request and waits for its result (see [`CallOptions`]).
    pub(crate) async fn request(
        &self,
        method: &str,
        params: Value,
        options: CallOptions,
    ) -> Result<Value, ClientError> {
        self.request_as(method, params, options, None).await
    }

    /// [`Peer::request`], its cancellation (when its future is dropped) carrying `reason`
    /// when that was set.
    pub(crate) async fn request_as(
        &self,
        method: &str,
        params: Value,
        options: CallOptions,
        reason: Option<&CancelReason>,
    ) -> Result<Value, ClientError> {
        self.request_numbered(self.reserve_id(), method, params, options, reason).await
    }

    /// A request id no other request of this connection has.
    pub(crate) fn reserve_id(&self) -> RequestId {
        RequestId::Number(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    /// [`Peer::request_as`] with an id from [`Peer::reserve_id`].
    pub(crate) async fn request_numbered(
        &self,
        id: RequestId,
        method: &str,
        mut params: Value,
        options: CallOptions,
        reason: Option<&CancelReason>,
    ) -> Result<Value, ClientError> {
        let (answer, mut answered) = oneshot::channel();
        let progressed = Arc::new(AtomicBool::new(false));
        let initialize = method == Method::Initialize.as_str();
        // The caller's own progress token is kept; else the request id is the token.
        let token = match params.pointer("/_meta/progressToken").and_then(RequestId::from_value) {
            Some(token) => Some(token),
            None if options.reset_on_progress && !initialize => {
                with_meta(&mut params, "progressToken", id.to_value());
                Some(id.clone())
            }
            None => None,
        };
        if let Some(token) = &token {
            lock(&self.progress).insert(token.clone(), progressed.clone());
        }
        lock(&self.pending).insert(id.clone(), Waiter { answer, token });
        // The spec forbids cancelling `initialize`.
        let mut in_flight = InFlight { peer: self, id: Some(id.clone()), cancellable: !initialize, reason };
        // Checked once the call is registered: an end from here on fails it.
        if self.ended.load(Ordering::Acquire) {
            return Err(ClientError::Closed);
        }
        self.send(encode::request(&id, method, &params)).await?;
        let started = Instant::now();
        loop {
            let left = options.max_total.saturating_sub(started.elapsed());
            match tokio::time::timeout(options.timeout.min(left), &mut answered).await {
                Ok(Ok(result)) => {
                    in_flight.id = None;
                    return result.map_err(ClientError::Server);
                }
                Ok(Err(_)) => {
                    in_flight.id = None;
                    return Err(ClientError::Closed);
                }
                Err(_) if options.reset_on_progress && progressed.swap(false, Ordering::AcqRel) && !left.is_zero() => {}
                Err(_) => {
                    in_flight.finish("the request timed out");
                    return Err(ClientError::Timeout { method: method.to_owned(), after: started.elapsed() });
                }
            }
        }
    }

    /// Sends a notification.
    pub(crate) async fn notify(&self, method: &str, params: Option<Value>) -> Result<(), ClientError> {
        let message = match params {
            Some(params) => encode::notification(method, &params),
            None => encode::bare_notification(method),
        };
        self.send(message).await
    }

    async fn send(&self, message: Vec<u8>) -> Result<(), ClientError> {
        self.outgoing.send(message).await.map_err(|_| ClientError::Closed)
    }

    /// Handles one message from the server; returns a refusal to send, if any.
    fn receive(self: &Arc<Self>, message: Value) -> Option<Vec<u8>> {
        match Incoming::from_value(message) {
            Ok(Incoming::Response { id, result }) => match self.forget(&id) {
                Some(waiter) => _ = waiter.answer.send(result),
                None => tracing::debug!(%id, "an answer to no request in flight (late or cancelled); dropped"),
            },
            Ok(Incoming::Notification { method, params }) => self.on_notification(method, params.map(Value::Object)),
            Ok(Incoming::Request(request)) => return self.answer(request),
            Err(e) => tracing::warn!(error = %e.error.message, "the server sent an invalid message; dropped"),
        }
        None
    }

    fn on_notification(&self, method: String, params: Option<Value>) {
        let params = params.unwrap_or(Value::Null);
        if method == Method::Progress.as_str() {
            let token = params.get("progressToken").and_then(RequestId::from_value);
            if let Some(progressed) = token.as_ref().and_then(|t| lock(&self.progress).get(t).cloned()) {
                progressed.store(true, Ordering::Release);
            }
        } else if method == Method::Cancelled.as_str() {
            let id = params.get("requestId").and_then(RequestId::from_value);
            if let Some(task) = id.and_then(|id| lock(&self.answering).remove(&id)) {
                task.abort();
            }
        } else if let Some(stream) = params.pointer("/_meta").and_then(|m| m.get(SUBSCRIPTION_ID_KEY)) {
            let stream = RequestId::from_value(stream);
            let mut streams = lock(&self.streams);
            match stream.as_ref().and_then(|s| streams.get_mut(s)) {
                Some(ack) if method == Method::SubscriptionsAcknowledged.as_str() => {
                    if let Some(ack) = ack.take() {
                        let _ = ack.send(params.clone());
                    }
                }
                Some(_) => {}
                None => {
                    tracing::debug!(method, "a notification of a listen stream not open (closed); dropped");
                    return;
                }
            }
        }
        self.notifications.deliver(Notification { method, params });
    }

    /// Answers a server request in a task of its own: a handler may take its time (ask the
    /// user), and the connection goes on reading meanwhile. A server that asks more than
    /// the client answers at once gets a refusal, returned here for the reading loop to send
    /// (waiting for room, so a server that floods requests and reads no answer stops being
    /// read): its requests never pile up in the client.
    fn answer(self: &Arc<Self>, request: IncomingRequest) -> Option<Vec<u8>> {
        let IncomingRequest { id, method, params } = request;
        let Ok(slot) = self.answer_slots.clone().try_acquire_owned() else {
            let busy = ProtocolError::internal("the client is answering too many requests already");
            return Some(encode::error(Some(&id), &busy, false));
        };
        let answer = self.answers.answer(&method, params.map(Value::Object).unwrap_or(Value::Null));
        let peer = self.clone();
        let key = id.clone();
        let mut answering = lock(&self.answering);
        let task = tokio::spawn(async move {
            let message = match answer.await {
                Ok(result) => encode::response_raw(&key, result.to_string().as_bytes()),
                Err(error) => encode::error(Some(&key), &error, false),
            };
            lock(&peer.answering).remove(&key);
            let _ = peer.send(message).await;
            drop(slot);
        });
        answering.insert(id, task.abort_handle());
        None
    }

    /// Takes a call out of the tables; `None` when it is not waiting (any more).
    fn forget(&self, id: &RequestId) -> Option<Waiter> {
        let waiter = lock(&self.pending).remove(id)?;
        if let Some(token) = &waiter.token {
            lock(&self.progress).remove(token);
        }
        Some(waiter)
    }

    /// A token tripped once the server's side has ended.
    pub(crate) fn closed(&self) -> CancellationToken {
        self.closed.clone()
    }

    /// The server's side ended: every call waiting fails with [`ClientError::Closed`].
    fn end(&self) {
        self.ended.store(true, Ordering::Release);
        self.closed.cancel();
        lock(&self.pending).clear();
        lock(&self.progress).clear();
        lock(&self.streams).clear();
        lock(&self.answering).drain().for_each(|(_, task)| task.abort());
    }
}

/// Sets `params._meta[key]`, making `params` an object if it is not one.
pub(crate) fn with_meta(params: &mut Value, key: &str, value: Value) {
    if !params.is_object() {
        *params = json!({});
    }
    let meta = &mut params["_meta"];
    if !meta.is_object() {
        *meta = json!({});
    }
    meta[key] = value;
}

/// A request not yet answered: dropping it (the caller's future dropped) forgets the call
/// and tells the server with `notifications/cancelled`.
struct InFlight<'a> {
    peer: &'a Peer,
    id: Option<RequestId>,
    /// False for `initialize`, which is never cancelled.
    cancellable: bool,
    /// The application's reason for a drop, when it gave one.
    reason: Option<&'a CancelReason>,
}

impl InFlight<'_> {
    fn finish(&mut self, reason: &str) {
        let Some(id) = self.id.take() else { return };
        if self.peer.forget(&id).is_none() || !self.cancellable || self.peer.ended.load(Ordering::Acquire) {
            return;
        }
        let cancel = encode::notification(Method::Cancelled.as_str(), &json!({ "requestId": id, "reason": reason }));
        // Not waiting for room (this runs in drop): a full queue loses the cancellation, and
        // the server's answer, when it comes, is dropped as one to no request.
        if self.peer.outgoing.try_send(cancel).is_err() {
            tracing::debug!(%id, "the outgoing queue is full; cancellation not sent");
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let given = self.reason.and_then(|r| lock(&r.0).clone());
        self.finish(given.as_deref().unwrap_or("the caller stopped waiting"));
    }
}

async fn read_loop(peer: std::sync::Weak<Peer>, mut incoming: mpsc::Receiver<Vec<u8>>) {
    while let Some(bytes) = incoming.recv().await {
        let Some(peer) = peer.upgrade() else { return };
        let messages = match serde_json::from_slice::<Value>(&bytes) {
            // A batch (2025-03-26 servers may send one): each message in turn.
            Ok(Value::Array(batch)) => batch,
            Ok(message) => vec![message],
            Err(e) => {
                tracing::warn!("the server sent text that is not JSON ({e}); dropped");
                continue;
            }
        };
        for message in messages {
            if let Some(refusal) = peer.receive(message) {
                let _ = peer.send(refusal).await;
            }
        }
    }
    if let Some(peer) = peer.upgrade() {
        peer.end();
    }
}

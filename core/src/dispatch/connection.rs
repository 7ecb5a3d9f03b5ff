//! One client connection at the message level, the same for every transport (stdio, any
//! byte stream, the in-memory client, WebSocket, the 2024-11-05 HTTP+SSE transport, a
//! legacy Streamable HTTP session, and the stateless 2026 HTTP wire): it owns the in-flight
//! permits, the table of requests in flight (cancellation, duplicate ids), batches, the
//! `initialize` handshake, `notifications/initialized`, answers to server->client requests,
//! and graceful shutdown. Transports keep only framing and writing: they hand it parsed
//! messages and say where the output goes ([`Route`]).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};

use serde_json::{Value, json};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::call::{Outcome, Peer};
use super::cancel::{InFlight, RequestToken};
use super::executor::Spawner;
use super::handshake;
use super::lifecycle;
use super::metrics::{Ended, Metrics};
use super::rate_limit::ClientKey;
use super::trace::RequestSpan;
use crate::auth::AuthCell;
use crate::auth::AuthInfo;
use crate::deadline::{Deadline, HandOff, Overdue};
use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::identity;
use crate::jsonrpc::envelope::Received;
use crate::jsonrpc::message::EnvelopeError;
use crate::jsonrpc::{Incoming, IncomingRequest, RequestId, encode};
use crate::outbox::{Outbox, Slot};
use crate::protocol::meta::{self, RequestMeta};
use crate::request_info::HttpRequestInfo;
use crate::session::Session;

mod held;

/// Where the output of one incoming message goes.
pub(crate) struct Route {
    /// Request-scoped messages: progress, log lines, server->client requests.
    pub notes: Outbox,
    /// The response.
    pub answer: Answer,
    /// The caller's grant for this message when it is its own (each request of the stateless
    /// HTTP wire); otherwise the connection's.
    pub auth: Option<Arc<AuthInfo>>,
    /// The HTTP request that carried the message, if one did.
    pub http: Option<Arc<HttpRequestInfo>>,
    /// Who the message counts against for rate limits when it carries no verified subject,
    /// instead of the connection's session or the connection: set for HTTP requests that
    /// have no session of their own (the 2026 wire, `sessionless` legacy requests).
    pub client: Option<ClientKey>,
}

/// Where a response goes.
pub(crate) enum Answer {
    /// Queued with everything else the connection sends (one writer per connection).
    Queue(Outbox),
    /// Handed over once (an HTTP exchange builds its reply from it). Dropped unsent when no
    /// response is owed: the client cancelled the request.
    Once(oneshot::Sender<Outcome>),
}

impl Answer {
    async fn deliver(self, outcome: Outcome) {
        self.hold().await.deliver(outcome).await;
    }

    /// Waits for room for the response in the connection's queue and holds it. A request
    /// does this before it gives up its in-flight permit, so responses a client has not
    /// read yet keep counting against the in-flight limit and the reader stops reading.
    async fn hold(self) -> Held {
        match self {
            Answer::Queue(q) => Held::Queue(q.reserve().await, q),
            Answer::Once(tx) => Held::Once(tx),
        }
    }
}

/// An [`Answer`] with room held for the response.
enum Held {
    /// A place in the queue (`None`: the queue is closed, the client is gone).
    Queue(Option<Slot>, Outbox),
    Once(oneshot::Sender<Outcome>),
}

impl Held {
    async fn deliver(self, outcome: Outcome) {
        match self {
            Held::Queue(Some(slot), q) => {
                if slot.send(outcome.response) {
                    if let Some(t) = outcome.trailing {
                        // Boxed: rare (a listen's end), and it would make every request's
                        // future larger.
                        Box::pin(q.send(t)).await;
                    }
                }
            }
            Held::Queue(None, _) => {}
            Held::Once(tx) => {
                let _ = tx.send(outcome);
            }
        }
    }
}

/// What became of a message handed to the connection.
pub(crate) enum Submitted {
    /// Nothing will be answered: a notification, a response, or a batch of those.
    Accepted,
    /// Answered already through the route (a refusal, an envelope error, `initialize`).
    Answered,
    /// Running: the answer comes through the route. The request's token (for a single
    /// request), which a transport trips when its client goes away.
    Running(Option<RequestToken>),
}

/// How a connection is set up.
pub(crate) struct ConnectionOptions {
    /// Requests this connection may have in flight.
    pub max_in_flight: usize,
    /// Whether request ids are this connection's own: they are tracked, so
    /// `notifications/cancelled` reaches them and a duplicate id is refused. Off for the
    /// stateless HTTP wire, where requests of many clients share one connection and a
    /// client cancels by going away.
    pub own_ids: bool,
    /// The caller's current grant (bearer authorization), refreshed by the transport.
    pub auth: Option<Arc<AuthCell>>,
    /// On a single-threaded runtime, poll each request once where it arrives before making
    /// it a task (see [`Connection::run`]). Byte streams only: measured on HTTP, where a
    /// request arrives inside the connection's hyper task, it made responses slower.
    pub inline_first_poll: bool,
    /// With `inline_first_poll`, poll each request once where it arrives on a multi-threaded
    /// runtime too: for a transport whose input another task can take over while the one
    /// that read a request holds its thread there ([`Connection::set_input`]).
    pub in_reader: bool,
    /// Where requests run: tokio, or a binding's executor (which also polls each request
    /// once where it arrives when `inline_first_poll` is set).
    pub spawner: Spawner,
}

impl ConnectionOptions {
    /// A connection of one client with the server's per-connection limit.
    pub fn for_client(shared: &ServerShared) -> ConnectionOptions {
        ConnectionOptions {
            max_in_flight: shared.limits.max_in_flight_per_connection,
            own_ids: true,
            auth: None,
            inline_first_poll: false,
            in_reader: false,
            spawner: Spawner::Tokio,
        }
    }
}

/// One client connection.
pub(crate) struct Connection {
    shared: Arc<ServerShared>,
    /// The default route's queue: the connection's writer, or a legacy HTTP session's
    /// backlog of unsolicited messages.
    out: Outbox,
    session: OnceLock<Arc<Session>>,
    in_flight: InFlight,
    permits: Arc<Semaphore>,
    own_ids: bool,
    /// A request is polled once where it arrives and becomes a task of its own only if it
    /// has to wait (see [`Connection::run`]): on a single-threaded runtime, a binding's
    /// executor, or with [`ConnectionOptions::in_reader`].
    inline_first_poll: bool,
    /// One more than the serial of the request polled where it arrived right now (0: none),
    /// so that a handler said to hold its thread there ([`Overdue::held`]) gets the input
    /// handed over.
    polling: AtomicU64,
    /// The input of a transport that can hand it to another task.
    input: OnceLock<Arc<dyn HandOff>>,
    /// Where request tasks run.
    spawner: Spawner,
    /// Graceful stop: no new requests, listen streams end.
    stopping: Arc<CancellationToken>,
    /// Tripped when the grace period of a shutdown is over: cancels the requests the
    /// in-flight table does not hold (those of a connection whose ids are not its own).
    hard_stop: CancellationToken,
    tasks: TaskTracker,
    auth: Option<Arc<AuthCell>>,
    /// The server's request metrics, when they are kept.
    metrics: Option<Arc<Metrics>>,
    /// The connection's identity for rate limits, never reused by a later connection.
    serial: u64,
}

/// Global and per-connection in-flight slots of one request.
type Permits = (OwnedSemaphorePermit, OwnedSemaphorePermit);

/// Why a request was refused before it ran.
enum Refusal {
    Stopping,
    Busy(String),
    Duplicate,
}

impl Connection {
    /// A connection whose default output (responses, notifications) goes to `out`.
    pub fn new(shared: Arc<ServerShared>, out: Outbox, options: ConnectionOptions) -> Arc<Connection> {
        Arc::new(Connection {
            permits: Arc::new(Semaphore::new(options.max_in_flight.max(1))),
            metrics: shared.metrics.get().cloned(),
            shared,
            out,
            session: OnceLock::new(),
            in_flight: InFlight::default(),
            own_ids: options.own_ids,
            inline_first_poll: options.inline_first_poll
                && (options.in_reader
                    || matches!(options.spawner, Spawner::Custom(_))
                    || tokio::runtime::Handle::try_current()
                        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::CurrentThread)),
            polling: AtomicU64::new(0),
            input: OnceLock::new(),
            spawner: options.spawner,
            stopping: Arc::new(CancellationToken::new()),
            hard_stop: CancellationToken::new(),
            tasks: TaskTracker::new(),
            auth: options.auth,
            serial: identity::next_serial(),
        })
    }

    /// The connection's rate-limit identity (never reused by a later connection).
    pub fn client_key(&self) -> ClientKey {
        ClientKey::Connection(self.serial)
    }

    /// The server this connection serves.
    pub fn shared(&self) -> &Arc<ServerShared> {
        &self.shared
    }

    /// The legacy session, once `initialize` succeeded.
    pub fn session(&self) -> Option<&Arc<Session>> {
        self.session.get()
    }

    /// Takes on a session that `initialize` opened elsewhere (another instance, through a
    /// shared store); false when this connection already has one.
    pub fn adopt_session(&self, session: Arc<Session>) -> bool {
        self.session.set(session).is_ok()
    }

    /// Requests in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// True while the connection has work in progress: a request running (a listen stream
    /// included), or a batch whose answer is being gathered.
    pub fn is_working(&self) -> bool {
        !self.tasks.is_empty()
    }

    /// The connection's input, which a handler holding its reader's thread hands over
    /// ([`Overdue::held`]).
    pub fn set_input(&self, input: Arc<dyn HandOff>) {
        let _ = self.input.set(input);
    }

    /// True while every in-flight slot of this connection is taken.
    pub fn is_saturated(&self) -> bool {
        self.permits.available_permits() == 0
    }

    /// The caller's current grant, refreshed by the transport on each message it carries.
    pub fn auth_cell(&self) -> Option<&Arc<AuthCell>> {
        self.auth.as_ref()
    }

    /// The default route: everything goes to the connection's own queue.
    pub fn route(&self) -> Route {
        Route { notes: self.out.clone(), answer: Answer::Queue(self.out.clone()), auth: None, http: None, client: None }
    }

    /// Whether errors without a request id carry `"id": null` (by the session's version).
    fn null_ids(&self) -> bool {
        self.session.get().is_some_and(|s| !s.version.omits_unknown_error_id())
    }

    /// Sends an error that answers no request in particular (a parse error, an oversized
    /// message) on the default route, waiting for room: a client that floods bad input and
    /// never reads stops being read.
    pub async fn reply_error(&self, e: &ProtocolError) {
        self.out.send(encode::error(None, e, self.null_ids())).await;
    }

    /// Refuses a whole frame without running any of it: every request in it (one message,
    /// or a batch, answered as one array) gets `e`; notifications and responses are dropped.
    pub async fn refuse_frame(&self, frame: &[u8], e: &ProtocolError) {
        let request_id = |v: &Value| {
            let m = v.as_object().filter(|m| m.get("method").is_some_and(Value::is_string))?;
            RequestId::from_value(m.get("id")?)
        };
        let null_ids = self.null_ids();
        match serde_json::from_slice::<Value>(frame) {
            Ok(Value::Array(items)) => {
                let errors: Vec<Vec<u8>> =
                    items.iter().filter_map(request_id).map(|id| encode::error(Some(&id), e, null_ids)).collect();
                if !errors.is_empty() {
                    let mut array = b"[".to_vec();
                    array.extend_from_slice(&errors.join(&b","[..]));
                    array.push(b']');
                    self.out.send(array).await;
                }
            }
            Ok(v) => {
                if let Some(id) = request_id(&v) {
                    self.out.send(encode::error(Some(&id), e, null_ids)).await;
                }
            }
            Err(_) => {}
        }
    }

    /// One frame of a byte-stream transport (JSON text: a message or a batch), parsed by
    /// [`envelope::read`](crate::jsonrpc::envelope::read).
    pub async fn receive(self: &Arc<Self>, read: Result<Received, serde_json::Error>) {
        match read {
            Ok(received) => {
                self.receive_parsed(received, self.route()).await;
            }
            Err(e) => self.reply_error(&ProtocolError::parse_error(e)).await,
        }
    }

    /// A parsed JSON value: one message, or a batch (an array).
    pub async fn receive_value(self: &Arc<Self>, value: Value, route: Route) -> Submitted {
        self.receive_parsed(Received::from_value(value), route).await
    }

    /// A frame's top level: one message, or a batch.
    async fn receive_parsed(self: &Arc<Self>, received: Received, route: Route) -> Submitted {
        let classified = match received {
            Received::Batch(items) => return Box::pin(self.batch(items, route, false)).await,
            Received::One(members) => Incoming::from_members(members),
            Received::NotObject => Err(EnvelopeError::not_object()),
        };
        match classified {
            Ok(m) => self.submit(m, None, route).await,
            Err(EnvelopeError { id, error }) => {
                let null_ids = self.null_ids();
                let outcome = refusal_outcome(encode::error(id.as_ref(), &error, null_ids), &error);
                Box::pin(route.answer.deliver(outcome)).await;
                Submitted::Answered
            }
        }
    }

    /// One message. `meta` is the request's `_meta` when the transport already read it (the
    /// HTTP 2026 wire checks it against its headers first), so it is parsed once.
    pub async fn submit(self: &Arc<Self>, msg: Incoming, meta: Option<Arc<RequestMeta>>, route: Route) -> Submitted {
        match msg {
            Incoming::Request(req) => {
                if req.method == "initialize" && meta.is_none() && !meta::is_modern_shaped(req.params.as_ref()) {
                    let outcome = self.initialize(&req);
                    Box::pin(route.answer.deliver(outcome)).await;
                    return Submitted::Answered;
                }
                self.start(req, meta, route).await
            }
            Incoming::Notification { method, params } => {
                match method.as_str() {
                    "notifications/cancelled" if self.own_ids => {
                        let id = params.as_ref().and_then(|p| p.get("requestId")).and_then(RequestId::from_value);
                        if let Some(id) = id {
                            self.in_flight.cancel(&id);
                        }
                    }
                    "notifications/initialized" => {
                        if let Some(s) = self.session.get() {
                            s.mark_initialized();
                            if s.is_mirrored() {
                                let s = s.clone();
                                tokio::spawn(async move {
                                    if let Err(e) = s.persist(crate::session::StateChange::Initialized).await {
                                        tracing::warn!(error = %e.message, "the session's initialized state was not shared");
                                    }
                                });
                            }
                        }
                    }
                    other => tracing::trace!(method = other, "notification ignored"),
                }
                Submitted::Accepted
            }
            Incoming::Response { id, result } => {
                let known = self.session.get().is_some_and(|s| s.resolve(&id, result));
                if !known {
                    tracing::debug!(%id, "response to an unknown request ignored");
                }
                Submitted::Accepted
            }
        }
    }

    /// Gives the connection the session a legacy request without a handshake of its own is
    /// served in (see [`handshake::assumed`]); a connection that has one keeps it.
    pub(crate) fn assume_session(&self, header_version: Option<&str>) -> Result<(), ProtocolError> {
        if self.session.get().is_none() {
            let session = handshake::assumed(&self.shared, header_version, self.out.clone())?;
            let _ = self.session.set(session);
        }
        Ok(())
    }

    /// `initialize` runs inline, in order, so the requests after it see the session.
    fn initialize(&self, req: &IncomingRequest) -> Outcome {
        let probe =
            self.metrics.as_ref().map(|m| m.start(&self.shared.registry.snapshot(), &req.method, req.params.as_ref()));
        let span = RequestSpan::start(req, None, None);
        let outcome = if let Some(session) = self.session.get() {
            match handshake::repeated(&self.shared, req.params.as_ref(), session) {
                Ok(result) => Outcome::ok(encode::response_raw(&req.id, &result)),
                Err(e) => refusal_outcome(encode::error(Some(&req.id), &e, self.null_ids()), &e),
            }
        } else {
            match handshake::initialize(&self.shared, req.params.as_ref(), self.out.clone()) {
                Ok((session, result)) => {
                    let _ = self.session.set(session);
                    Outcome::ok(encode::response_raw(&req.id, &result))
                }
                Err(e) => refusal_outcome(encode::error(Some(&req.id), &e, true), &e),
            }
        };
        let ended = Ended {
            response: &outcome.response,
            error_code: outcome.error_code,
            answered: true,
            token_tripped: false,
            timeout: None,
        };
        span.finish(&ended);
        if let Some(p) = probe {
            p.settle(&ended);
        }
        outcome
    }

    fn permits(&self) -> Result<Permits, Refusal> {
        let local = self.permits.clone().try_acquire_owned().map_err(|_| {
            Refusal::Busy(format!(
                "server busy: {} requests already in flight on this connection",
                self.permits_total()
            ))
        })?;
        let global = self
            .shared
            .global_in_flight
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refusal::Busy("server busy: too many requests in flight".into()))?;
        Ok((local, global))
    }

    fn permits_total(&self) -> usize {
        if self.own_ids { self.shared.limits.max_in_flight_per_connection } else { self.shared.limits.max_in_flight }
    }

    /// Takes the slots and the id of a request, or says why not.
    fn admit(&self, req: &IncomingRequest) -> Result<(Permits, RequestToken, Option<u64>), Refusal> {
        if self.stopping.is_cancelled() {
            return Err(Refusal::Stopping);
        }
        let permits = self.permits()?;
        // A token of its own (not a child of a connection token: creating and dropping
        // children locks the parent on every request); hard shutdown cancels through the
        // in-flight table instead.
        let token = Arc::new(CancellationToken::new());
        let serial = if self.own_ids {
            Some(self.in_flight.insert(req.id.clone(), token.clone()).ok_or(Refusal::Duplicate)?)
        } else {
            None
        };
        Ok((permits, token, serial))
    }

    /// Runs one request as a task of its own.
    async fn start(self: &Arc<Self>, req: IncomingRequest, meta: Option<Arc<RequestMeta>>, route: Route) -> Submitted {
        let (permits, token, serial) = match self.admit(&req) {
            Ok(admitted) => admitted,
            Err(refusal) => {
                let (e, busy) = match refusal {
                    Refusal::Stopping => (ProtocolError::internal("the server is shutting down"), true),
                    Refusal::Busy(m) => (ProtocolError::internal(m), true),
                    Refusal::Duplicate => {
                        (ProtocolError::invalid_request(format!("request id {} is already in flight", req.id)), false)
                    }
                };
                let mut outcome = refusal_outcome(encode::error(Some(&req.id), &e, false), &e);
                outcome.busy = busy;
                // Boxed, as the other rare paths below: held inline, its future would make
                // every request's larger.
                Box::pin(route.answer.deliver(outcome)).await;
                return Submitted::Answered;
            }
        };
        let probe =
            self.metrics.as_ref().map(|m| m.start(&self.shared.registry.snapshot(), &req.method, req.params.as_ref()));
        let revealed = probe.as_ref().and_then(super::metrics::Timer::reveal);
        // The request's timeout can be answered from outside its future (a handler holding
        // its thread) when this connection decides alone whether it is owed (its ids are
        // tracked) and queues its response. A listen stream has no timeout (`lifecycle`).
        let timeout = self.shared.limits.request_timeout.filter(|_| req.method != "subscriptions/listen");
        let deadline = match (timeout, serial, &route.answer) {
            (limit, Some(serial), Answer::Queue(_)) => {
                Deadline::Apart { conn: self.clone() as Arc<dyn Overdue>, serial, limit }
            }
            (None, ..) => Deadline::None,
            _ => Deadline::Own,
        };
        let conn = self.clone();
        let task_token = token.clone();
        // Method, name, era and outcome: never the arguments (nor, on HTTP, the token).
        let span = RequestSpan::start(&req, self.session.get().map(|s| &**s), meta.as_deref());
        let instrument = span.span().clone();
        let task = async move {
            let Route { notes, answer, auth, http, client } = route;
            let id = req.id.clone();
            // The request's future lives in this block only, so the task's future holds it
            // and the response's delivery in the same room: a smaller future, copied fewer
            // bytes each time it is moved (spawning moves it several times).
            let outcome = {
                let peer = Peer {
                    session: conn.session.get().cloned(),
                    out: notes,
                    stopping: conn.stopping.clone(),
                    auth: auth.or_else(|| conn.auth.as_ref().map(|a| a.get())),
                    http,
                    client,
                    conn: conn.serial,
                    revealed,
                    deadline,
                };
                // Boxed: held inline, it would keep its room in the task's future past its
                // end (the compiler does not reuse a pinned local's room for the delivery
                // below), making that future larger than the allocator's small-block cache.
                let mut handled = Box::pin(lifecycle::handle(&conn.shared, &peer, req, meta, task_token.clone()));
                if serial.is_some() {
                    handled.await
                } else {
                    // Not in the in-flight table: a hard stop reaches it through its token.
                    tokio::select! {
                        biased;
                        outcome = handled.as_mut() => outcome,
                        () = conn.hard_stop.cancelled() => {
                            task_token.cancel();
                            handled.await
                        }
                    }
                }
            };
            // Room for the response first (a client that does not read holds the permit,
            // so the reader stops reading), then free the permit before the response goes
            // out: a client that sends its next request on seeing it must not find the
            // connection still busy.
            let answer = answer.hold().await;
            drop(permits);
            // Nothing is sent for a request the client cancelled, nor for one answered at its
            // deadline while its handler held its thread (which counts as answered).
            let owed = serial.is_none_or(|serial| conn.in_flight.finish(&id, serial));
            let answered = owed || serial.is_some_and(|serial| conn.in_flight.was_overdue(serial, true));
            // How the request ended, for the span and the metrics: not worked out when
            // neither records it.
            if span.records() || probe.is_some() {
                let ended = Ended {
                    response: &outcome.response,
                    error_code: outcome.error_code,
                    answered,
                    token_tripped: task_token.is_cancelled(),
                    timeout: conn.shared.limits.request_timeout,
                };
                span.finish(&ended);
                if let Some(p) = probe {
                    p.settle(&ended);
                }
            }
            if owed {
                answer.deliver(outcome).await;
            }
        };
        // Boxed: spawning moves the future several times (into the span's wrapper, the
        // tracker's, the task's cell), and a request's future is large.
        self.run(serial, tracing::Instrument::instrument(Box::pin(task), instrument));
        Submitted::Running(Some(token))
    }

    /// Runs a request's future. On a multi-threaded runtime it is spawned, so requests run
    /// in parallel with reading. On a single-threaded one, or a binding's executor (where a
    /// spawned task would run on this same thread right after the reader yields anyway) it
    /// is polled once here first, and spawned only if it is not finished: a request that
    /// completes without waiting (a synchronous handler) costs no task, no scheduling and no
    /// cross-task wake-up.
    fn run<F: Future<Output = ()> + Unpin + Send + 'static>(&self, serial: Option<u64>, request: F) {
        let mut request = self.tasks.track_future(request);
        if self.inline_first_poll {
            if let Some(serial) = serial {
                self.polling.store(serial.wrapping_add(1), Ordering::Relaxed);
            }
            // A waker that does nothing: if the request has to wait, its task polls it again
            // first thing, and that poll registers the task's own waker.
            let mut cx = Context::from_waker(Waker::noop());
            // As in a task of its own, a panic ends the request, not the connection (handler
            // panics are already caught inside and answered).
            let polled = std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(&mut request).poll(&mut cx)));
            if serial.is_some() {
                self.polling.store(0, Ordering::Relaxed);
            }
            match polled {
                Ok(Poll::Pending) => {}
                Ok(Poll::Ready(())) | Err(_) => return,
            }
        }
        self.spawner.spawn(request);
    }

    /// A JSON-RPC batch (2025-03-26 sessions only, or sessions of every version with
    /// `any_version`): its requests run concurrently, and their responses go out together as
    /// one array once all are done.
    pub async fn batch(self: &Arc<Self>, items: Vec<Value>, route: Route, any_version: bool) -> Submitted {
        let refuse = |message: &str| {
            let e = ProtocolError::invalid_request(message);
            refusal_outcome(encode::error(None, &e, self.null_ids()), &e)
        };
        if !self.session.get().is_some_and(|s| any_version || s.version.accepts_batches()) {
            route.answer.deliver(refuse("batches are only accepted on protocol 2025-03-26 sessions")).await;
            return Submitted::Answered;
        }
        if items.is_empty() {
            route.answer.deliver(refuse("empty batch")).await;
            return Submitted::Answered;
        }
        let Route { notes, answer, auth, http, client } = route;
        let mut ready = Vec::new();
        let mut running = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in items {
            match Incoming::from_value(item) {
                Ok(Incoming::Request(r)) if r.method == "initialize" => {
                    let e = ProtocolError::invalid_request("initialize must not be batched");
                    ready.push(encode::error(Some(&r.id), &e, true));
                }
                Ok(Incoming::Request(r)) if !seen.insert(r.id.clone()) => {
                    let e = ProtocolError::invalid_request(format!("request id {} appears twice in the batch", r.id));
                    ready.push(encode::error(Some(&r.id), &e, true));
                }
                Ok(Incoming::Request(r)) => {
                    let (tx, rx) = oneshot::channel();
                    let sub = Route {
                        notes: notes.clone(),
                        answer: Answer::Once(tx),
                        auth: auth.clone(),
                        http: http.clone(),
                        client,
                    };
                    self.start(r, None, sub).await;
                    running.push(rx);
                }
                Ok(m) => {
                    self.submit(m, None, self.route()).await;
                }
                Err(EnvelopeError { id, error }) => ready.push(encode::error(id.as_ref(), &error, true)),
            }
        }
        if ready.is_empty() && running.is_empty() {
            return Submitted::Accepted;
        }
        // Room for the batch's response is held here, on the reading side: a client that
        // sends batches without reading the answers stops being read once its queue is full.
        let answer = answer.hold().await;
        self.tasks.spawn(async move {
            // Every response of the batch (cancelled requests send none).
            let mut responses = ready;
            for rx in running {
                if let Ok(outcome) = rx.await {
                    responses.push(outcome.response);
                }
            }
            if responses.is_empty() {
                return;
            }
            let mut array = b"[".to_vec();
            for (i, r) in responses.iter().enumerate() {
                if i > 0 {
                    array.push(b',');
                }
                array.extend_from_slice(r);
            }
            array.push(b']');
            answer.deliver(Outcome::ok(array)).await;
        });
        Submitted::Running(None)
    }

    /// Stops taking requests and ends listen streams, without waiting (a legacy HTTP
    /// session that ended: its running requests still answer their own exchanges).
    pub fn stop(&self) {
        self.stopping.cancel();
        if let Some(s) = self.session.get() {
            s.fail_pending();
        }
    }

    /// Graceful shutdown: stop taking requests, end listen streams, let in-flight requests
    /// finish within the grace period, then cancel what is left.
    pub async fn shutdown(&self) {
        // Reading has ended, so no answer to a server->client request can arrive any more.
        self.stop();
        self.tasks.close();
        let grace = self.shared.limits.shutdown_grace;
        if tokio::time::timeout(grace, self.tasks.wait()).await.is_err() {
            tracing::warn!(
                remaining = self.in_flight.len(),
                "cancelling requests still running after the shutdown grace period"
            );
            self.in_flight.cancel_all();
            self.hard_stop.cancel();
            // Cancelled requests answer promptly; bound the wait anyway.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), self.tasks.wait()).await;
        }
    }
}

/// An outcome for an error answered without running anything.
fn refusal_outcome(response: Vec<u8>, e: &ProtocolError) -> Outcome {
    Outcome { error_code: Some(e.code), ..Outcome::ok(response) }
}

/// An error message with no request: what a stream transport sends for a frame it could
/// not read at all (over the size limit).
pub(crate) fn oversized(n: usize, max: usize) -> ProtocolError {
    ProtocolError::invalid_request(format!("message of {n} bytes exceeds the limit of {max} bytes"))
        .with_data(json!({ "maxMessageSize": max }))
}

//! One client connection at the message level, the same for every transport (stdio, any
//! byte stream, the in-memory client, WebSocket, the 2024-11-05 HTTP+SSE transport, a
//! legacy Streamable HTTP session, and the stateless 2026 HTTP wire): it owns the in-flight
//! permits, the table of requests in flight (cancellation, duplicate ids), batches, the
//! `initialize` handshake, `notifications/initialized`, answers to server->client requests,
//! and graceful shutdown. Transports keep only framing and writing: they hand it parsed
//! messages and say where the output goes ([`Route`]). This file holds the connection's
//! state and its stop; each step of a message has a file below: `receive` (frames and
//! messages in), `admit` (in-flight slots), `start` (a request's task), `batch`, `route`
//! (where answers go) and `held` (a handler holding its thread).

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, OnceLock};

use serde_json::json;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::call::Outcome;
use super::cancel::InFlight;
use super::executor::Spawner;
use super::lifecycle;
use super::metrics::Metrics;
use super::rate_limit::ClientKey;
use crate::auth::AuthCell;
use crate::deadline::HandOff;
use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::identity;
use crate::outbox::Outbox;
use crate::session::Session;

mod admit;
mod batch;
mod held;
mod receive;
mod route;
mod start;

pub(crate) use route::{Answer, Route, Submitted};

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
    pub(super) fn null_ids(&self) -> bool {
        self.session.get().is_some_and(|s| !s.version.omits_unknown_error_id())
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

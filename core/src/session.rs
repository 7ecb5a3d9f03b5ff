//! Per-connection state of a legacy (handshake) session: the negotiated version, what the
//! client declared, its log level and resource subscriptions, and the server->client
//! requests waiting for an answer, and the id its transport gave it; and, when instances
//! share a store, the mirror that saves its changes there.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;
use tokio::sync::oneshot;

use crate::error::ProtocolError;
use crate::jsonrpc::{RequestId, encode};
use crate::outbox::Outbox;
use crate::protocol::{LogLevel, ProtocolVersion};
use crate::sync::{BoxFuture, lock};

const NO_LEVEL: u8 = u8::MAX;

type Waiter = oneshot::Sender<Result<Value, ProtocolError>>;

/// Where a session's changes go when several instances share a store, and where an answer
/// goes that this instance is not waiting for.
pub(crate) trait SessionMirror: Send + Sync {
    /// Saves a change of the session; done once the other instances can read it.
    fn save<'a>(&'a self, change: &'a StateChange) -> BoxFuture<'a, Result<(), ProtocolError>>;
    /// The client answered a server->client request that no handler here waits for: the
    /// instance that sent it may.
    fn forward_answer(&self, session: &Session, id: &RequestId, result: &Result<Value, ProtocolError>);
}

/// What changes in a session after `initialize` (the part a shared store keeps up to date).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SessionState {
    /// `notifications/initialized` arrived.
    pub initialized: bool,
    /// The level `logging/setLevel` set, if any.
    pub log_level: Option<LogLevel>,
    /// The `resources/subscribe` URIs.
    pub subscriptions: Vec<String>,
}

/// One change of a session after `initialize`, as the instances sharing it tell each other.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum StateChange {
    /// `notifications/initialized` arrived.
    Initialized,
    /// `logging/setLevel`.
    LogLevel { level: LogLevel },
    /// `resources/subscribe`.
    Subscribe { uri: String },
    /// `resources/unsubscribe`.
    Unsubscribe { uri: String },
}

/// The most URIs one legacy session may be subscribed to at once (`resources/subscribe`
/// keeps the client's text, here and in a shared store's record of the session).
pub(crate) const MAX_PER_SESSION: usize = 1024;

/// One legacy session (a stdio connection after `initialize`, or an HTTP session).
pub(crate) struct Session {
    /// The negotiated version.
    pub version: ProtocolVersion,
    /// Capabilities the client declared in `initialize`.
    pub client_capabilities: Value,
    /// The client's `clientInfo`.
    pub client_info: Value,
    /// Where unsolicited messages (list_changed, resources/updated) go.
    pub out: Outbox,
    /// The transport's id of the session (Streamable HTTP's `Mcp-Session-Id`, the HTTP+SSE
    /// transport's `sessionId`), set once the transport named it; none on stdio.
    id: OnceLock<String>,
    initialized: AtomicBool,
    log_level: AtomicU8,
    subscriptions: Mutex<HashSet<String>>,
    pending: Mutex<HashMap<RequestId, Waiter>>,
    next_id: AtomicI64,
    mirror: OnceLock<Arc<dyn SessionMirror>>,
    /// The session's identity for rate limits, never reused by a later session.
    serial: u64,
}

impl Session {
    pub fn new(version: ProtocolVersion, client_capabilities: Value, client_info: Value, out: Outbox) -> Session {
        Session {
            version,
            client_capabilities,
            client_info,
            out,
            id: OnceLock::new(),
            initialized: AtomicBool::new(false),
            log_level: AtomicU8::new(NO_LEVEL),
            subscriptions: Mutex::new(HashSet::new()),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicI64::new(1),
            mirror: OnceLock::new(),
            serial: crate::identity::next_serial(),
        }
    }

    /// Mirrors the session's changes (once; later calls change nothing), numbering its
    /// server->client requests from `first_request_id` so that ids from several instances
    /// serving the session never meet.
    pub fn set_mirror(&self, mirror: Arc<dyn SessionMirror>, first_request_id: i64) {
        if self.mirror.set(mirror).is_ok() {
            self.next_id.store(first_request_id, Ordering::Relaxed);
        }
    }

    /// Takes on `state` (the session as a shared store holds it).
    pub fn apply(&self, state: SessionState) {
        if state.initialized {
            self.mark_initialized();
        }
        self.log_level.store(state.log_level.map_or(NO_LEVEL, |l| l as u8), Ordering::Release);
        *lock(&self.subscriptions) = state.subscriptions.into_iter().take(MAX_PER_SESSION).collect();
    }

    /// Takes on a change another instance made.
    pub fn apply_change(&self, change: &StateChange) {
        match change {
            StateChange::Initialized => self.mark_initialized(),
            StateChange::LogLevel { level } => self.set_log_level(*level),
            StateChange::Subscribe { uri } => {
                self.subscribe(uri.clone(), MAX_PER_SESSION);
            }
            StateChange::Unsubscribe { uri } => self.unsubscribe(uri),
        }
    }

    /// Saves `change` (already made here) where the other instances read it, when the
    /// session is mirrored; done once they can.
    ///
    /// # Errors
    /// The shared store could not be written.
    pub async fn persist(&self, change: StateChange) -> Result<(), ProtocolError> {
        match self.mirror.get() {
            Some(m) => m.save(&change).await,
            None => Ok(()),
        }
    }

    /// Whether the session is mirrored in a shared store.
    pub fn is_mirrored(&self) -> bool {
        self.mirror.get().is_some()
    }

    /// Names the session as its transport knows it (once; later calls change nothing).
    pub fn set_id(&self, id: &str) {
        let _ = self.id.set(id.to_owned());
    }

    /// The session's serial number: unique in the process, never reused.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// The transport's id of the session, when it has one.
    pub fn id(&self) -> Option<&str> {
        self.id.get().map(String::as_str)
    }

    /// The client sent `notifications/initialized`.
    pub fn mark_initialized(&self) {
        self.initialized.store(true, Ordering::Release);
    }

    /// True once `notifications/initialized` arrived.
    pub fn is_initialized(&self) -> bool {
        self.initialized.load(Ordering::Acquire)
    }

    /// Sets the minimum level from `logging/setLevel`.
    pub fn set_log_level(&self, level: LogLevel) {
        self.log_level.store(level as u8, Ordering::Release);
    }

    /// Whether a message at `level` passes the client's filter (everything passes until
    /// the client sets a level).
    pub fn log_allows(&self, level: LogLevel) -> bool {
        let min = self.log_level.load(Ordering::Acquire);
        min == NO_LEVEL || level as u8 >= min
    }

    /// Adds a `resources/subscribe` URI, unless the session already holds `max` others
    /// (false then).
    pub fn subscribe(&self, uri: String, max: usize) -> bool {
        let mut subscriptions = lock(&self.subscriptions);
        if subscriptions.len() >= max && !subscriptions.contains(&uri) {
            return false;
        }
        subscriptions.insert(uri);
        true
    }

    /// Removes a subscription.
    pub fn unsubscribe(&self, uri: &str) {
        lock(&self.subscriptions).remove(uri);
    }

    /// Whether the client subscribed to `uri`.
    pub fn is_subscribed(&self, uri: &str) -> bool {
        lock(&self.subscriptions).contains(uri)
    }

    /// Sends a server->client request on `out` (waiting for room) and returns its id and the
    /// answer's receiver, which reports "closed" when the request could not be sent.
    pub async fn send_request(
        &self,
        out: &Outbox,
        method: &str,
        params: &Value,
    ) -> (RequestId, oneshot::Receiver<Result<Value, ProtocolError>>) {
        let id = RequestId::Number(self.next_id.fetch_add(1, Ordering::Relaxed));
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id.clone(), tx);
        if !out.send(encode::request(&id, method, params)).await {
            lock(&self.pending).remove(&id);
        }
        (id, rx)
    }

    /// Forgets a request the server no longer waits for.
    pub fn forget_request(&self, id: &RequestId) {
        lock(&self.pending).remove(id);
    }

    /// Delivers the client's answer: to the handler here that waits for it, or, in a
    /// mirrored session, to the other instances; false when it went nowhere.
    pub fn resolve(&self, id: &RequestId, result: Result<Value, ProtocolError>) -> bool {
        let Some(mirror) = self.mirror.get() else { return self.resolve_here(id, result) };
        let waiting = lock(&self.pending).remove(id);
        match waiting {
            Some(tx) => {
                let _ = tx.send(result);
            }
            None => mirror.forward_answer(self, id, &result),
        }
        true
    }

    /// Delivers the client's answer to the handler here that waits for it; false when no
    /// request with that id is waiting.
    pub fn resolve_here(&self, id: &RequestId, result: Result<Value, ProtocolError>) -> bool {
        match lock(&self.pending).remove(id) {
            Some(tx) => {
                let _ = tx.send(result);
                true
            }
            None => false,
        }
    }

    /// Fails every waiting request (the connection is closing): dropping the senders wakes
    /// each waiter with "closed".
    pub fn fail_pending(&self) {
        lock(&self.pending).clear();
    }
}

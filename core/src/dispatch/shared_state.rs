//! What the instances of one server keep in a shared store and say on its bus: the record
//! of each legacy session (so any instance serves any session), the changes every instance
//! must hear of (resource updates, list changes, log messages, a session's new state or its
//! end), a client's answer to a server->client request, carried to the instance whose
//! handler waits for it, tasks (their records, their changes, the commands for the
//! instance that runs them: `tasks::instances`), and a copy of the SSE events of shared
//! sessions, written behind in order, so that a client resumes a stream on another instance. Messages an instance
//! published itself are skipped when they come back: it delivered them when it made them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::bus::{BusMessage, Outgoing, Publisher};
use crate::budget::Budget;
use crate::error::ProtocolError;
use crate::handler::BoxFuture;
use crate::jsonrpc::RequestId;
use crate::protocol::{LogLevel, ProtocolVersion};
use crate::session::{Session, SessionMirror, SessionState, StateChange};
use crate::store::{SessionChange, SharedStore, StoreError};
use crate::sync::lock;

/// How often readiness asks the store whether it answers.
const PING_EVERY: Duration = Duration::from_secs(1);
/// Bus messages waiting to be published; past it, new ones are dropped with a log line.
const PUBLISH_QUEUE: usize = 4096;
/// SSE events waiting to be copied to the store; past it, new ones are dropped (a resume on
/// another instance then misses them) with a log line.
const EVENT_QUEUE: usize = 4096;
/// The bytes each of those queues holds at most while the store is slow or away (messages
/// and events carry client text up to the message-size limit each).
const QUEUE_BYTES: usize = 32 << 20;
/// Events of each stream the store keeps (as an instance keeps per stream of a session).
pub(crate) const EVENTS_KEPT: usize = 64;

/// One SSE event to copy to the store's event log.
struct LoggedEvent {
    stream: String,
    seq: u64,
    data: bytes::Bytes,
}

/// What `initialize` settled for a legacy session, as the store keeps it (the changes since
/// are kept beside it, see [`crate::store::StoredSession`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SessionRecord {
    /// The negotiated protocol version.
    pub version: String,
    /// The capabilities the client declared.
    pub capabilities: Value,
    /// The client's `clientInfo`.
    #[serde(default, rename = "clientInfo")]
    pub client_info: Value,
    /// The authenticated subject that opened the session; only it may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl SessionRecord {
    fn of(session: &Session, subject: Option<&str>) -> SessionRecord {
        SessionRecord {
            version: session.version.as_str().to_owned(),
            capabilities: session.client_capabilities.clone(),
            client_info: session.client_info.clone(),
            subject: subject.map(str::to_owned),
        }
    }

    /// The negotiated version, if this build still serves it.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        ProtocolVersion::parse(&self.version)
    }
}

/// A session of this instance that the store mirrors.
struct Mirrored {
    session: Weak<Session>,
    /// Tripped when another instance ends the session.
    ended: CancellationToken,
}

/// This server's link to a shared store.
pub(crate) struct StoreLink {
    store: SharedStore,
    publisher: Publisher,
    /// How long a session record lives unused (the sessions' idle timeout).
    ttl: Duration,
    reachable: AtomicBool,
    sessions: Mutex<HashMap<String, Mirrored>>,
    events: mpsc::Sender<LoggedEvent>,
    /// The room the events waiting to be copied take.
    events_room: Arc<Budget>,
    /// Bumped whenever another instance says a task changed (`tasks/result` waiters).
    task_changes: watch::Sender<u64>,
}

/// A random number from the operating system.
pub(crate) fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("operating system random source unavailable");
    u64::from_le_bytes(b)
}

fn store_error(e: &StoreError) -> ProtocolError {
    tracing::warn!(error = %e, "shared store operation failed");
    ProtocolError::internal("the session store is unavailable; try again")
}

impl StoreLink {
    /// Links `shared` to `store`: its hub publishes on the bus, a task delivers what the other
    /// instances publish, and another asks the store every second whether it answers
    /// (readiness). Both tasks end with the server. Must run inside a tokio runtime.
    pub fn start(store: SharedStore, ttl: Duration, stop: &CancellationToken) -> Arc<StoreLink> {
        let (tx, mut rx) = mpsc::channel::<Outgoing>(PUBLISH_QUEUE);
        let (events, mut events_rx) = mpsc::channel::<LoggedEvent>(EVENT_QUEUE);
        let (room, events_room) =
            (Arc::new(Budget::new(QUEUE_BYTES, PUBLISH_QUEUE)), Arc::new(Budget::new(QUEUE_BYTES, EVENT_QUEUE)));
        let from = random_u64();
        let link = Arc::new(StoreLink {
            store: store.clone(),
            publisher: Publisher { from, tx, room: room.clone() },
            ttl,
            reachable: AtomicBool::new(false),
            sessions: Mutex::new(HashMap::new()),
            events,
            events_room: events_room.clone(),
            task_changes: watch::Sender::new(0),
        });
        let log = store.events().clone();
        tokio::spawn(async move {
            while let Some(e) = events_rx.recv().await {
                events_room.give_back(e.data.len(), 1);
                if let Err(err) = log.append(&e.stream, e.seq, e.data.to_vec(), EVENTS_KEPT, ttl).await {
                    tracing::debug!(error = %err, "shared store: an SSE event was not copied");
                }
            }
        });
        tracing::info!(store = store.name(), "instances share a store");
        let stop = stop.clone();
        let bus = store.bus().clone();
        tokio::spawn(async move {
            while let Some((m, done)) = rx.recv().await {
                room.give_back(m.len(), 1);
                if let Err(e) = bus.publish(m).await {
                    tracing::warn!(error = %e, "shared store: a bus message was not published");
                }
                if let Some(done) = done {
                    let _ = done.send(());
                }
            }
        });
        spawn_pinger(Arc::downgrade(&link), stop);
        link
    }

    /// The queue this instance publishes on the bus through.
    pub(crate) fn publisher(&self) -> &Publisher {
        &self.publisher
    }

    /// Another instance said a task changed: wakes the `tasks/result` waiters.
    pub(crate) fn task_changed_elsewhere(&self) {
        self.task_changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Whether the store answered its last ping.
    pub fn reachable(&self) -> bool {
        self.reachable.load(Ordering::Acquire)
    }

    /// Mirrors `session`, known to clients as `id`: its changes are saved and published, and
    /// `ended` trips when another instance ends it.
    pub fn mirror(self: &Arc<Self>, id: &str, session: &Arc<Session>, ended: CancellationToken) {
        let mirror = Arc::new(Mirror { link: Arc::downgrade(self), id: id.to_owned() });
        // Server->client request ids: a random block of 2^32 per copy, under 2^52 so that
        // JavaScript clients read them exactly.
        let block = i64::try_from(random_u64() % ((1 << 20) - 1) + 1).unwrap_or(1);
        session.set_mirror(mirror, block << 32);
        let mut map = lock(&self.sessions);
        map.retain(|_, m| m.session.strong_count() > 0);
        map.insert(id.to_owned(), Mirrored { session: Arc::downgrade(session), ended });
    }

    /// Stores a session `initialize` just opened here.
    ///
    /// # Errors
    /// The store could not be written.
    pub async fn save_new(&self, id: &str, session: &Session, subject: Option<&str>) -> Result<(), ProtocolError> {
        let bytes = serde_json::to_vec(&SessionRecord::of(session, subject)).map_err(ProtocolError::internal)?;
        self.store.records().create(id, bytes, self.ttl).await.map_err(|e| store_error(&e))
    }

    /// Session `id` as the store holds it: `Ok(None)` when there is none (never opened,
    /// ended, expired).
    ///
    /// # Errors
    /// The store could not be read, or holds a session this build cannot read.
    pub async fn load(&self, id: &str) -> Result<Option<(SessionRecord, SessionState)>, ProtocolError> {
        let Some(stored) = self.store.records().load(id).await.map_err(|e| store_error(&e))? else { return Ok(None) };
        let record =
            serde_json::from_slice(&stored.record).map_err(|e| store_error(&StoreError::Corrupt(e.to_string())))?;
        let state = SessionState {
            initialized: stored.initialized,
            log_level: stored.log_level.as_deref().and_then(LogLevel::parse),
            subscriptions: stored.subscriptions,
        };
        Ok(Some((record, state)))
    }

    /// Restarts the time to live of `id`'s record, in the background.
    pub fn touch(self: &Arc<Self>, id: &str) {
        let (link, id) = (self.clone(), id.to_owned());
        tokio::spawn(async move {
            if let Err(e) = link.store.records().touch(&id, link.ttl).await {
                tracing::debug!(error = %e, "shared store: a session's time to live was not renewed");
            }
        });
    }

    /// This instance let go of its copy of `id` (idle, evicted, shutting down); the session
    /// goes on wherever the client sends it next.
    pub fn release(&self, id: &str) {
        lock(&self.sessions).remove(id);
    }

    /// Ends session `id` everywhere (`DELETE`): its record is removed and every instance drops
    /// its copy.
    ///
    /// # Errors
    /// The store could not be written.
    pub async fn end(&self, id: &str) -> Result<(), ProtocolError> {
        self.release(id);
        self.store.records().remove(id).await.map_err(|e| store_error(&e))?;
        self.publisher.send(&BusMessage::SessionEnded { session: id.to_owned() });
        Ok(())
    }

    /// Copies SSE event `seq` of `stream` (a key naming the session and the stream) to the
    /// store, behind the event's delivery and in order.
    pub fn log_event(&self, stream: String, seq: u64, data: bytes::Bytes) {
        let size = data.len();
        let queued = self.events_room.take(size) && {
            let sent = self.events.try_send(LoggedEvent { stream, seq, data }).is_ok();
            if !sent {
                self.events_room.give_back(size, 1);
            }
            sent
        };
        if !queued {
            tracing::warn!("shared store: the event queue is full, an SSE event was not copied");
        }
    }

    /// The events the store keeps for `stream`, oldest first (empty when it has none).
    ///
    /// # Errors
    /// The store could not be read.
    pub async fn logged_events(&self, stream: &str) -> Result<crate::store::LoggedEvents, ProtocolError> {
        self.store.events().events(stream).await.map_err(|e| store_error(&e))
    }

    /// Queues `message` for the other instances.
    pub fn publish(&self, message: &BusMessage) {
        self.publisher.send(message);
    }

    /// Stores task `id`'s record, listed under `owner` (empty: not listed).
    ///
    /// # Errors
    /// The store could not be written.
    pub async fn save_task(&self, id: &str, owner: &str, record: Vec<u8>, ttl: Duration) -> Result<(), ProtocolError> {
        self.store.tasks().save(id, owner, record, ttl).await.map_err(|e| task_store_error(&e))
    }

    /// Task `id`'s record, if the store has it.
    ///
    /// # Errors
    /// The store could not be read.
    pub async fn load_task(&self, id: &str) -> Result<Option<Vec<u8>>, ProtocolError> {
        self.store.tasks().load(id).await.map_err(|e| task_store_error(&e))
    }

    /// The records of the tasks listed under `owner`.
    ///
    /// # Errors
    /// The store could not be read.
    pub async fn list_tasks(&self, owner: &str) -> Result<Vec<Vec<u8>>, ProtocolError> {
        self.store.tasks().list(owner).await.map_err(|e| task_store_error(&e))
    }

    /// Wakes whenever another instance says a task changed.
    pub fn task_changes(&self) -> watch::Receiver<u64> {
        self.task_changes.subscribe()
    }

    pub(crate) fn local(&self, id: &str) -> Option<Arc<Session>> {
        lock(&self.sessions).get(id).and_then(|m| m.session.upgrade())
    }

    pub(crate) fn ended_elsewhere(&self, id: &str) {
        if let Some(m) = lock(&self.sessions).remove(id) {
            m.ended.cancel();
        }
    }
}

fn task_store_error(e: &StoreError) -> ProtocolError {
    tracing::warn!(error = %e, "shared store operation failed");
    ProtocolError::internal("the task store is unavailable; try again")
}

/// Saves one mirrored session's changes and forwards the answers it does not wait for.
struct Mirror {
    link: Weak<StoreLink>,
    id: String,
}

impl SessionMirror for Mirror {
    fn save<'a>(&'a self, change: &'a StateChange) -> BoxFuture<'a, Result<(), ProtocolError>> {
        Box::pin(async move {
            let Some(link) = self.link.upgrade() else { return Ok(()) };
            let stored = match change {
                StateChange::Initialized => SessionChange::Initialized,
                StateChange::LogLevel { level } => SessionChange::LogLevel(level.as_str().to_owned()),
                StateChange::Subscribe { uri } => SessionChange::Subscribe(uri.clone()),
                StateChange::Unsubscribe { uri } => SessionChange::Unsubscribe(uri.clone()),
            };
            link.store.records().change(&self.id, &stored, link.ttl).await.map_err(|e| store_error(&e))?;
            // Answered only once the other instances can hear of it: an update published
            // after the client saw its subscription acknowledged reaches them after it.
            let message = BusMessage::SessionChanged { session: self.id.clone(), change: change.clone() };
            link.publisher.send_and_wait(&message).await;
            Ok(())
        })
    }

    fn forward_answer(&self, _session: &Session, id: &RequestId, result: &Result<Value, ProtocolError>) {
        let Some(link) = self.link.upgrade() else { return };
        let (result, error) = match result {
            Ok(v) => (Some(v.clone()), None),
            Err(e) => (None, Some(e.clone())),
        };
        link.publisher.send(&BusMessage::Answer { session: self.id.clone(), id: id.clone(), result, error });
    }
}

/// Asks the store every [`PING_EVERY`] whether it answers, until the server stops.
fn spawn_pinger(link: Weak<StoreLink>, stop: CancellationToken) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PING_EVERY);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                _ = tick.tick() => {}
            }
            let Some(link) = link.upgrade() else { return };
            let ok = link.store.records().ping().await;
            let was = link.reachable.swap(ok.is_ok(), Ordering::AcqRel);
            match ok {
                Err(e) if was => tracing::error!(error = %e, "the shared store is unreachable: not ready"),
                Ok(()) if !was => tracing::info!("the shared store answers: ready"),
                _ => {}
            }
        }
    });
}

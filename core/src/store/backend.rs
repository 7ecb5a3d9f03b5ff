//! What each backend of a shared store provides: the session records, the message bus,
//! the event log, the task records and the short-lived values, one trait each, with the
//! types their operations carry.

use std::time::Duration;

use tokio::sync::mpsc;

/// What a store operation returns: a boxed future, so the traits stay object-safe.
pub type StoreFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A stream's retained events: sequence number and data, oldest first.
pub type LoggedEvents = Vec<(u64, Vec<u8>)>;

/// Why an operation on the shared store failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached in time (down, partitioned, or not yet connected).
    #[error("the shared store is unreachable: {0}")]
    Unavailable(String),
    /// The store answered with something this engine cannot read.
    #[error("the shared store holds an unreadable value: {0}")]
    Corrupt(String),
    /// The value is larger than its kind may hold in all ([`Limit::bytes`]).
    #[error("the shared store refuses the value: {0}")]
    Refused(String),
}

/// How much of one kind of value (a namespace) a store keeps, and who wrote a value: see
/// [`ExpiringValues::put_limited`].
#[derive(Debug, Clone, Copy)]
pub struct Limit<'a> {
    /// The most live values of the namespace.
    pub entries: usize,
    /// The most bytes of their values together; a single value over it is refused.
    pub bytes: usize,
    /// Who the value is for (a client's address, a user): when the namespace is full, the
    /// values of the source holding the most go first, oldest first.
    pub source: &'a str,
}

/// A change to a legacy session after `initialize`, which a store applies on its own (two
/// instances changing one session at once lose neither change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionChange {
    /// `notifications/initialized` arrived.
    Initialized,
    /// `logging/setLevel`, with the level's wire name.
    LogLevel(String),
    /// `resources/subscribe` of a URI.
    Subscribe(String),
    /// `resources/unsubscribe` of a URI.
    Unsubscribe(String),
}

/// A legacy session as a store holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredSession {
    /// What `initialize` settled (an opaque value, the engine's JSON), never changed later.
    pub record: Vec<u8>,
    /// Whether [`SessionChange::Initialized`] happened.
    pub initialized: bool,
    /// The last [`SessionChange::LogLevel`], if any.
    pub log_level: Option<String>,
    /// The URIs subscribed and not unsubscribed since, in no particular order.
    pub subscriptions: Vec<String>,
}

/// Where legacy sessions live: per session id, what `initialize` settled and the changes
/// since, expiring when unused for their time to live.
pub trait SessionRecords: Send + Sync {
    /// Stores a new session `id` with what `initialize` settled, expiring after `ttl`.
    fn create<'a>(&'a self, id: &'a str, record: Vec<u8>, ttl: Duration) -> StoreFuture<'a, Result<(), StoreError>>;
    /// Session `id`, if it exists and has not expired.
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Option<StoredSession>, StoreError>>;
    /// Applies `change` to session `id` and restarts its time to live.
    fn change<'a>(
        &'a self,
        id: &'a str,
        change: &'a SessionChange,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>>;
    /// Restarts the time to live of session `id` (nothing if there is none).
    fn touch<'a>(&'a self, id: &'a str, ttl: Duration) -> StoreFuture<'a, Result<(), StoreError>>;
    /// Deletes session `id`.
    fn remove<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<(), StoreError>>;
    /// Succeeds when the store answers (readiness).
    fn ping(&self) -> StoreFuture<'_, Result<(), StoreError>>;
}

/// A broadcast channel between the instances: every message published reaches every
/// subscriber of every instance, the publisher's own included.
pub trait MessageBus: Send + Sync {
    /// Publishes `message` to every subscriber.
    fn publish(&self, message: Vec<u8>) -> StoreFuture<'_, Result<(), StoreError>>;
    /// The messages published from now on, until the receiver is dropped. Messages
    /// published while the store is unreachable are lost; a subscriber that falls behind by
    /// more than the channel holds loses the newest (with a log line).
    fn subscribe(&self) -> mpsc::Receiver<Vec<u8>>;
}

/// The newest SSE events of each stream, so a client can resume (`Last-Event-ID`) on any
/// instance: per stream key, events with increasing sequence numbers.
pub trait EventLog: Send + Sync {
    /// Appends event `seq` (greater than every earlier one of the stream) to `stream`, keeping
    /// its newest `keep` events; the whole stream expires `ttl` after its last event.
    fn append<'a>(
        &'a self,
        stream: &'a str,
        seq: u64,
        data: Vec<u8>,
        keep: usize,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>>;
    /// The retained events of `stream`, oldest first: empty when it is unknown or expired.
    fn events<'a>(&'a self, stream: &'a str) -> StoreFuture<'a, Result<LoggedEvents, StoreError>>;
}

/// Where tasks are seen from every instance: per task id, its latest record (an opaque
/// value, the engine's JSON), listed under the principal that owns it, expiring after its
/// time to live. Only the instance that runs a task writes its record.
pub trait TaskRecords: Send + Sync {
    /// Stores task `id`'s record, replacing an earlier one, expiring after `ttl`; a non-empty
    /// `owner` also lists it under that owner (for as long as the owner's longest-lived task).
    fn save<'a>(
        &'a self,
        id: &'a str,
        owner: &'a str,
        record: Vec<u8>,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>>;
    /// Task `id`'s record, if it exists and has not expired.
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>>;
    /// The records of the tasks listed under `owner` that have not expired, in no particular
    /// order.
    fn list<'a>(&'a self, owner: &'a str) -> StoreFuture<'a, Result<Vec<Vec<u8>>, StoreError>>;
}

/// Short-lived values by namespace and key, each expiring after its time to live; `take`
/// reads and deletes a value in one step, so of two instances taking the same key at once
/// only one gets it (single-use authorization codes).
pub trait ExpiringValues: Send + Sync {
    /// Stores `value` under `space` and `key`, replacing an earlier one, expiring after `ttl`.
    fn put<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>>;
    /// The value under `space` and `key`, if it exists and has not expired.
    fn get<'a>(&'a self, space: &'a str, key: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>>;
    /// The value under `space` and `key`, deleted in the same atomic step.
    fn take<'a>(&'a self, space: &'a str, key: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>>;
    /// Stores `value` as [`ExpiringValues::put`] does, within `limit`: when the namespace
    /// would hold more than `limit.entries` values or `limit.bytes` bytes, what has expired
    /// goes first, then the oldest value of the source that holds the most values of the
    /// namespace, until the new value fits; a value over `limit.bytes` alone is refused
    /// ([`StoreError::Refused`]). So a source that floods a namespace evicts its own values
    /// before anyone else's. The in-memory and Redis backends keep the limit; another backend
    /// that does not implement this method stores the value as `put` does.
    fn put_limited<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
        limit: Limit<'a>,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let _ = limit;
        self.put(space, key, value, ttl)
    }
}

/// How many bus messages wait for a slow subscriber before newer ones are dropped.
pub(crate) const BUS_QUEUE: usize = 4096;

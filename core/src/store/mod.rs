//! The state that several instances of one server share through a store: the records of
//! legacy sessions (so any instance serves any session), a message bus between the
//! instances (notifications, session changes, answers to server->client requests, task
//! changes and commands), a log of SSE events (so a client resumes a stream on another
//! instance), the records of tasks (so any instance answers for any task), and short-lived
//! values (what the OAuth proxy keeps between the steps of a login). Each
//! piece is a trait with an in-process backend ([`SharedStore::memory`], for one process
//! that runs several servers, and for tests) and a Redis backend ([`SharedStore::redis`],
//! `redis` feature). What the engine does with them lives in `dispatch::shared_state`.

mod expiring;
mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::sync::Arc;
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

/// The most values an in-memory [`ExpiringValues`] keeps per namespace.
pub const MEMORY_VALUES_CAP: usize = 10_000;

/// Short-lived values kept in this process's memory, at most [`MEMORY_VALUES_CAP`] per
/// namespace (a full namespace drops the expired values, then the oldest).
#[must_use]
pub fn memory_values() -> Arc<dyn ExpiringValues> {
    Arc::new(expiring::BoundedValues::new(MEMORY_VALUES_CAP))
}

/// How many bus messages wait for a slow subscriber before newer ones are dropped.
pub(crate) const BUS_QUEUE: usize = 4096;

/// A shared store: the session records, the message bus, the event log and the task records
/// of the instances that use it. Cloning is cheap; clones are the same store.
#[derive(Clone)]
pub struct SharedStore {
    records: Arc<dyn SessionRecords>,
    bus: Arc<dyn MessageBus>,
    events: Arc<dyn EventLog>,
    tasks: Arc<dyn TaskRecords>,
    values: Arc<dyn ExpiringValues>,
    name: Arc<str>,
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedStore").field("backend", &self.name).finish_non_exhaustive()
    }
}

impl SharedStore {
    /// A store in this process's memory: the servers of one process that are given clones
    /// of it behave like instances sharing a store (a session opened on one is served by
    /// the others). Nothing is shared with other processes.
    #[must_use]
    pub fn memory() -> SharedStore {
        let store = Arc::new(memory::MemoryStore::default());
        SharedStore {
            records: store.clone(),
            bus: store.clone(),
            events: store.clone(),
            tasks: store,
            values: memory_values(),
            name: "memory".into(),
        }
    }

    /// A Redis store at `url` (`redis://[user:password@]host:port[/db]`, or `rediss://`
    /// when the build has TLS), its keys and bus channel under `prefix` (instances of one
    /// deployment share a prefix; other deployments may use the same Redis with another).
    /// Nothing is connected yet: connections open on first use and reopen after a failure,
    /// so an instance starts while Redis is down (and reports itself not ready).
    ///
    /// # Errors
    /// The URL is not a Redis URL.
    #[cfg(feature = "redis")]
    pub fn redis(url: &str, prefix: &str) -> Result<SharedStore, crate::Error> {
        let store = Arc::new(redis::RedisStore::open(url, prefix)?);
        let name = format!("redis {}", store.describe());
        Ok(SharedStore {
            records: store.clone(),
            bus: store.clone(),
            events: store.clone(),
            tasks: store.clone(),
            values: store,
            name: name.into(),
        })
    }

    /// A store from its URL: `redis://…` (with the `redis` feature), or `memory:` for a
    /// store of this process only. Keys are prefixed with `mcpforge`.
    ///
    /// # Errors
    /// An unknown scheme, a malformed URL, or a Redis URL in a build without Redis.
    pub fn from_url(url: &str) -> Result<SharedStore, crate::Error> {
        let url = url.trim();
        if url == "memory:" {
            return Ok(SharedStore::memory());
        }
        if url.starts_with("redis://") || url.starts_with("rediss://") || url.starts_with("redis+unix://") {
            #[cfg(feature = "redis")]
            return SharedStore::redis(url, "mcpforge");
            #[cfg(not(feature = "redis"))]
            return Err(crate::Error::Config(
                "a Redis shared store needs mcpforge built with its `redis` feature".to_owned(),
            ));
        }
        Err(crate::Error::Config("shared store: expected a redis:// URL or memory:".to_owned()))
    }

    /// A store made of other backends (a database, another broker). Its short-lived values
    /// are in this process's memory until [`SharedStore::with_values`] names a backend
    /// the instances share.
    #[must_use]
    pub fn from_parts(
        records: Arc<dyn SessionRecords>,
        bus: Arc<dyn MessageBus>,
        events: Arc<dyn EventLog>,
        tasks: Arc<dyn TaskRecords>,
        name: &str,
    ) -> SharedStore {
        SharedStore { records, bus, events, tasks, values: memory_values(), name: name.into() }
    }

    /// The same store with `values` as its short-lived values.
    #[must_use]
    pub fn with_values(mut self, values: Arc<dyn ExpiringValues>) -> SharedStore {
        self.values = values;
        self
    }

    /// The short-lived values.
    #[must_use]
    pub fn values(&self) -> &Arc<dyn ExpiringValues> {
        &self.values
    }

    /// The session records.
    #[must_use]
    pub fn records(&self) -> &Arc<dyn SessionRecords> {
        &self.records
    }

    /// The message bus.
    #[must_use]
    pub fn bus(&self) -> &Arc<dyn MessageBus> {
        &self.bus
    }

    /// The event log.
    #[must_use]
    pub fn events(&self) -> &Arc<dyn EventLog> {
        &self.events
    }

    /// The task records.
    #[must_use]
    pub fn tasks(&self) -> &Arc<dyn TaskRecords> {
        &self.tasks
    }

    /// What the store is, for logs (a Redis URL without its password).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

//! [`SharedStore`]: the five backends of one store held together, made from the in-process
//! backend, Redis, a URL, or backends of the application's own.

use std::sync::Arc;

use super::backend::{EventLog, ExpiringValues, MessageBus, SessionRecords, TaskRecords};
use super::expiring::memory_values;
use super::memory::MemoryStore;
#[cfg(feature = "redis")]
use super::redis::RedisStore;

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
        let store = Arc::new(MemoryStore::default());
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
        let store = Arc::new(RedisStore::open(url, prefix)?);
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

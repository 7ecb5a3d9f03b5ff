//! The in-process shared store: session records, event logs and task records in maps with
//! expiry times, the bus a broadcast channel. Servers of one process given clones of it share sessions as separate
//! instances would through Redis.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, mpsc};

use super::{
    BUS_QUEUE, EventLog, LoggedEvents, MessageBus, SessionChange, SessionRecords, StoreError, StoreFuture,
    StoredSession, TaskRecords,
};
use crate::sync::lock;

/// One stream's retained events and when it expires.
type Events = (VecDeque<(u64, Vec<u8>)>, Instant);

/// One task's record, its owner and when it expires.
struct TaskEntry {
    record: Vec<u8>,
    owner: String,
    until: Instant,
}

/// Records, bus, event log and tasks of [`super::SharedStore::memory`].
pub(super) struct MemoryStore {
    records: Mutex<HashMap<String, (StoredSession, Instant)>>,
    bus: broadcast::Sender<Vec<u8>>,
    events: Mutex<HashMap<String, Events>>,
    tasks: Mutex<HashMap<String, TaskEntry>>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore {
            records: Mutex::new(HashMap::new()),
            bus: broadcast::channel(BUS_QUEUE).0,
            events: Mutex::new(HashMap::new()),
            tasks: Mutex::new(HashMap::new()),
        }
    }
}

impl TaskRecords for MemoryStore {
    fn save<'a>(
        &'a self,
        id: &'a str,
        owner: &'a str,
        record: Vec<u8>,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let mut map = lock(&self.tasks);
        let now = Instant::now();
        map.retain(|_, t| t.until > now);
        map.insert(id.to_owned(), TaskEntry { record, owner: owner.to_owned(), until: now + ttl });
        Box::pin(std::future::ready(Ok(())))
    }

    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        let found = lock(&self.tasks).get(id).filter(|t| t.until > Instant::now()).map(|t| t.record.clone());
        Box::pin(std::future::ready(Ok(found)))
    }

    fn list<'a>(&'a self, owner: &'a str) -> StoreFuture<'a, Result<Vec<Vec<u8>>, StoreError>> {
        let now = Instant::now();
        let found = if owner.is_empty() {
            Vec::new()
        } else {
            lock(&self.tasks).values().filter(|t| t.owner == owner && t.until > now).map(|t| t.record.clone()).collect()
        };
        Box::pin(std::future::ready(Ok(found)))
    }
}

impl EventLog for MemoryStore {
    fn append<'a>(
        &'a self,
        stream: &'a str,
        seq: u64,
        data: Vec<u8>,
        keep: usize,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let mut map = lock(&self.events);
        let now = Instant::now();
        map.retain(|_, (_, until)| *until > now);
        let (events, until) = map.entry(stream.to_owned()).or_insert_with(|| (VecDeque::new(), now));
        events.push_back((seq, data));
        while events.len() > keep {
            events.pop_front();
        }
        *until = now + ttl;
        Box::pin(std::future::ready(Ok(())))
    }

    fn events<'a>(&'a self, stream: &'a str) -> StoreFuture<'a, Result<LoggedEvents, StoreError>> {
        let found = lock(&self.events)
            .get(stream)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(events, _)| events.iter().cloned().collect())
            .unwrap_or_default();
        Box::pin(std::future::ready(Ok(found)))
    }
}

impl SessionRecords for MemoryStore {
    fn create<'a>(&'a self, id: &'a str, record: Vec<u8>, ttl: Duration) -> StoreFuture<'a, Result<(), StoreError>> {
        let mut map = lock(&self.records);
        let now = Instant::now();
        map.retain(|_, (_, until)| *until > now);
        map.insert(id.to_owned(), (StoredSession { record, ..StoredSession::default() }, now + ttl));
        Box::pin(std::future::ready(Ok(())))
    }

    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Option<StoredSession>, StoreError>> {
        let found = lock(&self.records).get(id).filter(|(_, until)| *until > Instant::now()).map(|(s, _)| s.clone());
        Box::pin(std::future::ready(Ok(found)))
    }

    fn change<'a>(
        &'a self,
        id: &'a str,
        change: &'a SessionChange,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        if let Some((s, until)) = lock(&self.records).get_mut(id) {
            match change {
                SessionChange::Initialized => s.initialized = true,
                SessionChange::LogLevel(level) => s.log_level = Some(level.clone()),
                SessionChange::Subscribe(uri) => {
                    if !s.subscriptions.contains(uri) {
                        s.subscriptions.push(uri.clone());
                    }
                }
                SessionChange::Unsubscribe(uri) => s.subscriptions.retain(|u| u != uri),
            }
            *until = Instant::now() + ttl;
        }
        Box::pin(std::future::ready(Ok(())))
    }

    fn touch<'a>(&'a self, id: &'a str, ttl: Duration) -> StoreFuture<'a, Result<(), StoreError>> {
        if let Some((_, until)) = lock(&self.records).get_mut(id) {
            *until = Instant::now() + ttl;
        }
        Box::pin(std::future::ready(Ok(())))
    }

    fn remove<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<(), StoreError>> {
        lock(&self.records).remove(id);
        Box::pin(std::future::ready(Ok(())))
    }

    fn ping(&self) -> StoreFuture<'_, Result<(), StoreError>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

impl MessageBus for MemoryStore {
    fn publish(&self, message: Vec<u8>) -> StoreFuture<'_, Result<(), StoreError>> {
        // No subscriber is not an error: nobody is listening yet.
        let _ = self.bus.send(message);
        Box::pin(std::future::ready(Ok(())))
    }

    fn subscribe(&self) -> mpsc::Receiver<Vec<u8>> {
        let mut from = self.bus.subscribe();
        let (tx, rx) = mpsc::channel(BUS_QUEUE);
        tokio::spawn(async move {
            loop {
                match from.recv().await {
                    Ok(m) => {
                        if tx.send(m).await.is_err() {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(lost = n, "shared store bus: a subscriber fell behind and lost messages");
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        rx
    }
}

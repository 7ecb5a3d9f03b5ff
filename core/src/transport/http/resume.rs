//! Resumable SSE streams of a legacy session: every event of a session's POST streams is
//! kept in a bounded event store under an id that names its stream, and sent to whoever is
//! currently connected to that stream — the original POST, or a later GET that resumed it
//! with `Last-Event-ID`. Both happen under one lock, so a resumed client misses nothing and
//! sees nothing twice.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::event_store::{EventStore, ReplayError, StoreLimits, StreamId};
use super::sse;
use crate::sync::lock;

/// The reconnection delay suggested to clients (`retry:`), in milliseconds.
const RETRY_MS: u64 = 1000;

/// Per-session event storage: small, because there may be many sessions.
fn limits() -> StoreLimits {
    StoreLimits { events_per_stream: 64, max_bytes: 128 * 1024, max_streams: 16 }
}

/// Streams that ended while no client was connected (their events wait for a resume).
const FINISHED_KEPT: usize = 64;

struct Inner {
    store: EventStore,
    live: HashMap<StreamId, mpsc::Sender<Bytes>>,
    finished: VecDeque<StreamId>,
}

/// The resumable streams of one session.
pub(crate) struct Streams {
    inner: Mutex<Inner>,
}

impl Default for Streams {
    fn default() -> Self {
        let inner = Inner { store: EventStore::new(limits()), live: HashMap::new(), finished: VecDeque::new() };
        Streams { inner: Mutex::new(inner) }
    }
}

impl Streams {
    /// Opens a stream delivered to `out`; with `prime`, its first event is a priming event
    /// (an id and empty data) so the client can resume even before any message.
    pub fn open(&self, out: mpsc::Sender<Bytes>, prime: bool) -> StreamId {
        let mut inner = lock(&self.inner);
        let stream = inner.store.open_stream();
        if prime {
            let id = inner.store.position(stream);
            let _ = out.try_send(sse::priming(&id));
            let _ = out.try_send(sse::retry(RETRY_MS));
        }
        inner.live.insert(stream, out);
        stream
    }

    /// Records a message on `stream` and sends it to the connected client, if any. A client
    /// that is gone, or so far behind that its response buffer is full, is cut from live
    /// delivery (its response ends; it resumes from the store): false then.
    pub fn send(&self, stream: StreamId, message: &[u8]) -> bool {
        let mut inner = lock(&self.inner);
        let data = Bytes::copy_from_slice(message);
        let id = inner.store.append(stream, data.clone());
        let Some(out) = inner.live.get(&stream) else { return false };
        if out.try_send(sse::event(Some(&id), None, &data)).is_err() {
            tracing::debug!("SSE client gone or not reading: live delivery ends, events kept for a resume");
            inner.live.remove(&stream);
            return false;
        }
        true
    }

    /// The stream ended. Its events stay resumable until the store evicts them, even when a
    /// client still looks connected: a connection that broke is noticed only later, so the
    /// server cannot know the client received the last events.
    pub fn finish(&self, stream: StreamId) {
        let mut inner = lock(&self.inner);
        inner.live.remove(&stream);
        if inner.finished.len() == FINISHED_KEPT {
            inner.finished.pop_front();
        }
        inner.finished.push_back(stream);
    }

    /// `Last-Event-ID` resumption: the events after `last_event_id`, followed by whatever the
    /// stream still produces, on a new channel.
    pub fn resume(&self, last_event_id: &str) -> Result<mpsc::Receiver<Bytes>, ReplayError> {
        let mut inner = lock(&self.inner);
        let (stream, events) = inner.store.replay_after(last_event_id)?;
        let (tx, rx) = super::exchange::sse_channel();
        for (id, data) in events {
            let _ = tx.try_send(sse::event(Some(&id), None, &data));
        }
        // A finished stream ends after the replay (dropping `tx`); a running one continues.
        if !inner.finished.contains(&stream) {
            inner.live.insert(stream, tx);
        }
        Ok(rx)
    }
}

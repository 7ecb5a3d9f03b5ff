//! Resumable SSE streams of a legacy session: every event of a session's streams (each
//! request's SSE answer, and the GET stream of unsolicited notifications) is kept in a
//! bounded event store under an id that names its stream, and sent to whoever is currently
//! connected to that stream — the original request, or a later GET that resumed it with
//! `Last-Event-ID`. Both happen under one lock, so a resumed client misses nothing and sees
//! nothing twice. When instances share a store, each event is also copied there (behind its
//! delivery), so a client resumes on another instance, also after its own died.
//!
//! Event ids are the event store's `"<stream>-<seq>"`, with an `n` in front on the
//! notification stream, so a resume always knows which kind of stream it continues.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::event_store::{EventStore, ReplayError, StoreLimits, StreamId, format_id, parse_id};
use super::sse;
use crate::dispatch::shared_state::{EVENTS_KEPT, StoreLink};
use crate::error::ProtocolError;
use crate::sync::lock;

/// The reconnection delay suggested to clients (`retry:`), in milliseconds.
const RETRY_MS: u64 = 1000;

/// Per-session event storage: small, because there may be many sessions.
fn limits() -> StoreLimits {
    StoreLimits { events_per_stream: EVENTS_KEPT, max_bytes: 128 * 1024, max_streams: 16 }
}

/// Streams that ended while no client was connected (their events wait for a resume).
const FINISHED_KEPT: usize = 64;
/// Notification (GET) streams remembered as such.
const NOTIFICATION_STREAMS_KEPT: usize = 16;

struct Inner {
    store: EventStore,
    live: HashMap<StreamId, mpsc::Sender<Bytes>>,
    finished: VecDeque<StreamId>,
    notifications: VecDeque<StreamId>,
}

/// Where a shared session's events are copied: the store and the session's id.
struct Mirror {
    link: Arc<StoreLink>,
    session: String,
}

/// What a `Last-Event-ID` resumed.
pub(crate) enum Resumed {
    /// A request's stream: its events after the id, then whatever it still produces.
    Request(mpsc::Receiver<Bytes>),
    /// The session's notification stream: its events after the id (as SSE events), to send
    /// before the notifications that come next.
    Notifications(Vec<Bytes>),
}

/// The resumable streams of one session.
pub(crate) struct Streams {
    inner: Mutex<Inner>,
    mirror: OnceLock<Mirror>,
}

impl Default for Streams {
    fn default() -> Self {
        Streams::new(1)
    }
}

/// The key of a stream's events in the shared store: the session, the kind (`n` for
/// notifications, `r` for a request's answer) and the stream.
fn shared_key(session: &str, notifications: bool, stream: u64) -> String {
    format!("{session}:{}{stream}", if notifications { 'n' } else { 'r' })
}

/// The id a client sees for an event of the store's id `id` (a request stream's is the
/// store's own, not copied).
fn client_id(notifications: bool, id: &str) -> Cow<'_, str> {
    if notifications { Cow::Owned(format!("n{id}")) } else { Cow::Borrowed(id) }
}

/// Whether a `Last-Event-ID` names an event of a notification stream, and the store's id.
pub(crate) fn split_id(last_event_id: &str) -> (bool, &str) {
    match last_event_id.strip_prefix('n') {
        Some(id) => (true, id),
        None => (false, last_event_id),
    }
}

impl Streams {
    /// Streams numbered from `first_stream` (instances serving one session number theirs
    /// from different random points, so their event ids never meet).
    pub fn new(first_stream: u64) -> Streams {
        let inner = Inner {
            store: EventStore::starting_at(limits(), first_stream),
            live: HashMap::new(),
            finished: VecDeque::new(),
            notifications: VecDeque::new(),
        };
        Streams { inner: Mutex::new(inner), mirror: OnceLock::new() }
    }

    /// Copies every event from now on to the shared store, under `session`.
    pub fn mirror_to(&self, link: Arc<StoreLink>, session: &str) {
        let _ = self.mirror.set(Mirror { link, session: session.to_owned() });
    }

    /// Opens a request's stream delivered to `out`; with `prime`, its first event is a
    /// priming event (an id and empty data) so the client can resume even before any message.
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

    /// Opens the session's notification (GET) stream, delivered to `out`.
    pub fn open_notifications(&self, out: mpsc::Sender<Bytes>) -> StreamId {
        let mut inner = lock(&self.inner);
        let stream = inner.store.open_stream();
        if inner.notifications.len() == NOTIFICATION_STREAMS_KEPT {
            inner.notifications.pop_front();
        }
        inner.notifications.push_back(stream);
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
        let notifications = inner.notifications.contains(&stream);
        if let (Some(m), Some((_, seq))) = (self.mirror.get(), parse_id(&id)) {
            m.link.log_event(shared_key(&m.session, notifications, stream.0), seq, data.clone());
        }
        let Some(out) = inner.live.get(&stream) else { return false };
        if out.try_send(sse::event(Some(&client_id(notifications, &id)), None, &data)).is_err() {
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

    /// `Last-Event-ID` resumption from this instance's own events: a request's stream goes
    /// on (its events after the id, then what it still produces, on a new channel); the
    /// notification stream's events after the id are handed back.
    pub fn resume(&self, last_event_id: &str) -> Result<Resumed, ReplayError> {
        let (notifications, last) = split_id(last_event_id);
        let mut inner = lock(&self.inner);
        let (stream, events) = inner.store.replay_after(last)?;
        if notifications != inner.notifications.contains(&stream) {
            return Err(ReplayError::Unknown);
        }
        let events: Vec<Bytes> = events
            .into_iter()
            .map(|(id, data)| sse::event(Some(&client_id(notifications, &id)), None, &data))
            .collect();
        if notifications {
            return Ok(Resumed::Notifications(events));
        }
        let (tx, rx) = super::exchange::sse_channel();
        for e in events {
            let _ = tx.try_send(e);
        }
        // A finished stream ends after the replay (dropping `tx`); a running one continues.
        if !inner.finished.contains(&stream) {
            inner.live.insert(stream, tx);
        }
        Ok(Resumed::Request(rx))
    }
}

/// `Last-Event-ID` resumption from the shared store, of a stream another instance sent
/// (`Ok(Err(Unknown))` when the store has none of its events): a request's stream is
/// replayed and ends (it ran elsewhere); the notification stream's events are handed back.
/// A stream the store kept only the newest events of, none of them the id's successor, is
/// a gap.
///
/// # Errors
/// The store could not be read.
pub(crate) async fn resume_shared(
    link: &StoreLink,
    session: &str,
    last_event_id: &str,
) -> Result<Result<Resumed, ReplayError>, ProtocolError> {
    let (notifications, last) = split_id(last_event_id);
    let Some((stream, after)) = parse_id(last) else { return Ok(Err(ReplayError::Unknown)) };
    let events = link.logged_events(&shared_key(session, notifications, stream)).await?;
    let Some(first) = events.first().map(|(seq, _)| *seq) else { return Ok(Err(ReplayError::Unknown)) };
    if events.len() >= EVENTS_KEPT && first > after {
        return Ok(Err(ReplayError::Gap));
    }
    let replay: Vec<Bytes> = events
        .into_iter()
        .filter(|(seq, _)| *seq > after)
        .map(|(seq, data)| sse::event(Some(&client_id(notifications, &format_id(stream, seq))), None, &data))
        .collect();
    if notifications {
        return Ok(Ok(Resumed::Notifications(replay)));
    }
    let (tx, rx) = super::exchange::sse_channel();
    for e in replay {
        let _ = tx.try_send(e);
    }
    Ok(Ok(Resumed::Request(rx)))
}

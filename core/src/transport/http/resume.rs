//! Resumable SSE streams of a legacy session: every event of a session's streams (each
//! request's SSE answer, and the GET stream of unsolicited notifications) is kept in a
//! bounded event store under an id that names its stream, and sent to whoever is currently
//! connected to that stream — the original request, or a later GET that resumed it with
//! `Last-Event-ID`. Both happen under one lock, so a resumed client misses nothing and sees
//! nothing twice. A request's stream waits for a client that reads slowly (it carries the
//! response, which is never dropped to make room); the notification stream cuts such a
//! client from live delivery, and it resumes. When instances share a store, each event is
//! also copied there (behind its delivery), so a client resumes on another instance, also
//! after its own died.
//!
//! Event ids are the event store's `"<stream>-<seq>"`, with an `n` in front on the
//! notification stream, so a resume always knows which kind of stream it continues.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::event_store::{EventStore, ReplayError, StoreLimits, StreamId, format_id, parse_id};
use super::sse::{self, EventReceiver, EventSender, TrySendError};
use crate::dispatch::shared_state::{EVENTS_KEPT, StoreLink};
use crate::error::ProtocolError;
use crate::jsonrpc::RequestId;
use crate::sync::lock;

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
    live: HashMap<StreamId, EventSender>,
    finished: VecDeque<StreamId>,
    notifications: VecDeque<StreamId>,
    /// The stream of each request answered on one (a POST's), while it runs.
    requests: HashMap<RequestId, StreamId>,
    /// Tripped to end a stream's connection at the application's asking
    /// ([`Streams::close_connection`]); one per stream being written.
    closers: HashMap<StreamId, CancellationToken>,
}

/// Where a shared session's events are copied: the store and the session's id.
struct Mirror {
    link: Arc<StoreLink>,
    session: String,
}

/// What a `Last-Event-ID` resumed.
pub(crate) enum Resumed {
    /// A request's stream: its events after the id, then whatever it still produces.
    Request(EventReceiver),
    /// The session's notification stream: its events after the id (as SSE events), to send
    /// before the notifications that come next.
    Notifications(Vec<Bytes>),
}

/// What [`Streams::record`] did with a message's event.
enum Recorded {
    /// Sent to the connected client.
    Sent,
    /// Kept for a resume only: no client is connected to the stream.
    NotLive,
    /// Kept; the connected client's buffer is full: the event, and where it should go.
    Full(EventSender, Bytes),
}

/// The resumable streams of one session.
pub(crate) struct Streams {
    inner: Mutex<Inner>,
    mirror: OnceLock<Mirror>,
    /// Woken when a stream is resumed on a new connection (see [`Streams::send_waiting`]).
    resumed: Notify,
    /// Name each message event `message` (see [`Streams::name_events`]).
    named: AtomicBool,
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
            requests: HashMap::new(),
            closers: HashMap::new(),
        };
        Streams {
            inner: Mutex::new(inner),
            mirror: OnceLock::new(),
            resumed: Notify::new(),
            named: AtomicBool::new(false),
        }
    }

    /// Whether message events carry `event: message` from now on
    /// ([`HttpOptions::sse_event_names`](super::HttpOptions::sse_event_names)).
    pub fn name_events(&self, on: bool) {
        self.named.store(on, Ordering::Relaxed);
    }

    /// The name of message events: `message` when they are named.
    pub fn event_name(&self) -> Option<&'static str> {
        self.named.load(Ordering::Relaxed).then_some("message")
    }

    /// Copies every event from now on to the shared store, under `session`.
    pub fn mirror_to(&self, link: Arc<StoreLink>, session: &str) {
        let _ = self.mirror.set(Mirror { link, session: session.to_owned() });
    }

    /// Opens a request's stream delivered to `out`; with `prime`, its first event is a
    /// priming event (an id and empty data, and the reconnection hint `retry_ms` when there is
    /// one) so the client can resume even before any message.
    pub fn open(&self, out: EventSender, prime: bool, retry_ms: Option<u64>) -> StreamId {
        let mut inner = lock(&self.inner);
        let stream = inner.store.open_stream();
        if prime {
            let id = inner.store.position(stream);
            let _ = out.try_send(sse::priming(&id, retry_ms));
        }
        inner.live.insert(stream, out);
        stream
    }

    /// Opens the session's notification (GET) stream, delivered to `out`.
    pub fn open_notifications(&self, out: EventSender) -> StreamId {
        let mut inner = lock(&self.inner);
        let stream = inner.store.open_stream();
        if inner.notifications.len() == NOTIFICATION_STREAMS_KEPT {
            inner.notifications.pop_front();
        }
        inner.notifications.push_back(stream);
        inner.live.insert(stream, out);
        stream
    }

    /// Records a message on `stream` and sends it to the connected client, if any, without
    /// waiting. A client that is gone, or so far behind that its response buffer is full, is
    /// cut from live delivery (its response ends; it resumes from the store): false then.
    /// For the notification stream, which carries no responses.
    pub fn send(&self, stream: StreamId, message: &[u8]) -> bool {
        match self.record(stream, message) {
            Recorded::Sent => true,
            Recorded::NotLive => false,
            Recorded::Full(out, _) => {
                self.cut(stream, &out);
                false
            }
        }
    }

    /// Records a message on a request's `stream` and sends it to the connected client,
    /// waiting while the client's response buffer is full: a client that reads slowly slows
    /// the request's stream down (its notifications are then dropped oldest first before
    /// they get here) and never loses the response. False when no client gets it live: the
    /// client is gone (cut from live delivery; it resumes from the store), or it resumed
    /// the stream on another connection while this one waited (the event is in the replay).
    pub async fn send_waiting(&self, stream: StreamId, message: &[u8]) -> bool {
        let (out, event) = match self.record(stream, message) {
            Recorded::Sent => return true,
            Recorded::NotLive => return false,
            Recorded::Full(out, event) => (out, event),
        };
        loop {
            let resumed = self.resumed.notified();
            let mut resumed = std::pin::pin!(resumed);
            // Enabled before the check, so a resume after it wakes this sender.
            resumed.as_mut().enable();
            if !lock(&self.inner).live.get(&stream).is_some_and(|live| live.same_channel(&out)) {
                return false;
            }
            tokio::select! {
                biased;
                sent = out.send(event.clone()) => {
                    if !sent {
                        self.cut(stream, &out);
                    }
                    return sent;
                }
                () = resumed => {}
            }
        }
    }

    /// Appends a message to `stream`'s events (and the shared store's copy) and tries to
    /// send it to the connected client.
    fn record(&self, stream: StreamId, message: &[u8]) -> Recorded {
        let mut inner = lock(&self.inner);
        let data = Bytes::copy_from_slice(message);
        let id = inner.store.append(stream, data.clone());
        let notifications = inner.notifications.contains(&stream);
        if let (Some(m), Some((_, seq))) = (self.mirror.get(), parse_id(&id)) {
            m.link.log_event(shared_key(&m.session, notifications, stream.0), seq, data.clone());
        }
        let Some(out) = inner.live.get(&stream) else { return Recorded::NotLive };
        match out.try_send(sse::event(Some(&client_id(notifications, &id)), self.event_name(), &data)) {
            Ok(()) => Recorded::Sent,
            Err(TrySendError::Full(event)) => Recorded::Full(out.clone(), event),
            Err(TrySendError::Closed) => {
                tracing::debug!("SSE client gone: live delivery ends, events kept for a resume");
                inner.live.remove(&stream);
                Recorded::NotLive
            }
        }
    }

    /// Ends live delivery of `stream` to `out` (not to a connection that resumed it since).
    fn cut(&self, stream: StreamId, out: &EventSender) {
        let mut inner = lock(&self.inner);
        if inner.live.get(&stream).is_some_and(|live| live.same_channel(out)) {
            tracing::debug!("SSE client gone or not reading: live delivery ends, events kept for a resume");
            inner.live.remove(&stream);
        }
    }

    /// The token that ends `stream`'s connection when the application asks
    /// ([`Streams::close_connection`]): its writer watches it, and `requests` (the ids a
    /// POST's stream answers) find the stream by request.
    pub fn closer(&self, stream: StreamId, requests: &[RequestId]) -> CancellationToken {
        let mut inner = lock(&self.inner);
        for id in requests {
            inner.requests.insert(id.clone(), stream);
        }
        inner.closers.entry(stream).or_default().clone()
    }

    /// Ends the connection of a stream while its events go on being kept, so the client
    /// comes back with `Last-Event-ID` and resumes (polling, SEP-1699): the stream of the
    /// request `request`, or with `None` the current notification (GET) stream. False when
    /// that stream has no connection to end.
    pub fn close_connection(&self, request: Option<&RequestId>) -> bool {
        let mut inner = lock(&self.inner);
        let stream = match request {
            Some(id) => inner.requests.get(id).copied(),
            None => inner.notifications.back().copied(),
        };
        let Some(stream) = stream else { return false };
        let was_live = inner.live.remove(&stream).is_some();
        if let Some(closer) = inner.closers.get(&stream) {
            closer.cancel();
        }
        was_live
    }

    /// The stream ended. Its events stay resumable until the store evicts them, even when a
    /// client still looks connected: a connection that broke is noticed only later, so the
    /// server cannot know the client received the last events.
    pub fn finish(&self, stream: StreamId) {
        let mut inner = lock(&self.inner);
        inner.live.remove(&stream);
        inner.closers.remove(&stream);
        inner.requests.retain(|_, s| *s != stream);
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
            .map(|(id, data)| sse::event(Some(&client_id(notifications, &id)), self.event_name(), &data))
            .collect();
        if notifications {
            return Ok(Resumed::Notifications(events));
        }
        // The replay comes first, then what the stream still sends: a request stream's channel
        // is a hand-off (its request's queue holds what waits).
        let (tx, rx) = sse::channel(sse::Bound::handoff());
        let rx = rx.after(events);
        // A finished stream ends after the replay (dropping `tx`); a running one continues
        // here, and a sender still waiting for room on its old connection gives up.
        if !inner.finished.contains(&stream) {
            inner.live.insert(stream, tx);
            self.resumed.notify_waiters();
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
    event_name: Option<&str>,
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
        .map(|(seq, data)| sse::event(Some(&client_id(notifications, &format_id(stream, seq))), event_name, &data))
        .collect();
    if notifications {
        return Ok(Ok(Resumed::Notifications(replay)));
    }
    Ok(Ok(Resumed::Request(sse::channel(sse::Bound::handoff()).1.after(replay))))
}

#[cfg(test)]
mod tests {
    use tokio_stream::StreamExt as _;

    use super::*;
    use crate::transport::http::sse::Bound;

    /// A channel that is full with one event.
    fn one_event() -> (EventSender, EventReceiver) {
        sse::channel(Bound::of(1, 1 << 20))
    }

    /// Whether the next event of `rx` carries `data`.
    async fn next_is(rx: &mut EventReceiver, data: &[u8]) -> bool {
        let end = [b"data: ", data, b"\n\n"].concat();
        rx.next().await.is_some_and(|e| e.expect("infallible").ends_with(&end))
    }

    /// A task sending `message` on `stream`, run until it waits (the stream must be full).
    async fn sender_waiting(
        streams: &Arc<Streams>,
        stream: StreamId,
        message: &'static [u8],
    ) -> tokio::task::JoinHandle<bool> {
        let streams = streams.clone();
        let task = tokio::spawn(async move { streams.send_waiting(stream, message).await });
        tokio::task::yield_now().await;
        assert!(!task.is_finished(), "the sender waits for room");
        task
    }

    #[tokio::test]
    async fn a_full_request_stream_waits_for_its_client_and_loses_nothing() {
        let streams = Arc::new(Streams::default());
        let (tx, mut rx) = one_event();
        let stream = streams.open(tx, false, None);
        assert!(streams.send_waiting(stream, b"one").await);
        let waiting = sender_waiting(&streams, stream, b"two").await;
        assert!(next_is(&mut rx, b"one").await);
        assert!(waiting.await.expect("the sender"));
        assert!(next_is(&mut rx, b"two").await);
    }

    #[tokio::test]
    async fn a_waiting_sender_gives_up_when_its_client_resumes_elsewhere() {
        let streams = Arc::new(Streams::default());
        let (tx, _rx) = one_event();
        let stream = streams.open(tx, false, None);
        assert!(streams.send_waiting(stream, b"one").await);
        let waiting = sender_waiting(&streams, stream, b"two").await;
        // The client resumes after the event it got: the waiting event is in the replay.
        let Ok(Resumed::Request(mut replay)) = streams.resume(&format_id(stream.0, 2)) else {
            panic!("the stream resumes");
        };
        assert!(!waiting.await.expect("the sender"), "the old connection no longer gets it live");
        assert!(next_is(&mut replay, b"two").await);
        assert!(streams.send_waiting(stream, b"three").await);
        assert!(next_is(&mut replay, b"three").await);
    }

    #[tokio::test]
    async fn a_waiting_sender_is_cut_when_its_client_goes() {
        let streams = Arc::new(Streams::default());
        let (tx, rx) = one_event();
        let stream = streams.open(tx, false, None);
        assert!(streams.send_waiting(stream, b"one").await);
        let waiting = sender_waiting(&streams, stream, b"two").await;
        drop(rx);
        assert!(!waiting.await.expect("the sender"));
        assert!(!streams.send_waiting(stream, b"three").await, "cut from live delivery");
        // Its events stay resumable.
        let Ok(Resumed::Request(mut replay)) = streams.resume(&format_id(stream.0, 2)) else {
            panic!("the stream resumes");
        };
        assert!(next_is(&mut replay, b"two").await);
        assert!(next_is(&mut replay, b"three").await);
    }

    #[tokio::test]
    async fn the_notification_stream_is_cut_when_full_instead_of_waiting() {
        let streams = Streams::default();
        let (tx, _rx) = one_event();
        let stream = streams.open_notifications(tx);
        assert!(streams.send(stream, b"one"));
        assert!(!streams.send(stream, b"two"));
        assert!(!streams.send(stream, b"three"));
    }

    #[tokio::test]
    async fn the_notification_stream_is_cut_when_its_bytes_are_full() {
        let streams = Streams::default();
        let (tx, _rx) = sse::channel(Bound::of(256, 1000));
        let stream = streams.open_notifications(tx);
        assert!(streams.send(stream, &[b'x'; 500]));
        assert!(!streams.send(stream, &[b'x'; 500]), "two events of 500 bytes and their framing do not fit");
        assert!(!streams.send(stream, b"small"), "cut from live delivery");
    }
}

//! The channel an SSE response's body reads its events from, bounded in bytes as well as in
//! events: a bound by count alone holds as much memory as its largest events allow (256 log
//! lines of 256 KiB are 64 MiB), so every event takes room for its bytes before it goes in
//! and gives it back once the body has taken it.
//!
//! Two sizes, one rule ([`Bound`]): a stream fed by a queue that already holds what waits
//! for its client (a request's answer, fed by the request's outbox; the 2024-11-05 stream,
//! fed by its connection's) gets a [`Bound::handoff`], a few events passed on to the body, so
//! that what waits for one client waits in one place, under that queue's bounds; a stream
//! that is itself the queue (a session's `GET` stream, cut from live delivery when it is
//! full) gets the client's whole bound ([`Bound::client`]). One event larger than the byte
//! bound still passes when the channel is empty, as in the outbox.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_stream::Stream;

use crate::dispatch::limits::Limits;

/// Events a channel may hold, in number and in bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bound {
    events: usize,
    bytes: u32,
}

/// Events and bytes of a hand-off: enough to keep the body fed while the producer takes
/// the next message from its queue, small next to that queue's own bound.
const HANDOFF_EVENTS: usize = 16;
const HANDOFF_BYTES: u32 = 64 * 1024;

/// Events a client's whole bound holds (a `GET` stream: larger than a stream's replay).
const CLIENT_EVENTS: usize = 256;

impl Bound {
    /// A stream fed by a bounded queue: a few events, at most 64 KiB (or one larger event).
    pub(crate) fn handoff() -> Bound {
        Bound { events: HANDOFF_EVENTS, bytes: HANDOFF_BYTES }
    }

    /// Any bound (tests).
    #[cfg(test)]
    pub(crate) fn of(events: usize, bytes: u32) -> Bound {
        Bound { events, bytes }
    }

    /// A stream that is its client's queue: 256 events and the bytes that may wait for one
    /// client ([`Limits::queued_bytes`]).
    pub(crate) fn client(limits: &Limits) -> Bound {
        Bound { events: CLIENT_EVENTS, bytes: u32::try_from(limits.queued_bytes()).unwrap_or(u32::MAX) }
    }
}

/// An event in the channel, holding its room until the body takes it.
struct Held {
    event: Bytes,
    _room: OwnedSemaphorePermit,
}

/// Why [`EventSender::try_send`] did not send an event.
pub(crate) enum TrySendError {
    /// No room now: the event, handed back.
    Full(Bytes),
    /// The body is gone (its client went away, or the response was dropped).
    Closed,
}

/// The sending side; cheap to clone.
#[derive(Clone)]
pub(crate) struct EventSender {
    events: mpsc::Sender<Held>,
    /// Bytes of room, one permit a byte.
    room: Arc<Semaphore>,
    max_bytes: u32,
}

/// The receiving side, read by the response body: first the events it was made with
/// ([`EventReceiver::after`]), then what is sent.
pub(crate) struct EventReceiver {
    replay: std::vec::IntoIter<Bytes>,
    events: mpsc::Receiver<Held>,
}

/// A channel holding at most `bound`.
pub(crate) fn channel(bound: Bound) -> (EventSender, EventReceiver) {
    let (tx, rx) = mpsc::channel(bound.events.max(1));
    let max_bytes = bound.bytes.max(1);
    let sender = EventSender { events: tx, room: Arc::new(Semaphore::new(max_bytes as usize)), max_bytes };
    (sender, EventReceiver { replay: Vec::new().into_iter(), events: rx })
}

impl EventSender {
    /// The room `event` takes: its length, at most the whole bound (so that one larger
    /// event passes when the channel is empty).
    fn cost(&self, event: &Bytes) -> u32 {
        u32::try_from(event.len()).unwrap_or(u32::MAX).min(self.max_bytes)
    }

    /// Sends `event` if there is room for it now.
    pub(crate) fn try_send(&self, event: Bytes) -> Result<(), TrySendError> {
        if self.events.is_closed() {
            return Err(TrySendError::Closed);
        }
        let Ok(room) = self.room.clone().try_acquire_many_owned(self.cost(&event)) else {
            return Err(TrySendError::Full(event));
        };
        self.events.try_send(Held { event, _room: room }).map_err(|e| match e {
            mpsc::error::TrySendError::Full(held) => TrySendError::Full(held.event),
            mpsc::error::TrySendError::Closed(_) => TrySendError::Closed,
        })
    }

    /// Sends `event`, waiting for room. False when the body is gone. Dropping the future
    /// before it is done sends nothing and holds no room.
    pub(crate) async fn send(&self, event: Bytes) -> bool {
        let room = tokio::select! {
            room = self.room.clone().acquire_many_owned(self.cost(&event)) => match room {
                Ok(room) => room,
                Err(_) => return false,
            },
            () = self.events.closed() => return false,
        };
        match self.events.reserve().await {
            Ok(place) => {
                place.send(Held { event, _room: room });
                true
            }
            Err(_) => false,
        }
    }

    /// Ready once the body is gone.
    pub(crate) async fn closed(&self) {
        self.events.closed().await;
    }

    /// Whether both senders send to the same channel.
    pub(crate) fn same_channel(&self, other: &EventSender) -> bool {
        self.events.same_channel(&other.events)
    }
}

impl EventReceiver {
    /// This receiver, yielding `replay` first (events taken from a store, which are in
    /// memory already and bounded there).
    pub(crate) fn after(mut self, replay: Vec<Bytes>) -> EventReceiver {
        self.replay = replay.into_iter();
        self
    }
}

impl Stream for EventReceiver {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(event) = self.replay.next() {
            return Poll::Ready(Some(Ok(event)));
        }
        // The room goes back as the body takes the event.
        self.events.poll_recv(cx).map(|held| held.map(|h| Ok(h.event)))
    }
}

#[cfg(test)]
mod tests {
    use tokio_stream::StreamExt as _;

    use super::*;

    async fn next(rx: &mut EventReceiver) -> Option<usize> {
        rx.next().await.map(|e| e.expect("infallible").len())
    }

    #[tokio::test]
    async fn the_channel_holds_its_bytes_and_one_larger_event_passes_when_empty() {
        let (tx, mut rx) = channel(Bound::of(100, 1000));
        assert!(tx.try_send(Bytes::from(vec![0; 600])).is_ok());
        assert!(matches!(tx.try_send(Bytes::from(vec![0; 600])), Err(TrySendError::Full(_))), "over the bytes");
        assert!(tx.try_send(Bytes::from(vec![0; 400])).is_ok(), "what fits goes in");
        assert_eq!(next(&mut rx).await, Some(600));
        assert_eq!(next(&mut rx).await, Some(400));
        // Empty again: an event larger than the whole bound passes, and takes all the room.
        assert!(tx.try_send(Bytes::from(vec![0; 5000])).is_ok());
        assert!(matches!(tx.try_send(Bytes::from(vec![0; 1])), Err(TrySendError::Full(_))));
        assert_eq!(next(&mut rx).await, Some(5000));
        assert!(tx.try_send(Bytes::from(vec![0; 1])).is_ok());
    }

    #[tokio::test]
    async fn a_sender_waits_for_room_in_bytes_and_stops_waiting_when_the_body_goes() {
        let (tx, mut rx) = channel(Bound::of(100, 1000));
        assert!(tx.send(Bytes::from(vec![0; 800])).await);
        let waiting = {
            let tx = tx.clone();
            tokio::spawn(async move { tx.send(Bytes::from(vec![0; 800])).await })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "800 + 800 bytes do not fit in 1000");
        assert_eq!(next(&mut rx).await, Some(800));
        assert!(tokio::time::timeout(std::time::Duration::from_secs(10), waiting).await.expect("sent").expect("task"));
        let blocked = {
            let tx = tx.clone();
            tokio::spawn(async move { tx.send(Bytes::from(vec![0; 800])).await })
        };
        tokio::task::yield_now().await;
        drop(rx);
        assert!(!tokio::time::timeout(std::time::Duration::from_secs(10), blocked).await.expect("ends").expect("task"));
        assert!(matches!(tx.try_send(Bytes::new()), Err(TrySendError::Closed)));
    }

    #[tokio::test]
    async fn a_replay_comes_first_whatever_its_size() {
        let (tx, rx) = channel(Bound::of(1, 10));
        let mut rx = rx.after(vec![Bytes::from(vec![0; 50]), Bytes::from(vec![0; 60])]);
        assert!(tx.try_send(Bytes::from(vec![0; 5])).is_ok());
        drop(tx);
        assert_eq!(next(&mut rx).await, Some(50));
        assert_eq!(next(&mut rx).await, Some(60));
        assert_eq!(next(&mut rx).await, Some(5));
        assert_eq!(next(&mut rx).await, None);
    }

    #[test]
    fn a_handoff_is_small_next_to_the_clients_bound() {
        let limits = Limits::default();
        assert!(Bound::handoff().bytes as usize * 64 <= limits.queued_bytes());
        assert_eq!(Bound::client(&limits).bytes as usize, limits.queued_bytes());
    }
}

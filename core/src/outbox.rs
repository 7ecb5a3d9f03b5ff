//! Bounded outgoing queues: what the engine has to send to one client (a connection's
//! writer, one HTTP request's stream, a legacy HTTP session's backlog) waits here, and
//! the queue never grows past its bounds whatever the client does.
//!
//! Two kinds of message go in. A message that must not be lost (a response, a
//! server->client request) waits for room ([`Outbox::send`]): the task producing it stalls,
//! and for a connection's reader that means it stops reading, so a client that never reads
//! stops being read (backpressure). A notification (progress, a log line, a list change)
//! never waits ([`Outbox::notify`]): when the queue is full the oldest queued notification
//! is dropped to make room, with a log line. A request's task reserves room for its
//! response ([`Outbox::reserve`]) before it gives up its in-flight permit, so answers that
//! a slow client has not read yet count against the connection's in-flight limit and the
//! reader stops reading. Tokio's channels cannot drop their oldest item, hence this small
//! queue of our own.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::sync::lock;

/// How a queued message may be treated when the queue is full.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Never dropped: its sender waits for room.
    Kept,
    /// Dropped oldest-first to make room.
    Droppable,
}

struct State {
    items: VecDeque<(Vec<u8>, Kind)>,
    bytes: usize,
    /// Room held by [`Slot`]s for messages not sent yet.
    reserved: usize,
    /// Senders waiting for room: only then does taking a message out wake anyone.
    waiting: usize,
    closed: bool,
    dropped: u64,
}

struct Queue {
    state: Mutex<State>,
    readable: Notify,
    writable: Notify,
    max_items: usize,
    max_bytes: usize,
    /// What the queue is for, in log lines about dropped notifications.
    name: &'static str,
}

impl Queue {
    fn full(&self, s: &State) -> bool {
        s.items.len() + s.reserved >= self.max_items || (s.bytes >= self.max_bytes && !s.items.is_empty())
    }

    /// Wakes the senders waiting for room (or for the end), if any. Called with the state
    /// locked, so a sender cannot start waiting between the check and the wake-up.
    fn room_made(&self, s: &State) {
        if s.waiting > 0 {
            self.writable.notify_waiters();
        }
    }
}

/// A sender counted in [`State::waiting`] while it waits for room.
struct Waiting<'a>(&'a Queue);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        lock(&self.0.state).waiting -= 1;
    }
}

/// The sending side of a bounded queue; cheap to clone.
#[derive(Clone)]
pub(crate) struct Outbox {
    queue: Arc<Queue>,
}

/// The receiving side (one per queue). Dropping it closes the queue: later sends fail at
/// once instead of waiting for room that never comes.
pub(crate) struct OutboxReader {
    queue: Arc<Queue>,
}

/// A queue holding at most `max_items` messages and about `max_bytes` bytes (one message
/// larger than that still goes through when the queue is empty).
pub(crate) fn outbox(name: &'static str, max_items: usize, max_bytes: usize) -> (Outbox, OutboxReader) {
    let queue = Arc::new(Queue {
        state: Mutex::new(State {
            items: VecDeque::new(),
            bytes: 0,
            reserved: 0,
            waiting: 0,
            closed: false,
            dropped: 0,
        }),
        readable: Notify::new(),
        writable: Notify::new(),
        max_items: max_items.max(1),
        max_bytes: max_bytes.max(1),
        name,
    });
    (Outbox { queue: queue.clone() }, OutboxReader { queue })
}

impl Outbox {
    /// A queue whose reader is already gone: every message sent to it is discarded (for
    /// runs that have nobody to tell, like a 2026 task's handler).
    pub fn discard() -> Outbox {
        outbox("discarded messages", 1, 1).0
    }

    /// Queues a message that must not be lost, waiting while the queue is full. False when
    /// the queue is closed (the client is gone): the message is dropped.
    pub async fn send(&self, bytes: Vec<u8>) -> bool {
        match self.reserve().await {
            Some(slot) => slot.send(bytes),
            None => false,
        }
    }

    /// Waits for room for one message that must not be lost and holds it: sending through
    /// the slot never waits. `None` when the queue is closed (the client is gone).
    pub async fn reserve(&self) -> Option<Slot> {
        let q = &*self.queue;
        loop {
            // Registered as a waiter only when the queue is full: the common case takes
            // one lock.
            let room = q.writable.notified();
            let mut room = std::pin::pin!(room);
            let _waiting = {
                let mut s = lock(&q.state);
                if s.closed {
                    return None;
                }
                if !q.full(&s) {
                    s.reserved += 1;
                    return Some(Slot { queue: Some(self.queue.clone()) });
                }
                // Enabled while the state is locked, so room made after the check wakes it.
                room.as_mut().enable();
                s.waiting += 1;
                Waiting(q)
            };
            room.await;
        }
    }

    /// Queues a notification without waiting. When the queue is full, the oldest queued
    /// notification is dropped to make room (this one, when everything queued must be
    /// kept). False when the queue is closed.
    pub fn notify(&self, bytes: Vec<u8>) -> bool {
        self.push_droppable(bytes, false)
    }

    /// [`Outbox::notify`] for messages that say the same thing each time (a list changed,
    /// a resource was updated): one equal to a message still queued is not queued again.
    pub fn notify_once(&self, bytes: Vec<u8>) -> bool {
        self.push_droppable(bytes, true)
    }

    fn push_droppable(&self, bytes: Vec<u8>, coalesce: bool) -> bool {
        let q = &*self.queue;
        let mut s = lock(&q.state);
        if s.closed {
            return false;
        }
        if coalesce && s.items.iter().any(|(m, k)| *k == Kind::Droppable && *m == bytes) {
            return true;
        }
        while q.full(&s) {
            let Some(i) = s.items.iter().position(|(_, k)| *k == Kind::Droppable) else {
                s.dropped += 1;
                warn_dropped(q.name, s.dropped);
                return true;
            };
            if let Some((old, _)) = s.items.remove(i) {
                s.bytes -= old.len();
            }
            s.dropped += 1;
            warn_dropped(q.name, s.dropped);
        }
        s.bytes += bytes.len();
        s.items.push_back((bytes, Kind::Droppable));
        drop(s);
        q.readable.notify_one();
        true
    }

    /// Closes the queue: the reader gets what is queued, then the end; later sends fail.
    /// Every task waiting in [`OutboxReader::readable`] wakes (a byte stream may have two
    /// writers then, see `transport::writing`).
    pub fn close(&self) {
        lock(&self.queue.state).closed = true;
        self.queue.readable.notify_waiters();
        self.queue.writable.notify_waiters();
    }
}

/// Room held in a queue for one message (see [`Outbox::reserve`]); dropping it unused gives
/// the room back.
pub(crate) struct Slot {
    queue: Option<Arc<Queue>>,
}

impl Slot {
    /// Queues the message in the held room. False when the queue closed meanwhile.
    pub fn send(mut self, bytes: Vec<u8>) -> bool {
        let Some(q) = self.queue.take() else { return false };
        let mut s = lock(&q.state);
        s.reserved -= 1;
        if s.closed {
            return false;
        }
        s.bytes += bytes.len();
        s.items.push_back((bytes, Kind::Kept));
        drop(s);
        q.readable.notify_one();
        true
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(q) = self.queue.take() {
            let mut s = lock(&q.state);
            s.reserved -= 1;
            q.room_made(&s);
        }
    }
}

/// Logs dropped notifications: the first, then every thousandth, so a flood cannot flood
/// the log too.
fn warn_dropped(name: &str, dropped: u64) {
    if dropped == 1 || dropped % 1000 == 0 {
        tracing::warn!(queue = name, dropped, "client not reading: notifications dropped (oldest first)");
    }
}

impl OutboxReader {
    /// The next message; `None` once the queue is closed and empty.
    pub async fn recv(&mut self) -> Option<Vec<u8>> {
        let q = &*self.queue;
        loop {
            let ready = q.readable.notified();
            let mut ready = std::pin::pin!(ready);
            {
                let mut s = lock(&q.state);
                if let Some(m) = self.pop(&mut s) {
                    return Some(m);
                }
                if s.closed {
                    return None;
                }
                // Enabled while the state is locked: a message queued after the check
                // wakes it (senders notify after they unlock).
                ready.as_mut().enable();
            }
            ready.await;
        }
    }

    /// The next message if one is queued now.
    pub fn try_recv(&mut self) -> Option<Vec<u8>> {
        self.take()
    }

    /// [`OutboxReader::try_recv`] through a shared reference, for a reader whose messages
    /// are taken by one thread while another waits in [`OutboxReader::readable`].
    pub fn take(&self) -> Option<Vec<u8>> {
        let mut s = lock(&self.queue.state);
        self.pop(&mut s)
    }

    /// Waits until a message is queued (true) or the queue is closed and empty (false),
    /// taking nothing.
    pub async fn readable(&self) -> bool {
        let q = &*self.queue;
        loop {
            let ready = q.readable.notified();
            let mut ready = std::pin::pin!(ready);
            {
                let s = lock(&q.state);
                if !s.items.is_empty() {
                    return true;
                }
                if s.closed {
                    return false;
                }
                ready.as_mut().enable();
            }
            ready.await;
        }
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        lock(&self.queue.state).items.is_empty()
    }

    fn pop(&self, s: &mut State) -> Option<Vec<u8>> {
        let (m, _) = s.items.pop_front()?;
        s.bytes -= m.len();
        self.queue.room_made(s);
        Some(m)
    }
}

impl Drop for OutboxReader {
    fn drop(&mut self) {
        let mut s = lock(&self.queue.state);
        s.closed = true;
        s.items.clear();
        s.bytes = 0;
        self.queue.room_made(&s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A task sending `message` to `out`, run until it waits (the queue must be full).
    async fn sender_waiting(out: &Outbox, message: &[u8]) -> tokio::task::JoinHandle<bool> {
        let (out, message) = (out.clone(), message.to_vec());
        let task = tokio::spawn(async move { out.send(message).await });
        tokio::task::yield_now().await;
        task
    }

    #[tokio::test]
    async fn a_full_queue_drops_the_oldest_notification_and_keeps_responses() {
        let (out, mut rx) = outbox("test", 3, 1 << 20);
        assert!(out.send(b"r1".to_vec()).await);
        assert!(out.notify(b"n1".to_vec()));
        assert!(out.notify(b"n2".to_vec()));
        assert!(out.notify(b"n3".to_vec()));
        let got: Vec<_> = std::iter::from_fn(|| rx.try_recv()).collect();
        assert_eq!(got, vec![b"r1".to_vec(), b"n2".to_vec(), b"n3".to_vec()]);
    }

    #[tokio::test]
    async fn a_notification_is_dropped_when_everything_queued_must_be_kept() {
        let (out, mut rx) = outbox("test", 1, 1 << 20);
        assert!(out.send(b"r1".to_vec()).await);
        assert!(out.notify(b"n1".to_vec()));
        assert_eq!(rx.try_recv(), Some(b"r1".to_vec()));
        assert_eq!(rx.try_recv(), None);
    }

    #[tokio::test]
    async fn a_reserved_slot_holds_room_until_it_is_used_or_dropped() {
        let (out, mut rx) = outbox("test", 2, 1 << 20);
        let first = out.reserve().await.expect("room");
        let second = out.reserve().await.expect("room");
        // Both places are held: a third sender waits, a notification finds no room.
        let waiting = {
            let out = out.clone();
            tokio::spawn(async move { out.send(b"c".to_vec()).await })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        assert!(out.notify(b"n".to_vec()));
        assert_eq!(rx.try_recv(), None);
        assert!(second.send(b"b".to_vec()));
        drop(first);
        assert!(waiting.await.expect("the sender"));
        let got: Vec<_> = std::iter::from_fn(|| rx.try_recv()).collect();
        assert_eq!(got, vec![b"b".to_vec(), b"c".to_vec()]);
    }

    #[tokio::test]
    async fn equal_notifications_are_coalesced_while_queued() {
        let (out, mut rx) = outbox("test", 8, 1 << 20);
        for _ in 0..5 {
            out.notify_once(b"changed".to_vec());
        }
        assert_eq!(rx.try_recv(), Some(b"changed".to_vec()));
        assert_eq!(rx.try_recv(), None);
        out.notify_once(b"changed".to_vec());
        assert_eq!(rx.try_recv(), Some(b"changed".to_vec()));
    }

    #[tokio::test]
    async fn send_waits_for_room_and_fails_once_the_reader_is_gone() {
        let (out, mut rx) = outbox("test", 1, 1 << 20);
        assert!(out.send(b"a".to_vec()).await);
        let waiting = sender_waiting(&out, b"b").await;
        assert!(!waiting.is_finished());
        assert_eq!(rx.recv().await, Some(b"a".to_vec()));
        assert!(waiting.await.unwrap());
        assert_eq!(rx.recv().await, Some(b"b".to_vec()));
        assert!(out.send(b"c".to_vec()).await);
        let blocked = sender_waiting(&out, b"d").await;
        drop(rx);
        assert!(!blocked.await.unwrap());
        assert!(!out.send(b"e".to_vec()).await);
    }

    #[tokio::test]
    async fn a_sender_that_gives_up_waiting_is_no_longer_counted() {
        let (out, mut rx) = outbox("test", 1, 1 << 20);
        assert!(out.send(b"a".to_vec()).await);
        let waiting = sender_waiting(&out, b"b").await;
        assert_eq!(lock(&out.queue.state).waiting, 1);
        waiting.abort();
        let _ = waiting.await;
        assert_eq!(lock(&out.queue.state).waiting, 0);
        assert_eq!(rx.recv().await, Some(b"a".to_vec()));
        assert!(out.send(b"c".to_vec()).await);
        assert_eq!(rx.recv().await, Some(b"c".to_vec()));
    }

    #[tokio::test]
    async fn the_byte_bound_holds_but_one_large_message_still_passes() {
        let (out, mut rx) = outbox("test", 100, 10);
        assert!(out.send(vec![0; 50]).await);
        assert!(out.notify(vec![1; 5]));
        assert_eq!(rx.try_recv().map(|m| m.len()), Some(50));
        assert_eq!(rx.try_recv(), None);
    }

    #[tokio::test]
    async fn close_lets_the_reader_drain_then_end() {
        let (out, mut rx) = outbox("test", 4, 1 << 20);
        assert!(out.send(b"a".to_vec()).await);
        out.close();
        assert!(!out.notify(b"b".to_vec()));
        assert_eq!(rx.recv().await, Some(b"a".to_vec()));
        assert_eq!(rx.recv().await, None);
    }
}

//! A bounded per-session store of SSE events for `Last-Event-ID` resumption.
//!
//! A legacy Streamable HTTP session has several SSE streams: the `GET` stream and one per `POST`
//! that answered with SSE. Every event sent on a resumable stream gets an id from
//! [`EventStore::append`] (or, for a priming event, [`EventStore::position`]); a client that
//! reconnects with `GET` and `Last-Event-ID: <id>` is served [`EventStore::replay_after`], exactly
//! the later events of the stream that id belongs to.
//!
//! # Event ids
//!
//! An id is `"<stream>-<seq>"`, both parts in decimal without leading zeros, e.g. `"3-17"`.
//! `<stream>` is the [`StreamId`]; `<seq>` comes from one counter shared by every stream of the
//! store, so ids are unique across the session's streams (and stay unique even when a stream is
//! evicted and later written to again). Sequence numbers increase along a stream but are not
//! contiguous within it. Ids are opaque to clients.
//!
//! # Bounds
//!
//! Memory stays bounded whatever the clients do: at most [`StoreLimits::events_per_stream`] events
//! per stream, at most [`StoreLimits::max_streams`] streams, and at most [`StoreLimits::max_bytes`]
//! bytes of event data in the whole store. Eviction always drops the oldest events (per stream, or
//! store-wide for the byte limit) and the least recently used streams. A resume that would need
//! an evicted event reports [`ReplayError::Gap`] rather than silently skipping it.

use std::collections::{BTreeMap, HashMap, VecDeque};

use bytes::Bytes;

/// Identifies one SSE stream of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamId(pub u64);

/// Limits: events kept per stream, total bytes per store, streams per store.
#[derive(Debug, Clone)]
pub struct StoreLimits {
    /// Events retained per stream; older ones are evicted first. `0` retains nothing.
    pub events_per_stream: usize,
    /// Bytes of event data retained in the whole store; the store-wide oldest events are evicted
    /// first. An event larger than this on its own is never retained.
    pub max_bytes: usize,
    /// Streams tracked at once; the least recently used (opened, appended to or positioned) ones
    /// are evicted first. `0` is treated as `1`.
    pub max_streams: usize,
}

impl Default for StoreLimits {
    /// 256 events per stream, 1 MiB per store, 64 streams.
    fn default() -> Self {
        Self { events_per_stream: 256, max_bytes: 1 << 20, max_streams: 64 }
    }
}

/// Why [`EventStore::replay_after`] cannot resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayError {
    /// The id is malformed, was never issued on its stream, or its stream is unknown, closed or
    /// evicted.
    Unknown,
    /// Some events after the id were already evicted: the client lost data.
    Gap,
}

/// One tracked stream.
#[derive(Debug)]
struct Stream {
    /// Ids with a sequence number `<= floor` were never issued on this stream.
    floor: u64,
    /// The last sequence number issued on this stream (by `append` or `position`); also the key
    /// of the stream in `EventStore::by_use`.
    last: u64,
    /// Events with a sequence number `<= lost` may have been evicted: resuming from an id below
    /// it is a gap.
    lost: u64,
    /// Retained events, oldest first, with strictly increasing sequence numbers.
    events: VecDeque<(u64, Bytes)>,
}

/// A bounded per-session store of SSE events for `Last-Event-ID` resumption (see the module
/// documentation for the id format and the bounds).
///
/// Not thread-safe by itself: the caller wraps it in a `Mutex`. Every operation is O(log n)
/// amortised, except [`close_stream`](Self::close_stream) and the replay itself, which are linear
/// in the number of events they touch.
#[derive(Debug)]
pub struct EventStore {
    /// The limits, with `max_streams >= 1`.
    limits: StoreLimits,
    /// Tracked streams.
    streams: HashMap<u64, Stream>,
    /// Every retained event's sequence number and stream: the store-wide age order.
    by_age: BTreeMap<u64, u64>,
    /// Every tracked stream keyed by its `last`: the least recently used stream comes first.
    by_use: BTreeMap<u64, u64>,
    /// The next stream id to hand out.
    next_stream: u64,
    /// The last sequence number issued (shared by all streams).
    seq: u64,
    /// Bytes of event data retained.
    bytes: usize,
}

impl EventStore {
    /// An empty store with the given limits (streams numbered from 1).
    #[must_use]
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn new(limits: StoreLimits) -> Self {
        Self::starting_at(limits, 1)
    }

    /// An empty store whose stream ids start at `first_stream` (at least 1).
    #[must_use]
    pub fn starting_at(mut limits: StoreLimits, first_stream: u64) -> Self {
        limits.max_streams = limits.max_streams.max(1);
        Self {
            limits,
            streams: HashMap::new(),
            by_age: BTreeMap::new(),
            by_use: BTreeMap::new(),
            next_stream: first_stream.max(1),
            seq: 0,
            bytes: 0,
        }
    }

    /// A new stream id (monotonic); may evict the oldest stream(s) beyond `max_streams`.
    ///
    /// "Oldest" means least recently used: a long-lived stream that keeps receiving events is
    /// kept in preference to idle ones.
    pub fn open_stream(&mut self) -> StreamId {
        let id = self.next_stream;
        self.next_stream += 1;
        let seq = self.next_seq();
        self.insert_stream(id, Stream { floor: seq, last: seq, lost: seq, events: VecDeque::new() });
        StreamId(id)
    }

    /// Records an event on a stream, returns its id string (format `"<stream>-<seq>"` in decimal,
    /// e.g. `"3-17"`; see the module documentation). Evicts oldest events of that stream beyond
    /// `events_per_stream`, and oldest events store-wide beyond `max_bytes`.
    ///
    /// An event larger than `max_bytes` is not retained (and evicts nothing else): resuming
    /// from before it reports a gap. Appending to a stream that was closed or evicted tracks it
    /// again, with everything before this event counted as lost. Appending to a stream id this
    /// store never handed out returns an id but retains nothing.
    pub fn append(&mut self, stream: StreamId, data: Bytes) -> String {
        let seq = self.next_seq();
        if self.touch(stream.0, seq) {
            self.retain(stream.0, seq, data);
        }
        format_id(stream.0, seq)
    }

    /// The id for a priming event on `stream` (an id at the current position, recorded without data,
    /// so resuming from it replays everything after it).
    ///
    /// The id is fresh (it never equals an event's id) and nothing is retained for it. A closed or
    /// evicted stream is tracked again, as with [`append`](Self::append).
    pub fn position(&mut self, stream: StreamId) -> String {
        let seq = self.next_seq();
        self.touch(stream.0, seq);
        format_id(stream.0, seq)
    }

    /// Events after `last_event_id` on its stream, in order: `Ok((stream, events))` where events
    /// are `(id, data)`.
    ///
    /// # Errors
    ///
    /// [`ReplayError::Unknown`] for a malformed id or unknown/evicted stream;
    /// [`ReplayError::Gap`] when events after that id were already evicted (the client lost data).
    ///
    /// `last_event_id` is the header value as received (already stripped of surrounding
    /// whitespace by the HTTP layer); anything but the exact id format is `Unknown`, as is an id
    /// that was never issued on its stream. The result may be empty.
    pub fn replay_after(&self, last_event_id: &str) -> Result<(StreamId, Vec<(String, Bytes)>), ReplayError> {
        let (stream_id, after) = parse_id(last_event_id).ok_or(ReplayError::Unknown)?;
        let stream = self.streams.get(&stream_id).ok_or(ReplayError::Unknown)?;
        if after <= stream.floor || after > stream.last {
            return Err(ReplayError::Unknown);
        }
        if after < stream.lost {
            return Err(ReplayError::Gap);
        }
        let start = stream.events.partition_point(|&(seq, _)| seq <= after);
        let events =
            stream.events.range(start..).map(|(seq, data)| (format_id(stream_id, *seq), data.clone())).collect();
        Ok((StreamId(stream_id), events))
    }

    /// Forgets a stream (it ended and was fully delivered, or was abandoned).
    ///
    /// Later resumes from its ids are `Unknown`. Closing an unknown stream does nothing.
    #[allow(dead_code, reason = "the HTTP transport keeps finished streams until evicted (see resume.rs)")]
    pub fn close_stream(&mut self, stream: StreamId) {
        self.remove_stream(stream.0);
    }

    /// Bytes currently held.
    ///
    /// This counts event data only (the quantity bounded by `max_bytes`); the bookkeeping per
    /// event is small and bounded by `events_per_stream * max_streams`.
    #[must_use]
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Issues the next sequence number.
    fn next_seq(&mut self) -> u64 {
        // A u64 counter incremented once per call cannot overflow in practice.
        self.seq += 1;
        self.seq
    }

    /// Marks `seq` as the latest issued on `stream`, tracking the stream again if it was handed
    /// out by this store but is no longer tracked. Returns whether the stream is tracked.
    fn touch(&mut self, stream: u64, seq: u64) -> bool {
        if let Some(state) = self.streams.get_mut(&stream) {
            self.by_use.remove(&state.last);
            state.last = seq;
            self.by_use.insert(seq, stream);
            return true;
        }
        if stream == 0 || stream >= self.next_stream {
            return false;
        }
        // Closed or evicted earlier: any id issued before `seq` may belong to lost events, and
        // which ids were issued on this stream is no longer known.
        self.insert_stream(stream, Stream { floor: 0, last: seq, lost: seq - 1, events: VecDeque::new() });
        true
    }

    /// Tracks a stream whose `last` is the newest sequence number, evicting the least recently
    /// used streams beyond the limit (never the new one, which is the most recently used).
    fn insert_stream(&mut self, id: u64, stream: Stream) {
        self.by_use.insert(stream.last, id);
        self.streams.insert(id, stream);
        while self.streams.len() > self.limits.max_streams {
            let Some((_, oldest)) = self.by_use.first_key_value() else { break };
            let oldest = *oldest;
            self.remove_stream(oldest);
        }
    }

    /// Stops tracking a stream and drops its events.
    fn remove_stream(&mut self, id: u64) {
        let Some(stream) = self.streams.remove(&id) else { return };
        self.by_use.remove(&stream.last);
        for (seq, data) in &stream.events {
            self.by_age.remove(seq);
            self.bytes -= data.len();
        }
    }

    /// Retains an event on a tracked stream, then enforces the per-stream and byte limits.
    fn retain(&mut self, stream_id: u64, seq: u64, data: Bytes) {
        let Some(stream) = self.streams.get_mut(&stream_id) else { return };
        if self.limits.events_per_stream == 0 || data.len() > self.limits.max_bytes {
            stream.lost = seq;
            return;
        }
        self.bytes += data.len();
        stream.events.push_back((seq, data));
        self.by_age.insert(seq, stream_id);
        while stream.events.len() > self.limits.events_per_stream {
            let Some((old, data)) = stream.events.pop_front() else { break };
            stream.lost = stream.lost.max(old);
            self.by_age.remove(&old);
            self.bytes -= data.len();
        }
        while self.bytes > self.limits.max_bytes {
            if !self.evict_oldest() {
                break;
            }
        }
    }

    /// Evicts the store-wide oldest event. Returns whether there was one.
    fn evict_oldest(&mut self) -> bool {
        let Some((seq, stream_id)) = self.by_age.pop_first() else { return false };
        let Some(stream) = self.streams.get_mut(&stream_id) else { return true };
        // The store-wide oldest event of a stream is that stream's oldest.
        debug_assert_eq!(stream.events.front().map(|(front, _)| *front), Some(seq));
        if stream.events.front().is_some_and(|(front, _)| *front == seq) {
            if let Some((_, data)) = stream.events.pop_front() {
                self.bytes -= data.len();
            }
            stream.lost = stream.lost.max(seq);
        }
        true
    }
}

/// Formats an event id.
pub(crate) fn format_id(stream: u64, seq: u64) -> String {
    format!("{stream}-{seq}")
}

/// Parses `"<stream>-<seq>"` (decimal, no sign, no leading zeros, each fitting a u64).
pub(crate) fn parse_id(id: &str) -> Option<(u64, u64)> {
    let (stream, seq) = id.split_once('-')?;
    Some((parse_decimal(stream)?, parse_decimal(seq)?))
}

/// Parses a canonical decimal u64: non-empty ASCII digits, no leading zero unless it is `0`.
fn parse_decimal(digits: &str) -> Option<u64> {
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() == 1 || !digits.starts_with('0'));
    if canonical { digits.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(events_per_stream: usize, max_bytes: usize, max_streams: usize) -> StoreLimits {
        StoreLimits { events_per_stream, max_bytes, max_streams }
    }

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    /// The data of a successful replay.
    fn datas(store: &EventStore, id: &str) -> Vec<Bytes> {
        store.replay_after(id).expect("replay").1.into_iter().map(|(_, data)| data).collect()
    }

    /// Checks the internal invariants and the limits.
    fn check_invariants(store: &EventStore) {
        let limits = &store.limits;
        assert!(store.streams.len() <= limits.max_streams);
        assert!(store.bytes <= limits.max_bytes);
        assert_eq!(store.by_use.len(), store.streams.len());
        let mut events = 0;
        let mut bytes = 0;
        for (id, stream) in &store.streams {
            assert!(stream.events.len() <= limits.events_per_stream);
            assert_eq!(store.by_use.get(&stream.last), Some(id));
            assert!(stream.events.iter().zip(stream.events.iter().skip(1)).all(|(a, b)| a.0 < b.0));
            for (seq, data) in &stream.events {
                assert_eq!(store.by_age.get(seq), Some(id));
                assert!(*seq > stream.floor && *seq <= stream.last);
                bytes += data.len();
            }
            events += stream.events.len();
        }
        assert_eq!(events, store.by_age.len());
        assert_eq!(bytes, store.bytes());
    }

    #[test]
    fn default_limits() {
        let limits = StoreLimits::default();
        assert_eq!((limits.events_per_stream, limits.max_bytes, limits.max_streams), (256, 1 << 20, 64));
    }

    #[test]
    fn id_format_and_monotonic_streams() {
        let mut store = EventStore::new(StoreLimits::default());
        let a = store.open_stream();
        let b2 = store.open_stream();
        assert_eq!((a, b2), (StreamId(1), StreamId(2)));
        assert_eq!(store.append(a, b("x")), "1-3");
        assert_eq!(store.append(b2, b("y")), "2-4");
        assert_eq!(store.position(a), "1-5");
    }

    #[test]
    fn ids_unique_across_streams() {
        let mut store = EventStore::new(StoreLimits::default());
        let streams: Vec<_> = (0..5).map(|_| store.open_stream()).collect();
        let mut ids = std::collections::HashSet::new();
        for round in 0..20 {
            for &stream in &streams {
                assert!(ids.insert(store.append(stream, b("e"))));
                if round % 7 == 0 {
                    assert!(ids.insert(store.position(stream)));
                }
            }
        }
        assert_eq!(ids.len(), 5 * 20 + 5 * 3);
    }

    #[test]
    fn replay_returns_only_that_streams_later_events_in_order() {
        let mut store = EventStore::new(StoreLimits::default());
        let a = store.open_stream();
        let c = store.open_stream();
        let a1 = store.append(a, b("a1"));
        store.append(c, b("c1"));
        let a2 = store.append(a, b("a2"));
        store.append(c, b("c2"));
        let a3 = store.append(a, b("a3"));
        let (stream, events) = store.replay_after(&a1).unwrap();
        assert_eq!(stream, a);
        assert_eq!(events, vec![(a2.clone(), b("a2")), (a3.clone(), b("a3"))]);
        assert_eq!(datas(&store, &a2), vec![b("a3")]);
        assert!(datas(&store, &a3).is_empty());
    }

    #[test]
    fn priming_position_replays_everything_after_it() {
        let mut store = EventStore::new(StoreLimits::default());
        let s = store.open_stream();
        let other = store.open_stream();
        let prime = store.position(s);
        assert!(datas(&store, &prime).is_empty());
        store.append(other, b("o"));
        store.append(s, b("1"));
        store.append(s, b("2"));
        assert_eq!(datas(&store, &prime), vec![b("1"), b("2")]);
        // A second priming id (e.g. a reconnect) sits after the events so far.
        let prime2 = store.position(s);
        store.append(s, b("3"));
        assert_eq!(datas(&store, &prime2), vec![b("3")]);
        assert_eq!(datas(&store, &prime), vec![b("1"), b("2"), b("3")]);
        assert_eq!(store.bytes(), 4);
    }

    #[test]
    fn eviction_per_stream_then_gap() {
        let mut store = EventStore::new(limits(3, 1 << 20, 8));
        let s = store.open_stream();
        let other = store.open_stream();
        let prime = store.position(s);
        let ids: Vec<_> = (0..5).map(|i| store.append(s, b(&format!("e{i}")))).collect();
        store.append(other, b("o"));
        check_invariants(&store);
        assert_eq!(store.streams[&s.0].events.len(), 3);
        assert_eq!(store.bytes(), 3 * 2 + 1);
        // e0 and e1 were evicted: resuming before e1 lost data.
        assert_eq!(store.replay_after(&prime), Err(ReplayError::Gap));
        assert_eq!(store.replay_after(&ids[0]), Err(ReplayError::Gap));
        // The client that saw e1 needs only e2.. which are all kept.
        assert_eq!(datas(&store, &ids[1]), vec![b("e2"), b("e3"), b("e4")]);
        assert_eq!(datas(&store, &ids[4]), Vec::<Bytes>::new());
    }

    #[test]
    fn eviction_by_bytes_is_store_wide_oldest_first() {
        let mut store = EventStore::new(limits(100, 10, 8));
        let a = store.open_stream();
        let c = store.open_stream();
        let pa = store.position(a);
        let pc = store.position(c);
        store.append(a, b("aaaa")); // 4
        let c1 = store.append(c, b("cccc")); // 8
        let a2 = store.append(a, b("aa")); // 10
        assert_eq!(store.bytes(), 10);
        assert_eq!(datas(&store, &pa), vec![b("aaaa"), b("aa")]);
        let c2 = store.append(c, b("c")); // 11 -> evicts "aaaa" -> 7
        check_invariants(&store);
        assert_eq!(store.bytes(), 7);
        assert_eq!(store.replay_after(&pa), Err(ReplayError::Gap));
        assert_eq!(datas(&store, &pc), vec![b("cccc"), b("c")]);
        store.append(a, b("aaaaa")); // 12 -> evicts "cccc" -> 8
        check_invariants(&store);
        assert_eq!(store.bytes(), 8);
        assert_eq!(store.replay_after(&pc), Err(ReplayError::Gap));
        assert_eq!(datas(&store, &c1), vec![b("c")]);
        assert_eq!(datas(&store, &c2), Vec::<Bytes>::new());
        assert_eq!(datas(&store, &a2), vec![b("aaaaa")]);
    }

    #[test]
    fn oversized_event_is_not_retained_and_evicts_nothing() {
        let mut store = EventStore::new(limits(100, 10, 8));
        let a = store.open_stream();
        let c = store.open_stream();
        let pc = store.position(c);
        store.append(c, b("keep"));
        let a1 = store.append(a, b("small"));
        let big = store.append(a, b("way too large"));
        check_invariants(&store);
        assert_eq!(store.bytes(), 9);
        assert_eq!(datas(&store, &pc), vec![b("keep")]);
        assert_eq!(store.replay_after(&a1), Err(ReplayError::Gap));
        let a3 = store.append(a, b("x"));
        assert_eq!(datas(&store, &big), vec![b("x")]);
        assert_eq!(store.replay_after(&a3).unwrap().1, vec![]);
    }

    #[test]
    fn eviction_by_stream_count_is_least_recently_used() {
        let mut store = EventStore::new(limits(10, 1 << 20, 3));
        let s1 = store.open_stream();
        let p1 = store.position(s1);
        let s2 = store.open_stream();
        let p2 = store.position(s2);
        store.append(s2, b("22"));
        let s3 = store.open_stream();
        // s1 is used again, so s2 is now the least recently used.
        store.append(s1, b("1"));
        let s4 = store.open_stream();
        check_invariants(&store);
        assert_eq!(store.streams.len(), 3);
        assert_eq!(store.replay_after(&p2), Err(ReplayError::Unknown));
        assert_eq!(datas(&store, &p1), vec![b("1")]);
        assert_eq!(store.bytes(), 1);
        let s5 = store.open_stream();
        // s3 (opened, never used since) goes next.
        assert!(!store.streams.contains_key(&s3.0));
        assert!(store.streams.contains_key(&s1.0) && store.streams.contains_key(&s4.0));
        assert!(store.streams.contains_key(&s5.0));
    }

    #[test]
    fn appending_to_an_evicted_stream_tracks_it_again_with_a_gap() {
        let mut store = EventStore::new(limits(10, 1 << 20, 1));
        let s1 = store.open_stream();
        let old = store.append(s1, b("old"));
        let s2 = store.open_stream(); // evicts s1
        assert_eq!(store.replay_after(&old), Err(ReplayError::Unknown));
        let new = store.append(s1, b("new")); // evicts s2
        assert_eq!(store.replay_after(&old), Err(ReplayError::Gap));
        assert!(datas(&store, &new).is_empty());
        let newer = store.append(s1, b("newer"));
        assert_eq!(datas(&store, &new), vec![b("newer")]);
        assert!(!store.streams.contains_key(&s2.0));
        assert_ne!(old, new);
        assert_ne!(new, newer);
        check_invariants(&store);
    }

    #[test]
    fn never_issued_stream_ids_retain_nothing() {
        let mut store = EventStore::new(StoreLimits::default());
        let id = store.append(StreamId(7), b("x"));
        assert_eq!(id, "7-1");
        let zero = store.position(StreamId(0));
        assert_eq!(store.replay_after(&id), Err(ReplayError::Unknown));
        assert_eq!(store.replay_after(&zero), Err(ReplayError::Unknown));
        assert_eq!(store.bytes(), 0);
        assert!(store.streams.is_empty());
        store.close_stream(StreamId(7));
        check_invariants(&store);
    }

    #[test]
    fn gap_versus_unknown() {
        let mut store = EventStore::new(limits(1, 1 << 20, 4));
        let s = store.open_stream();
        let other = store.open_stream();
        let o1 = store.append(other, b("o"));
        let e1 = store.append(s, b("1"));
        let e2 = store.append(s, b("2"));
        let e3 = store.append(s, b("3"));
        assert_eq!(store.replay_after(&e1), Err(ReplayError::Gap));
        assert_eq!(datas(&store, &e2), vec![b("3")]);
        assert!(datas(&store, &e3).is_empty());
        // Well-formed ids that were never issued on this stream.
        assert_eq!(store.replay_after(&format!("{}-1", s.0)), Err(ReplayError::Unknown)); // before it opened
        assert_eq!(store.replay_after(&format!("{}-{}", s.0, 1000)), Err(ReplayError::Unknown)); // future
        assert_eq!(store.replay_after(&format!("{}-{}", s.0, s.0)), Err(ReplayError::Unknown)); // its opening
        assert_eq!(store.replay_after("99-1"), Err(ReplayError::Unknown)); // unknown stream
        assert!(datas(&store, &o1).is_empty());
    }

    #[test]
    fn malformed_ids_are_unknown() {
        let mut store = EventStore::new(StoreLimits::default());
        let s = store.open_stream();
        store.position(s);
        store.append(s, b("x"));
        assert!(store.replay_after("1-2").is_ok());
        for bad in [
            "",
            "-",
            "a-b",
            "1-",
            "-1",
            "1",
            "1-2-3",
            "1--2",
            "+1-2",
            "1-+2",
            " 1-2",
            "1-2 ",
            "01-2",
            "1-02",
            "1_2",
            "1-2\n",
            "１-２",
            "99999999999999999999-1",
            "1-99999999999999999999",
            "18446744073709551616-1",
            "1-18446744073709551616",
            "18446744073709551615-18446744073709551615",
            "0-0",
            "0-1",
            "1-0",
            "\u{0}",
            "é-1",
        ] {
            assert_eq!(store.replay_after(bad), Err(ReplayError::Unknown), "{bad:?}");
        }
        let long = "1".repeat(10_000);
        assert_eq!(store.replay_after(&long), Err(ReplayError::Unknown));
        assert_eq!(store.replay_after(&format!("1-{long}")), Err(ReplayError::Unknown));
    }

    #[test]
    fn parse_id_accepts_canonical_ids_only() {
        assert_eq!(parse_id("3-17"), Some((3, 17)));
        assert_eq!(parse_id("0-0"), Some((0, 0)));
        assert_eq!(parse_id("18446744073709551615-1"), Some((u64::MAX, 1)));
        assert_eq!(parse_id("03-17"), None);
        assert_eq!(parse_id("3-"), None);
    }

    #[test]
    fn close_stream_forgets_it_and_its_bytes() {
        let mut store = EventStore::new(StoreLimits::default());
        let a = store.open_stream();
        let c = store.open_stream();
        let pa = store.position(a);
        let pc = store.position(c);
        store.append(a, b("aaa"));
        store.append(c, b("cc"));
        assert_eq!(store.bytes(), 5);
        store.close_stream(a);
        check_invariants(&store);
        assert_eq!(store.bytes(), 2);
        assert_eq!(store.replay_after(&pa), Err(ReplayError::Unknown));
        assert_eq!(datas(&store, &pc), vec![b("cc")]);
        store.close_stream(a); // idempotent
        store.close_stream(c);
        assert_eq!(store.bytes(), 0);
        assert!(store.by_age.is_empty() && store.by_use.is_empty());
    }

    #[test]
    fn bytes_accounting_after_evictions() {
        let mut store = EventStore::new(limits(2, 20, 2));
        let a = store.open_stream();
        for i in 0..10 {
            store.append(a, Bytes::from(vec![b'x'; i]));
            check_invariants(&store);
        }
        assert_eq!(store.bytes(), 8 + 9);
        let c = store.open_stream();
        store.append(c, Bytes::from(vec![b'y'; 5])); // 22 -> evicts 8 -> 14
        assert_eq!(store.bytes(), 14);
        store.open_stream(); // evicts a (least recently used) -> 5
        assert_eq!(store.bytes(), 5);
        store.open_stream(); // evicts c -> 0
        assert_eq!(store.bytes(), 0);
        check_invariants(&store);
    }

    #[test]
    fn zero_limits_do_not_panic() {
        let mut store = EventStore::new(limits(0, 0, 0));
        let a = store.open_stream();
        let p = store.position(a);
        let e = store.append(a, b("x"));
        assert_eq!(store.bytes(), 0);
        assert_eq!(store.replay_after(&p), Err(ReplayError::Gap));
        assert!(datas(&store, &e).is_empty());
        let c = store.open_stream();
        assert_eq!(store.replay_after(&e), Err(ReplayError::Unknown));
        store.append(c, Bytes::new());
        check_invariants(&store);

        // Empty events fit a zero byte budget.
        let mut store = EventStore::new(limits(2, 0, 1));
        let s = store.open_stream();
        let p = store.position(s);
        store.append(s, Bytes::new());
        assert_eq!(datas(&store, &p), vec![Bytes::new()]);
    }

    /// A small deterministic PRNG (xorshift64*), so the test needs no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_operations_stay_within_limits_and_never_lose_data_silently() {
        for seed in 1..=20u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let limits = limits(1 + rng.below(8), rng.below(300), 1 + rng.below(5));
            let mut store = EventStore::new(limits);
            let mut open: Vec<StreamId> = Vec::new();
            // Every id issued: (id, stream, seq). Every event appended: (stream, seq, data).
            let mut issued: Vec<(String, StreamId, u64)> = Vec::new();
            let mut history: Vec<(StreamId, u64, Bytes)> = Vec::new();
            for step in 0..2_000 {
                match rng.below(100) {
                    0..=5 => open.push(store.open_stream()),
                    6..=9 if !open.is_empty() => {
                        let stream = open.swap_remove(rng.below(open.len()));
                        store.close_stream(stream);
                    }
                    14..=21 if !open.is_empty() => {
                        let stream = open[rng.below(open.len())];
                        let id = store.position(stream);
                        let seq = parse_id(&id).unwrap().1;
                        issued.push((id, stream, seq));
                    }
                    _ if !open.is_empty() => {
                        let stream = open[rng.below(open.len())];
                        let len = rng.below(40);
                        let data = Bytes::from(vec![b'a' + (step % 26) as u8; len]);
                        let id = store.append(stream, data.clone());
                        let seq = parse_id(&id).unwrap().1;
                        issued.push((id, stream, seq));
                        history.push((stream, seq, data));
                    }
                    _ => {}
                }
                check_invariants(&store);
                // Resume from a random issued id: success must be exactly the stream's later events.
                // Mostly recent ids (what reconnecting clients hold), sometimes any earlier one.
                if !issued.is_empty() {
                    let pick = if rng.below(4) == 0 {
                        rng.below(issued.len())
                    } else {
                        issued.len() - 1 - rng.below(issued.len().min(16))
                    };
                    let (id, stream, seq) = &issued[pick];
                    match store.replay_after(id) {
                        Ok((got_stream, events)) => {
                            assert_eq!(got_stream, *stream);
                            let expected: Vec<(String, Bytes)> = history
                                .iter()
                                .filter(|(s, q, _)| s == stream && q > seq)
                                .map(|(s, q, data)| (format_id(s.0, *q), data.clone()))
                                .collect();
                            assert_eq!(events, expected, "seed {seed} step {step} id {id}");
                        }
                        Err(ReplayError::Unknown) => assert!(!store.streams.contains_key(&stream.0)),
                        Err(ReplayError::Gap) => {}
                    }
                }
            }
            let unique: std::collections::HashSet<_> = issued.iter().map(|(id, ..)| id).collect();
            assert_eq!(unique.len(), issued.len());
        }
    }
}

//! The in-process backend of [`ExpiringValues`]: per namespace, a map of values with their
//! expiry and the source each is for, bounded in count and in bytes. A full namespace first
//! drops what has expired, then the oldest value of the source holding the most values, so a
//! flood of writes costs a fixed amount of memory and evicts the flooder's own values first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{ExpiringValues, Limit, StoreError, StoreFuture};
use crate::sync::lock;

/// One value, when it expires, its source, and its place in the order of writes.
struct Entry {
    value: Vec<u8>,
    until: Instant,
    order: u64,
    source: String,
}

/// One namespace: its values, their bytes together, and how many each source holds.
#[derive(Default)]
struct Space {
    entries: HashMap<String, Entry>,
    bytes: usize,
    per_source: HashMap<String, usize>,
}

impl Space {
    fn remove(&mut self, key: &str) -> Option<Entry> {
        let entry = self.entries.remove(key)?;
        self.bytes -= entry.value.len();
        if let Some(n) = self.per_source.get_mut(&entry.source) {
            *n -= 1;
            if *n == 0 {
                self.per_source.remove(&entry.source);
            }
        }
        Some(entry)
    }

    fn add(&mut self, key: &str, entry: Entry) {
        self.bytes += entry.value.len();
        *self.per_source.entry(entry.source.clone()).or_default() += 1;
        self.entries.insert(key.to_owned(), entry);
    }

    fn full(&self, limit: &Limit<'_>, adding: usize) -> bool {
        self.entries.len() >= limit.entries || self.bytes + adding > limit.bytes
    }

    /// Makes room for a value of `adding` bytes: the expired values, then the oldest of the
    /// source holding the most, one at a time.
    fn make_room(&mut self, limit: &Limit<'_>, adding: usize, now: Instant) {
        if !self.full(limit, adding) {
            return;
        }
        let expired: Vec<String> =
            self.entries.iter().filter(|(_, e)| e.until <= now).map(|(k, _)| k.clone()).collect();
        for key in expired {
            self.remove(&key);
        }
        while self.full(limit, adding) {
            let Some(top) = self.per_source.iter().max_by_key(|(_, n)| **n).map(|(s, _)| s.clone()) else { break };
            let oldest = self.entries.iter().filter(|(_, e)| e.source == top).min_by_key(|(_, e)| e.order);
            let Some(oldest) = oldest.map(|(k, _)| k.clone()) else { break };
            self.remove(&oldest);
        }
    }
}

#[derive(Default)]
struct Spaces {
    maps: HashMap<String, Space>,
    writes: u64,
}

/// Values in this process's memory, at most `capacity` per namespace when stored without a
/// [`Limit`] of their own.
pub(crate) struct BoundedValues {
    spaces: Mutex<Spaces>,
    capacity: usize,
}

impl BoundedValues {
    /// At most `capacity` (at least 1) live values per namespace.
    pub(crate) fn new(capacity: usize) -> BoundedValues {
        BoundedValues { spaces: Mutex::new(Spaces::default()), capacity: capacity.max(1) }
    }

    fn insert(
        &self,
        space: &str,
        key: &str,
        value: Vec<u8>,
        ttl: Duration,
        limit: &Limit<'_>,
    ) -> Result<(), StoreError> {
        if value.len() > limit.bytes {
            return Err(StoreError::Refused(format!("{} bytes, over the {} of {space}", value.len(), limit.bytes)));
        }
        let now = Instant::now();
        let mut spaces = lock(&self.spaces);
        spaces.writes += 1;
        let order = spaces.writes;
        let map = spaces.maps.entry(space.to_owned()).or_default();
        map.remove(key);
        map.make_room(limit, value.len(), now);
        map.add(key, Entry { value, until: now + ttl, order, source: limit.source.to_owned() });
        Ok(())
    }

    fn read(&self, space: &str, key: &str, remove: bool) -> Option<Vec<u8>> {
        let mut spaces = lock(&self.spaces);
        let map = spaces.maps.get_mut(space)?;
        let live = map.entries.get(key).is_some_and(|e| e.until > Instant::now());
        if !live || remove {
            return map.remove(key).filter(|_| live).map(|e| e.value);
        }
        map.entries.get(key).map(|e| e.value.clone())
    }
}

impl ExpiringValues for BoundedValues {
    fn put<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let limit = Limit { entries: self.capacity, bytes: usize::MAX, source: "" };
        Box::pin(std::future::ready(self.insert(space, key, value, ttl, &limit)))
    }

    fn put_limited<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
        limit: Limit<'a>,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let limit = Limit { entries: limit.entries.max(1), ..limit };
        Box::pin(std::future::ready(self.insert(space, key, value, ttl, &limit)))
    }

    fn get<'a>(&'a self, space: &'a str, key: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.read(space, key, false))))
    }

    fn take<'a>(&'a self, space: &'a str, key: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.read(space, key, true))))
    }
}

/// The most values an in-memory [`ExpiringValues`] keeps per namespace.
pub const MEMORY_VALUES_CAP: usize = 10_000;

/// Short-lived values kept in this process's memory, at most [`MEMORY_VALUES_CAP`] per
/// namespace (a full namespace drops the expired values, then the oldest).
#[must_use]
pub fn memory_values() -> Arc<dyn ExpiringValues> {
    Arc::new(BoundedValues::new(MEMORY_VALUES_CAP))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(f: StoreFuture<'_, T>) -> T {
        futures_util::FutureExt::now_or_never(f).expect("the memory backend never waits")
    }

    #[test]
    fn take_is_single_use_and_spaces_are_separate() {
        let v = BoundedValues::new(4);
        run(v.put("codes", "a", b"1".to_vec(), Duration::from_secs(60))).unwrap();
        run(v.put("other", "a", b"2".to_vec(), Duration::from_secs(60))).unwrap();
        assert_eq!(run(v.get("codes", "a")).unwrap(), Some(b"1".to_vec()));
        assert_eq!(run(v.take("codes", "a")).unwrap(), Some(b"1".to_vec()));
        assert_eq!(run(v.take("codes", "a")).unwrap(), None);
        assert_eq!(run(v.get("other", "a")).unwrap(), Some(b"2".to_vec()));
    }

    #[test]
    fn full_space_drops_the_oldest_and_expired_values_are_gone() {
        let v = BoundedValues::new(2);
        for k in ["a", "b", "c"] {
            run(v.put("s", k, k.as_bytes().to_vec(), Duration::from_secs(60))).unwrap();
        }
        assert_eq!(run(v.get("s", "a")).unwrap(), None, "the oldest went");
        assert!(run(v.get("s", "b")).unwrap().is_some() && run(v.get("s", "c")).unwrap().is_some());
        run(v.put("s", "z", b"z".to_vec(), Duration::ZERO)).unwrap();
        assert_eq!(run(v.get("s", "z")).unwrap(), None);
        assert_eq!(run(v.take("s", "z")).unwrap(), None);
    }

    #[test]
    fn a_flooding_source_evicts_its_own_values_first_and_bytes_are_bounded() {
        let v = BoundedValues::new(100);
        let ttl = Duration::from_secs(60);
        let limit = |source| Limit { entries: 4, bytes: 40, source };
        run(v.put_limited("s", "user", b"u".to_vec(), ttl, limit("alice"))).unwrap();
        for n in 0..50 {
            run(v.put_limited("s", &format!("f{n}"), b"f".to_vec(), ttl, limit("flood"))).unwrap();
        }
        assert!(run(v.get("s", "user")).unwrap().is_some(), "the flood evicted only its own values");
        assert!(run(v.get("s", "f49")).unwrap().is_some() && run(v.get("s", "f0")).unwrap().is_none());
        // Bytes: three values of 10 bytes fill 40 with the user's; a fourth evicts the oldest of the flood.
        for n in 0..5 {
            run(v.put_limited("s", &format!("b{n}"), vec![b'b'; 10], ttl, limit("flood"))).unwrap();
        }
        let spaces = lock(&v.spaces);
        let space = &spaces.maps["s"];
        assert!(space.bytes <= 40 && space.entries.len() <= 4, "{} bytes", space.bytes);
        assert!(space.entries.contains_key("user"));
        drop(spaces);
        let refused = run(v.put_limited("s", "big", vec![0; 41], ttl, limit("flood")));
        assert!(matches!(refused, Err(StoreError::Refused(_))), "a value over the whole bound");
    }
}

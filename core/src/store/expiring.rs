//! The in-process backend of [`ExpiringValues`]: per namespace, a map of values with their
//! expiry, bounded in count (a full namespace first drops what has expired, then the value
//! stored the longest ago), so a flood of writes costs a fixed amount of memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{ExpiringValues, StoreError, StoreFuture};
use crate::sync::lock;

/// One value, when it expires, and its place in the order of writes.
struct Entry {
    value: Vec<u8>,
    until: Instant,
    order: u64,
}

#[derive(Default)]
struct Spaces {
    maps: HashMap<String, HashMap<String, Entry>>,
    writes: u64,
}

/// Values in this process's memory, at most `capacity` per namespace.
pub(crate) struct BoundedValues {
    spaces: Mutex<Spaces>,
    capacity: usize,
}

impl BoundedValues {
    /// At most `capacity` (at least 1) live values per namespace.
    pub(crate) fn new(capacity: usize) -> BoundedValues {
        BoundedValues { spaces: Mutex::new(Spaces::default()), capacity: capacity.max(1) }
    }

    fn insert(&self, space: &str, key: &str, value: Vec<u8>, ttl: Duration) {
        let now = Instant::now();
        let mut spaces = lock(&self.spaces);
        spaces.writes += 1;
        let order = spaces.writes;
        let map = spaces.maps.entry(space.to_owned()).or_default();
        if map.len() >= self.capacity && !map.contains_key(key) {
            map.retain(|_, e| e.until > now);
        }
        while map.len() >= self.capacity && !map.contains_key(key) {
            let Some(oldest) = map.iter().min_by_key(|(_, e)| e.order).map(|(k, _)| k.clone()) else { break };
            map.remove(&oldest);
        }
        map.insert(key.to_owned(), Entry { value, until: now + ttl, order });
    }

    fn read(&self, space: &str, key: &str, remove: bool) -> Option<Vec<u8>> {
        let mut spaces = lock(&self.spaces);
        let map = spaces.maps.get_mut(space)?;
        let live = map.get(key).is_some_and(|e| e.until > Instant::now());
        if !live || remove {
            return map.remove(key).filter(|_| live).map(|e| e.value);
        }
        map.get(key).map(|e| e.value.clone())
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
        self.insert(space, key, value, ttl);
        Box::pin(std::future::ready(Ok(())))
    }

    fn get<'a>(&'a self, space: &'a str, key: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.read(space, key, false))))
    }

    fn take<'a>(&'a self, space: &'a str, key: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.read(space, key, true))))
    }
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
}

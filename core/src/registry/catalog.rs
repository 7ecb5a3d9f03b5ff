//! An ordered, keyed list of registered definitions with a per-version cache of its
//! serialized `*/list` pages. An entry can be disabled and enabled again: a disabled one
//! keeps its key (and its place in registration order) but is out of the list, the
//! lookups and the pages until it is enabled, so serving costs nothing more when nothing
//! is disabled.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::protocol::ProtocolVersion;
use crate::sync::lock;

/// A registered definition that can be listed.
pub(crate) trait Listed {
    /// Unique key (tool name, resource URI, template, prompt name).
    fn key(&self) -> &str;
    /// The definition as listed for `version`.
    fn list_json(&self, version: ProtocolVersion) -> Value;
}

/// Serialized list results, keyed by version and page offset.
type PageCache = Mutex<HashMap<(ProtocolVersion, usize), Arc<Vec<u8>>>>;

/// Keys are the server's own (registered), so a fast seeded hasher instead of SipHash.
type Keyed<V> = HashMap<String, V, foldhash::fast::RandomState>;

pub(crate) struct Catalog<T> {
    /// The enabled entries, in registration order: all that lists and lookups see.
    items: Vec<Arc<T>>,
    /// The registration number of each of `items` (ascending, as `items` is in order).
    order: Vec<u64>,
    /// Position in `items` by key; looked up on every call by name.
    index: Keyed<usize>,
    /// The disabled entries by key, with their registration numbers.
    disabled: Keyed<(u64, Arc<T>)>,
    /// The registration number of the next entry.
    next: u64,
    pages: Arc<PageCache>,
    /// Something was registered here once: the kind's capability stays announced (and its
    /// list methods answer, empty if need be) for the life of the server.
    announced: bool,
}

impl<T> Default for Catalog<T> {
    fn default() -> Self {
        Catalog {
            items: Vec::new(),
            order: Vec::new(),
            index: Keyed::default(),
            disabled: Keyed::default(),
            next: 0,
            pages: Arc::default(),
            announced: false,
        }
    }
}

impl<T> Clone for Catalog<T> {
    /// A copy for mutation: same items, empty page cache.
    fn clone(&self) -> Self {
        Catalog {
            items: self.items.clone(),
            order: self.order.clone(),
            index: self.index.clone(),
            disabled: self.disabled.clone(),
            next: self.next,
            pages: Arc::default(),
            announced: self.announced,
        }
    }
}

impl<T: Listed> Catalog<T> {
    /// Adds an enabled entry whose key is not taken yet, enabled or not; `Err(key)` when it
    /// is (registering a name twice is refused everywhere: replacing is removing, then
    /// adding).
    pub fn insert(&mut self, item: T) -> Result<(), String> {
        let key = item.key();
        if self.index.contains_key(key) || self.disabled.contains_key(key) {
            return Err(key.to_owned());
        }
        self.announced = true;
        self.index.insert(key.to_owned(), self.items.len());
        self.items.push(Arc::new(item));
        self.order.push(self.next);
        self.next += 1;
        Ok(())
    }

    /// Removes by key, enabled or not; true when something was removed.
    pub fn remove(&mut self, key: &str) -> bool {
        if self.disabled.remove(key).is_some() {
            return true;
        }
        self.take(key).is_some()
    }

    /// Takes the enabled entry `key` out of `items`, with its registration number.
    fn take(&mut self, key: &str) -> Option<(u64, Arc<T>)> {
        let i = self.index.remove(key)?;
        let item = self.items.remove(i);
        let seq = self.order.remove(i);
        for v in self.index.values_mut() {
            if *v > i {
                *v -= 1;
            }
        }
        Some((seq, item))
    }

    /// Enables or disables the entry `key`: `None` when nothing is registered under it,
    /// else whether that changed anything. An entry enabled again is back in its place in
    /// registration order.
    pub fn set_enabled(&mut self, key: &str, enabled: bool) -> Option<bool> {
        match (enabled, self.is_enabled(key)?) {
            (false, true) => {
                let taken = self.take(key)?;
                self.disabled.insert(key.to_owned(), taken);
            }
            (true, false) => {
                let (seq, item) = self.disabled.remove(key)?;
                let at = self.order.partition_point(|&s| s < seq);
                for v in self.index.values_mut() {
                    if *v >= at {
                        *v += 1;
                    }
                }
                self.index.insert(key.to_owned(), at);
                self.items.insert(at, item);
                self.order.insert(at, seq);
            }
            _ => return Some(false),
        }
        Some(true)
    }

    /// Whether the entry `key` is enabled; `None` when nothing is registered under it.
    pub fn is_enabled(&self, key: &str) -> Option<bool> {
        if self.index.contains_key(key) { Some(true) } else { self.disabled.contains_key(key).then_some(false) }
    }

    /// Looks up an enabled entry by key.
    pub fn get(&self, key: &str) -> Option<&Arc<T>> {
        self.index.get(key).map(|&i| &self.items[i])
    }

    /// The enabled entries in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<T>> {
        self.items.iter()
    }

    /// Number of enabled entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True once anything was registered here, even if all of it was removed since.
    pub fn announced(&self) -> bool {
        self.announced
    }

    /// The serialized result for the page at `offset` of the enabled entries, built by
    /// `build(items, next_offset)` once per version and offset and cached until the catalog
    /// changes.
    pub fn page(
        &self,
        version: ProtocolVersion,
        offset: usize,
        page_size: usize,
        build: impl FnOnce(Vec<Value>, Option<usize>) -> Vec<u8>,
    ) -> Arc<Vec<u8>> {
        if let Some(hit) = lock(&self.pages).get(&(version, offset)) {
            return hit.clone();
        }
        let end = (offset + page_size).min(self.items.len());
        let items = self.items[offset.min(end)..end].iter().map(|t| t.list_json(version)).collect();
        let next = (end < self.items.len()).then_some(end);
        let bytes = Arc::new(build(items, next));
        lock(&self.pages).insert((version, offset), bytes.clone());
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Named(&'static str);

    impl Listed for Named {
        fn key(&self) -> &str {
            self.0
        }

        fn list_json(&self, _version: ProtocolVersion) -> Value {
            Value::from(self.0)
        }
    }

    fn keys(c: &Catalog<Named>) -> Vec<&str> {
        c.iter().map(|n| n.0).collect()
    }

    fn catalog(names: &[&'static str]) -> Catalog<Named> {
        let mut c = Catalog::default();
        for n in names {
            c.insert(Named(n)).unwrap();
        }
        c
    }

    #[test]
    fn disabled_entries_leave_lists_and_lookups_and_come_back_in_place() {
        let mut c = catalog(&["a", "b", "c", "d"]);
        assert_eq!(c.set_enabled("b", false), Some(true));
        assert_eq!(c.set_enabled("d", false), Some(true));
        assert_eq!(c.set_enabled("d", false), Some(false), "already disabled");
        assert_eq!(keys(&c), ["a", "c"]);
        assert!(c.get("b").is_none() && c.get("d").is_none());
        assert_eq!(c.get("c").map(|n| n.0), Some("c"));
        assert_eq!(
            (c.len(), c.is_enabled("b"), c.is_enabled("a"), c.is_enabled("z")),
            (2, Some(false), Some(true), None)
        );
        assert_eq!(c.insert(Named("b")), Err("b".to_owned()), "a disabled key is still taken");
        assert_eq!(c.set_enabled("z", true), None);

        assert_eq!(c.set_enabled("d", true), Some(true));
        assert_eq!(c.set_enabled("b", true), Some(true));
        assert_eq!(keys(&c), ["a", "b", "c", "d"]);
        for k in ["a", "b", "c", "d"] {
            assert_eq!(c.get(k).map(|n| n.0), Some(k));
        }
    }

    #[test]
    fn removing_a_disabled_entry_frees_its_key() {
        let mut c = catalog(&["a", "b"]);
        c.set_enabled("a", false);
        assert!(c.remove("a"));
        assert!(!c.remove("a"));
        assert_eq!(c.is_enabled("a"), None);
        c.insert(Named("a")).unwrap();
        assert_eq!(keys(&c), ["b", "a"], "added again: last in registration order");
        c.set_enabled("b", false);
        c.set_enabled("b", true);
        assert_eq!(keys(&c), ["b", "a"]);
        assert_eq!(c.get("a").map(|n| n.0), Some("a"));
    }

    #[test]
    fn pages_hold_only_enabled_entries() {
        let mut c = catalog(&["a", "b", "c"]);
        c.set_enabled("a", false);
        let page = c.page(ProtocolVersion::ALL[0], 0, 10, |items, next| {
            assert_eq!(next, None);
            serde_json::to_vec(&items).unwrap()
        });
        assert_eq!(page.as_slice(), br#"["b","c"]"#);
    }
}

//! An ordered, keyed list of registered definitions with a per-version cache of its
//! serialized `*/list` pages.

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

pub(crate) struct Catalog<T> {
    items: Vec<Arc<T>>,
    /// Looked up on every call by name; keys are the server's own (registered), so a fast
    /// seeded hasher instead of SipHash.
    index: HashMap<String, usize, foldhash::fast::RandomState>,
    pages: Arc<PageCache>,
    /// Something was registered here once: the kind's capability stays announced (and its
    /// list methods answer, empty if need be) for the life of the server.
    announced: bool,
}

impl<T> Default for Catalog<T> {
    fn default() -> Self {
        Catalog { items: Vec::new(), index: HashMap::default(), pages: Arc::default(), announced: false }
    }
}

impl<T> Clone for Catalog<T> {
    /// A copy for mutation: same items, empty page cache.
    fn clone(&self) -> Self {
        Catalog {
            items: self.items.clone(),
            index: self.index.clone(),
            pages: Arc::default(),
            announced: self.announced,
        }
    }
}

impl<T: Listed> Catalog<T> {
    /// Adds an entry whose key is not taken yet; `Err(key)` when it is (registering a name
    /// twice is refused everywhere: replacing is removing, then adding).
    pub fn insert(&mut self, item: T) -> Result<(), String> {
        let key = item.key();
        if self.index.contains_key(key) {
            return Err(key.to_owned());
        }
        self.upsert(item);
        Ok(())
    }

    /// Adds or replaces by key; returns true when it replaced an entry.
    pub fn upsert(&mut self, item: T) -> bool {
        self.announced = true;
        let key = item.key().to_owned();
        match self.index.get(&key) {
            Some(&i) => {
                self.items[i] = Arc::new(item);
                true
            }
            None => {
                self.index.insert(key, self.items.len());
                self.items.push(Arc::new(item));
                false
            }
        }
    }

    /// Removes by key; true when something was removed.
    pub fn remove(&mut self, key: &str) -> bool {
        let Some(i) = self.index.remove(key) else { return false };
        self.items.remove(i);
        for v in self.index.values_mut() {
            if *v > i {
                *v -= 1;
            }
        }
        true
    }

    /// Looks up by key.
    pub fn get(&self, key: &str) -> Option<&Arc<T>> {
        self.index.get(key).map(|&i| &self.items[i])
    }

    /// Entries in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<T>> {
        self.items.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True once anything was registered here, even if all of it was removed since.
    pub fn announced(&self) -> bool {
        self.announced
    }

    /// The serialized result for the page at `offset`, built by `build(items, next_offset)`
    /// once per version and offset and cached until the catalog changes.
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

//! Handle tables: what C holds as a `mcpf_responder *` or a `mcpf_exchange *` is a number,
//! never an address, looked up in the table of its kind. Handles come from one counter and
//! are never reused, so using or freeing an object twice, after it was freed or revoked, or
//! as an object of the other kind, finds nothing and is refused without touching memory.
//! Each kind's table is a static beside its type (`responder.rs`, `mount.rs`).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// One shard: handles are the tables' own numbers, so a fast seeded hasher.
type Shard<T> = HashMap<usize, T, foldhash::fast::RandomState>;

/// A handle no table issued before; 0 (NULL) is never issued.
fn next_handle() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The live objects of one kind `T`, named by handles C holds as `*mut P`.
pub(crate) struct Table<T, P> {
    /// Handles are spread over the shards by their low bits.
    shards: [Mutex<Shard<T>>; 16],
    _handle: PhantomData<fn() -> P>,
}

impl<T, P> Table<T, P> {
    /// An empty table (each kind's lives in a static beside its type).
    pub(crate) fn new() -> Table<T, P> {
        Table { shards: std::array::from_fn(|_| Mutex::new(HashMap::default())), _handle: PhantomData }
    }

    fn shard(&self, handle: usize) -> MutexGuard<'_, Shard<T>> {
        self.shards[handle % self.shards.len()].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores `value` and returns the handle C receives.
    pub(crate) fn insert(&self, value: T) -> *mut P {
        let handle = next_handle();
        self.shard(handle).insert(handle, value);
        // Never dereferenced: the handle only names a table entry.
        std::ptr::without_provenance_mut(handle)
    }

    /// Removes and returns the object of `handle`; `None` when it was consumed, freed or
    /// revoked already (or never issued by this table).
    pub(crate) fn take(&self, handle: *const P) -> Option<T> {
        let handle = handle.addr();
        self.shard(handle).remove(&handle)
    }

    /// Runs `f` on the live object of `handle`, if any (with its shard locked: `f` must not
    /// block).
    pub(crate) fn with<R>(&self, handle: *const P, f: impl FnOnce(&T) -> R) -> Option<R> {
        let handle = handle.addr();
        self.shard(handle).get(&handle).map(f)
    }

    /// Removes every object for which `doomed` holds.
    pub(crate) fn remove_where(&self, doomed: impl Fn(&T) -> bool) -> Vec<T> {
        let mut removed = Vec::new();
        for shard in &self.shards {
            let mut shard = shard.lock().unwrap_or_else(|e| e.into_inner());
            let handles: Vec<usize> = shard.iter().filter(|(_, v)| doomed(v)).map(|(h, _)| *h).collect();
            removed.extend(handles.into_iter().filter_map(|h| shard.remove(&h)));
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_never_reused_and_name_one_table_only() {
        let a: Table<&str, u8> = Table::new();
        let b: Table<&str, u16> = Table::new();
        let first = a.insert("first");
        assert_eq!(a.with(first, |v| *v), Some("first"));
        assert_eq!(a.take(first), Some("first"));
        assert_eq!(a.take(first), None, "taken twice");
        let second = a.insert("second");
        assert_ne!(second.addr(), first.addr());
        // The same number in another table names nothing.
        assert_eq!(b.take(std::ptr::without_provenance(second.addr())), None);
        assert_eq!(a.remove_where(|v| *v == "second"), vec!["second"]);
        assert_eq!(a.with(second, |v| *v), None);
    }
}

//! Responder handles: what C holds as a `mcpf_responder *` is a number, never an address,
//! looked up in this table. A handle is never reused, so completing or freeing a responder
//! twice, or after its server was freed, finds nothing and is refused without touching
//! memory. Freeing a server revokes the responders of its calls that C still holds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};

use crate::responder::{Responder, mcpf_responder};

/// One shard: handles are the table's own numbers, so a fast seeded hasher.
type Shard = HashMap<usize, Responder, foldhash::fast::RandomState>;

struct Table {
    /// Handles are spread over the shards by their low bits.
    shards: [Mutex<Shard>; 16],
    /// The next handle; 0 (NULL) is never issued.
    next: AtomicUsize,
}

/// The one table of the process.
fn table() -> &'static Table {
    static TABLE: LazyLock<Table> = LazyLock::new(|| Table {
        shards: std::array::from_fn(|_| Mutex::new(HashMap::default())),
        next: AtomicUsize::new(1),
    });
    &TABLE
}

fn shard(handle: usize) -> MutexGuard<'static, Shard> {
    let shards = &table().shards;
    shards[handle % shards.len()].lock().unwrap_or_else(|e| e.into_inner())
}

/// Stores `responder` and returns the handle C receives.
pub(crate) fn insert(responder: Responder) -> *mut mcpf_responder {
    let handle = table().next.fetch_add(1, Ordering::Relaxed);
    shard(handle).insert(handle, responder);
    // Never dereferenced: the handle only names a table entry.
    std::ptr::without_provenance_mut(handle)
}

/// Removes and returns the responder of `r`; `None` when it was completed, freed or revoked
/// (or never issued).
pub(crate) fn take(r: *const mcpf_responder) -> Option<Responder> {
    let handle = r.addr();
    shard(handle).remove(&handle)
}

/// Runs `f` on the live responder of `r`, if any.
pub(crate) fn with<T>(r: *const mcpf_responder, f: impl FnOnce(&Responder) -> T) -> Option<T> {
    let handle = r.addr();
    shard(handle).get(&handle).map(f)
}

/// Removes every responder of server `server` (its calls are gone with it).
pub(crate) fn revoke(server: u64) -> Vec<Responder> {
    let mut revoked = Vec::new();
    for s in 0..table().shards.len() {
        let mut shard = shard(s);
        let handles: Vec<usize> = shard.iter().filter(|(_, r)| r.server() == server).map(|(h, _)| *h).collect();
        revoked.extend(handles.into_iter().filter_map(|h| shard.remove(&h)));
    }
    revoked
}

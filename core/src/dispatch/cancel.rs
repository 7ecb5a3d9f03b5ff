//! The in-flight table of a connection: one cancellation token per request. An entry also
//! means "a response is still owed": cancelling by the client removes it, so nothing is
//! sent for a cancelled request.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::jsonrpc::RequestId;
use crate::sync::lock;

pub(crate) use crate::context::RequestToken;

#[derive(Default)]
pub(crate) struct InFlight {
    /// Each entry carries a serial number: a client may reuse an id once its request was
    /// cancelled, and the cancelled request, still winding down, must not take the entry
    /// of the new one. Ids are the client's, but the table holds at most the connection's
    /// in-flight limit, so a fast seeded hasher instead of SipHash.
    table: Mutex<HashMap<RequestId, (u64, RequestToken), foldhash::fast::RandomState>>,
    serial: AtomicU64,
    /// The serials of requests answered at their deadline by the connection while their
    /// handler held its thread ([`InFlight::finish_overdue`]), until they end. Rare: a
    /// handler that held its thread once is not let hold it again.
    overdue: Mutex<Vec<u64>>,
}

impl InFlight {
    /// Registers a request and returns its serial number for [`InFlight::finish`]; `None`
    /// if the id is already in flight (ids must be unique).
    pub fn insert(&self, id: RequestId, token: RequestToken) -> Option<u64> {
        match lock(&self.table).entry(id) {
            Entry::Occupied(_) => None,
            Entry::Vacant(place) => {
                let serial = self.serial.fetch_add(1, Ordering::Relaxed);
                place.insert((serial, token));
                Some(serial)
            }
        }
    }

    /// `notifications/cancelled`: trips the token (keeping the client's `reason`) and
    /// forgets the request (no response). Unknown or finished ids are ignored.
    pub fn cancel(&self, id: &RequestId, reason: Option<&str>) {
        if let Some((_, token)) = lock(&self.table).remove(id) {
            token.cancel_because(reason);
        }
    }

    /// The request `(id, serial)` finished: true when its response is still owed (not
    /// cancelled).
    pub fn finish(&self, id: &RequestId, serial: u64) -> bool {
        let mut t = lock(&self.table);
        match t.remove(id) {
            Some((s, _)) if s == serial => true,
            // Another request's entry under a reused id: put it back.
            Some(other) => {
                t.insert(id.clone(), other);
                false
            }
            None => false,
        }
    }

    /// Request `(id, serial)` is answered at its deadline, from outside its future: true when
    /// its response was still owed, which the request's own end then no longer sends.
    pub fn finish_overdue(&self, id: &RequestId, serial: u64) -> bool {
        let owed = self.finish(id, serial);
        if owed {
            lock(&self.overdue).push(serial);
        }
        owed
    }

    /// Whether request `serial` was answered at its deadline ([`InFlight::finish_overdue`]);
    /// `forget` once it ended.
    pub fn was_overdue(&self, serial: u64, forget: bool) -> bool {
        let mut overdue = lock(&self.overdue);
        let at = overdue.iter().position(|s| *s == serial);
        if let (Some(at), true) = (at, forget) {
            overdue.swap_remove(at);
        }
        at.is_some()
    }

    /// Trips the token of every request in flight (hard shutdown). Requests the client
    /// cancelled are already tripped and gone from the table.
    pub fn cancel_all(&self) {
        for (_, token) in lock(&self.table).values() {
            token.cancel();
        }
    }

    /// Number of requests in flight.
    pub fn len(&self) -> usize {
        lock(&self.table).len()
    }
}

//! The in-flight table of a connection: one cancellation token per request. An entry also
//! means "a response is still owed": cancelling by the client removes it, so nothing is
//! sent for a cancelled request.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;

use crate::jsonrpc::RequestId;
use crate::session::lock;

#[derive(Default)]
pub(crate) struct InFlight {
    table: Mutex<HashMap<RequestId, CancellationToken>>,
}

impl InFlight {
    /// Registers a request; false if the id is already in flight (ids must be unique).
    pub fn insert(&self, id: RequestId, token: CancellationToken) -> bool {
        let mut t = lock(&self.table);
        if t.contains_key(&id) {
            return false;
        }
        t.insert(id, token);
        true
    }

    /// `notifications/cancelled`: trips the token and forgets the request (no response).
    /// Unknown or finished ids are ignored.
    pub fn cancel(&self, id: &RequestId) {
        if let Some(token) = lock(&self.table).remove(id) {
            token.cancel();
        }
    }

    /// The request finished: true when its response is still owed (not cancelled).
    pub fn finish(&self, id: &RequestId) -> bool {
        lock(&self.table).remove(id).is_some()
    }

    /// Number of requests in flight.
    pub fn len(&self) -> usize {
        lock(&self.table).len()
    }
}

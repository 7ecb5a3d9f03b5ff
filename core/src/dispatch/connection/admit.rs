//! Admission of one request: the in-flight slots it takes (global and per connection), its
//! place in the in-flight table, or why it is refused.

use tokio::sync::OwnedSemaphorePermit;

use crate::dispatch::cancel::RequestToken;
use crate::jsonrpc::IncomingRequest;

use super::Connection;

/// Global and per-connection in-flight slots of one request.
pub(super) type Permits = (OwnedSemaphorePermit, OwnedSemaphorePermit);

/// Why a request was refused before it ran.
pub(super) enum Refusal {
    Stopping,
    Busy(String),
    Duplicate,
}

impl Connection {
    fn permits(&self) -> Result<Permits, Refusal> {
        let local = self.permits.clone().try_acquire_owned().map_err(|_| {
            Refusal::Busy(format!(
                "server busy: {} requests already in flight on this connection",
                self.permits_total()
            ))
        })?;
        let global = self
            .shared
            .global_in_flight
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refusal::Busy("server busy: too many requests in flight".into()))?;
        Ok((local, global))
    }

    fn permits_total(&self) -> usize {
        if self.own_ids { self.shared.limits.max_in_flight_per_connection } else { self.shared.limits.max_in_flight }
    }

    /// Takes the slots and the id of a request, or says why not.
    pub(super) fn admit(&self, req: &IncomingRequest) -> Result<(Permits, RequestToken, Option<u64>), Refusal> {
        if self.stopping.is_cancelled() {
            return Err(Refusal::Stopping);
        }
        let permits = self.permits()?;
        // A token of its own (not a child of a connection token: creating and dropping
        // children locks the parent on every request); hard shutdown cancels through the
        // in-flight table instead.
        let token = RequestToken::default();
        let serial = if self.own_ids {
            Some(self.in_flight.insert(req.id.clone(), token.clone()).ok_or(Refusal::Duplicate)?)
        } else {
            None
        };
        Ok((permits, token, serial))
    }
}

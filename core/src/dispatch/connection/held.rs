//! What a connection does while a request's handler holds the thread that polls the request
//! (a binding running a synchronous callback in place): it answers the request's timeout
//! from another task, and, when that thread is the one that read the request, has its input
//! read on by another task ([`HandOff`](crate::deadline::HandOff)).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{Connection, lifecycle};
use crate::deadline::{HeldThread, Overdue};
use crate::jsonrpc::{RequestId, encode};
use tokio_util::sync::CancellationToken;

impl Overdue for Connection {
    fn answer_at(
        self: Arc<Self>,
        at: std::time::Instant,
        serial: u64,
        limit: std::time::Duration,
        id: RequestId,
        token: CancellationToken,
    ) -> HeldThread {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(%id, "a request's deadline cannot be watched outside the server's runtime");
            return HeldThread::default();
        };
        let watch = runtime.spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            if !self.in_flight.finish_overdue(&id, serial) {
                return;
            }
            // Tripped first: the handler sees it, and no progress or log line of the request
            // follows its response.
            token.cancel();
            let e = lifecycle::timed_out(limit);
            self.out.send(encode::error(Some(&id), &e, false)).await;
        });
        HeldThread::watching(watch.abort_handle())
    }

    fn answered_at_deadline(&self, serial: u64) -> bool {
        self.in_flight.was_overdue(serial, false)
    }

    fn held(self: Arc<Self>, serial: u64) {
        if self.polling.load(Ordering::Relaxed) == serial.wrapping_add(1) {
            if let Some(input) = self.input.get() {
                input.clone().hand_off();
            }
        }
    }
}

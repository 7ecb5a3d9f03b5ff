//! What a connection does while a request's handler holds the thread that polls the request
//! (a binding running a synchronous callback in place): it answers the request's timeout
//! from another task, and, when that thread is the one that read the request, has its input
//! read on by another task ([`HandOff`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Connection, lifecycle};
use crate::deadline::{HeldThread, Overdue};
use crate::dispatch::cancel::RequestToken;
use crate::jsonrpc::{RequestId, encode};

impl Overdue for Connection {
    fn answer_at(
        self: Arc<Self>,
        at: std::time::Instant,
        serial: u64,
        limit: std::time::Duration,
        id: RequestId,
        token: RequestToken,
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
                input.clone().hand_off(self);
            }
        }
    }
}

/// A connection's input that another task can take over: while the task that read a
/// request polls it where it arrived, and the request's handler holds the thread there.
pub(crate) trait HandOff: Send + Sync {
    /// Starts another task reading the input, unless none is to be taken over (the reader
    /// is between two reads, or another took it over already).
    fn hand_off(self: Arc<Self>, conn: Arc<Connection>);
}

impl Connection {
    /// The connection's input, which a handler holding its reader's thread hands over.
    pub fn set_input(&self, input: Arc<dyn HandOff>) {
        let _ = self.input.set(input);
    }
}

/// Marks a request polled where it arrived, until dropped.
pub(super) struct Polling<'a>(Option<&'a AtomicU64>);

impl<'a> Polling<'a> {
    pub(super) fn of(polling: &'a AtomicU64, serial: Option<u64>) -> Polling<'a> {
        match serial {
            Some(serial) => {
                polling.store(serial.wrapping_add(1), Ordering::Relaxed);
                Polling(Some(polling))
            }
            None => Polling(None),
        }
    }
}

impl Drop for Polling<'_> {
    fn drop(&mut self) {
        if let Some(polling) = self.0 {
            polling.store(0, Ordering::Relaxed);
        }
    }
}

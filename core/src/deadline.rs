//! What answers a request at its deadline while its handler holds the thread that polls the
//! request (a binding running a quick synchronous callback in place): the request's own
//! timer cannot fire then, so its connection answers it from another task.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::jsonrpc::RequestId;

/// What can answer a request at its deadline while its handler holds the thread that polls
/// the request (see [`crate::RequestContext::holding_thread`]).
#[derive(Clone)]
pub(crate) enum Deadline {
    /// No request timeout applies: nothing is owed at a deadline.
    None,
    /// The request's connection can: it decides alone whether a response is still owed,
    /// and queues its responses with everything else it sends. It also keeps reading while
    /// the handler holds the thread that read the request ([`Overdue::held`]).
    Apart {
        /// The connection, opaque here (dispatch implements it).
        conn: Arc<dyn Overdue>,
        /// The request's entry in the connection's in-flight table.
        serial: u64,
        /// The request timeout, if one applies.
        limit: Option<Duration>,
    },
    /// Only the request's own future can (an HTTP exchange takes its response once; the
    /// stateless wire keeps no table of requests; a task has no request timeout and its
    /// store is told of its end by its own future).
    Own,
}

/// A connection able to answer its requests' timeouts from outside their futures.
pub(crate) trait Overdue: Send + Sync {
    /// At `at`, answers request `id` (entry `serial`, token `token`) with the timeout error
    /// of `limit` and trips its token, unless by then it was answered or cancelled. Spawns
    /// on the current runtime; the watch ends early when the returned handle is dropped.
    fn answer_at(
        self: Arc<Self>,
        at: Instant,
        serial: u64,
        limit: Duration,
        id: RequestId,
        token: CancellationToken,
    ) -> HeldThread;
    /// Whether request `serial` was answered that way.
    fn answered_at_deadline(&self, serial: u64) -> bool;
    /// Request `serial`'s handler holds the thread that polls it: when that is the thread
    /// reading the connection's input (the request's first poll, where it arrived), another
    /// task takes the input over.
    fn held(self: Arc<Self>, serial: u64);
}

/// A connection's input that another task can take over: while the task that read a
/// request polls it where it arrived, and the request's handler holds the thread there.
pub(crate) trait HandOff: Send + Sync {
    /// Starts another task reading the input, unless none is to be taken over (the reader
    /// is between two reads, or another took it over already).
    fn hand_off(self: Arc<Self>);
}

/// The watch over the deadline of a request whose handler holds its thread (see
/// [`crate::RequestContext::holding_thread`]). Drop it once the handler gives its thread
/// back: the watch then ends (what it answered, if the deadline came first, stays answered).
#[must_use = "dropping it ends the watch at once"]
#[derive(Debug, Default)]
pub struct HeldThread {
    watch: Option<tokio::task::AbortHandle>,
}

impl HeldThread {
    /// The watch of the task `watch`.
    pub(crate) fn watching(watch: tokio::task::AbortHandle) -> HeldThread {
        HeldThread { watch: Some(watch) }
    }
}

impl Drop for HeldThread {
    fn drop(&mut self) {
        if let Some(watch) = self.watch.take() {
            watch.abort();
        }
    }
}

impl Deadline {
    /// The request timeout, when request `serial`'s connection answered it at its deadline
    /// while its handler held the thread.
    pub(crate) fn passed(&self) -> Option<Duration> {
        match self {
            Deadline::Apart { conn, serial, limit: Some(limit) } if conn.answered_at_deadline(*serial) => Some(*limit),
            _ => None,
        }
    }
}

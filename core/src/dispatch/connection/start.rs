//! One request from admission to answer: the task it runs as (with its deadline, span and
//! metrics), and how that task is run (polled in place first, or spawned).

use crate::protocol::method::Method;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};

use crate::deadline::{Deadline, Overdue};
use crate::dispatch::call::Peer;
use crate::dispatch::lifecycle;
use crate::dispatch::metrics::Ended;
use crate::dispatch::trace::RequestSpan;
use crate::error::ProtocolError;
use crate::jsonrpc::{IncomingRequest, encode};
use crate::protocol::meta::RequestMeta;

use super::admit::Refusal;
use super::{Answer, Connection, Route, Submitted, refusal_outcome};

impl Connection {
    /// Runs one request as a task of its own.
    pub(super) async fn start(
        self: &Arc<Self>,
        req: IncomingRequest,
        meta: Option<Arc<RequestMeta>>,
        route: Route,
    ) -> Submitted {
        let (permits, token, serial) = match self.admit(&req) {
            Ok(admitted) => admitted,
            Err(refusal) => {
                let (e, busy) = match refusal {
                    Refusal::Stopping => (ProtocolError::internal("the server is shutting down"), true),
                    Refusal::Busy(m) => (ProtocolError::internal(m), true),
                    Refusal::Duplicate => {
                        (ProtocolError::invalid_request(format!("request id {} is already in flight", req.id)), false)
                    }
                };
                let mut outcome = refusal_outcome(encode::error(Some(&req.id), &e, false), &e);
                outcome.busy = busy;
                // Boxed, as the other rare paths below: held inline, its future would make
                // every request's larger.
                Box::pin(route.answer.deliver(outcome)).await;
                return Submitted::Answered;
            }
        };
        let probe =
            self.metrics.as_ref().map(|m| m.start(&self.shared.registry.snapshot(), &req.method, req.params.as_ref()));
        let revealed = probe.as_ref().and_then(crate::dispatch::metrics::Timer::reveal);
        // The request's timeout can be answered from outside its future (a handler holding
        // its thread) when this connection decides alone whether it is owed (its ids are
        // tracked) and queues its response. A listen stream has no timeout (`lifecycle`).
        let timeout = self.shared.limits.request_timeout.filter(|_| req.method != Method::SubscriptionsListen.as_str());
        let deadline = match (timeout, serial, &route.answer) {
            (limit, Some(serial), Answer::Queue(_)) => {
                Deadline::Apart { conn: self.clone() as Arc<dyn Overdue>, serial, limit }
            }
            (None, ..) => Deadline::None,
            _ => Deadline::Own,
        };
        let conn = self.clone();
        let task_token = token.clone();
        // Method, name, era and outcome: never the arguments (nor, on HTTP, the token).
        let span = RequestSpan::start(&req, self.session.get().map(|s| &**s), meta.as_deref());
        let instrument = span.span().clone();
        let task = async move {
            let Route { notes, answer, auth, http, client } = route;
            let id = req.id.clone();
            // The request's future lives in this block only, so the task's future holds it
            // and the response's delivery in the same room: a smaller future, copied fewer
            // bytes each time it is moved (spawning moves it several times).
            let outcome = {
                let peer = Peer {
                    session: conn.session.get().cloned(),
                    out: notes,
                    stopping: conn.stopping.clone(),
                    auth: auth.or_else(|| conn.auth.as_ref().map(|a| a.get())),
                    http,
                    client,
                    conn: conn.serial,
                    revealed,
                    deadline,
                };
                // Boxed: held inline, it would keep its room in the task's future past its
                // end (the compiler does not reuse a pinned local's room for the delivery
                // below), making that future larger than the allocator's small-block cache.
                let mut handled = Box::pin(lifecycle::handle(&conn.shared, &peer, req, meta, task_token.clone()));
                if serial.is_some() {
                    handled.await
                } else {
                    // Not in the in-flight table: a hard stop reaches it through its token.
                    tokio::select! {
                        biased;
                        outcome = handled.as_mut() => outcome,
                        () = conn.hard_stop.cancelled() => {
                            task_token.cancel();
                            handled.await
                        }
                    }
                }
            };
            // Room for the response first (a client that does not read holds the permit,
            // so the reader stops reading), then free the permit before the response goes
            // out: a client that sends its next request on seeing it must not find the
            // connection still busy.
            let answer = answer.hold().await;
            drop(permits);
            // Nothing is sent for a request the client cancelled, nor for one answered at its
            // deadline while its handler held its thread (which counts as answered).
            let owed = serial.is_none_or(|serial| conn.in_flight.finish(&id, serial));
            let answered = owed || serial.is_some_and(|serial| conn.in_flight.was_overdue(serial, true));
            // How the request ended, for the span and the metrics: not worked out when
            // neither records it.
            if span.records() || probe.is_some() {
                let ended = Ended {
                    response: &outcome.response,
                    error_code: outcome.error_code,
                    answered,
                    token_tripped: task_token.is_cancelled(),
                    timeout: conn.shared.limits.request_timeout,
                };
                span.finish(&ended);
                if let Some(p) = probe {
                    p.settle(&ended);
                }
            }
            if owed {
                answer.deliver(outcome).await;
            }
        };
        // Boxed: spawning moves the future several times (into the span's wrapper, the
        // tracker's, the task's cell), and a request's future is large.
        self.run(serial, tracing::Instrument::instrument(Box::pin(task), instrument));
        Submitted::Running(Some(token))
    }

    /// Runs a request's future. On a multi-threaded runtime it is spawned, so requests run
    /// in parallel with reading. On a single-threaded one, or a binding's executor (where a
    /// spawned task would run on this same thread right after the reader yields anyway) it
    /// is polled once here first, and spawned only if it is not finished: a request that
    /// completes without waiting (a synchronous handler) costs no task, no scheduling and no
    /// cross-task wake-up.
    fn run<F: Future<Output = ()> + Unpin + Send + 'static>(&self, serial: Option<u64>, request: F) {
        let mut request = self.tasks.track_future(request);
        if self.inline_first_poll {
            if let Some(serial) = serial {
                self.polling.store(serial.wrapping_add(1), Ordering::Relaxed);
            }
            // A waker that does nothing: if the request has to wait, its task polls it again
            // first thing, and that poll registers the task's own waker.
            let mut cx = Context::from_waker(Waker::noop());
            // As in a task of its own, a panic ends the request, not the connection (handler
            // panics are already caught inside and answered).
            let polled = std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(&mut request).poll(&mut cx)));
            if serial.is_some() {
                self.polling.store(0, Ordering::Relaxed);
            }
            match polled {
                Ok(Poll::Pending) => {}
                Ok(Poll::Ready(())) | Err(_) => return,
            }
        }
        self.spawner.spawn(request);
    }
}

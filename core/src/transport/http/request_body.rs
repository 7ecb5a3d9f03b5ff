//! A request body as the listener hands it to the routes: under a deadline, and given back
//! when a route answers without reading it to the end (a refusal: 401, 403, 413, a bad
//! `Origin`...), so the listener can read the rest before answering and keep the connection
//! for the client's next request, or say `Connection: close` when it cannot.
//!
//! Without this, hyper closes such a connection after the answer without saying so, and a
//! client that sends its next request on it (the retry with a token after a 401, the usual
//! OAuth flow) finds it closed and fails with no answer at all.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::Response;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, HeaderValue};
use tokio::time::{Instant, Sleep};

use crate::sync::lock;

/// At most this much of an unread body is read before answering; past it the connection is
/// closed after the answer.
const DRAIN_MAX_BYTES: usize = 64 * 1024;

/// At most this long is spent reading an unread body before answering (a client sends its
/// body right after the head; one that does not has the connection closed).
const DRAIN_MAX_TIME: Duration = Duration::from_millis(250);

/// A request body that fails once its deadline passes, and that leaves itself in
/// [`Unread`] when dropped before its end. The timer is armed only when the body is not there
/// at once (most bodies arrive with the request head).
pub(super) struct RequestBody {
    /// `None` only once dropped.
    inner: Option<Incoming>,
    deadline: Instant,
    sleep: Option<Pin<Box<Sleep>>>,
    /// Set once the body ended or hyper failed it: nothing is left to read.
    done: bool,
    /// Where it is left when dropped unread; `None` for what the listener reads itself.
    unread: Option<Arc<Mutex<Option<RequestBody>>>>,
}

/// Where a request body dropped before its end is left for the listener.
pub(super) struct Unread(Arc<Mutex<Option<RequestBody>>>);

impl RequestBody {
    /// `inner`, which must arrive within `within`, and the place it is left if a route drops
    /// it unread.
    pub(super) fn new(inner: Incoming, within: Duration) -> (RequestBody, Unread) {
        let unread = Arc::new(Mutex::new(None));
        let body = RequestBody {
            done: inner.is_end_stream(),
            inner: Some(inner),
            deadline: Instant::now() + within,
            sleep: None,
            unread: Some(unread.clone()),
        };
        (body, Unread(unread))
    }
}

impl Drop for RequestBody {
    fn drop(&mut self) {
        let (Some(inner), Some(unread)) = (self.inner.take(), self.unread.take()) else { return };
        if self.done || inner.is_end_stream() {
            return;
        }
        let rest = RequestBody {
            inner: Some(inner),
            deadline: self.deadline,
            sleep: self.sleep.take(),
            done: false,
            // The rest is read by the listener and dropped there: it is not left again.
            unread: None,
        };
        *lock(&unread) = Some(rest);
    }
}

impl Unread {
    /// `response`, once what its route left unread of the request body is read: as it was
    /// when the rest arrived (the connection stays open for the next request), with
    /// `Connection: close` when the rest is too large, too slow, or broken.
    pub(super) async fn settle(self, mut response: Response) -> Response {
        let rest = lock(&self.0).take();
        let Some(mut rest) = rest else { return response };
        let drained = tokio::time::timeout(DRAIN_MAX_TIME, async {
            let mut read = 0usize;
            while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut rest).poll_frame(cx)).await {
                let Ok(frame) = frame else { return false };
                read += frame.data_ref().map_or(0, Bytes::len);
                if read > DRAIN_MAX_BYTES {
                    return false;
                }
            }
            true
        })
        .await;
        if drained != Ok(true) {
            tracing::debug!("request body left unread: the connection closes after the answer");
            response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

impl HttpBody for RequestBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else { return Poll::Ready(None) };
        if let Poll::Ready(frame) = Pin::new(inner).poll_frame(cx) {
            if !matches!(frame, Some(Ok(_))) {
                this.done = true;
            }
            return Poll::Ready(frame.map(|r| r.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            // Not `done`: the rest is still unread, and the answer must close the connection.
            return Poll::Ready(Some(Err(Box::new(BodyTimeout))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.as_ref().map(HttpBody::size_hint).unwrap_or_default()
    }
}

/// The error of a request body that did not arrive in time.
#[derive(Debug)]
struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimeout {}

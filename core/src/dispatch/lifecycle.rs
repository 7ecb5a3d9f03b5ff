//! The life of one request around its method: the era decided, the client's rate limit,
//! the middleware chain or the route, panic isolation, the request timeout, the error hook,
//! masking of internal details, and the response encoded for its era.

use crate::protocol::method::Method;
use std::future::Future;
use std::sync::Arc;

use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::dispatch::call::{Call, Era, Outcome, Peer, Reply};
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::chain;
use crate::dispatch::guard::catch_unwind;
use crate::dispatch::router::{classify, route};
use crate::dispatch::shared::ServerShared;
use crate::error::{ProtocolError, codes};
use crate::error_hook::{self, Failure, FailureKind};
use crate::jsonrpc::{IncomingRequest, RequestId, encode};
use crate::protocol::meta::{self, RequestMeta};

/// Serves one request end to end. `cancel` is the request's token (tripped by the client,
/// a timeout or shutdown); `meta` is its `_meta` when the transport already read it.
///
/// An `async` block rather than an `async fn`, and the request classified before anything
/// is awaited: an `async fn` keeps its arguments twice in its future (as taken and as moved
/// into its body), and a `match` keeps its scrutinee across an await in one of its arms.
/// Both made this future (which every request allocates) 1,016 bytes (864 now), a chunk of
/// the C allocator's large bins (1,024 bytes and up), whose allocation is several times
/// slower than a small one's.
#[allow(clippy::manual_async_fn, reason = "an `async fn` keeps its arguments twice in its future")]
pub(crate) fn handle<'a>(
    shared: &'a Arc<ServerShared>,
    peer: &'a Peer,
    req: IncomingRequest,
    meta: Option<Arc<RequestMeta>>,
    cancel: RequestToken,
) -> impl Future<Output = Outcome> + Send + 'a {
    async move {
        let id = req.id.clone();
        let known = meta.is_some();
        let era = match classify(shared, peer, &req, meta) {
            Ok(Some(era)) => era,
            Ok(None) => return outcome(&id, false, Ok(b"{}".to_vec()), None),
            Err(e) => {
                let modern = known || meta::looks_modern(&req.method, req.params.as_ref());
                return outcome(&id, modern, Err(e), None);
            }
        };
        let modern = era.is_modern();
        if let Some(refused) = rate_limited(shared, peer, &req) {
            return outcome(&id, modern, Err(refused), None);
        }
        let mut trailing = None;
        let reply = run(shared, peer, era, req, &id, &cancel, &mut trailing).await;
        outcome(&id, modern, reply, trailing)
    }
}

/// The request's outcome: its reply encoded for its era (`modern`: the 2026-07-28 wire),
/// with what goes out after it.
fn outcome(id: &RequestId, modern: bool, reply: Reply, trailing: Option<Vec<u8>>) -> Outcome {
    let mut error_code = None;
    let response = match reply {
        Ok(result) => encode::response_raw(id, &result),
        Err(mut e) => {
            if modern && (e.code == codes::RESOURCE_NOT_FOUND || e.code == codes::URL_ELICITATION_REQUIRED) {
                // 2026-07-28 servers must not emit the legacy codes.
                e.code = codes::INVALID_PARAMS;
            }
            error_code = Some(e.code);
            encode::error(Some(id), &e, false)
        }
    };
    Outcome { response, trailing, error_code, busy: false }
}

/// Runs a classified request through the middleware chain (when there is one) or straight
/// to its route, guarded against panics and the request timeout; unexpected failures go to
/// the error hook and reach the client masked when the server masks them. `id` is the
/// request's id (read before the request moved into its call).
async fn run(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: Era,
    req: IncomingRequest,
    id: &RequestId,
    cancel: &RequestToken,
    trailing: &mut Option<Vec<u8>>,
) -> Reply {
    let is_listen = req.method == Method::SubscriptionsListen.as_str();
    let snap = shared.registry.snapshot();
    // What the error hook is told the request was, kept only when there is a hook.
    let hook = snap.error_hook.clone();
    let named = hook
        .as_ref()
        .map(|_| (req.method.clone(), crate::middleware::named(&req.method, req.params.as_ref()).map(str::to_owned)));
    // Boxed: the route future is moved through the guards below, and a large future moved
    // inside another is stored more than once.
    let chain = (!snap.middleware.is_empty()).then(|| snap.middleware.clone());
    let call = Call::new(shared, peer, era, req, cancel, snap, trailing);
    let routed: Routed<'_> = match chain {
        None => Box::pin(catch_unwind(route(call))),
        Some(chain) => Box::pin(catch_unwind(chain::run(chain, call))),
    };
    let ending = match shared.limits.request_timeout.filter(|_| !is_listen) {
        Some(limit) => {
            let mut guarded = std::pin::pin!(guarded(routed, cancel));
            match tokio::time::timeout(limit, guarded.as_mut()).await {
                Ok(r) => r,
                Err(_) => {
                    // Trip the token before dropping the handler, and poll it once more so
                    // it sees the cancellation (that poll ends: the token is tripped).
                    cancel.cancel();
                    let _ = guarded.await;
                    Ending::TimedOut(limit)
                }
            }
        }
        None => guarded(routed, cancel).await,
    };
    let (method, name) = named.as_ref().map_or(("", None), |(m, n)| (m.as_str(), n.as_deref()));
    let failed = |kind, message: &str, data| {
        let failure = Failure { kind, method, name, id, message, data };
        error_hook::report(hook.as_deref(), &failure);
    };
    match ending {
        Ending::Done(Err(e)) if e.code == codes::INTERNAL_ERROR => {
            failed(FailureKind::Internal, &e.message, e.data.as_ref());
            Err(if shared.mask_errors { ProtocolError::internal(MASKED) } else { e })
        }
        Ending::Done(reply) => reply,
        Ending::Panicked(panic) => {
            failed(FailureKind::Panic, &panic, None);
            Err(ProtocolError::internal(MASKED))
        }
        Ending::Cancelled => match peer.deadline.passed() {
            // Its handler held its thread past the deadline, and the connection answered it
            // (this reply is not sent): recorded as the timeout it was.
            Some(limit) => {
                let e = timed_out(limit);
                failed(FailureKind::Timeout, &e.message, e.data.as_ref());
                Err(e)
            }
            None => Err(ProtocolError::internal("request cancelled")),
        },
        Ending::TimedOut(limit) => {
            let e = timed_out(limit);
            failed(FailureKind::Timeout, &e.message, e.data.as_ref());
            Err(e)
        }
    }
}

/// The error of a request that ran past the request timeout `limit`.
pub(crate) fn timed_out(limit: std::time::Duration) -> ProtocolError {
    ProtocolError::internal(format!("request timed out after {} ms", limit.as_millis()))
        .with_data(json!({ "timeoutMs": limit.as_millis() as u64 }))
}

/// The refusal of a request over its client's rate limit, if it is (a tool's limit is
/// checked once the call has found its tool, in `methods::tools`).
fn rate_limited(shared: &ServerShared, peer: &Peer, req: &IncomingRequest) -> Option<ProtocolError> {
    let limiter = shared.rate_limiter.as_ref()?;
    limiter.check_client(peer.client_key(), &req.method).err()
}

/// The routed request: the method logic wrapped in panic isolation.
type Routed<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Reply, String>> + Send + 'a>>;

/// What the client reads of a request that failed unexpectedly (a panic; any internal
/// error when `mask_error_details` is on): the detail goes to the log and the error hook.
const MASKED: &str = "the handler failed unexpectedly";

/// How a routed request ended.
enum Ending {
    /// The method logic answered.
    Done(Reply),
    /// A handler or middleware panicked, with this message.
    Panicked(String),
    /// The request's token tripped (the client cancelled, or the server is stopping).
    Cancelled,
    /// The request ran past the request timeout.
    TimedOut(std::time::Duration),
}

/// Runs the routed request until it finishes or its token trips. `biased`: when the token
/// trips, the handler is polled first, so its own reaction to `ctx.cancelled()` (cleanup,
/// the `notifications/cancelled` for a pending server->client request) runs before it is
/// dropped. Once the token has tripped the answer is the cancellation error, even when the
/// handler returned something in that last poll: what a cancelled handler returns is
/// usually its reaction to the cancellation (a binding's handler may see it before this
/// future is polled), and a client must not take it for the work's result.
async fn guarded(routed: Routed<'_>, cancel: &CancellationToken) -> Ending {
    tokio::select! {
        biased;
        r = routed => match r {
            _ if cancel.is_cancelled() => Ending::Cancelled,
            Ok(reply) => Ending::Done(reply),
            Err(panic) => Ending::Panicked(panic),
        },
        () = cancel.cancelled() => Ending::Cancelled,
    }
}

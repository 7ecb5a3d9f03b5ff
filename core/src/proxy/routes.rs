//! Where what an upstream sends about a forwarded request goes back to: the requests in
//! flight over one upstream connection, each with the downstream request that caused it.
//! A forwarded request asking for progress carries a token of the gateway's own
//! (`gw-<n>`, never a number, so it cannot meet the client engine's numeric tokens), and
//! the upstream's progress for it reaches that downstream request only. What the upstream
//! asks of a client during a call (sampling, elicitation, roots) goes to the downstream
//! client whose requests are in flight, and is refused when that client cannot answer or
//! when requests of several clients are in flight (a stdio upstream's request names no
//! request it belongs to). A client of the 2026-07-28 wire is asked through the engine's
//! `input_required` rounds: the ask is answered from the round's input responses when they
//! hold it, else it joins the round's input requests (decided as the ask is read, so every
//! ask the upstream sent before its answer is in the round) and the upstream is refused;
//! the engine then answers `input_required` whatever the upstream answered, and the retried
//! request is forwarded anew, its asks keyed by kind and order (`elicitation-0`, ...) so the
//! same ask meets its answer.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::FutureExt as _;
use serde_json::Value;

use crate::context::RequestContext;
use crate::error::{HandlerError, ProtocolError};
use crate::protocol::InputRequest;
use crate::sync::lock;

/// The prefix of the gateway's progress tokens.
const TOKEN_PREFIX: &str = "gw-";

/// The requests in flight over one upstream connection.
#[derive(Default)]
pub(crate) struct Routes {
    next: AtomicU64,
    open: Mutex<HashMap<u64, Open>>,
}

/// One forwarded request in flight: its downstream request, how many asks of each kind the
/// upstream made for it (their keys), and the error its client's round ended with.
struct Open {
    ctx: RequestContext,
    asked: HashMap<&'static str, u32>,
    failure: Option<ProtocolError>,
}

/// One forwarded request in flight; dropping it forgets it.
pub(crate) struct Route<'a> {
    routes: &'a Routes,
    number: u64,
}

impl Route<'_> {
    /// The progress token the forwarded request carries.
    pub(crate) fn token(&self) -> Value {
        Value::String(format!("{TOKEN_PREFIX}{}", self.number))
    }

    /// The error an ask of the upstream met that ends the downstream request (a 2026-07-28
    /// client without the capability asked for), once.
    pub(crate) fn failure(&self) -> Option<ProtocolError> {
        lock(&self.routes.open).get_mut(&self.number).and_then(|o| o.failure.take())
    }
}

impl Drop for Route<'_> {
    fn drop(&mut self) {
        lock(&self.routes.open).remove(&self.number);
    }
}

impl Routes {
    /// Registers a request forwarded for `ctx`.
    pub(crate) fn open(&self, ctx: &RequestContext) -> Route<'_> {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        lock(&self.open).insert(number, Open { ctx: ctx.clone(), asked: HashMap::new(), failure: None });
        Route { routes: self, number }
    }

    /// How many forwarded requests are in flight.
    pub(crate) fn len(&self) -> usize {
        lock(&self.open).len()
    }

    /// Hands the upstream's `notifications/progress` to the downstream request it is for;
    /// progress for no request in flight is dropped.
    pub(crate) fn progress(&self, params: &Value) {
        let number = params
            .get("progressToken")
            .and_then(Value::as_str)
            .and_then(|t| t.strip_prefix(TOKEN_PREFIX))
            .and_then(|n| n.parse::<u64>().ok());
        let Some(ctx) = number.and_then(|n| lock(&self.open).get(&n).map(|o| o.ctx.clone())) else { return };
        let Some(progress) = params.get("progress").and_then(Value::as_f64) else { return };
        let total = params.get("total").and_then(Value::as_f64);
        ctx.report_progress(progress, total, params.get("message").and_then(Value::as_str));
    }

    /// The forwarded request whose client the upstream's own request is for: any request in
    /// flight when they all belong to one client.
    fn owner(open: &mut HashMap<u64, Open>) -> Result<&mut Open, ProtocolError> {
        let mut all = open.values();
        let Some(first) = all.next() else {
            return Err(ProtocolError::internal("no request of a client is in flight for the gateway to ask"));
        };
        let session = first.ctx.session_handle();
        let one_client = all.all(|other| match (&session, other.ctx.session_handle()) {
            (Some(a), Some(b)) => a.ptr_eq(&b),
            _ => false,
        });
        if !one_client {
            return Err(ProtocolError::internal(
                "requests of several clients are in flight on this shared upstream: the gateway cannot tell which \
                 client to ask (run the upstream per session)",
            ));
        }
        open.values_mut().next().ok_or_else(|| ProtocolError::internal("no request in flight"))
    }

    /// Asks the owning downstream client the upstream's `method` request and returns its
    /// answer; -32601 when that client did not declare the capability (on a session). On the
    /// 2026-07-28 wire the outcome is decided now, as the ask is read (see the module's
    /// documentation): the answer of this round's input responses, or a refusal while the
    /// ask joins the round's input requests.
    pub(crate) fn ask(
        &self,
        method: &'static str,
        params: Value,
    ) -> impl Future<Output = Result<Value, ProtocolError>> + Send + use<> {
        let asked = self.ask_now(method, params);
        async move {
            match asked {
                Asked::Now(outcome) => outcome,
                Asked::Session(ctx, key, request) => ctx.ask(&key, request).await.map_err(|e| match e {
                    HandlerError::Protocol(e) => e,
                    HandlerError::Tool(e) => ProtocolError::internal(e.message),
                    HandlerError::InputRequired => ProtocolError::method_not_found(method),
                }),
            }
        }
    }

    /// What [`Routes::ask`] decides before waiting for anything.
    fn ask_now(&self, method: &'static str, params: Value) -> Asked {
        let mut open = lock(&self.open);
        let owner = match Self::owner(&mut open) {
            Ok(owner) => owner,
            Err(e) => return Asked::Now(Err(e)),
        };
        let request = match InputRequest::from_wire(method, params) {
            Ok(request) => request,
            Err(e) => return Asked::Now(Err(ProtocolError::invalid_params(e))),
        };
        // Keyed by kind (`elicitation`, `sampling`, `roots`) and order within the request.
        let kind = method.split('/').next().unwrap_or(method);
        let n = owner.asked.entry(kind).or_default();
        let key = format!("{kind}-{n}");
        *n += 1;
        let ctx = owner.ctx.clone();
        if !ctx.protocol_version().is_modern() {
            if request.missing_capability(ctx.client_capabilities()).is_some() {
                return Asked::Now(Err(ProtocolError::method_not_found(method)));
            }
            return Asked::Session(ctx, key, request);
        }
        // On the 2026-07-28 wire the engine never waits here: it answers from the round's
        // responses, or records the ask for the round's `input_required`.
        let outcome = ctx.ask(&key, request).now_or_never();
        Asked::Now(match outcome {
            Some(Ok(answer)) => Ok(answer),
            Some(Err(HandlerError::InputRequired)) => Err(ProtocolError::internal(
                "the client answers through input_required: the request will be sent again with its answer",
            )),
            Some(Err(HandlerError::Protocol(e))) => {
                owner.failure.get_or_insert_with(|| e.clone());
                Err(e)
            }
            Some(Err(HandlerError::Tool(e))) => Err(ProtocolError::internal(e.message)),
            None => Err(ProtocolError::internal("the client cannot be asked now")),
        })
    }
}

/// How an upstream's ask is answered: now, or by waiting for the client of a session.
enum Asked {
    Now(Result<Value, ProtocolError>),
    Session(RequestContext, String, InputRequest),
}

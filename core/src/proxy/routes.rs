//! Where what an upstream sends about a forwarded request goes back to: the requests in
//! flight over one upstream connection, each with the downstream request that caused it.
//! A forwarded request asking for progress carries a token of the gateway's own
//! (`gw-<n>`, never a number, so it cannot meet the client engine's numeric tokens), and
//! the upstream's progress for it reaches that downstream request only. What the upstream
//! asks of a client during a call (sampling, elicitation, roots) goes to the downstream
//! client whose requests are in flight, and is refused when that client cannot answer or
//! when requests of several clients are in flight (a stdio upstream's request names no
//! request it belongs to).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

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
    open: Mutex<HashMap<u64, RequestContext>>,
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
        lock(&self.open).insert(number, ctx.clone());
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
        let Some(ctx) = number.and_then(|n| lock(&self.open).get(&n).cloned()) else { return };
        let Some(progress) = params.get("progress").and_then(Value::as_f64) else { return };
        let total = params.get("total").and_then(Value::as_f64);
        ctx.report_progress(progress, total, params.get("message").and_then(Value::as_str));
    }

    /// The downstream request whose client the upstream's own request is for: any request
    /// in flight when they all belong to one client.
    fn owner(&self) -> Result<RequestContext, ProtocolError> {
        let open = lock(&self.open);
        let mut all = open.values();
        let Some(first) = all.next() else {
            return Err(ProtocolError::internal("no request of a client is in flight for the gateway to ask"));
        };
        let session = first.session_handle();
        let one_client = all.all(|other| match (&session, other.session_handle()) {
            (Some(a), Some(b)) => a.ptr_eq(&b),
            _ => false,
        });
        if !one_client {
            return Err(ProtocolError::internal(
                "requests of several clients are in flight on this shared upstream: the gateway cannot tell which \
                 client to ask (run the upstream per session)",
            ));
        }
        Ok(first.clone())
    }

    /// Asks the owning downstream client the upstream's `method` request and returns its
    /// answer; -32601 when that client did not declare the capability, or speaks the
    /// 2026-07-28 wire (where a request cannot be asked in the middle of another).
    pub(crate) async fn ask(&self, method: &str, params: Value, key: String) -> Result<Value, ProtocolError> {
        let ctx = self.owner()?;
        let request = InputRequest::from_wire(method, params).map_err(ProtocolError::invalid_params)?;
        if request.missing_capability(ctx.client_capabilities()).is_some() || ctx.protocol_version().is_modern() {
            return Err(ProtocolError::method_not_found(method));
        }
        ctx.ask(&key, request).await.map_err(|e| match e {
            HandlerError::Protocol(e) => e,
            HandlerError::Tool(e) => ProtocolError::internal(e.message),
            HandlerError::InputRequired => ProtocolError::method_not_found(method),
        })
    }
}

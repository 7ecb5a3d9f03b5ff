//! One upstream as the proxy runs it ([`Linked`]): its shared connection, its per-session
//! or per-user connections when it has them, what of its catalogue is registered, and forwarding one
//! downstream request to it ([`Linked::forward`]). The forwarded request is the client
//! engine's own (its id is the engine's, so no answer can reach another client); it carries
//! a progress token of the gateway's when the downstream request asked for progress; and
//! when the downstream client cancels, the upstream request it caused is cancelled with the
//! client's reason, and no other.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;
use tokio::sync::Notify;

use super::conn::Conn;
use super::naming::Naming;
use super::pool::Pool;
use super::supervisor::Supervisor;
use super::upstream::Upstream;
use crate::client::{CancelReason, ClientError, with_meta};
use crate::context::RequestContext;
use crate::error::ProtocolError;
use crate::protocol::meta::LogLevel;
use crate::protocol::method::Method;

/// The definitions of an upstream's items registered on the proxy, by their names (or URIs)
/// on the proxy.
#[derive(Default)]
pub(crate) struct Known {
    pub(crate) tools: HashMap<String, Value>,
    pub(crate) prompts: HashMap<String, Value>,
    pub(crate) resources: HashMap<String, Value>,
    pub(crate) templates: HashMap<String, Value>,
}

/// One upstream as the proxy runs it.
pub(crate) struct Linked {
    pub(crate) upstream: Arc<Upstream>,
    /// Its items' names on the proxy (its prefix).
    pub(crate) naming: Naming,
    /// The shared connection (also the catalogue's source in per-session mode).
    pub(crate) main: OnceLock<Supervisor>,
    /// The per-session or per-user connections, in those [`Mode`](super::Mode)s.
    pub(crate) pool: OnceLock<Arc<Pool>>,
    pub(crate) known: Mutex<Known>,
    /// The lists the upstream said changed, not yet listed again (tools, prompts, resources).
    pub(crate) dirty: [AtomicBool; 3],
    /// Wakes the task that lists them again.
    pub(crate) wake: Notify,
    /// The most verbose log level asked of the shared connection so far.
    pub(crate) level: Mutex<Option<LogLevel>>,
    /// Taken out of the server ([`Proxy::detach`](super::Proxy::detach)): it serves
    /// nothing more and is told nothing more.
    pub(crate) detached: AtomicBool,
}

impl Linked {
    /// An upstream not yet connected.
    pub(crate) fn new(upstream: Arc<Upstream>) -> Linked {
        Linked {
            naming: Naming::new(upstream.prefix.clone()),
            upstream,
            main: OnceLock::new(),
            pool: OnceLock::new(),
            known: Mutex::default(),
            dirty: Default::default(),
            wake: Notify::new(),
            level: Mutex::default(),
            detached: AtomicBool::new(false),
        }
    }

    /// Whether it was taken out of the server.
    pub(crate) fn is_detached(&self) -> bool {
        self.detached.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The shared connection, when it is up now.
    pub(crate) fn main_now(&self) -> Option<Arc<Conn>> {
        self.main.get().and_then(Supervisor::now)
    }

    /// The connection `ctx`'s request goes over: its session's or its user's in those
    /// modes, else the shared one (waited for up to the connect timeout).
    pub(crate) async fn conn_for(&self, ctx: &RequestContext) -> Result<Arc<Conn>, ProtocolError> {
        if let Some(pool) = self.pool.get() {
            match pool.conn(ctx).await {
                Some(conn) => return conn,
                // Over HTTP without a session (the 2026-07-28 wire): sharing would mix clients.
                None if ctx.http_request().is_some() => {
                    return Err(ProtocolError::internal(format!(
                        "upstream {} runs one process per session and this request belongs to none \
                         (use a protocol version with sessions)",
                        self.upstream.name
                    )));
                }
                // stdio and in-process connections have one client: the shared connection is its own.
                None => {}
            }
        }
        match self.main.get() {
            Some(main) => main.conn(self.upstream.connect_timeout).await,
            None => Err(ProtocolError::internal(format!("upstream {} is not started", self.upstream.name))),
        }
    }

    /// Forwards `method` with `params` for the downstream request `ctx`, and returns the
    /// upstream's result (its JSON-RPC error as it sent it).
    pub(crate) async fn forward(
        &self,
        ctx: &RequestContext,
        method: Method,
        mut params: Value,
    ) -> Result<Value, ProtocolError> {
        let conn = self.conn_for(ctx).await?;
        let _busy = conn.activity.begin();
        let route = conn.routes.open(ctx);
        if ctx.progress_token().is_some() {
            with_meta(&mut params, "progressToken", route.token());
        }
        let reason = CancelReason::new();
        let call = conn.client.request_cancellable(method.as_str(), params, self.upstream.call, &reason);
        let mut call = std::pin::pin!(call);
        tokio::select! {
            biased;
            // An ask of the upstream that ended the downstream request decides its answer.
            answer = &mut call => match route.failure() {
                Some(e) => Err(e),
                None => answer.map_err(|e| self.failure(e)),
            },
            why = conn.given_up() => {
                Err(ProtocolError::internal(format!("upstream {} was stopped before answering: {why}", self.upstream.name)))
            }
            () = ctx.cancelled() => {
                // Dropping the call (on return) sends the upstream its cancellation, with this reason.
                reason.set(ctx.cancel_reason().unwrap_or("the client cancelled the request"));
                Err(ProtocolError::internal("request cancelled"))
            }
        }
    }

    /// What a downstream client is told when the upstream did not answer.
    pub(crate) fn failure(&self, error: ClientError) -> ProtocolError {
        let name = &self.upstream.name;
        match error {
            ClientError::Server(e) => e,
            ClientError::Closed => {
                ProtocolError::internal(format!("upstream {name} ended before answering (its process exited)"))
            }
            ClientError::Timeout { after, .. } => {
                ProtocolError::internal(format!("upstream {name} did not answer within {after:?}"))
            }
            other => ProtocolError::internal(format!("upstream {name}: {other}")),
        }
    }
}

//! The hooks and outputs of a running [`Server`]: its middleware chain, error hook,
//! catalogue and initialize hook, its metrics, and the messages it sends outside any request.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::catalogue::Catalogue;
use crate::error_hook::ErrorHook;
use crate::initialize_hook::InitializeHook;
use crate::middleware::Middleware;
use crate::protocol::LogLevel;

use super::Server;

impl Server {
    /// Adds `middleware` at the inner end of the chain around every request (see
    /// [`crate::middleware`]); requests that start after this call pass through it.
    pub fn add_middleware(&self, middleware: impl Middleware) {
        let link: Arc<dyn Middleware> = Arc::new(middleware);
        self.shared.registry.update(|s| {
            let own = s.middleware.len() - s.pinned.len();
            s.middleware = s.middleware[..own].iter().cloned().chain([link]).chain(s.pinned.iter().cloned()).collect();
        });
    }

    /// Adds `link` at the very inner end of the chain, where it stays when the application's
    /// middleware is added to or replaced (a mount's relay of subscriptions and log levels).
    pub(crate) fn pin_middleware(&self, link: Arc<dyn Middleware>) {
        self.shared.registry.update(|s| {
            s.pinned = s.pinned.iter().cloned().chain([link.clone()]).collect();
            s.middleware = s.middleware.iter().cloned().chain([link]).collect();
        });
    }

    /// Takes `link`, pinned by [`Server::pin_middleware`], out of the chain.
    pub(crate) fn unpin_middleware(&self, link: &Arc<dyn Middleware>) {
        let other = |m: &Arc<dyn Middleware>| !std::ptr::addr_eq(Arc::as_ptr(m), Arc::as_ptr(link));
        self.shared.registry.update(|s| {
            s.pinned = s.pinned.iter().filter(|m| other(m)).cloned().collect();
            s.middleware = s.middleware.iter().filter(|m| other(m)).cloned().collect();
        });
    }

    /// Makes `middleware` the whole chain, in one step (no request runs between the old chain
    /// and the new one without either): what a binding that runs its own language's chain
    /// behind one engine middleware calls when that chain changes.
    pub fn set_middleware(&self, middleware: impl Middleware) {
        let link: Arc<dyn Middleware> = Arc::new(middleware);
        self.shared.registry.update(|s| s.middleware = [link].into_iter().chain(s.pinned.iter().cloned()).collect());
    }

    /// The request metrics as JSON (see [`ServerBuilder::metrics`]): `{"series": [{"method",
    /// "name", "outcomes": {"ok": n, "tool_error": n, "error": n, "internal_error": n,
    /// "rate_limited": n, "timeout": n, "cancelled": n}, "inFlight", "count", "sumSeconds",
    /// "buckets": [{"le", "count"}]}]}`; `None` when metrics are off.
    pub fn metrics(&self) -> Option<Value> {
        self.shared.metrics.get().map(|m| m.snapshot())
    }

    /// The request metrics in the Prometheus text format (what `GET /metrics` serves, less
    /// the HTTP session gauge); `None` when metrics are off.
    pub fn metrics_text(&self) -> Option<String> {
        self.shared.metrics.get().map(|m| m.render(None))
    }

    /// Makes `hook` the server's error hook (replacing any): it is told of every unexpected
    /// failure of a request (see [`crate::error_hook`]) that starts after this call.
    pub fn set_error_hook(&self, hook: impl ErrorHook) {
        let hook: Arc<dyn ErrorHook> = Arc::new(hook);
        self.shared.registry.update(|s| s.error_hook = Some(hook));
    }

    /// Removes the error hook (failures are still logged).
    pub fn clear_error_hook(&self) {
        self.shared.registry.update(|s| s.error_hook = None);
    }

    /// Makes `hook` decide which registered items each request may see (replacing any; see
    /// [`crate::catalogue`]), from the requests that start after this call. Tell clients
    /// with `notify_*_changed` when what they may see changes.
    pub fn set_catalogue(&self, hook: impl Catalogue) {
        let hook: Arc<dyn Catalogue> = Arc::new(hook);
        self.shared.registry.update(|s| s.catalogue = Some(hook));
    }

    /// Removes the catalogue hook: every registered item is visible again.
    pub fn clear_catalogue(&self) {
        self.shared.registry.update(|s| s.catalogue = None);
    }

    /// Makes `hook` decide the answer to each client's `initialize` (replacing any; see
    /// [`crate::initialize_hook`]), from the handshakes that start after this call.
    pub fn set_initialize_hook(&self, hook: impl InitializeHook) {
        let hook: Arc<dyn InitializeHook> = Arc::new(hook);
        self.shared.registry.update(|s| s.initialize_hook = Some(hook));
    }

    /// Removes the initialize hook: the engine answers `initialize` itself again.
    pub fn clear_initialize_hook(&self) {
        self.shared.registry.update(|s| s.initialize_hook = None);
    }

    /// Removes every middleware the application added (a mount's relay stays): requests that
    /// start after this call run without them.
    pub fn clear_middleware(&self) {
        self.shared.registry.update(|s| s.middleware = s.pinned.clone());
    }

    /// Sends a log message outside any request: `notifications/message` to every connected
    /// legacy session (stdio's one connection, each HTTP session, ...) whose level
    /// (`logging/setLevel`) lets `level` through. Nothing is sent when logging is off
    /// ([`ServerBuilder::logging`]). On the 2026-07-28 wire a log message belongs to the
    /// request that asked for it ([`crate::RequestContext::log`]).
    pub fn log(&self, level: LogLevel, data: impl Into<Value>, logger: Option<&str>) {
        if !self.shared.logging {
            return;
        }
        let mut params = json!({ "level": level, "data": data.into() });
        if let Some(l) = logger {
            params["logger"] = json!(l);
        }
        self.shared.hub.log(level, &params);
    }

    /// Sends the notification `method` (with `params`) outside any request to one legacy
    /// session of this instance, the one whose id is `session_id` (Streamable HTTP's
    /// `Mcp-Session-Id`): it goes out as the engine's own notifications to that session do
    /// (on HTTP its GET stream, queued while none is open). For the official SDK's
    /// `transport.send(notification)`. False when no live session here has that id (never
    /// opened, ended, served by another instance, or a session-less request's).
    pub fn notify_session(&self, session_id: &str, method: &str, params: Option<&Value>) -> bool {
        let params = params.cloned().unwrap_or_else(|| json!({}));
        self.shared.hub.notify_session(session_id, crate::jsonrpc::encode::notification(method, &params))
    }
}

//! The requests the proxy serves itself and also tells its upstreams ([`Relay`], a
//! middleware): `resources/subscribe` (to the upstream serving the URI, so its updates
//! come), `resources/unsubscribe` (per-session upstreams only: a shared one keeps serving
//! the other subscribers), and `logging/setLevel` (a per-session upstream gets its client's
//! level; a shared one the most verbose level any client asked, the server filtering per
//! session). Every other request passes straight on.

use std::sync::Arc;

use serde_json::Value;

use super::linked::Linked;
use super::upstream::Mode;
use crate::middleware::{Middleware, MiddlewareResult, Next, Request};
use crate::protocol::meta::LogLevel;
use crate::protocol::method::Method;
use crate::sync::{BoxFuture, lock};

/// The middleware relaying subscriptions and log levels to the upstreams.
pub(crate) struct Relay {
    pub(crate) linked: Vec<Arc<Linked>>,
}

impl Middleware for Relay {
    fn handle<'a>(&'a self, req: Request, next: Next) -> BoxFuture<'a, MiddlewareResult> {
        let method = Method::from_wire(req.method());
        if !matches!(method, Some(Method::ResourcesSubscribe | Method::ResourcesUnsubscribe | Method::LoggingSetLevel))
        {
            return next.run(req);
        }
        Box::pin(async move {
            let params = Value::Object(req.params().cloned().unwrap_or_default());
            let ctx = req.context().clone();
            match method {
                Some(m @ (Method::ResourcesSubscribe | Method::ResourcesUnsubscribe)) => {
                    let uri = params.get("uri").and_then(Value::as_str).unwrap_or_default();
                    let unsubscribe = m == Method::ResourcesUnsubscribe;
                    for linked in self.linked.iter().filter(|l| serves(l, uri) && !l.is_detached()) {
                        if unsubscribe && linked.upstream.mode == Mode::Shared {
                            continue;
                        }
                        linked.forward(&ctx, m, linked.naming.inner_uri_params(params.clone())).await?;
                    }
                }
                _ => {
                    let level = params.get("level").and_then(Value::as_str).and_then(LogLevel::parse);
                    for linked in self.linked.iter().filter(|l| !l.is_detached()) {
                        if level.is_some_and(|l| needs_level(linked, l)) {
                            if let Err(e) = linked.forward(&ctx, Method::LoggingSetLevel, params.clone()).await {
                                tracing::debug!(upstream = %linked.upstream.name, "logging/setLevel: {}", e.message);
                            }
                        }
                    }
                }
            }
            next.run(req).await
        })
    }
}

/// Whether `linked` serves the resource `uri` (a listed resource, or a template's prefix).
fn serves(linked: &Linked, uri: &str) -> bool {
    let known = lock(&linked.known);
    known.resources.contains_key(uri)
        || known.templates.keys().any(|t| t.split('{').next().is_some_and(|prefix| uri.starts_with(prefix)))
}

/// Whether `level` is to be sent to `linked`: always per session; for a shared upstream
/// only when more verbose than what it was last told.
fn needs_level(linked: &Linked, level: LogLevel) -> bool {
    if linked.upstream.mode == Mode::PerSession {
        return true;
    }
    let mut told = lock(&linked.level);
    if told.is_some_and(|t| t <= level) {
        return false;
    }
    *told = Some(level);
    true
}

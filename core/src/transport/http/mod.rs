//! Streamable HTTP (axum/hyper): one endpoint serving the 2026-07-28 stateless wire and
//! legacy sessions, the 2024-11-05 HTTP+SSE transport beside it, health routes, opt-in
//! metrics, and the checks every request passes first (`Host`/`Origin` allow-lists, then
//! bearer authorization when configured, body cap).

pub(crate) mod auth;
mod endpoint;
pub(crate) mod event_store;
mod exchange;
pub(crate) mod guard;
pub(crate) mod headers;
mod legacy_sse;
mod listener;
mod metrics;
pub mod options;
mod resume;
mod sessions;
pub(crate) mod sse;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio_util::sync::CancellationToken;

pub use auth::{AuthError, AuthInfo, AuthOptions, TokenVerifier};
pub(crate) use listener::ConnectionSlot;
pub use options::HttpOptions;

use crate::dispatch::connection::{Connection, ConnectionOptions};
use crate::dispatch::observe::Observe;
use crate::dispatch::shared::ServerShared;
use crate::error::{Error, ProtocolError};
use legacy_sse::SseSessions;
use metrics::Metrics;
use sessions::SessionStore;

/// State shared by every HTTP request of one listener.
pub(crate) struct App {
    pub shared: Arc<ServerShared>,
    pub options: HttpOptions,
    pub sessions: SessionStore,
    /// 2024-11-05 HTTP+SSE sessions.
    pub sse: SseSessions,
    /// Request metrics (`HttpOptions::metrics`).
    pub metrics: Option<Arc<Metrics>>,
    /// Tripped when shutdown starts: streams end, listen subscriptions get their final result.
    pub stopping: CancellationToken,
    /// The connection of the stateless 2026 wire: every such request runs on it, bounded by
    /// the server-wide in-flight limit; a client cancels by going away.
    pub stateless: Arc<Connection>,
}

impl App {
    /// The request observer of a new connection (metrics on).
    pub fn observer(&self) -> Option<Arc<dyn Observe>> {
        self.metrics.as_ref().map(|m| Arc::new(metrics::Observer(m.clone())) as Arc<dyn Observe>)
    }
}

/// A bound HTTP listener, ready to serve (see [`crate::Server::bind_http`]).
pub struct HttpServer {
    listener: tokio::net::TcpListener,
    app: Arc<App>,
}

impl std::fmt::Debug for HttpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpServer").field("addr", &self.listener.local_addr().ok()).finish_non_exhaustive()
    }
}

/// Refuses requests whose `Host` or `Origin` is not allowed (403) before anything else.
async fn check_origin(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if let Err(refusal) = guard::check(&app.options, request.headers()) {
        tracing::warn!(?refusal, "request refused (DNS-rebinding protection)");
        let e = ProtocolError::invalid_request("Forbidden: Host or Origin not allowed");
        return exchange::error(StatusCode::FORBIDDEN, None, &e);
    }
    next.run(request).await
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(app): State<Arc<App>>) -> Response {
    if app.stopping.is_cancelled() {
        (StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response()
    } else {
        "ready".into_response()
    }
}

impl HttpServer {
    /// Binds the listener described by `options`.
    pub(crate) async fn bind(shared: Arc<ServerShared>, options: HttpOptions) -> Result<HttpServer, Error> {
        let listener = tokio::net::TcpListener::bind(options.bind).await?;
        let metrics = options.metrics.then(|| Arc::new(Metrics::default()));
        let stateless = Connection::new(
            shared.clone(),
            crate::dispatch::Outbox::discard(),
            ConnectionOptions {
                max_in_flight: shared.limits.max_in_flight,
                own_ids: false,
                auth: None,
                observer: metrics.as_ref().map(|m| Arc::new(metrics::Observer(m.clone())) as Arc<dyn Observe>),
            },
        );
        let app = Arc::new(App {
            shared,
            sessions: SessionStore::new(options.max_sessions, options.session_idle_timeout),
            sse: SseSessions::new(options.max_sessions),
            metrics,
            options,
            stopping: CancellationToken::new(),
            stateless,
        });
        Ok(HttpServer { listener, app })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until [`crate::Server::shutdown`]: then stops accepting, ends streams, and
    /// lets requests in flight finish.
    pub async fn run(self) -> Result<(), Error> {
        let app = self.app;
        let path = app.options.path.clone();
        // The MCP routes, behind bearer authorization when it is configured.
        let mut router = Router::new().route(&path, get(endpoint::get).post(endpoint::post).delete(endpoint::delete));
        if app.options.legacy_sse {
            if path == legacy_sse::SSE_PATH || path == legacy_sse::MESSAGES_PATH {
                tracing::warn!(%path, "the MCP path hides the 2024-11-05 HTTP+SSE routes: not served");
            } else {
                router = router
                    .route(legacy_sse::SSE_PATH, get(legacy_sse::open))
                    .route(legacy_sse::MESSAGES_PATH, post(legacy_sse::message));
            }
        }
        if app.options.auth.is_some() {
            router = router.route_layer(middleware::from_fn_with_state(app.clone(), auth::require));
        }
        // Public routes.
        router = router.route("/healthz", get(healthz)).route("/readyz", get(readyz));
        if app.options.metrics && path != "/metrics" {
            router = router.route("/metrics", get(metrics::serve));
        }
        if let Some(a) = &app.options.auth {
            for p in auth::metadata_paths(a, &path).iter().filter(|p| **p != path) {
                router = router.route(p, get(auth::metadata));
            }
        }
        let router = router
            .layer(DefaultBodyLimit::max(app.options.max_body))
            .layer(middleware::from_fn_with_state(app.clone(), check_origin))
            .with_state(app.clone());
        let sweeper = {
            let app = app.clone();
            let every = (app.options.session_idle_timeout / 4).max(Duration::from_secs(1));
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                loop {
                    tick.tick().await;
                    app.sessions.expire();
                }
            })
        };
        let shutdown = app.shared.shutdown.clone();
        // A signal is for the whole process: it shuts the server down (every transport).
        let signals =
            if app.options.handle_signals { Some(super::signals::stop_on_signal(shutdown.clone())?) } else { None };
        let stopper = {
            let (app, shutdown) = (app.clone(), shutdown.clone());
            tokio::spawn(async move {
                shutdown.cancelled().await;
                app.stopping.cancel();
                // Running requests get the grace period, then are cancelled and answered.
                tokio::join!(app.stateless.shutdown(), app.sessions.shutdown());
            })
        };
        let limits = listener::ConnectionLimits {
            max_connections: app.options.max_connections,
            header_timeout: app.options.header_timeout,
            idle_timeout: app.options.idle_timeout,
            body_timeout: app.options.body_timeout,
        };
        listener::serve(self.listener, router, limits, shutdown).await;
        let _ = stopper.await;
        sweeper.abort();
        if let Some(s) = signals {
            s.abort();
        }
        Ok(())
    }
}

//! Streamable HTTP (axum/hyper): one endpoint serving the 2026-07-28 stateless wire and
//! legacy sessions, health routes, and the safety checks every request passes first
//! (`Host`/`Origin` allow-lists, body cap).

mod endpoint;
pub(crate) mod event_store;
mod exchange;
mod guard;
pub(crate) mod headers;
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
use axum::routing::get;
use tokio_util::sync::CancellationToken;

pub use options::HttpOptions;

use crate::error::{Error, ProtocolError};
use crate::server::ServerShared;
use sessions::SessionStore;

/// State shared by every HTTP request of one listener.
pub(crate) struct App {
    pub shared: Arc<ServerShared>,
    pub options: HttpOptions,
    pub sessions: SessionStore,
    /// Tripped when shutdown starts: streams end, listen subscriptions get their final result.
    pub stopping: CancellationToken,
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
        let per_session = shared.limits.max_in_flight_per_connection;
        let app = Arc::new(App {
            shared,
            sessions: SessionStore::new(options.max_sessions, options.session_idle_timeout, per_session),
            options,
            stopping: CancellationToken::new(),
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
        let router = Router::new()
            .route(&path, get(endpoint::get).post(endpoint::post).delete(endpoint::delete))
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
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
        let stop_app = app.clone();
        let result = axum::serve(self.listener, router)
            .with_graceful_shutdown(async move {
                shutdown.cancelled().await;
                stop_app.stopping.cancel();
                stop_app.sessions.clear();
            })
            .await;
        sweeper.abort();
        result.map_err(Error::Io)
    }
}

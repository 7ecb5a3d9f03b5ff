//! Streamable HTTP (axum/hyper): one endpoint serving the 2026-07-28 stateless wire and
//! legacy sessions (and WebSocket upgrades of it), the 2024-11-05 HTTP+SSE transport beside
//! it, health routes, opt-in metrics, and the checks every request passes first
//! (`Host`/`Origin` allow-lists, then bearer authorization when configured, body cap), and
//! the server card (SEP-2127), over TLS when configured (`tls`). [`HttpApp`] is that application without a listener, for
//! mounting; [`HttpServer`] serves it on the engine's own listener. This module declares
//! the parts, re-exports the public ones and holds [`HttpServer`]; the parts import each
//! other, never this module.

mod app;
pub(crate) mod auth;
mod budget;
mod card;
mod client;
mod disconnect;
mod endpoint;
pub(crate) mod event_store;
mod exchange;
pub(crate) mod guard;
pub(crate) mod headers;
mod hosted;
mod legacy_sse;
mod listener;
pub(crate) mod metrics;
#[cfg(feature = "oauth")]
mod oauth;
pub mod options;
mod refusals;
mod repoll;
mod request_body;
mod resume;
mod sessions;
pub(crate) mod sse;
pub(crate) mod sse_channel;
mod sse_sessions;
mod state;
mod tls;
mod ws;

use std::net::SocketAddr;
use std::sync::Arc;

pub use app::HttpApp;
pub use auth::{AuthError, AuthInfo, AuthOptions, TokenVerifier};
pub use budget::SessionBudget;
pub use card::options::ServerCardOptions;
pub use hosted::{Bytes, HostRequest, HostRequestError, HostResponse, HostedOptions};
pub use listener::{HttpDriver, HttpIo, OpenSocket};
pub use options::{CancelOnDisconnect, HttpOptions};
pub use tls::TlsOptions;

use crate::dispatch::shared::ServerShared;
use crate::error::Error;

/// A bound HTTP listener, ready to serve (see [`crate::Server::bind_http`]).
pub struct HttpServer {
    listener: tokio::net::TcpListener,
    app: HttpApp,
    tls: Option<tls::Acceptor>,
    /// Applications of other servers served beside this one's, each under its prefix.
    nested: Vec<(String, HttpApp)>,
}

impl std::fmt::Debug for HttpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpServer").field("addr", &self.listener.local_addr().ok()).finish_non_exhaustive()
    }
}

impl HttpServer {
    /// Binds the listener described by `options`.
    pub(crate) async fn bind(shared: Arc<ServerShared>, mut options: HttpOptions) -> Result<HttpServer, Error> {
        if options.tls.is_none() {
            options.tls = TlsOptions::from_env();
        }
        // The certificate is read before the port is taken: a bad file fails here, at once.
        let tls = options.tls.as_ref().map(tls::Acceptor::new).transpose()?;
        let listener = tokio::net::TcpListener::bind(options.bind).await?;
        let app = HttpApp::new(shared, options);
        app.bound_to(listener.local_addr()?);
        Ok(HttpServer { listener, app, tls, nested: Vec::new() })
    }

    /// Serves `app`, the application of another server (its options' connection limits and
    /// bind address unused: this listener's apply), beside this one's under `prefix`
    /// (`/servers/notes`: its MCP path `/mcp` answers at `/servers/notes/mcp`, its health
    /// routes under the prefix too). When this server stops, the nested applications are
    /// shut down and drained with it. `prefix` starts with `/` and is not `/` alone.
    #[must_use]
    pub fn nest(mut self, prefix: impl Into<String>, app: HttpApp) -> HttpServer {
        self.nested.push((prefix.into(), app));
        self
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until [`crate::Server::shutdown`]: then stops accepting, ends streams, and
    /// lets requests in flight finish.
    pub async fn run(self) -> Result<(), Error> {
        self.run_driven(None).await
    }

    /// [`HttpServer::run`], each connection driven by the binding when `driver` is given
    /// (see [`HttpDriver`]). With WebSocket on (`HttpOptions::websocket`) connections stay
    /// on the runtime: an upgraded connection's socket is served by tasks of the runtime.
    pub async fn run_driven(self, driver: Option<HttpDriver>) -> Result<(), Error> {
        let HttpServer { listener, app, tls, nested } = self;
        let options = app.options();
        let shutdown = app.shutdown_token();
        // A signal is for the whole process: it shuts the server down (every transport).
        let signals =
            if options.handle_signals { Some(super::signals::stop_on_signal(shutdown.clone())?) } else { None };
        let limits = listener::ConnectionLimits {
            max_connections: options.max_connections,
            header_timeout: options.header_timeout,
            idle_timeout: options.idle_timeout,
            body_timeout: options.body_timeout,
        };
        let driver = driver.filter(|_| !options.websocket);
        let router = nested.iter().fold(app.router(), |router, (prefix, other)| router.nest(prefix, other.router()));
        listener::serve(listener, router, limits, shutdown, driver, tls).await;
        app.drained().await;
        for (_, other) in &nested {
            other.shutdown();
            other.drained().await;
        }
        if let Some(s) = signals {
            s.abort();
        }
        crate::telemetry::flush();
        Ok(())
    }
}

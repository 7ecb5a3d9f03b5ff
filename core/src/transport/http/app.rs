//! The MCP HTTP application without a listener ([`HttpApp`]): the routes (Streamable HTTP
//! for both eras, the 2024-11-05 HTTP+SSE endpoints, health, metrics, OAuth metadata and
//! the OAuth proxy's endpoints when configured, the server card), the
//! checks every request passes (`Host`/`Origin`, bearer tokens, body cap) and the tasks that
//! keep it (session expiry, graceful shutdown). The engine's own listener serves it; an
//! application mounts it in the web server it already runs (an axum or any tower-based
//! router in Rust) or, in a binding, hands it each request its framework received.

use std::future::{Future, Ready, ready};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::future::Either;
use tokio_util::sync::CancellationToken;
use tower_service::Service as _;

use super::options::HttpOptions;
use super::refusals::{Refusal, refuse};
use super::sessions::SessionStore;
use super::sse_sessions::SseSessions;
use super::state::App;
use super::{auth, card, endpoint, guard, legacy_sse, metrics};
use crate::dispatch::connection::{Connection, ConnectionOptions};
use crate::dispatch::linking;
use crate::dispatch::shared::ServerShared;
use crate::store::SharedStore;

/// The MCP endpoint as an HTTP application (see [`crate::Server::http_app`]).
///
/// [`HttpApp::router`] gives an [`axum::Router`] to merge into an application's own router
/// or to serve with any hyper-based server; [`HttpApp::handle`] answers one request, for
/// code that receives requests from elsewhere (a binding's host framework). Every request
/// gets exactly what the engine's listener gives it: both protocol eras, SSE streaming and
/// `Last-Event-ID` resumption, sessions, the `Host`/`Origin` allow-lists, bearer tokens
/// when configured and the body cap. A client that goes away (its response body dropped)
/// cancels what it asked for. Limits on connections (count, header and idle timeouts)
/// belong to whoever accepts the connections, so they do not apply here; nor does
/// WebSocket, unless the server hands axum its upgraded connections (a hyper server does).
///
/// [`crate::Server::shutdown`] stops it gracefully: streams end, running requests get the
/// grace period, then are cancelled and answered. Cloning is cheap: clones share the
/// sessions and the engine.
#[derive(Clone)]
pub struct HttpApp {
    app: Arc<App>,
    router: Router,
    /// Tripped once shutdown has let running requests finish or cancelled them.
    drained: CancellationToken,
}

impl std::fmt::Debug for HttpApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpApp").field("path", &self.app.options.path).finish_non_exhaustive()
    }
}

impl HttpApp {
    /// Builds the application and starts its session sweeper and shutdown task on the
    /// current tokio runtime (panics outside one, like `tokio::spawn`). The tasks end when
    /// the server shuts down or the last clone of the application is dropped.
    pub(crate) fn new(shared: Arc<ServerShared>, options: HttpOptions) -> HttpApp {
        if options.metrics {
            shared.enable_metrics();
        }
        if options.auth.is_none() {
            warn_unchecked_scopes(&shared);
        }
        let stateless = Connection::new(
            shared.clone(),
            crate::dispatch::Outbox::discard(),
            ConnectionOptions {
                max_in_flight: shared.limits.max_in_flight,
                own_ids: false,
                ..ConnectionOptions::for_client(&shared)
            },
        );
        let gone = CancellationToken::new();
        let (store, store_error) = match options.shared_store.clone() {
            Some(s) => (Some(s), None),
            None => store_from_env(),
        };
        let proxy_routes = options.auth.as_ref().and_then(|a| a.verifier.authorization_routes(store.as_ref()));
        let link = store
            .map(|s| shared.store.get_or_init(|| linking::start(&shared, s, options.session_idle_timeout)).clone());
        let app = Arc::new(App {
            _gone: gone.clone().drop_guard(),
            sessions: SessionStore::new(
                options.max_sessions,
                options.sessions_per_client(),
                options.session_idle_timeout,
                link,
                options.session_budget.clone(),
            ),
            shared,
            store_error,
            sse: SseSessions::new(options.max_sessions),
            options,
            stopping: CancellationToken::new(),
            closing: CancellationToken::new(),
            stateless,
            local_addr: std::sync::OnceLock::new(),
        });
        let drained = CancellationToken::new();
        spawn_sweeper(Arc::downgrade(&app), gone.clone());
        let stop = StopOn { shutdown: app.shared.shutdown.clone(), closing: app.closing.clone(), gone };
        spawn_stopper(Arc::downgrade(&app), stop, drained.clone());
        HttpApp { router: routes(&app, proxy_routes), app, drained }
    }

    /// The routes as an [`axum::Router`], to serve or to merge into another router (the MCP
    /// path, `/sse` and `/messages` when enabled, `/healthz` and `/readyz` (also as `/health`
    /// and `/ready`), `/metrics` when enabled, OAuth metadata when tokens are configured). Served with
    /// `into_make_service_with_connect_info::<SocketAddr>()`, each request carries its
    /// client's address (`ConnectInfo`), by which the per-client bounds count a client without
    /// a verified token (its legacy sessions, the rate limit of its requests without a
    /// session); without it those clients count as one. [`HttpApp::handle`] reads the same
    /// extension, and [`HttpApp::handle_hosted`] sets it from `HostRequest::remote`.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// Answers one request. The response body streams (SSE) until the exchange ends; drop
    /// it to cancel. The request's body may stream in too: it is read up to `max_body`.
    pub async fn handle(&self, request: axum::http::Request<Body>) -> Response {
        // A router is always ready: no `poll_ready` needed before calling it.
        match self.router.clone().call(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    /// The options the application was built with.
    #[must_use]
    pub fn options(&self) -> &HttpOptions {
        &self.app.options
    }

    /// Records the address the engine's listener bound (the server card's remote when no
    /// public URL is configured).
    pub(super) fn bound_to(&self, addr: std::net::SocketAddr) {
        let _ = self.app.local_addr.set(addr);
    }

    /// The server's shutdown token.
    pub(super) fn shutdown_token(&self) -> CancellationToken {
        self.app.shared.shutdown.clone()
    }

    /// Shuts the server down gracefully, like [`crate::Server::shutdown`] (every transport
    /// of the server stops, not only this application): wait for [`HttpApp::drained`].
    pub fn shutdown(&self) {
        self.app.shared.shutdown.cancel();
    }

    /// Stops this application only, as shutdown would (its sessions and streams end, its
    /// running requests get the grace period, then are cancelled and answered; later
    /// requests are answered 503); the server and its other transports go on. Wait for
    /// [`HttpApp::drained`].
    pub fn close(&self) {
        self.app.closing.cancel();
    }

    /// Ends the connection of one SSE stream of the session `session_id` (the official SDK's
    /// `closeSSEStream` / `closeStandaloneSSEStream`): the stream of the request `request`
    /// (a POST answered as a stream), or with `None` the session's GET stream. The request
    /// runs on and the stream's events are kept, so the client reconnects with
    /// `Last-Event-ID` and resumes: polling (SEP-1699; its priming event told it how long to
    /// wait). False when this application has no such live session or stream connection.
    pub fn close_sse_stream(&self, session_id: &str, request: Option<&crate::jsonrpc::RequestId>) -> bool {
        self.app.sessions.live(session_id).is_some_and(|s| s.streams.close_connection(request))
    }

    /// Resolves once the live session `session_id` of this application has ended, whichever
    /// way: a `DELETE`, its idle timeout, a session bound making room (this application's or
    /// a shared [`SessionBudget`](super::SessionBudget)'s), [`HttpApp::close`], shutdown, or
    /// the application dropped. `None` when this application has no such live session. A
    /// host whose API has a per-session object (the official SDKs' transports) closes it then.
    pub fn session_ended(&self, session_id: &str) -> Option<impl Future<Output = ()> + Send + 'static> {
        self.app.sessions.live(session_id).map(|s| s.ended.clone().cancelled_owned())
    }

    /// Resolves once the server has shut down (or this application was closed) and every
    /// running request of this application has finished or been cancelled and answered.
    pub async fn drained(&self) {
        self.drained.cancelled().await;
    }
}

/// Refuses requests whose `Host` or `Origin` is not allowed (403) before anything else.
/// Not an `async fn`: its future would hold the request beside the rest of the chain's,
/// which holds it too, and the allocation every request makes of the two would outgrow
/// the allocator's cache of small blocks.
fn check_origin(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Either<Ready<Response>, impl Future<Output = Response>> {
    if let Err(refusal) = guard::check(&app.options, request.headers()) {
        tracing::warn!(?refusal, "request refused (DNS-rebinding protection)");
        return Either::Left(ready(refuse(&app, None, Refusal::Forbidden(&refusal))));
    }
    Either::Right(next.run(request))
}

/// Says once, when an application without bearer authorization is built, which registered
/// tools require scopes: no request carries a grant, so they are served to every client.
fn warn_unchecked_scopes(shared: &ServerShared) {
    let snap = shared.registry.snapshot();
    let scoped: Vec<&str> =
        snap.tools.iter().filter(|t| !t.def.required_scopes.is_empty()).map(|t| t.def.name.as_str()).collect();
    if !scoped.is_empty() {
        tracing::warn!(
            tools = %scoped.join(", "),
            "HTTP is served without `auth`: the required scopes of these tools are not checked"
        );
    }
}

/// Bearer authorization of the MCP routes, with the application's options (see
/// [`auth::require`]).
async fn authorize(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    auth::require(app.options.auth.as_ref(), request, next).await
}

/// The protected-resource metadata, from the application's options (see [`auth::metadata`]).
async fn auth_metadata(State(app): State<Arc<App>>) -> Response {
    auth::metadata(app.options.auth.as_ref())
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready unless stopping, or the shared store is misconfigured or does not answer.
async fn readyz(State(app): State<Arc<App>>) -> Response {
    if app.stopping.is_cancelled() {
        (StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response()
    } else if let Some(e) = &app.store_error {
        (StatusCode::SERVICE_UNAVAILABLE, format!("shared store: {e}")).into_response()
    } else if app.sessions.link().is_some_and(|l| !l.reachable()) {
        (StatusCode::SERVICE_UNAVAILABLE, "shared store unreachable").into_response()
    } else {
        "ready".into_response()
    }
}

/// The store `MCPFORGE_SHARED_STORE` names, if any; or why it cannot be used (logged).
fn store_from_env() -> (Option<SharedStore>, Option<String>) {
    let Ok(url) = std::env::var("MCPFORGE_SHARED_STORE") else { return (None, None) };
    if url.trim().is_empty() {
        return (None, None);
    }
    match SharedStore::from_url(&url) {
        Ok(s) => (Some(s), None),
        Err(e) => {
            tracing::error!(error = %e, "MCPFORGE_SHARED_STORE cannot be used: not ready");
            (None, Some(e.to_string()))
        }
    }
}

/// Every route of the application (with the OAuth proxy's, `proxy`), behind its checks.
fn routes(app: &Arc<App>, proxy: Option<Router>) -> Router {
    let path = app.options.path.clone();
    // The MCP routes, behind bearer authorization when it is configured.
    let endpoint = get(endpoint::get).post(endpoint::post).delete(endpoint::delete).fallback(endpoint::other);
    let mut router = Router::new().route(&path, endpoint);
    if app.options.legacy_sse {
        let (sse, messages) = (&app.options.sse_path, &app.options.messages_path);
        if [sse, messages].contains(&&path) || sse == messages {
            tracing::warn!(%path, %sse, %messages, "the MCP, SSE and messages paths overlap: HTTP+SSE not served");
        } else {
            router = router.route(sse, get(legacy_sse::open)).route(messages, post(legacy_sse::message));
        }
    }
    // The metrics name every tool a client called: behind the same token check.
    if app.options.metrics && path != "/metrics" {
        router = router.route("/metrics", get(metrics::serve));
    }
    if app.options.auth.is_some() {
        router = router.route_layer(middleware::from_fn_with_state(app.clone(), authorize));
    }
    // Public routes: the probes, also under the shorter names many deployment manifests use
    // (`/health`, `/ready`), unless the MCP path took one of them.
    router = router.route("/healthz", get(healthz)).route("/readyz", get(readyz));
    for (alias, ready) in [("/health", false), ("/ready", true)] {
        if alias != path {
            router = if ready { router.route(alias, get(readyz)) } else { router.route(alias, get(healthz)) };
        }
    }
    if let Some(a) = &app.options.auth {
        for p in auth::metadata_paths(a, &path).iter().filter(|p| **p != path) {
            router = router.route(p, get(auth_metadata));
        }
    }
    let mut router = router.with_state(app.clone());
    if let Some(proxy) = proxy {
        router = router.merge(proxy);
    }
    let router = router
        .layer(DefaultBodyLimit::max(app.options.max_body))
        .layer(middleware::from_fn_with_state(app.clone(), check_origin));
    if app.options.server_card.enabled { router.merge(card_routes(app)) } else { router }
}

/// The server card's routes (see [`card`]): public, read by web pages of any origin, so
/// behind the `Host` check only.
fn card_routes(app: &Arc<App>) -> Router {
    let o = &app.options;
    let taken = [o.path.as_str(), o.sse_path.as_str(), o.messages_path.as_str(), "/metrics"];
    let card = card::Card::new(app);
    let mut router = Router::new();
    // Route syntax characters in the MCP path would be read as parameters: not served there.
    for p in card::paths(&o.path).iter().filter(|p| !taken.contains(&p.as_str()) && !p.contains(['{', '}', '*'])) {
        router = router.route(p, get(card::get).options(card::preflight));
    }
    router.with_state(card).layer(middleware::from_fn_with_state(app.clone(), check_host))
}

/// Refuses requests whose `Host` is not allowed (403), for the public routes any origin
/// may read.
fn check_host(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Either<Ready<Response>, impl Future<Output = Response>> {
    if let Err(refusal) = guard::check_host(&app.options, request.headers()) {
        tracing::warn!(?refusal, "request refused (DNS-rebinding protection)");
        return Either::Left(ready(refuse(&app, None, Refusal::Forbidden(&refusal))));
    }
    Either::Right(next.run(request))
}

/// Ends idle legacy sessions, until the application is gone (`gone` trips).
fn spawn_sweeper(app: Weak<App>, gone: CancellationToken) {
    let Some(every) = app.upgrade().map(|a| (a.options.session_idle_timeout / 4).max(Duration::from_secs(1))) else {
        return;
    };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = gone.cancelled() => return,
            }
            let Some(app) = app.upgrade() else { return };
            if app.stopping.is_cancelled() {
                return;
            }
            app.sessions.expire();
        }
    });
}

/// What stops an application: the server's shutdown, [`HttpApp::close`], or the
/// application being dropped (`gone`: nothing is left to stop then).
struct StopOn {
    shutdown: CancellationToken,
    closing: CancellationToken,
    gone: CancellationToken,
}

/// On shutdown or close: streams end, then running requests get the grace period and are
/// cancelled and answered; `drained` trips when that is done (at once when the application
/// is gone).
fn spawn_stopper(app: Weak<App>, stop: StopOn, drained: CancellationToken) {
    tokio::spawn(async move {
        tokio::select! {
            () = stop.shutdown.cancelled() => {}
            () = stop.closing.cancelled() => {}
            () = stop.gone.cancelled() => {}
        }
        if let Some(app) = app.upgrade() {
            app.stopping.cancel();
            tokio::join!(app.stateless.shutdown(), app.sessions.shutdown());
        }
        drained.cancel();
    });
}

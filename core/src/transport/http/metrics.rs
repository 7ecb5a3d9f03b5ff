//! `GET /metrics`: the server's request metrics as Prometheus text, with this application's
//! live sessions; and the same route alone on a side port for a server that serves stdio.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::get;
use tokio_util::sync::CancellationToken;

use super::state::App;
use crate::dispatch::shared::ServerShared;

/// The Prometheus text response.
fn text_response(text: String) -> Response {
    let mut r = Response::new(Body::from(text));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    r
}

/// `GET /metrics` (only routed when [`crate::HttpOptions::metrics`] is on).
pub(crate) async fn serve(State(app): State<Arc<App>>) -> Response {
    let text = match app.shared.metrics.get() {
        Some(m) => m.render(Some(app.sessions.len() + app.sse.len())),
        None => String::new(),
    };
    text_response(text)
}

/// Serves `GET /metrics` alone on `listener` until `stop` trips (a stdio server's side
/// port; every other path is 404).
pub(crate) async fn serve_side_port(
    shared: Arc<ServerShared>,
    listener: tokio::net::TcpListener,
    stop: CancellationToken,
) {
    let metrics = shared.enable_metrics();
    let router = Router::new().route(
        "/metrics",
        get(move || {
            let metrics = metrics.clone();
            async move { text_response(metrics.render(None)) }
        }),
    );
    let served = axum::serve(listener, router).with_graceful_shutdown(async move { stop.cancelled().await });
    if let Err(e) = served.await {
        tracing::warn!(error = %e, "the metrics side port stopped");
    }
}

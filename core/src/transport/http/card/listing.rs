//! What an anonymous client may see, for the card's catalogue: `server/discover`,
//! `tools/list`, `resources/list` and `prompts/list` sent on the 2026-07-28 wire through the
//! MCP endpoint's own route, bearer check included, without credentials, so the catalogue
//! hook, required scopes and visibility decide as they would for such a client; every page,
//! up to a bound.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};
use tower_service::Service as _;

use super::super::auth;
use super::super::endpoint;
use super::super::state::App;
use crate::protocol::ProtocolVersion;
use crate::transport::memory::MemoryClient;

/// At most this many pages of one list are read; a longer list is cut there (logged).
pub(crate) const MAX_PAGES: usize = 100;

/// Sends requests to the MCP endpoint as a client without credentials would.
pub(crate) struct Lister {
    /// The MCP route alone, behind the bearer check when it is configured.
    router: Router,
    path: String,
    /// Largest response read, in bytes (the card's own bound).
    max_bytes: usize,
}

impl Lister {
    /// The lister of `app`'s endpoint.
    pub(crate) fn new(app: &Arc<App>) -> Lister {
        let path = app.options.path.clone();
        let mut router = Router::new().route(&path, post(endpoint::post));
        if app.options.auth.is_some() {
            router = router.route_layer(middleware::from_fn_with_state(app.clone(), bearer));
        }
        Lister { router: router.with_state(app.clone()), path, max_bytes: app.options.server_card.max_bytes }
    }

    /// The capabilities `server/discover` gives an anonymous client (`None` when refused).
    pub(crate) async fn capabilities(&self) -> Option<Value> {
        self.send("server/discover", json!({})).await.and_then(|r| r.get("capabilities").cloned())
    }

    /// Every item of `method`'s list (`field` names the array), page after page: `None`
    /// when the first page is refused (the method is not served, or the client must
    /// authenticate); a list cut at [`MAX_PAGES`] or at a failed page keeps what it read.
    pub(crate) async fn list(&self, method: &str, field: &str) -> Option<Vec<Value>> {
        let mut items = Vec::new();
        let mut cursor: Option<Value> = None;
        for page in 0..MAX_PAGES {
            let params = cursor.take().map_or_else(|| json!({}), |c| json!({ "cursor": c }));
            let Some(result) = self.send(method, params).await else {
                return (page > 0).then_some(items);
            };
            items.extend(result.get(field).and_then(Value::as_array).into_iter().flatten().cloned());
            match result.get("nextCursor").filter(|c| !c.is_null()) {
                Some(c) => cursor = Some(c.clone()),
                None => return Some(items),
            }
        }
        tracing::warn!(method, pages = MAX_PAGES, "server card: the list is longer than the pages read; cut");
        Some(items)
    }

    /// One request's result, or `None` when it is refused or fails.
    async fn send(&self, method: &str, mut params: Value) -> Option<Value> {
        params["_meta"] = MemoryClient::modern_meta(json!({}));
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let request = Request::post(&self.path)
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json, text/event-stream")
            .header("MCP-Protocol-Version", ProtocolVersion::STATELESS.as_str())
            .header("Mcp-Method", method)
            .body(Body::from(serde_json::to_vec(&body).ok()?))
            .ok()?;
        let response = match self.router.clone().call(request).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        if response.status() != StatusCode::OK {
            return None;
        }
        let bytes = axum::body::to_bytes(response.into_body(), self.max_bytes).await.ok()?;
        let message = last_message(&bytes)?;
        message.get("result").cloned()
    }
}

/// The bearer check of the MCP route (the request carries no token: refused when it is on).
async fn bearer(State(app): State<Arc<App>>, request: axum::extract::Request, next: Next) -> Response {
    auth::require(app.options.auth.as_ref(), request, next).await
}

/// The JSON-RPC message of a response body: JSON, or the last `data:` of an SSE stream.
fn last_message(bytes: &[u8]) -> Option<Value> {
    if let Ok(v) = serde_json::from_slice(bytes) {
        return Some(v);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    text.lines().rev().filter_map(|l| l.strip_prefix("data:")).find_map(|d| serde_json::from_str(d.trim()).ok())
}

//! The server card (SEP-2127): built from what the engine holds (see [`document`], and
//! [`listing`] for the catalogue), kept built until the registry changes or it ages, and
//! served read-only to anyone: `GET` with CORS, `ETag`/`If-None-Match` and `Cache-Control`,
//! the `OPTIONS` preflight, and the MCP resource `mcp://server-card.json` when asked for.

pub(crate) mod document;
mod listing;
pub mod options;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    ACCEPT, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::state::App;
use crate::context::RequestContext;
use crate::error::{HandlerError, ProtocolError};
use crate::handler::{BoxFuture, ResourceHandler, ResourceOutput};
use crate::protocol::Resource;
use crate::registry::{ResourceEntry, Snapshot};
use crate::sync::lock;
use document::Facts;
use listing::Lister;

/// The card's media type, sent when the request's `Accept` names it.
pub(crate) const MEDIA_TYPE: &str = "application/mcp-server-card+json";

/// The URI of the card as an MCP resource.
pub(crate) const RESOURCE_URI: &str = "mcp://server-card.json";

/// The paths the card is served at for an MCP endpoint at `path`: `<path>/server-card`
/// (the SEP's recommended location) and the two `.well-known` names earlier texts used.
pub(crate) fn paths(path: &str) -> [String; 3] {
    [
        format!("{}/server-card", path.trim_end_matches('/')),
        "/.well-known/mcp/server-card".to_owned(),
        "/.well-known/mcp/server-card.json".to_owned(),
    ]
}

/// One card as built: its body, the `ETag` of the body, and what it was built from.
struct Built {
    body: bytes::Bytes,
    etag: HeaderValue,
    /// The registry as it was when the card was built: another one means a change.
    snapshot: Arc<Snapshot>,
    at: Instant,
}

/// The card of one application, built on demand and kept.
pub(crate) struct Card {
    app: Arc<App>,
    lister: Option<Lister>,
    built: Mutex<Option<Arc<Built>>>,
    /// Held while building, so concurrent requests wait for one build instead of each
    /// running the list methods.
    building: tokio::sync::Mutex<()>,
}

impl Card {
    /// The card of `app`; with the `resource` option, registers `mcp://server-card.json`
    /// (refused, and logged, when the application registered that URI itself).
    pub(crate) fn new(app: &Arc<App>) -> Arc<Card> {
        let options = &app.options.server_card;
        let lister = options.catalogue.then(|| Lister::new(app));
        let card =
            Arc::new(Card { app: app.clone(), lister, built: Mutex::new(None), building: tokio::sync::Mutex::new(()) });
        if options.resource {
            card.register_resource();
        }
        card
    }

    /// Adds `mcp://server-card.json` to the registry, read from this card.
    fn register_resource(self: &Arc<Self>) {
        let def = Resource::new(RESOURCE_URI, "server-card")
            .title("Server card")
            .description("This server's card (SEP-2127)")
            .mime_type("application/json");
        let handler = Arc::new(CardResource(Arc::downgrade(self)));
        let inserted = match ResourceEntry::new(def, handler) {
            Ok(entry) => self.app.shared.registry.update(|s| s.resources.insert(entry)),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = inserted {
            tracing::warn!(error = %e, "server card: the resource {RESOURCE_URI} is not served (the URI is taken)");
        }
    }

    /// The card as it stands: the one built, while the registry is unchanged and it is
    /// younger than the `refresh` period, else a new one (built once for every waiting request).
    async fn current(&self) -> Arc<Built> {
        if let Some(b) = self.fresh() {
            return b;
        }
        let _building = self.building.lock().await;
        if let Some(b) = self.fresh() {
            return b;
        }
        let snapshot = self.app.shared.registry.snapshot();
        let body = bytes::Bytes::from(self.build().await);
        let digest = Sha256::digest(&body);
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let etag = HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
        let built = Arc::new(Built { body, etag, snapshot, at: Instant::now() });
        *lock(&self.built) = Some(built.clone());
        built
    }

    /// The card built, if it is still current.
    fn fresh(&self) -> Option<Arc<Built>> {
        let now = self.app.shared.registry.snapshot();
        let refresh = self.app.options.server_card.refresh;
        lock(&self.built).as_ref().filter(|b| Arc::ptr_eq(&b.snapshot, &now) && b.at.elapsed() < refresh).cloned()
    }

    /// Builds the card's body.
    async fn build(&self) -> Vec<u8> {
        let (shared, options) = (&self.app.shared, &self.app.options);
        let facts = Facts {
            info: &shared.info,
            versions: &shared.versions,
            options,
            bound: self.app.local_addr.get().copied(),
        };
        let mut card = facts.card();
        if let Some(lister) = &self.lister {
            if let Some(caps) = lister.capabilities().await {
                card.insert("capabilities".into(), caps);
            }
            let mut lists = Map::new();
            for (method, field) in
                [("tools/list", "tools"), ("resources/list", "resources"), ("prompts/list", "prompts")]
            {
                if let Some(items) = lister.list(method, field).await.filter(|i| !i.is_empty()) {
                    lists.insert(field.into(), Value::Array(items));
                }
            }
            let base = serde_json::to_vec(&card).unwrap_or_default();
            let mut with_lists = card.clone();
            with_lists.extend(lists);
            let full = serde_json::to_vec(&with_lists).unwrap_or_default();
            if full.len() <= options.server_card.max_bytes {
                return full;
            }
            tracing::warn!(
                bytes = full.len(),
                max_bytes = options.server_card.max_bytes,
                "server card: the catalogue is larger than max_bytes; served without tools, resources and prompts"
            );
            return base;
        }
        serde_json::to_vec(&card).unwrap_or_default()
    }
}

/// `GET` of the card: 304 when `If-None-Match` names its `ETag`, else the card.
pub(crate) async fn get(State(card): State<Arc<Card>>, headers: HeaderMap) -> Response {
    let built = card.current().await;
    let etag = built.etag.as_bytes();
    let matches = headers.get_all(IF_NONE_MATCH).iter().flat_map(|v| v.as_bytes().split(|b| *b == b',')).any(|t| {
        let t = t.trim_ascii();
        t == b"*" || t.strip_prefix(b"W/").unwrap_or(t) == etag
    });
    let wants_card_type =
        headers.get_all(ACCEPT).iter().any(|v| v.to_str().is_ok_and(|s| s.to_ascii_lowercase().contains(MEDIA_TYPE)));
    let max_age = card.app.options.server_card.max_age.as_secs();
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(built.body.clone()));
        let kind = if wants_card_type { MEDIA_TYPE } else { "application/json" };
        r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(kind));
        r
    };
    let h = response.headers_mut();
    cors(h);
    h.insert(ETAG, built.etag.clone());
    h.insert(VARY, HeaderValue::from_static("Accept"));
    if let Ok(v) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        h.insert(CACHE_CONTROL, v);
    }
    response
}

/// The CORS preflight of the card: any origin may `GET` it.
pub(crate) async fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    cors(h);
    h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    response
}

/// The CORS headers the SEP's discovery text gives for cards.
fn cors(h: &mut HeaderMap) {
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, HEAD, OPTIONS"));
    h.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Content-Type, If-None-Match"));
    h.insert(ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("ETag"));
}

/// Reads `mcp://server-card.json`: the body the HTTP routes serve.
struct CardResource(Weak<Card>);

impl ResourceHandler for CardResource {
    fn read(
        &self,
        _ctx: RequestContext,
        uri: String,
        _vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>> {
        let card = self.0.upgrade();
        Box::pin(async move {
            let Some(card) = card else { return Err(ProtocolError::resource_not_found(&uri).into()) };
            let built = card.current().await;
            Ok(ResourceOutput::Text(String::from_utf8_lossy(&built.body).into_owned()))
        })
    }
}

//! Revocation (RFC 7009) at `/revoke`: an authenticated client presents a refresh token or
//! an access token it was issued, and the whole login it belongs to is revoked: its refresh
//! tokens are refused from then on, and so are its access tokens, at once and on every
//! instance sharing the store, since the proxy's verifier looks up each token's login. The
//! answer is 200 whatever the token was (unknown, expired, another client's: left alone).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::clients;
use super::common::{Proxy, no_store, oauth_error};
use super::sources::Source;
use super::token::{family_of, revoke_login};

/// Where tokens are revoked (fixed).
pub(super) const REVOKE_PATH: &str = "/revoke";

/// `POST /revoke` with a form body of at most 16 KiB: `token` (and an optional
/// `token_type_hint`, not needed: the two kinds of token are told apart by their form).
pub(super) async fn revoke(State(proxy): State<Arc<Proxy>>, source: Source, request: Request) -> Response {
    let (client_id, _, form) = match clients::read_form(&proxy, &source, request).await {
        Ok(read) => read,
        Err(r) => return r,
    };
    let Some(token) = form.get("token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "token is required");
    };
    let login = match family_of(token) {
        Some(id) => Some(id.to_owned()),
        // An access token of this server: its login is in its claims.
        None => match proxy.verifier.verify(token).await {
            Ok(grant) => grant.extra.get("fam").and_then(Value::as_str).map(str::to_owned),
            Err(_) => None,
        },
    };
    if let Some(id) = login
        && let Err(r) = revoke_login(&proxy, &id, &client_id).await
    {
        return r;
    }
    no_store(Response::new(axum::body::Body::empty()))
}

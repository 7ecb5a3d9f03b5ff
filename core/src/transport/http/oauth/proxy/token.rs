//! `/token`: the `authorization_code` grant (the code taken once, bound to its client,
//! redirect URI and PKCE challenge) and the `refresh_token` grant (the refresh token taken
//! once and replaced: rotation); each answers a new access token, an HS256 JWT of this
//! server (`iss` the proxy, `aud` the resource), and a new refresh token. Each code grant
//! starts a login family, kept under its id as one record: the SHA-256 of its current
//! refresh token (a refresh token is `<family id>.<secret>`), or that it was revoked. A
//! refresh token of the family that is not its current one was used before: presented
//! again, it revokes the login, and every refresh token of the family is refused from then on
//! (RFC 9700 §4.14.2): one of the two presenters stole it, and the proxy cannot tell which.
//! The state is one record per login whatever the number of rotations, so no rotation
//! evicts what reuse detection needs. The first code issued to a client makes it a used
//! registration; each refresh keeps it 30 more days.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::super::claims::{now, same_resource};
use super::clients::{self, Client};
use super::common::{Code, Proxy, decode, no_store, oauth_error, random_token, s256, same_secret, store_failed};
use super::kinds::{CODES, FAMILIES, REVOKED, keep};
use super::sources::Source;

/// A login family as stored (under its id): what its refresh tokens grant, and which one
/// is current.
#[derive(Serialize, Deserialize)]
struct Family {
    client_id: String,
    subject: String,
    scopes: Vec<String>,
    /// The SHA-256 of the current refresh token (empty once revoked).
    current: String,
    /// Whether a used refresh token was presented again.
    revoked: bool,
}

/// The clock skew the verifier of the proxy's tokens allows past `exp`, in seconds.
pub(super) const CLOCK_SKEW: u64 = 60;

fn invalid_grant(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// `POST /token` with a form body of at most 16 KiB.
pub(super) async fn token(State(proxy): State<Arc<Proxy>>, source: Source, request: Request) -> Response {
    let (client_id, client, form) = match clients::read_form(&proxy, &source, request).await {
        Ok(read) => read,
        Err(r) => return r,
    };
    if form.get("resource").is_some_and(|r| !same_resource(r, &proxy.resource)) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_target", "resource is not this server");
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => code_grant(&proxy, &client_id, &client, &form).await,
        Some("refresh_token") => refresh_grant(&proxy, &client_id, &client, &form).await,
        Some(_) => {
            oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "authorization_code or refresh_token")
        }
        None => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is required"),
    }
}

async fn code_grant(proxy: &Proxy, client_id: &str, client: &Client, form: &HashMap<String, String>) -> Response {
    let (Some(code), Some(verifier)) = (form.get("code"), form.get("code_verifier")) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "code and code_verifier are required");
    };
    if code.len() > 128 {
        return invalid_grant("unknown, used or expired code");
    }
    // Taken at once: a code is never used twice, even when the rest of the request fails.
    let record: Code = match proxy.values().take(CODES.space, code).await {
        Ok(bytes) => match decode(bytes) {
            Some(c) => c,
            None => return invalid_grant("unknown, used or expired code"),
        },
        Err(e) => return store_failed(&e),
    };
    if record.client_id != client_id {
        return invalid_grant("the code was issued to another client");
    }
    if form.get("redirect_uri").is_some_and(|r| *r != record.redirect_uri) {
        return invalid_grant("redirect_uri differs from the authorization request's");
    }
    let verifier_ok = (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        && same_secret(s256(verifier).as_bytes(), record.code_challenge.as_bytes());
    if !verifier_ok {
        return invalid_grant("code_verifier does not match the code_challenge");
    }
    if let Err(r) = clients::keep_used(proxy, client_id, client, &record.subject).await {
        return r;
    }
    let family = Family {
        client_id: client_id.to_owned(),
        subject: record.subject,
        scopes: record.scopes,
        current: String::new(),
        revoked: false,
    };
    issue(proxy, &random_token(), family).await
}

async fn refresh_grant(proxy: &Proxy, client_id: &str, client: &Client, form: &HashMap<String, String>) -> Response {
    let Some(token) = form.get("refresh_token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "refresh_token is required");
    };
    let unknown = || invalid_grant("unknown, used or expired refresh token");
    let Some(id) = family_of(token) else { return unknown() };
    // Taken while it is looked at: of two refreshes of one family at once, one finds it.
    let mut family: Family = match proxy.values().take(FAMILIES.space, id).await {
        Ok(bytes) => match decode(bytes) {
            Some(f) => f,
            None => return unknown(),
        },
        Err(e) => return store_failed(&e),
    };
    if family.revoked || !same_secret(refresh_key(token).as_bytes(), family.current.as_bytes()) {
        if !family.revoked {
            tracing::warn!("a refresh token was presented again after its use: its login is revoked");
        }
        return match revoke(proxy, id, family).await {
            Ok(()) => invalid_grant("this login was revoked: one of its refresh tokens was used twice"),
            Err(r) => r,
        };
    }
    let refused = if family.client_id != client_id {
        Some(invalid_grant("the refresh token was issued to another client"))
    } else if let Some(asked) = form.get("scope") {
        let asked: Vec<String> = asked.split_ascii_whitespace().map(str::to_owned).collect();
        if asked.iter().any(|s| !family.scopes.contains(s)) {
            Some(oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", "more scopes than first granted"))
        } else {
            family.scopes = asked;
            None
        }
    } else {
        None
    };
    if let Some(refused) = refused {
        // Put back as it was: the token stays current.
        return match keep(proxy, &FAMILIES, id, &family, proxy.refresh_lifetime, &family.subject).await {
            Ok(()) => refused,
            Err(r) => r,
        };
    }
    if let Err(r) = clients::keep_used(proxy, client_id, client, &family.subject).await {
        return r;
    }
    issue(proxy, id, family).await
}

/// Revokes login `id` (`family`, taken from the store): its refresh tokens are refused from
/// now on, and its access tokens for as long as one may still be presented.
async fn revoke(proxy: &Proxy, id: &str, mut family: Family) -> Result<(), Response> {
    family.revoked = true;
    family.current.clear();
    keep(proxy, &FAMILIES, id, &family, proxy.refresh_lifetime, &family.subject).await?;
    let lasts = Duration::from_secs(proxy.token_lifetime + CLOCK_SKEW);
    keep(proxy, &REVOKED, id, &true, lasts, &family.subject).await
}

/// The login a refresh token of this server belongs to (its family id), if it is one.
pub(super) fn family_of(token: &str) -> Option<&str> {
    token.split_once('.').map(|(id, _)| id).filter(|id| !id.is_empty() && token.len() <= 128)
}

/// Revokes login `id` if it is `client_id`'s (RFC 7009: anything else is left alone).
pub(super) async fn revoke_login(proxy: &Proxy, id: &str, client_id: &str) -> Result<(), Response> {
    let family: Option<Family> = match proxy.values().take(FAMILIES.space, id).await {
        Ok(bytes) => decode(bytes),
        Err(e) => return Err(store_failed(&e)),
    };
    match family {
        Some(f) if f.client_id == client_id => revoke(proxy, id, f).await,
        Some(f) => keep(proxy, &FAMILIES, id, &f, proxy.refresh_lifetime, &f.subject).await,
        None => Ok(()),
    }
}

/// Whether login `id` was revoked (its access tokens are then refused).
pub(super) async fn login_revoked(proxy: &Proxy, id: &str) -> Result<bool, crate::store::StoreError> {
    Ok(proxy.values().get(REVOKED.space, id).await?.is_some())
}

/// The key a refresh token is kept by: its SHA-256 (the token itself is never kept).
fn refresh_key(token: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(token.as_bytes()))
}

/// Answers a new access token and a new current refresh token of login `family` (id `id`).
async fn issue(proxy: &Proxy, id: &str, mut family: Family) -> Response {
    let issued = now();
    let scope = family.scopes.join(" ");
    let claims = json!({
        "iss": proxy.issuer,
        "aud": proxy.resource,
        "sub": family.subject,
        "client_id": family.client_id,
        "scope": scope,
        "iat": issued,
        "exp": issued + proxy.token_lifetime,
        "jti": random_token(),
        "fam": id,
    });
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let access = match jsonwebtoken::encode(&header, &claims, &proxy.signing) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "signing an access token failed");
            return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "cannot sign the token");
        }
    };
    let refresh = format!("{id}.{}", random_token());
    family.current = refresh_key(&refresh);
    if let Err(r) = keep(proxy, &FAMILIES, id, &family, proxy.refresh_lifetime, &family.subject).await {
        return r;
    }
    let body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": proxy.token_lifetime,
        "refresh_token": refresh,
        "scope": scope,
    });
    no_store(super::super::super::exchange::json(StatusCode::OK, body.to_string().into_bytes()))
}

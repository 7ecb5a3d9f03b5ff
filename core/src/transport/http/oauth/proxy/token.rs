//! `/token`: the `authorization_code` grant (the code taken once, bound to its client,
//! redirect URI and PKCE challenge) and the `refresh_token` grant (the refresh token taken
//! once and replaced: rotation); each answers a new access token, an HS256 JWT of this
//! server (`iss` the proxy, `aud` the resource), and a new refresh token. A refresh token
//! presented again after it was used revokes its login: every refresh token of the same
//! code grant (its family) is refused from then on (RFC 9700 §4.14.2): one of the two
//! presenters stole it, and the proxy cannot tell which.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::super::claims::{now, same_resource};
use super::clients;
use super::common::{
    CODES, Code, MAX_BODY, Proxy, decode, no_store, oauth_error, params, random_token, s256, same_secret, save,
    store_failed,
};

/// Where refresh tokens are kept.
const REFRESH: &str = "oauth-refresh";
/// Where used refresh tokens are remembered (their family, under the token's SHA-256).
const USED: &str = "oauth-refresh-used";
/// Where revoked families are kept.
const REVOKED: &str = "oauth-revoked";

/// A refresh token as stored (under the token's SHA-256).
#[derive(Serialize, Deserialize)]
struct Refresh {
    client_id: String,
    subject: String,
    scopes: Vec<String>,
    /// The login (code grant) the token descends from, shared by its rotations.
    #[serde(default)]
    family: String,
}

fn invalid_grant(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// `POST /token` with a form body of at most 16 KiB.
pub(super) async fn token(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return oauth_error(StatusCode::PAYLOAD_TOO_LARGE, "invalid_request", "request over 16 KiB");
    };
    let form = match std::str::from_utf8(&body).map_err(|e| e.to_string()).and_then(params) {
        Ok(f) => f,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e),
    };
    let client_id = match clients::authenticate(&proxy, &parts.headers, &form).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    if form.get("resource").is_some_and(|r| !same_resource(r, &proxy.resource)) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_target", "resource is not this server");
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => code_grant(&proxy, &client_id, &form).await,
        Some("refresh_token") => refresh_grant(&proxy, &client_id, &form).await,
        Some(_) => {
            oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "authorization_code or refresh_token")
        }
        None => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is required"),
    }
}

async fn code_grant(proxy: &Proxy, client_id: &str, form: &HashMap<String, String>) -> Response {
    let (Some(code), Some(verifier)) = (form.get("code"), form.get("code_verifier")) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "code and code_verifier are required");
    };
    if code.len() > 128 {
        return invalid_grant("unknown, used or expired code");
    }
    // Taken at once: a code is never used twice, even when the rest of the request fails.
    let record: Code = match proxy.values().take(CODES, code).await {
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
    issue(proxy, client_id, &record.subject, &record.scopes, &random_token()).await
}

async fn refresh_grant(proxy: &Proxy, client_id: &str, form: &HashMap<String, String>) -> Response {
    let Some(token) = form.get("refresh_token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "refresh_token is required");
    };
    let key = refresh_key(token);
    let record: Refresh = match proxy.values().take(REFRESH, &key).await {
        Ok(bytes) => match decode(bytes) {
            Some(r) => r,
            None => return reused(proxy, &key).await,
        },
        Err(e) => return store_failed(&e),
    };
    if !record.family.is_empty() {
        match proxy.values().get(REVOKED, &record.family).await {
            Ok(None) => {}
            Ok(Some(_)) => return invalid_grant("this login was revoked: one of its refresh tokens was used twice"),
            Err(e) => return store_failed(&e),
        }
        if let Err(r) = save(proxy, USED, &key, &record.family, proxy.refresh_lifetime).await {
            return r;
        }
    }
    if record.client_id != client_id {
        return invalid_grant("the refresh token was issued to another client");
    }
    let scopes = match form.get("scope") {
        Some(asked) => {
            let asked: Vec<String> = asked.split_ascii_whitespace().map(str::to_owned).collect();
            if asked.iter().any(|s| !record.scopes.contains(s)) {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", "more scopes than first granted");
            }
            asked
        }
        None => record.scopes,
    };
    issue(proxy, client_id, &record.subject, &scopes, &record.family).await
}

/// A refresh token that is not (or no longer) kept: if it was used before, its family is
/// revoked. Refused either way.
async fn reused(proxy: &Proxy, key: &str) -> Response {
    let family: Option<String> = match proxy.values().get(USED, key).await {
        Ok(bytes) => decode(bytes),
        Err(e) => return store_failed(&e),
    };
    if let Some(family) = family {
        tracing::warn!("a refresh token was presented again after its use: its login is revoked");
        if let Err(r) = save(proxy, REVOKED, &family, &true, proxy.refresh_lifetime).await {
            return r;
        }
    }
    invalid_grant("unknown, used or expired refresh token")
}

/// The key a refresh token is stored under: its SHA-256 (the token itself is never kept).
fn refresh_key(token: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(token.as_bytes()))
}

/// Answers a new access token and a refresh token of `family`.
async fn issue(proxy: &Proxy, client_id: &str, subject: &str, scopes: &[String], family: &str) -> Response {
    let issued = now();
    let scope = scopes.join(" ");
    let claims = json!({
        "iss": proxy.issuer,
        "aud": proxy.resource,
        "sub": subject,
        "client_id": client_id,
        "scope": scope,
        "iat": issued,
        "exp": issued + proxy.token_lifetime,
        "jti": random_token(),
    });
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let access = match jsonwebtoken::encode(&header, &claims, &proxy.signing) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "signing an access token failed");
            return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "cannot sign the token");
        }
    };
    let refresh = random_token();
    let record = Refresh {
        client_id: client_id.to_owned(),
        subject: subject.to_owned(),
        scopes: scopes.to_vec(),
        family: family.to_owned(),
    };
    if let Err(r) = save(proxy, REFRESH, &refresh_key(&refresh), &record, proxy.refresh_lifetime).await {
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

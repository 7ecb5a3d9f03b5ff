//! The login: `/authorize` checks the client's request, keeps it as a pending authorization
//! under a random id bound to the browser, and answers the proxy's consent page; an approval
//! posted back sends the browser to the upstream provider (its pre-registered client, this
//! server's callback, this server's own PKCE, a new random id as `state`); the callback
//! checks it is the same browser, exchanges the upstream code, takes the user's subject from
//! the upstream `id_token` (verified against the upstream's published keys) or userinfo,
//! refuses a user the allow-list leaves out (`access_denied`), and redirects to the client
//! with a code of this server's own.

use std::sync::Arc;

use axum::extract::{RawQuery, Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::super::claims::same_resource;
use super::clients;
use super::common::{
    CODE_TTL, Code, MAX_BODY, MAX_PARAM, PENDING_TTL, Proxy, decode, error_page, oversized, params, random_token,
    redirect, s256, store_failed,
};
use super::consent::{self, Ask};
use super::kinds::{CODES, LOGINS, PENDING, keep};
use super::sources::{Source, over_rate};

/// An authorization waiting for consent, then a login under way at the upstream provider.
#[derive(Serialize, Deserialize)]
struct Pending {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    state: Option<String>,
    scopes: Vec<String>,
    upstream_verifier: String,
    nonce: String,
    /// SHA-256 of the browser's binding cookie.
    browser: String,
}

impl Pending {
    /// A redirect to the client's redirect URI with `p` and the client's `state`.
    fn back(&self, p: &[(&str, &str)]) -> Response {
        let mut p = p.to_vec();
        if let Some(s) = &self.state {
            p.push(("state", s));
        }
        redirect(&self.redirect_uri, &p)
    }
}

/// `GET /authorize`: an unknown client or a redirect URI not registered is answered with a
/// 400 page; every other error is redirected to the client with `error=` (RFC 6749 §4.1.2.1);
/// a valid request gets the consent page.
pub(super) async fn authorize(
    State(proxy): State<Arc<Proxy>>,
    source: Source,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(r) = over_rate(proxy.limiter.as_ref(), &source) {
        return r;
    }
    let q = match params(query.as_deref().unwrap_or("")) {
        Ok(q) => q,
        Err(e) => return error_page(&e),
    };
    let client_id = q.get("client_id").map_or("", String::as_str);
    let client = match clients::find(&proxy, client_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return error_page("unknown client_id"),
        Err(r) => return r,
    };
    let redirect_uri = match q.get("redirect_uri") {
        Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => uri.clone(),
        Some(_) => return error_page("redirect_uri is not registered for this client"),
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => return error_page("redirect_uri is required (the client registered several)"),
    };
    if !clients::acceptable_redirect(&redirect_uri) {
        // Registered before the rules of registration became stricter.
        return error_page("redirect_uri is not acceptable: https, or http on a loopback host, no userinfo");
    }
    // A state over the bound is not echoed: the error goes back without it.
    let state = q.get("state").filter(|s| s.len() <= MAX_PARAM).cloned();
    let fail = |error: &str, description: &str| {
        let mut p = vec![("error", error), ("error_description", description)];
        if let Some(s) = &state {
            p.push(("state", s));
        }
        redirect(&redirect_uri, &p)
    };
    if let Some(e) = oversized(&q) {
        return fail("invalid_request", &e);
    }
    if q.get("response_type").map(String::as_str) != Some("code") {
        return fail("unsupported_response_type", "response_type must be code");
    }
    let challenge = match (q.get("code_challenge"), q.get("code_challenge_method").map(String::as_str)) {
        (Some(c), Some("S256")) if c.len() == 43 => c.clone(),
        _ => return fail("invalid_request", "PKCE is required: code_challenge with code_challenge_method S256"),
    };
    if q.get("resource").is_some_and(|r| !same_resource(r, &proxy.resource)) {
        return fail("invalid_target", "resource is not this server");
    }
    let scopes = match proxy.scopes(q.get("scope").map(String::as_str)) {
        Ok(s) => s,
        Err(e) => return fail("invalid_scope", &e),
    };
    let upstream = match upstream_authorization(&proxy).await {
        Ok(u) => u,
        Err(()) => return fail("temporarily_unavailable", "the identity provider cannot be reached"),
    };
    let id = random_token();
    let secure = proxy.secure();
    let browser = consent::browser_value(&headers, secure);
    let pending = Pending {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.clone(),
        code_challenge: challenge,
        state: state.clone(),
        scopes,
        upstream_verifier: random_token(),
        nonce: random_token(),
        browser: consent::binding(&browser),
    };
    if keep(&proxy, &PENDING, &id, &pending, PENDING_TTL, &source.key).await.is_err() {
        return fail("temporarily_unavailable", "state store unavailable");
    }
    let ask = Ask {
        client_name: client.client_name.as_deref(),
        client_host: proxy.documents.host(client_id),
        redirect_uri: &redirect_uri,
        resource: &proxy.resource,
        scopes: &pending.scopes,
        pending: &id,
        csrf: &browser,
        upstream: &upstream,
    };
    consent::set_cookie(consent::page(&ask), secure, &browser, PENDING_TTL.as_secs())
}

/// The upstream provider's authorization endpoint (found once).
async fn upstream_authorization(proxy: &Proxy) -> Result<String, ()> {
    proxy.upstream.endpoints().await.map(|e| e.authorization.clone()).map_err(|e| {
        tracing::error!(error = %e, "the upstream identity provider's endpoints are unknown");
    })
}

/// `POST /authorize/consent`: the user's answer on the consent page (a form of at most
/// 16 KiB). Without this browser's cookie, or with a CSRF token not its value, or for a
/// pending authorization of another browser: a 400 page. Denied: `access_denied` at the
/// client's redirect URI. Approved: the redirect to the upstream provider.
pub(super) async fn decide(State(proxy): State<Arc<Proxy>>, source: Source, request: Request) -> Response {
    if let Some(r) = over_rate(proxy.limiter.as_ref(), &source) {
        return r;
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error_page("the consent form is over 16 KiB");
    };
    let form = match std::str::from_utf8(&body).map_err(|e| e.to_string()).and_then(params) {
        Ok(f) => f,
        Err(e) => return error_page(&e),
    };
    let field = |name: &str| form.get(name).map_or("", String::as_str);
    let secure = proxy.secure();
    let Some(cookie) = consent::cookie(&parts.headers, consent::cookie_name(secure)) else {
        return error_page("this browser has no login under way (cookies are needed)");
    };
    if !super::common::same_secret(cookie.as_bytes(), field("csrf").as_bytes()) {
        return error_page("the consent form does not belong to this browser");
    }
    let id = field("pending");
    if id.is_empty() || id.len() > 128 {
        return error_page("the consent form names no authorization");
    }
    let pending: Pending = match proxy.values().take(PENDING.space, id).await {
        Ok(bytes) => match decode(bytes) {
            Some(p) => p,
            None => return error_page("unknown or expired authorization"),
        },
        Err(e) => return store_failed(&e),
    };
    if !consent::same_browser(&parts.headers, secure, &pending.browser) {
        return error_page("the authorization was started in another browser");
    }
    match field("decision") {
        "approve" => {}
        "deny" => return pending.back(&[("error", "access_denied"), ("error_description", "the user denied access")]),
        _ => return error_page("the consent form has no decision"),
    }
    let Ok(endpoint) = upstream_authorization(&proxy).await else {
        return pending.back(&[
            ("error", "temporarily_unavailable"),
            ("error_description", "the identity provider cannot be reached"),
        ]);
    };
    // A new id upstream: the one the consent page showed never reaches the callback.
    let login = random_token();
    if keep(&proxy, &LOGINS, &login, &pending, PENDING_TTL, &source.key).await.is_err() {
        return pending.back(&[("error", "temporarily_unavailable"), ("error_description", "state store unavailable")]);
    }
    let u = &proxy.upstream;
    let scope = u.scopes.join(" ");
    let challenge = s256(&pending.upstream_verifier);
    let mut p: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", &u.client_id),
        ("redirect_uri", &u.callback),
        ("scope", &scope),
        ("state", &login),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    if u.sends_nonce() {
        p.push(("nonce", &pending.nonce));
    }
    p.extend(u.extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    redirect(&endpoint, &p)
}

/// `GET /oauth/callback`: the upstream's answer to an approved login. An unknown or used
/// `state`, or a browser without the cookie of the one that approved, is a 400 page (never a
/// redirect: the login is dropped); an upstream error or a failed exchange is redirected to
/// the client with `error=`; otherwise the client gets a code of this server's own. The
/// binding cookie is cleared once the login is over.
pub(super) async fn callback(
    State(proxy): State<Arc<Proxy>>,
    source: Source,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(r) = over_rate(proxy.limiter.as_ref(), &source) {
        return r;
    }
    let q = match params(query.as_deref().unwrap_or("")) {
        Ok(q) => q,
        Err(e) => return error_page(&e),
    };
    if let Some(e) = oversized(&q) {
        return error_page(&e);
    }
    let Some(id) = q.get("state").filter(|s| !s.is_empty() && s.len() <= 128) else {
        return error_page("the identity provider's answer has no state");
    };
    let pending: Pending = match proxy.values().take(LOGINS.space, id).await {
        Ok(bytes) => match decode(bytes) {
            Some(p) => p,
            None => return error_page("unknown or expired login (state)"),
        },
        Err(e) => return store_failed(&e),
    };
    let secure = proxy.secure();
    if !consent::same_browser(&headers, secure, &pending.browser) {
        tracing::warn!("a login came back to another browser than the one that approved it");
        return error_page("this login was started in another browser");
    }
    consent::set_cookie(complete(&proxy, &q, &pending, &source).await, secure, "", 0)
}

/// The end of a login of this browser: the client's error or code.
async fn complete(
    proxy: &Proxy,
    q: &std::collections::HashMap<String, String>,
    pending: &Pending,
    source: &Source,
) -> Response {
    let back = |p: &[(&str, &str)]| pending.back(p);
    if let Some(error) = q.get("error") {
        // The upstream's error code, if it is one (RFC 6749 codes are lowercase and `_`).
        let code =
            if !error.is_empty() && error.len() <= 64 && error.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                error.as_str()
            } else {
                "access_denied"
            };
        tracing::info!(error = code, "the upstream identity provider refused the login");
        return back(&[("error", code), ("error_description", "the identity provider refused the login")]);
    }
    let Some(code) = q.get("code") else {
        return back(&[("error", "server_error"), ("error_description", "the identity provider sent no code")]);
    };
    let user = match proxy.upstream.user(code, &pending.upstream_verifier, &pending.nonce).await {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(error = %e, "the upstream login could not be completed");
            return back(&[
                ("error", "server_error"),
                ("error_description", "the identity provider's answer was refused"),
            ]);
        }
    };
    if !proxy.allowed.admits(&user) {
        tracing::info!("an upstream user not allowed here was refused");
        return back(&[("error", "access_denied"), ("error_description", "this account may not use this server")]);
    }
    let ours = random_token();
    let record = Code {
        client_id: pending.client_id.clone(),
        redirect_uri: pending.redirect_uri.clone(),
        code_challenge: pending.code_challenge.clone(),
        scopes: pending.scopes.clone(),
        subject: user.subject,
    };
    if keep(proxy, &CODES, &ours, &record, CODE_TTL, &source.key).await.is_err() {
        return back(&[("error", "temporarily_unavailable"), ("error_description", "state store unavailable")]);
    }
    back(&[("code", &ours), ("iss", &proxy.issuer)])
}

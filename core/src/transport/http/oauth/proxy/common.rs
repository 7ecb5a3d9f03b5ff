//! What every endpoint of the OAuth proxy shares: the proxy's state ([`Proxy`]), its fixed
//! paths and lifetimes, the stored code record, and the helpers that answer (RFC 6749
//! errors, the 400 page, redirects), read parameters, make random values and keep records
//! in the store.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::super::jwt::JwtVerifier;
use super::allowed::Allowed;
use super::upstream::Upstream;
use crate::dispatch::rate_limit::Limiter;
use crate::store::ExpiringValues;

/// The paths this server answers as an authorization server (fixed).
pub(super) const AUTHORIZE_PATH: &str = "/authorize";
/// The token endpoint.
pub(super) const TOKEN_PATH: &str = "/token";
/// The registration endpoint.
pub(super) const REGISTER_PATH: &str = "/register";
/// Where the upstream provider sends the browser back.
pub(super) const CALLBACK_PATH: &str = "/oauth/callback";
/// Where the authorization server metadata lives (RFC 8414).
pub(super) const METADATA_PATH: &str = "/.well-known/oauth-authorization-server";

/// The most bytes of a registration, consent or token request body.
pub(super) const MAX_BODY: usize = 16 * 1024;
/// The most bytes of one query parameter of `/authorize` or the callback.
pub(super) const MAX_PARAM: usize = 2048;
/// How long a registration is kept after a user last logged in or refreshed through it.
pub(super) const REGISTRATION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long a login may take at the upstream provider.
pub(super) const PENDING_TTL: Duration = Duration::from_secs(600);
/// How long an authorization code is valid.
pub(super) const CODE_TTL: Duration = Duration::from_secs(60);

/// An authorization code of this server, as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct Code {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: Vec<String>,
    pub subject: String,
}

/// The proxy: its configuration, its signing key, and where it keeps state.
pub(crate) struct Proxy {
    pub(super) issuer: String,
    pub(super) origin: String,
    pub(super) resource: String,
    pub(super) scopes_supported: Vec<String>,
    pub(super) upstream: Upstream,
    /// The upstream users who may log in.
    pub(super) allowed: Allowed,
    pub(super) signing: jsonwebtoken::EncodingKey,
    pub(super) verifier: JwtVerifier,
    pub(super) token_lifetime: u64,
    pub(super) refresh_lifetime: Duration,
    pub(super) values: OnceLock<Arc<dyn ExpiringValues>>,
    /// The rate limit per source, if any.
    pub(super) limiter: Option<Limiter>,
    /// The metadata documents of clients identified by URL.
    pub(super) documents: super::client_document::ClientDocuments,
}

impl Proxy {
    /// Where state is kept (set when the routes are made; memory if they never were).
    pub(super) fn values(&self) -> &Arc<dyn ExpiringValues> {
        self.values.get_or_init(crate::store::memory_values)
    }

    /// Whether the proxy is served over https (its cookies are then `Secure`, `__Host-`).
    pub(super) fn secure(&self) -> bool {
        self.issuer.starts_with("https://")
    }

    /// The URL of one of the proxy's endpoints.
    pub(super) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The scopes a client asked for (space-separated), when the server grants them all;
    /// none asked means every advertised scope. Only advertised scopes are granted: with no
    /// `scopesSupported`, none is (a scope named by the client alone would pass any tool's
    /// scope check).
    pub(super) fn scopes(&self, asked: Option<&str>) -> Result<Vec<String>, String> {
        let asked: Vec<String> = asked.unwrap_or("").split_ascii_whitespace().map(str::to_owned).collect();
        if asked.is_empty() {
            return Ok(self.scopes_supported.clone());
        }
        match asked.iter().find(|s| !self.scopes_supported.contains(s)) {
            Some(s) => Err(format!("scope {s:?} is not offered by this server")),
            None => Ok(asked),
        }
    }
}

/// `scheme://authority` of an absolute URL.
pub(super) fn origin(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    (end > start).then(|| &url[..end])
}

/// `n` bytes from the operating system's CSPRNG.
pub(super) fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("operating system random source unavailable");
    bytes
}

/// A random identifier or secret: 32 CSPRNG bytes, base64url.
pub(super) fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(32))
}

/// The PKCE S256 challenge of `verifier` (RFC 7636 §4.2).
pub(super) fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Equality of two secrets (or their hashes) in time independent of where they differ.
pub(super) fn same_secret(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// The parameters of a query or form body; a repeated parameter is refused (RFC 6749 §3.1).
pub(super) fn params(raw: &str) -> Result<std::collections::HashMap<String, String>, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw).map_err(|e| format!("malformed parameters: {e}"))?;
    let mut map = std::collections::HashMap::with_capacity(pairs.len());
    for (k, v) in pairs {
        if map.insert(k.clone(), v).is_some() {
            return Err(format!("parameter {k} is repeated"));
        }
    }
    Ok(map)
}

/// Marks an answer as not to be cached (every answer carrying a code, token or secret).
pub(super) fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// An RFC 6749 §5.2 error answer.
pub(super) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({ "error": error, "error_description": description });
    no_store(super::super::super::exchange::json(status, body.to_string().into_bytes()))
}

/// The 400 page shown instead of a redirect when the client or its redirect URI cannot be
/// trusted (never an open redirect).
pub(super) fn error_page(description: &str) -> Response {
    // The description may quote the request: bounded, and never sniffed as markup.
    let description: String = description.chars().take(200).collect();
    let text = format!("The authorization request cannot be completed: {description}\n");
    let mut r = (StatusCode::BAD_REQUEST, text).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    no_store(r)
}

/// A 302 to `uri` with `params` added to its query.
pub(super) fn redirect(uri: &str, params: &[(&str, &str)]) -> Response {
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let separator = if uri.contains('?') { '&' } else { '?' };
    let location = format!("{uri}{separator}{query}");
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::FOUND;
    match HeaderValue::from_str(&location) {
        Ok(v) => {
            r.headers_mut().insert(header::LOCATION, v);
            no_store(r)
        }
        Err(_) => error_page("the redirect URI cannot be used"),
    }
}

/// Why the parameters `q` of a query cannot be kept: one over [`MAX_PARAM`] bytes (name
/// and value), named (cut to 40 characters).
pub(super) fn oversized(q: &std::collections::HashMap<String, String>) -> Option<String> {
    let (name, _) = q.iter().find(|(k, v)| k.len() + v.len() > MAX_PARAM)?;
    Some(format!("parameter {} is over {MAX_PARAM} bytes", name.chars().take(40).collect::<String>()))
}

/// Reads a stored JSON record.
pub(super) fn decode<T: serde::de::DeserializeOwned>(bytes: Option<Vec<u8>>) -> Option<T> {
    bytes.and_then(|b| serde_json::from_slice(&b).ok())
}

/// The answer when the store fails to read.
pub(super) fn store_failed(e: &crate::store::StoreError) -> Response {
    tracing::error!(error = %e, "the OAuth proxy cannot read its state");
    oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "state store unavailable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_is_base64url_of_sha256() {
        // The value Python's hashlib and base64 give for the same verifier.
        assert_eq!(
            s256("a-pkce-code-verifier-of-forty-three-or-more-characters"),
            "Zs1y1fLBJebVOWg8zuZLlXO6hL6DzB1UlrLReqEh_XM"
        );
    }

    #[test]
    fn parameters_refuse_repeats_and_origin_is_scheme_and_authority() {
        assert!(params("a=1&b=x%20y").is_ok_and(|p| p["b"] == "x y"));
        assert!(params("a=1&a=2").is_err());
        assert_eq!(origin("https://h.example:8443/mcp?x"), Some("https://h.example:8443"));
        assert_eq!(origin("nope"), None);
        assert!(same_secret(b"abc", b"abc") && !same_secret(b"abc", b"abd") && !same_secret(b"a", b"ab"));
    }
}

//! The signing keys of an authorization server: found through its metadata (RFC 8414, then
//! OpenID discovery) unless `jwksUri` is given, fetched as a JWK set, kept for the answer's
//! `Cache-Control: max-age` (bounded), fetched again when a token names a key not in the set,
//! never more than once per refetch interval whatever the tokens say, and kept when a fetch
//! fails.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, header};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::fetch::Exchange;
use crate::sync::lock;

/// Bounds on how long a fetched key set is trusted without asking again.
const MIN_MAX_AGE: Duration = Duration::from_secs(60);
const MAX_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// How long a key set without `Cache-Control: max-age` is kept.
const DEFAULT_MAX_AGE: Duration = Duration::from_secs(600);
/// At most this many keys of a set are kept.
const MAX_KEYS: usize = 64;

/// One verification key.
pub(super) struct Key {
    /// The key's `kid`.
    pub kid: Option<String>,
    /// The one algorithm the key is for, when the set says (`alg`).
    pub alg: Option<Algorithm>,
    /// The algorithms the key's type can verify.
    pub family: jsonwebtoken::AlgorithmFamily,
    /// The key itself.
    pub decoding: DecodingKey,
}

impl Key {
    /// True when this key may verify a token signed with `alg`.
    pub fn fits(&self, alg: Algorithm) -> bool {
        self.family.algorithms().contains(&alg) && self.alg.is_none_or(|a| a == alg)
    }
}

struct State {
    keys: Arc<Vec<Key>>,
    /// Until when the keys are used without asking again.
    fresh_until: Option<Instant>,
    /// The last fetch attempt (successful or not).
    last_attempt: Option<Instant>,
    /// The key set URL, once known (given, or found through the issuer's metadata).
    jwks_uri: Option<String>,
}

/// The key set of one issuer.
pub(super) struct KeySet {
    issuer: String,
    refetch_interval: Duration,
    state: Mutex<State>,
    /// Held by the one task fetching, so concurrent requests wait for its result.
    fetching: tokio::sync::Mutex<()>,
}

impl KeySet {
    /// The keys of `issuer`, at `jwks_uri` or found through its metadata; fetched at most once
    /// per `refetch_interval`.
    pub fn new(issuer: String, jwks_uri: Option<String>, refetch_interval: Duration) -> KeySet {
        KeySet {
            issuer,
            refetch_interval,
            state: Mutex::new(State { keys: Arc::new(Vec::new()), fresh_until: None, last_attempt: None, jwks_uri }),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// The keys to try for a token naming `kid`: the cached set when fresh and (with a `kid`)
    /// holding that key; otherwise the set is fetched again first, unless a fetch was tried
    /// less than the refetch interval ago. An error only when no key was ever fetched.
    pub async fn keys(&self, kid: Option<&str>) -> Result<Arc<Vec<Key>>, String> {
        if let Some(keys) = self.usable(kid) {
            return Ok(keys);
        }
        let _one_fetch = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(keys) = self.usable(kid) {
            return Ok(keys);
        }
        let (recent, jwks_uri) = {
            let s = lock(&self.state);
            (s.last_attempt.is_some_and(|t| t.elapsed() < self.refetch_interval), s.jwks_uri.clone())
        };
        if !recent {
            lock(&self.state).last_attempt = Some(Instant::now());
            match self.fetch(jwks_uri).await {
                Ok((uri, keys, max_age)) => {
                    let mut s = lock(&self.state);
                    s.keys = Arc::new(keys);
                    s.fresh_until = Some(Instant::now() + max_age);
                    s.jwks_uri = Some(uri);
                }
                Err(e) => tracing::warn!(issuer = %self.issuer, error = %e, "fetching the signing keys failed"),
            }
        }
        let keys = lock(&self.state).keys.clone();
        if keys.is_empty() {
            return Err("the authorization server's signing keys are unavailable".to_owned());
        }
        Ok(keys)
    }

    /// The cached keys, if fresh and holding `kid`.
    fn usable(&self, kid: Option<&str>) -> Option<Arc<Vec<Key>>> {
        let s = lock(&self.state);
        let fresh = s.fresh_until.is_some_and(|t| t > Instant::now());
        let known = kid.is_none_or(|kid| s.keys.iter().any(|k| k.kid.as_deref() == Some(kid)));
        (fresh && known && !s.keys.is_empty()).then(|| s.keys.clone())
    }

    /// Fetches the set (finding its URL first if needed): the URL, the keys, and how long to
    /// keep them.
    async fn fetch(&self, jwks_uri: Option<String>) -> Result<(String, Vec<Key>, Duration), String> {
        let uri = match jwks_uri {
            Some(u) => u,
            None => discover(&self.issuer).await?,
        };
        let answer = Exchange::get(&uri).send().await?;
        if answer.status != StatusCode::OK {
            return Err(format!("{uri}: status {}", answer.status));
        }
        let set: Value = serde_json::from_slice(&answer.body).map_err(|e| format!("{uri}: not JSON: {e}"))?;
        let keys = parse_set(&set);
        if keys.is_empty() {
            return Err(format!("{uri}: no usable signing key in the set"));
        }
        Ok((uri, keys, max_age(&answer.headers)))
    }
}

/// The signature keys of a JWK set document; keys of other types, uses or curves are skipped.
fn parse_set(set: &Value) -> Vec<Key> {
    let Some(items) = set.get("keys").and_then(Value::as_array) else { return Vec::new() };
    items.iter().filter_map(|item| key(serde_json::from_value::<Jwk>(item.clone()).ok()?)).take(MAX_KEYS).collect()
}

/// A verification key from one JWK (never a symmetric one: a key set is public).
fn key(jwk: Jwk) -> Option<Key> {
    use jsonwebtoken::AlgorithmFamily as F;
    if jwk.common.public_key_use.as_ref().is_some_and(|u| *u != PublicKeyUse::Signature) {
        return None;
    }
    let family = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => F::Rsa,
        AlgorithmParameters::EllipticCurve(p) if matches!(p.curve, EllipticCurve::P256 | EllipticCurve::P384) => F::Ec,
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => F::Ed,
        _ => return None,
    };
    let alg = match jwk.common.key_algorithm {
        Some(a) => Some(Algorithm::from_str(&a.to_string()).ok().filter(|a| family.algorithms().contains(a))?),
        None => None,
    };
    let decoding = DecodingKey::from_jwk(&jwk).ok()?;
    Some(Key { kid: jwk.common.key_id, alg, family, decoding })
}

/// How long to keep a key set (or a client metadata document): its `Cache-Control: max-age`,
/// bounded; nothing cacheable (`no-store`, `no-cache`) is kept the least time.
pub(super) fn max_age(headers: &HeaderMap) -> Duration {
    let Some(value) = headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()) else {
        return DEFAULT_MAX_AGE;
    };
    let mut age = DEFAULT_MAX_AGE;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return MIN_MAX_AGE;
        }
        if let Some(secs) = lower.strip_prefix("max-age=").and_then(|s| s.trim_matches('"').parse::<u64>().ok()) {
            age = Duration::from_secs(secs);
        }
    }
    age.clamp(MIN_MAX_AGE, MAX_MAX_AGE)
}

/// The `jwks_uri` of `issuer`'s metadata (see [`discover_metadata`]).
async fn discover(issuer: &str) -> Result<String, String> {
    discover_metadata(issuer)
        .await?
        .get("jwks_uri")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("the metadata of {issuer} has no jwks_uri"))
}

/// The metadata of `issuer`: RFC 8414's well-known document first, then OpenID Connect
/// discovery. The document's `issuer` must be the issuer asked about.
pub(super) async fn discover_metadata(issuer: &str) -> Result<Value, String> {
    let trimmed = issuer.trim_end_matches('/');
    let start = trimmed.find("://").map_or(0, |i| i + 3);
    let (origin, path) = trimmed.split_at(trimmed[start..].find('/').map_or(trimmed.len(), |i| start + i));
    let candidates = [
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
        format!("{trimmed}/.well-known/openid-configuration"),
    ];
    let mut last = String::new();
    for url in &candidates {
        match Exchange::get(url).send().await {
            Ok(a) if a.status == StatusCode::OK => {
                let doc: Value = serde_json::from_slice(&a.body).map_err(|e| format!("{url}: not JSON: {e}"))?;
                if doc.get("issuer").and_then(Value::as_str) != Some(issuer) {
                    return Err(format!("{url}: the metadata names another issuer"));
                }
                return Ok(doc);
            }
            Ok(a) => last = format!("{url}: status {}", a.status),
            Err(e) => last = e,
        }
    }
    Err(format!("no authorization server metadata for {issuer} ({last})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde_json::json;

    #[test]
    fn max_age_is_bounded() {
        let h = |v: &'static str| {
            let mut m = HeaderMap::new();
            m.insert(header::CACHE_CONTROL, HeaderValue::from_static(v));
            m
        };
        assert_eq!(max_age(&HeaderMap::new()), DEFAULT_MAX_AGE);
        assert_eq!(max_age(&h("public, max-age=3600")), Duration::from_secs(3600));
        assert_eq!(max_age(&h("max-age=5")), MIN_MAX_AGE);
        assert_eq!(max_age(&h("max-age=9999999")), MAX_MAX_AGE);
        assert_eq!(max_age(&h("no-store")), MIN_MAX_AGE);
    }

    #[test]
    fn only_signature_keys_are_kept() {
        let set = json!({ "keys": [
            { "kty": "oct", "k": "c2VjcmV0", "kid": "sym" },
            { "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "ed", "use": "sig" },
            { "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "enc", "use": "enc" },
            { "kty": "RSA", "n": "0vx7", "e": "AQAB", "kid": "rsa", "alg": "ES256" },
            { "kty": "weird" }
        ]});
        let keys = parse_set(&set);
        assert_eq!(keys.iter().map(|k| k.kid.as_deref()).collect::<Vec<_>>(), vec![Some("ed")]);
        assert!(keys[0].fits(Algorithm::EdDSA) && !keys[0].fits(Algorithm::HS256));
    }
}

//! The RFC 7662 verifier for opaque tokens: the authorization server is asked (a form `POST`
//! with the configured client's Basic credentials); an answer must say `active: true`, be
//! about an access token (a `token_type` or `token_use` naming another kind is refused: a
//! refresh token is active too), and name this server in `aud` (unless the options allow an
//! answer without one); its other claims are checked like a JWT's where present. Active
//! answers are cached by the token's hash (never the token), at most until the token's `exp`
//! and the cache's time to live, so these checks run once per token, not per request;
//! refusals are not cached (see docs/auth.md). At most [`MAX_IN_FLIGHT`] questions are asked
//! at once; past that, requests wait their turn, and the wait and the question together
//! stay within the fetch time bound: past it, or when the authorization server cannot
//! answer, a request is answered [`AuthError::Unavailable`] (503).

use std::sync::Arc;

use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};
use tokio::sync::Semaphore;

use super::claims::ClaimRules;
use super::fetch::{Exchange, TIME_LIMIT};
use super::grants::{self, Grants};
use crate::auth::{AuthError, AuthInfo};

/// What `application/x-www-form-urlencoded` leaves as is: letters, digits and `*-._`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// Questions to the authorization server in progress at once, at most.
const MAX_IN_FLIGHT: usize = 32;

/// Verifies opaque tokens by introspection.
pub(super) struct Introspector {
    endpoint: String,
    /// `Authorization: Basic` credentials (RFC 6749 §2.3.1), if a client is configured.
    basic: Option<String>,
    rules: ClaimRules,
    grants: Grants,
    in_flight: Semaphore,
}

impl Introspector {
    /// Asks `endpoint`, as `client` (id and secret) when given.
    pub fn new(endpoint: String, client: Option<(String, String)>, rules: ClaimRules, grants: Grants) -> Introspector {
        let form = |s: &str| utf8_percent_encode(s, FORM).to_string();
        let basic = client.map(|(id, secret)| {
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", form(&id), form(&secret)))
        });
        Introspector { endpoint, basic, rules, grants, in_flight: Semaphore::new(MAX_IN_FLIGHT) }
    }

    /// The grant `token` gives, or why it is refused.
    pub async fn verify(&self, token: &str) -> Result<AuthInfo, AuthError> {
        let hash = grants::hash(token);
        if let Some(grant) = self.grants.get(&hash) {
            return Ok((*grant).clone());
        }
        let unavailable = || AuthError::Unavailable("the authorization server could not check the token".to_owned());
        // One bound for the wait for a turn and the question together: under overload a
        // request is answered within it, never after a full wait and then a full question.
        let deadline = tokio::time::Instant::now() + TIME_LIMIT;
        let _turn = tokio::time::timeout_at(deadline, self.in_flight.acquire())
            .await
            .map_err(|_| unavailable())?
            .map_err(|_| unavailable())?;
        let body = format!("token={}&token_type_hint=access_token", utf8_percent_encode(token, FORM));
        let mut exchange = Exchange::post_form(&self.endpoint, body);
        if let Some(basic) = &self.basic {
            exchange = exchange.basic(basic.clone());
        }
        let answer = match tokio::time::timeout_at(deadline, exchange.send()).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "token introspection failed");
                return Err(unavailable());
            }
            Err(_) => {
                tracing::warn!("token introspection did not answer in time");
                return Err(unavailable());
            }
        };
        if !answer.status.is_success() {
            tracing::warn!(status = %answer.status, endpoint = %self.endpoint, "token introspection refused");
            return Err(unavailable());
        }
        let claims: Map<String, Value> = serde_json::from_slice(&answer.body).map_err(|_| unavailable())?;
        if claims.get("active") != Some(&Value::Bool(true)) {
            return Err(AuthError::Invalid("token is not active".to_owned()));
        }
        if !access_token(&claims) {
            return Err(AuthError::Invalid("token is not an access token".to_owned()));
        }
        let expires = claims.get("exp").and_then(Value::as_i64).map(grants::instant_of);
        let mut claims = claims;
        claims.remove("active");
        let grant = self.rules.grant(claims)?;
        self.grants.put(hash, Arc::new(grant.clone()), expires);
        Ok(grant)
    }
}

/// Whether an answer is about a bearer access token: its `token_type` (RFC 7662 §2.2), when
/// present, names a bearer access token, and so does `token_use`, which some servers answer
/// instead (`access_token` or `refresh_token`). Either absent says nothing.
fn access_token(claims: &Map<String, Value>) -> bool {
    const ACCESS: [&str; 3] = ["bearer", "access_token", "urn:ietf:params:oauth:token-type:access_token"];
    ["token_type", "token_use"].iter().all(|name| match claims.get(*name) {
        None => true,
        Some(Value::String(kind)) => ACCESS.iter().any(|a| kind.eq_ignore_ascii_case(a)),
        Some(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_bearer_access_tokens_pass() {
        let kind = |v: Value| access_token(v.as_object().unwrap());
        assert!(kind(json!({})));
        assert!(kind(json!({ "token_type": "Bearer" })) && kind(json!({ "token_type": "access_token" })));
        assert!(kind(json!({ "token_use": "access_token", "token_type": "bearer" })));
        assert!(!kind(json!({ "token_type": "refresh_token" })));
        assert!(!kind(json!({ "token_use": "refresh_token" })));
        assert!(!kind(json!({ "token_type": "DPoP" })), "a key-bound token is not a bearer token");
        assert!(!kind(json!({ "token_type": 1 })));
    }
}

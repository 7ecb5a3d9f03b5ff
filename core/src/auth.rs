//! What the application and the engine exchange about who is calling: the grant a verified
//! bearer token gives ([`AuthInfo`], handed to handlers), why a token is refused
//! ([`AuthError`]), and the application's verifier ([`TokenVerifier`]). The HTTP transport
//! asks the verifier; everything below it only sees the grant.

use std::future::Future;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sync::{BoxFuture, lock};

/// What a verified token grants. Its JSON form (what the bindings hand over, both ways) is
/// `{"subject": "...", "scopes": ["..."], "clientId": "...", "extra": {...}}`, every field
/// optional (`client_id` is accepted for `clientId`); other fields (the official TypeScript
/// SDK's `token` or `expiresAt`, say) are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthInfo {
    /// The principal (the token's `sub`). Legacy sessions and 2026 `requestState` are bound to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The scopes the token grants.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The OAuth client the token was issued to.
    #[serde(default, alias = "client_id", skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Anything else the verifier wants handlers to see (claims, tenant, …).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub extra: Value,
}

impl AuthInfo {
    /// A grant for `subject` with these scopes.
    pub fn new(subject: impl Into<String>, scopes: impl IntoIterator<Item = impl Into<String>>) -> AuthInfo {
        AuthInfo {
            subject: Some(subject.into()),
            scopes: scopes.into_iter().map(Into::into).collect(),
            ..AuthInfo::default()
        }
    }

    /// True when the token grants `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// True when the token grants every one of `scopes`.
    pub fn has_scopes(&self, scopes: &[String]) -> bool {
        scopes.iter().all(|s| self.has_scope(s))
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Invalid, expired, or issued for another resource: 401 `error="invalid_token"`. The
    /// message goes to the client as `error_description`; never put the token in it.
    Invalid(String),
    /// Valid, but without the scopes this needs: 403 `error="insufficient_scope"` listing them.
    InsufficientScope {
        /// Every scope the operation needs.
        required: Vec<String>,
    },
    /// The token could not be checked now (the authorization server is unreachable, failing
    /// or overloaded): 503 with `Retry-After`, so the client keeps its token and tries again
    /// (a 401 would tell it to throw the token away).
    Unavailable(String),
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthError::Invalid(m) => write!(f, "invalid token: {m}"),
            AuthError::InsufficientScope { required } => write!(f, "insufficient scope: needs {}", required.join(" ")),
            AuthError::Unavailable(m) => write!(f, "token check unavailable: {m}"),
        }
    }
}

impl std::error::Error for AuthError {}

/// The application's verifier: `async fn(token) -> Result<AuthInfo, AuthError>`. It must
/// check signature or introspection, expiry, issuer and audience (auth.md §4).
pub trait TokenVerifier: Send + Sync + 'static {
    /// Verifies one bearer token.
    fn verify(&self, token: &str) -> BoxFuture<'static, Result<AuthInfo, AuthError>>;

    /// The routes of the authorization server this verifier belongs to, served next to the
    /// MCP endpoint (the OAuth proxy of the `auth.proxy` options), keeping its state in
    /// `store` when one is given; `None` (the default) for a verifier alone.
    #[doc(hidden)]
    fn authorization_routes(&self, _store: Option<&crate::SharedStore>) -> Option<axum::Router> {
        None
    }
}

impl<F, Fut> TokenVerifier for F
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AuthInfo, AuthError>> + Send + 'static,
{
    fn verify(&self, token: &str) -> BoxFuture<'static, Result<AuthInfo, AuthError>> {
        Box::pin(self(token.to_owned()))
    }
}

/// The caller of a long-lived connection (a WebSocket or a 2024-11-05 SSE session): replaced by each POST's
/// verified grant, so a refreshed token's scopes reach the requests that follow.
pub(crate) struct AuthCell(Mutex<Arc<AuthInfo>>);

impl AuthCell {
    pub fn new(info: Arc<AuthInfo>) -> AuthCell {
        AuthCell(Mutex::new(info))
    }

    pub fn get(&self) -> Arc<AuthInfo> {
        lock(&self.0).clone()
    }

    pub fn set(&self, info: Arc<AuthInfo>) {
        *lock(&self.0) = info;
    }
}

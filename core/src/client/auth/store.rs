//! Where the OAuth client keeps what the authorization server gave it ([`TokenStore`], with
//! [`MemoryTokenStore`] as the default): per resource, the tokens and what is needed to
//! refresh them without discovering anything again (the token endpoint and the client's
//! credentials at that server).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::sync::{BoxFuture, lock};

/// A token is treated as expired this long before the time the server gave, so that it does
/// not expire on its way.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// What the authorization server issued for one resource, and how to refresh it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    /// The bearer token sent to the resource.
    pub access_token: String,
    /// The refresh token, when the server issued one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// When the access token expires, in seconds since the Unix epoch (none: unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// The scopes asked for (space-separated), the base of a later step-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The issuer of the authorization server that issued the tokens.
    pub issuer: String,
    /// Its token endpoint (where a refresh goes).
    pub token_endpoint: String,
    /// The client's id at that server.
    pub client_id: String,
    /// The client's secret there, for a confidential client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// How the client authenticates at the token endpoint (`none`, `client_secret_basic`,
    /// `client_secret_post`).
    pub auth_method: String,
    /// The `resource` the tokens were issued for (RFC 8707).
    pub resource: String,
}

impl Tokens {
    /// Whether the access token is expired (or within [`EXPIRY_MARGIN`] of it) at `now`.
    #[must_use]
    pub fn expired_at(&self, now: SystemTime) -> bool {
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        self.expires_at.is_some_and(|at| now + EXPIRY_MARGIN >= Duration::from_secs(at))
    }

    /// Whether the access token is expired now.
    #[must_use]
    pub fn expired(&self) -> bool {
        self.expired_at(SystemTime::now())
    }
}

/// What [`TokenStore::lock_for_refresh`] gives: held while a refresh runs, released when
/// dropped.
pub type StoreLock = Box<dyn Send>;

/// Keeps tokens by resource: the MCP endpoint URL they are sent to, and only ever to it.
/// Implement it to keep tokens across runs (a file, the system's keyring) or to share them
/// between clients.
pub trait TokenStore: Send + Sync + 'static {
    /// The tokens kept for `resource`.
    fn load<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Option<Tokens>>;
    /// Keeps `tokens` for `resource` (none: forgets them).
    fn save<'a>(&'a self, resource: &'a str, tokens: Option<Tokens>) -> BoxFuture<'a, ()>;
    /// Locks `resource`'s tokens against the other holders of a store shared between
    /// processes (or machines), before the client refreshes them or keeps new ones; the
    /// client loads them again under the lock and uses what another holder left when it
    /// differs from the token that expired. Resolves within a bound of the store's own to
    /// the lock (none: the store is not shared, the default) or to why it could not be
    /// taken, which fails the refresh. [`FileTokenStore`](super::FileTokenStore) locks a
    /// file beside its own.
    fn lock_for_refresh<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Result<Option<StoreLock>, String>> {
        _ = resource;
        Box::pin(async { Ok(None) })
    }
}

/// Tokens in memory, for the life of the process (the default store).
#[derive(Debug, Default)]
pub struct MemoryTokenStore(Mutex<HashMap<String, Tokens>>);

impl MemoryTokenStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> MemoryTokenStore {
        MemoryTokenStore::default()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Option<Tokens>> {
        let found = lock(&self.0).get(resource).cloned();
        Box::pin(async move { found })
    }

    fn save<'a>(&'a self, resource: &'a str, tokens: Option<Tokens>) -> BoxFuture<'a, ()> {
        let mut kept = lock(&self.0);
        match tokens {
            Some(tokens) => _ = kept.insert(resource.to_owned(), tokens),
            None => _ = kept.remove(resource),
        }
        Box::pin(async {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_counts_the_margin() {
        let tokens = |at| Tokens {
            access_token: "a".into(),
            refresh_token: None,
            expires_at: at,
            scope: None,
            issuer: "i".into(),
            token_endpoint: "t".into(),
            client_id: "c".into(),
            client_secret: None,
            auth_method: "none".into(),
            resource: "r".into(),
        };
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert!(!tokens(None).expired_at(now));
        assert!(!tokens(Some(1031)).expired_at(now));
        assert!(tokens(Some(1030)).expired_at(now));
        assert!(tokens(Some(10)).expired_at(now));
    }
}

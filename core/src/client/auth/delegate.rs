//! The OAuth client set up from outside Rust ([`OAuthSettings`]): the options a binding
//! reads from its language as one JSON object, and the application's own steps (the
//! user's part of the authorization, the token store) answered through one [`Ask`]
//! function, by name ([`AUTHORIZE`], [`TOKENS`], [`SAVE_TOKENS`]). The flow itself stays
//! here; a binding only carries the questions to its language and the answers back.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Authorizer, FileTokenStore, FollowRedirects, OAuthClient, PreRegistered, TokenStore, Tokens};
use crate::sync::BoxFuture;

/// Asked with `{ "url", "redirectUri" }`: the user's part of the authorization, answered
/// with the full URL the authorization server redirected to (a JSON string).
pub const AUTHORIZE: &str = "oauth/authorize";
/// Asked with `{ "resource" }`: the tokens kept for the resource (the [`Tokens`] JSON
/// object, or null).
pub const TOKENS: &str = "oauth/tokens";
/// Asked with `{ "resource", "tokens" }` (the [`Tokens`] JSON object, or null to forget
/// them): keep them; any answer will do.
pub const SAVE_TOKENS: &str = "oauth/saveTokens";

/// How long the application's token store may take to answer; a store that does not answer
/// in time is taken to hold nothing (a load) or to have failed (a save).
pub const STORE_TIME_LIMIT: Duration = Duration::from_secs(10);

/// Asks the application one of the questions above (its name, its params); resolves to
/// its answer or to why it failed.
pub type Ask = Arc<dyn Fn(&'static str, Value) -> BoxFuture<'static, Result<Value, String>> + Send + Sync>;

/// How a binding's application configures the OAuth client (camelCase JSON).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OAuthSettings {
    /// `client_name` at registration.
    pub client_name: Option<String>,
    /// The redirect URI of the code grant.
    pub redirect_uri: Option<String>,
    /// The scopes asked for when the server's challenge names none.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// A pre-registered client id.
    pub client_id: Option<String>,
    /// Its secret, for a confidential client.
    pub client_secret: Option<String>,
    /// The issuer the pre-registered credentials belong to (none: any).
    pub issuer: Option<String>,
    /// The client's Client ID Metadata Document URL.
    pub client_metadata_url: Option<String>,
    /// The user's part played by following redirects ([`FollowRedirects`]) instead of
    /// asking the application ([`AUTHORIZE`]).
    #[serde(default)]
    pub follow_redirects: bool,
    /// The tokens kept by the application ([`TOKENS`], [`SAVE_TOKENS`]) instead of in
    /// memory.
    #[serde(default)]
    pub store: bool,
    /// The tokens kept in this JSON file instead ([`FileTokenStore`]): every process naming
    /// the same file shares them, and one refresh runs per expiry among them.
    pub token_file: Option<PathBuf>,
    /// Whether to ask for `offline_access` (default true).
    pub offline_access: Option<bool>,
    /// How long the user's part may take, in seconds.
    pub authorize_timeout: Option<f64>,
}

impl OAuthSettings {
    /// The client these settings describe; `ask` answers the application's steps.
    pub fn build(self, ask: Ask) -> Result<OAuthClient, String> {
        let mut builder = if self.follow_redirects {
            OAuthClient::builder(FollowRedirects)
        } else {
            OAuthClient::builder(Asking(ask.clone()))
        };
        match (self.store, self.token_file) {
            (true, Some(_)) => {
                return Err("the tokens are kept by the application (store) or in a tokenFile, not both".into());
            }
            (true, None) => builder = builder.store(Arc::new(Asking(ask))),
            (false, Some(path)) => builder = builder.store(Arc::new(FileTokenStore::new(path))),
            (false, None) => {}
        }
        if let Some(name) = self.client_name {
            builder = builder.client_name(name);
        }
        if let Some(uri) = self.redirect_uri {
            builder = builder.redirect_uri(uri);
        }
        if let Some(url) = self.client_metadata_url {
            builder = builder.client_metadata_url(url);
        }
        if let Some(client_id) = self.client_id {
            let issuer = self.issuer;
            builder = builder.pre_registered(PreRegistered { client_id, client_secret: self.client_secret, issuer });
        }
        if let Some(ask) = self.offline_access {
            builder = builder.offline_access(ask);
        }
        if let Some(seconds) = self.authorize_timeout {
            let timeout = Duration::try_from_secs_f64(seconds).map_err(|_| "authorize timeout: seconds >= 0")?;
            builder = builder.authorize_timeout(timeout);
        }
        Ok(builder.scopes(self.scopes).build())
    }
}

/// The application's side of the steps, through its [`Ask`].
struct Asking(Ask);

impl Authorizer for Asking {
    fn authorize(&self, url: String, redirect_uri: String) -> BoxFuture<'_, Result<String, String>> {
        let asked = (self.0)(AUTHORIZE, json!({ "url": url, "redirectUri": redirect_uri }));
        Box::pin(async move {
            match asked.await? {
                Value::String(redirect) => Ok(redirect),
                other => Err(format!("the authorize step gave {other}, not the URL it was redirected to")),
            }
        })
    }
}

impl TokenStore for Asking {
    fn load<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Option<Tokens>> {
        let asked = (self.0)(TOKENS, json!({ "resource": resource }));
        Box::pin(async move {
            match bounded(asked).await {
                Ok(Value::Null) => None,
                Ok(kept) => serde_json::from_value(kept)
                    .inspect_err(|e| tracing::warn!(resource, "the token store gave tokens that do not read: {e}"))
                    .ok(),
                Err(e) => {
                    tracing::warn!(resource, "the token store failed to load: {e}");
                    None
                }
            }
        })
    }

    fn save<'a>(&'a self, resource: &'a str, tokens: Option<Tokens>) -> BoxFuture<'a, ()> {
        let asked = (self.0)(SAVE_TOKENS, json!({ "resource": resource, "tokens": tokens }));
        Box::pin(async move {
            if let Err(e) = bounded(asked).await {
                tracing::warn!(resource, "the token store failed to save: {e}");
            }
        })
    }
}

/// The store's answer within [`STORE_TIME_LIMIT`].
async fn bounded(asked: BoxFuture<'static, Result<Value, String>>) -> Result<Value, String> {
    tokio::time::timeout(STORE_TIME_LIMIT, asked)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", STORE_TIME_LIMIT.as_secs())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_camel_case_and_refuse_unknown_names() {
        let settings: OAuthSettings =
            serde_json::from_value(json!({ "clientName": "app", "scopes": ["a"], "followRedirects": true })).unwrap();
        assert_eq!(settings.client_name.as_deref(), Some("app"));
        assert!(settings.follow_redirects && !settings.store);
        assert!(serde_json::from_value::<OAuthSettings>(json!({ "clientname": "app" })).is_err());
        let both: OAuthSettings = serde_json::from_value(json!({ "store": true, "tokenFile": "t.json" })).unwrap();
        let ask: Ask = Arc::new(|_, _| Box::pin(async { Ok(Value::Null) }));
        assert!(both.build(ask).unwrap_err().contains("not both"));
    }
}

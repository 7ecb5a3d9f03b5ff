//! One MCP endpoint's side of the OAuth client ([`Session`]): the token each request carries,
//! refreshed when expired, and what a 401 or 403 challenge sets off (a refresh, else the
//! whole authorization: metadata, identity, code grant), at most [`MAX_AUTHORIZATIONS`]
//! times per request. One flight at a time: however many requests find the token expired or
//! refused, one refresh or authorization runs, and the others then use its token; across
//! processes sharing a store, under the store's lock ([`TokenStore::lock_for_refresh`](super::TokenStore::lock_for_refresh)).

use std::sync::Arc;

use hyper::Uri;

use super::address::{origin, parse};
use super::challenge::Challenge;
use super::discovery::{self, ServerMetadata};
use super::flow::{self, Secrets};
use super::registration::{self, Identity};
use super::store::Tokens;
use super::{OAuthClient, Shared};
use crate::dial::Trust;

/// How many authorizations one request may set off before it fails (a server that keeps
/// refusing the scopes it asked for must not loop the user through consent).
pub const MAX_AUTHORIZATIONS: usize = 3;

/// The scope asked for alongside the resource's, for a refresh token, when the
/// authorization server lists it.
const OFFLINE_ACCESS: &str = "offline_access";

/// What one request already tried.
#[derive(Debug, Default)]
pub struct Attempt {
    refreshed: bool,
    authorizations: usize,
    last_scopes: Option<Vec<String>>,
}

/// The OAuth state of one MCP endpoint.
pub struct Session {
    shared: Arc<Shared>,
    endpoint: Uri,
    /// The endpoint as the store keys its tokens.
    key: String,
    /// What the endpoint's transport trusts; the OAuth exchanges trust the same.
    trust: Trust,
    /// Held by the one refresh or authorization under way.
    flight: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("endpoint", &self.key).finish_non_exhaustive()
    }
}

impl Session {
    /// The session of `client` for `endpoint`, whose exchanges trust `trust`.
    pub(super) fn new(client: OAuthClient, endpoint: &str, trust: Trust) -> Result<Session, String> {
        let key = endpoint.split('#').next().unwrap_or_default().to_owned();
        let endpoint = parse(&key)?;
        Ok(Session { shared: client.shared, endpoint, key, trust, flight: tokio::sync::Mutex::new(()) })
    }

    /// The endpoint's URL, as tokens are kept under it.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.key
    }

    /// The token a request carries now (none before the first authorization). An expired
    /// one is refreshed first, once for every request waiting on it.
    pub async fn bearer(&self) -> Option<String> {
        let store = &self.shared.store;
        let tokens = store.load(&self.key).await?;
        if !tokens.expired() {
            return Some(tokens.access_token);
        }
        let _flight = self.flight.lock().await;
        let tokens = store.load(&self.key).await?;
        if !tokens.expired() {
            return Some(tokens.access_token);
        }
        // Expired without a refresh token: the request goes without, and its challenge
        // starts an authorization.
        tokens.refresh_token.as_ref()?;
        match self.refresh(&tokens).await {
            Ok(access) => Some(access),
            Err(e) => {
                tracing::debug!(endpoint = %self.key, "refreshing the token failed: {e}");
                None
            }
        }
    }

    /// Refreshes `seen`, under the store's lock: the tokens are loaded again under it, and
    /// when another holder of the store (another process) left a live token other than
    /// `seen`'s meanwhile, that one is used without a refresh. Gives the access token.
    async fn refresh(&self, seen: &Tokens) -> Result<String, String> {
        let store = &self.shared.store;
        let _held = store.lock_for_refresh(&self.key).await?;
        let now = store.load(&self.key).await;
        if let Some(renewed) = now.as_ref().filter(|t| t.access_token != seen.access_token && !t.expired()) {
            return Ok(renewed.access_token.clone());
        }
        let current = now.as_ref().filter(|t| t.refresh_token.is_some()).unwrap_or(seen);
        let fresh = flow::refresh(&self.trust, current).await?;
        Ok(self.keep(fresh).await)
    }

    /// Acts on a 401 or 403 answer (its `status` and challenge) to a request sent with the
    /// token `sent`: `Ok` when the request should be sent again (with a new token), `Err`
    /// with the reason when it should fail.
    pub async fn challenged(
        &self,
        status: u16,
        challenge: &Challenge,
        sent: Option<&str>,
        attempt: &mut Attempt,
    ) -> Result<(), String> {
        let step_up = status == 403;
        if step_up && challenge.error.as_deref() != Some("insufficient_scope") {
            return Err("HTTP 403 without an insufficient_scope challenge".into());
        }
        let _flight = self.flight.lock().await;
        let current = self.shared.store.load(&self.key).await;
        if let Some(now) = current.as_ref().filter(|t| !t.expired()) {
            if Some(now.access_token.as_str()) != sent {
                // Another request renewed the token meanwhile.
                return Ok(());
            }
        }
        let held = current.filter(|t| Some(t.access_token.as_str()) == sent);
        if let Some(tokens) = held.as_ref().filter(|t| !step_up && !attempt.refreshed && t.refresh_token.is_some()) {
            attempt.refreshed = true;
            match self.refresh(tokens).await {
                Ok(_) => return Ok(()),
                Err(e) => tracing::debug!(endpoint = %self.key, "refreshing the refused token failed: {e}"),
            }
        }
        if attempt.authorizations >= MAX_AUTHORIZATIONS {
            return Err(format!("still refused (HTTP {status}) after {MAX_AUTHORIZATIONS} authorizations"));
        }
        // The scopes asked for before and the ones the challenge names, together.
        let mut scopes: Vec<String> = held
            .as_ref()
            .and_then(|t| t.scope.as_deref())
            .map(|s| s.split_ascii_whitespace().filter(|s| *s != OFFLINE_ACCESS).map(str::to_owned).collect())
            .unwrap_or_default();
        for scope in challenge.scopes() {
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_owned());
            }
        }
        if step_up && attempt.last_scopes.as_ref() == Some(&scopes) {
            return Err(format!("refused for scope {scopes:?} again right after authorizing it"));
        }
        attempt.authorizations += 1;
        attempt.last_scopes = Some(scopes.clone());
        let tokens = self.authorize(challenge, scopes).await?;
        let _held = self.shared.store.lock_for_refresh(&self.key).await?;
        self.keep(tokens).await;
        Ok(())
    }

    /// Keeps `tokens`; returns the access token.
    async fn keep(&self, tokens: Tokens) -> String {
        let access = tokens.access_token.clone();
        self.shared.store.save(&self.key, Some(tokens)).await;
        access
    }

    /// The whole authorization: metadata, identity, code grant with PKCE.
    async fn authorize(&self, challenge: &Challenge, mut scopes: Vec<String>) -> Result<Tokens, String> {
        let resource =
            discovery::protected_resource(&self.trust, &self.endpoint, challenge.resource_metadata.as_deref()).await?;
        let server = match &resource {
            Some(found) => {
                let issuer = &found.authorization_servers[0];
                discovery::authorization_server(&self.trust, issuer)
                    .await?
                    .ok_or_else(|| format!("no authorization server metadata for {issuer}"))?
            }
            // No protected-resource metadata (a 2025-03-26 server): the authorization
            // server is at the endpoint's origin, with its metadata or the default endpoints.
            None => {
                let issuer = origin(&self.endpoint);
                discovery::authorization_server(&self.trust, &issuer)
                    .await?
                    .unwrap_or_else(|| ServerMetadata::defaults(&self.endpoint))
            }
        };
        if !server.supports_s256() {
            return Err(format!("{} does not offer PKCE with S256: not authorizing there", server.issuer));
        }
        if scopes.is_empty() {
            scopes = self.shared.scopes.clone();
        }
        if scopes.is_empty() {
            scopes = resource.as_ref().and_then(|r| r.scopes_supported.clone()).unwrap_or_default();
        }
        scopes.retain(|s| s != OFFLINE_ACCESS);
        if self.shared.offline_access && server.knows_scope(OFFLINE_ACCESS) {
            scopes.push(OFFLINE_ACCESS.to_owned());
        }
        let resource = resource.map_or_else(|| self.key.clone(), |r| r.resource);
        let client = self.identity(&server).await?;
        let redirect_uri = self.shared.profile.redirect_uri.as_str();
        let request = flow::Request {
            trust: &self.trust,
            server: &server,
            client: &client,
            resource: &resource,
            scope: (!scopes.is_empty()).then(|| scopes.join(" ")),
            redirect_uri,
        };
        let secrets = Secrets::new()?;
        let url = flow::authorization_url(&request, &secrets)?;
        let timeout = self.shared.authorize_timeout;
        let redirect = tokio::time::timeout(
            timeout,
            self.shared.authorizer.authorize_trusting(url, redirect_uri.to_owned(), &self.trust),
        )
        .await
        .map_err(|_| format!("the authorization did not end within {} s", timeout.as_secs()))??;
        let code = flow::code_of(&redirect, &server, &secrets)?;
        flow::exchange_code(&request, &code, &secrets).await
    }

    /// The client's identity at `server`: pre-registered, its metadata document, or a
    /// registration (made once per issuer).
    async fn identity(&self, server: &ServerMetadata) -> Result<Identity, String> {
        let shared = &self.shared;
        if let Some(known) = registration::known(&shared.profile, shared.registered.as_ref(), server) {
            return Ok(known);
        }
        let mut registrations = shared.registrations.lock().await;
        if let Some(identity) = registrations.get(&server.issuer) {
            return Ok(identity.clone());
        }
        let identity = registration::register(&self.trust, &shared.profile, server).await?;
        registrations.insert(server.issuer.clone(), identity.clone());
        Ok(identity)
    }
}

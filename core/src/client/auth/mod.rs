//! The OAuth client of the HTTP transport ([`OAuthClient`]): the authorization flow the MCP
//! specification gives, run when a request is answered 401 (or 403 `insufficient_scope`):
//! the challenge (`challenge`), protected-resource and authorization-server metadata
//! (`discovery`), the client's identity (`registration`: pre-registered, a Client ID
//! Metadata Document, or dynamic registration), the authorization code grant with PKCE and
//! `resource` (`flow`, with the user's part in an [`Authorizer`]), the tokens kept in a
//! [`TokenStore`] (in memory, in a file shared between processes: [`FileTokenStore`]) and
//! refreshed once per expiry whatever the number of requests or processes waiting
//! (`session`). A token is only ever sent to the endpoint it was obtained for.
//!
//! ```no_run
//! use mcpforge::client::{Client, auth::{FollowRedirects, OAuthClient}, transport::HttpTransport};
//!
//! # async fn run() -> Result<(), mcpforge::client::ClientError> {
//! let oauth = OAuthClient::builder(FollowRedirects).client_name("my-app").build();
//! let transport = HttpTransport::new("http://127.0.0.1:3000/mcp").oauth(oauth);
//! let client = Client::builder("my-app", "1.0.0").connect(transport).await?;
//! # Ok(()) }
//! ```

pub(crate) mod address;
mod authorizer;
mod challenge;
mod delegate;
mod discovery;
mod fetch;
mod file_store;
mod flow;
mod registration;
mod session;
mod store;

use std::sync::Arc;
use std::time::Duration;

pub use authorizer::{Authorizer, FollowRedirects, MAX_REDIRECTS};
pub use challenge::Challenge;
pub use delegate::{AUTHORIZE, Ask, OAuthSettings, SAVE_TOKENS, STORE_TIME_LIMIT, TOKENS};
pub use fetch::{MAX_ANSWER, TIME_LIMIT};
pub use file_store::{DEFAULT_LOCK_TIMEOUT, FileTokenStore};
pub use registration::PreRegistered;
pub use session::{Attempt, MAX_AUTHORIZATIONS, Session};
pub use store::{EXPIRY_MARGIN, MemoryTokenStore, StoreLock, TokenStore, Tokens};

use registration::Profile;

use crate::dial::Trust;

/// The redirect URI used unless [`OAuthBuilder::redirect_uri`] says another.
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1/callback";
/// How long the user's part of an authorization may take unless
/// [`OAuthBuilder::authorize_timeout`] says otherwise.
pub const DEFAULT_AUTHORIZE_TIMEOUT: Duration = Duration::from_secs(300);

/// How a client obtains and keeps OAuth tokens; give it to
/// [`HttpTransport::oauth`](crate::client::transport::HttpTransport::oauth). Cloning shares
/// the store and the registrations.
#[derive(Clone)]
pub struct OAuthClient {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient").field("client_name", &self.shared.profile.name).finish_non_exhaustive()
    }
}

/// What every session of one [`OAuthClient`] shares.
pub(crate) struct Shared {
    pub(crate) profile: Profile,
    pub(crate) registered: Option<PreRegistered>,
    pub(crate) store: Arc<dyn TokenStore>,
    pub(crate) authorizer: Arc<dyn Authorizer>,
    pub(crate) offline_access: bool,
    pub(crate) authorize_timeout: Duration,
    /// The scopes asked for when neither a challenge nor the resource's metadata names any.
    pub(crate) scopes: Vec<String>,
    /// The identities dynamic registration gave, by issuer.
    pub(crate) registrations: tokio::sync::Mutex<std::collections::HashMap<String, registration::Identity>>,
}

impl OAuthClient {
    /// A client whose users authorize through `authorizer`.
    pub fn builder(authorizer: impl Authorizer) -> OAuthBuilder {
        OAuthBuilder {
            profile: Profile { name: "mcpforge".into(), redirect_uri: DEFAULT_REDIRECT_URI.into(), metadata_url: None },
            registered: None,
            store: Arc::new(MemoryTokenStore::new()),
            authorizer: Arc::new(authorizer),
            offline_access: true,
            authorize_timeout: DEFAULT_AUTHORIZE_TIMEOUT,
            scopes: Vec::new(),
        }
    }

    /// The store the tokens are kept in.
    #[must_use]
    pub fn store(&self) -> Arc<dyn TokenStore> {
        self.shared.store.clone()
    }

    /// The session of this client for the MCP endpoint `endpoint` (what the HTTP transport
    /// asks for its tokens); its metadata, registration and token exchanges trust `trust`,
    /// the transport's own.
    pub fn session(&self, endpoint: &str, trust: Trust) -> Result<Session, String> {
        Session::new(self.clone(), endpoint, trust)
    }
}

/// Sets an [`OAuthClient`] up.
pub struct OAuthBuilder {
    profile: Profile,
    registered: Option<PreRegistered>,
    store: Arc<dyn TokenStore>,
    authorizer: Arc<dyn Authorizer>,
    offline_access: bool,
    authorize_timeout: Duration,
    scopes: Vec<String>,
}

impl std::fmt::Debug for OAuthBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthBuilder").field("profile", &self.profile).finish_non_exhaustive()
    }
}

impl OAuthBuilder {
    /// The `client_name` given at registration (default `mcpforge`).
    #[must_use]
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.profile.name = name.into();
        self
    }

    /// The redirect URI (default [`DEFAULT_REDIRECT_URI`]).
    #[must_use]
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.profile.redirect_uri = uri.into();
        self
    }

    /// The URL of the client's Client ID Metadata Document: its client id at every
    /// authorization server that accepts one (`client_id_metadata_document_supported`).
    #[must_use]
    pub fn client_metadata_url(mut self, url: impl Into<String>) -> Self {
        self.profile.metadata_url = Some(url.into());
        self
    }

    /// Credentials registered beforehand (used before any other way to identify the client).
    #[must_use]
    pub fn pre_registered(mut self, registered: PreRegistered) -> Self {
        self.registered = Some(registered);
        self
    }

    /// Where the tokens are kept (default: a [`MemoryTokenStore`]).
    #[must_use]
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = store;
        self
    }

    /// Whether to ask for `offline_access` (a refresh token) when the authorization server
    /// lists that scope (default true).
    #[must_use]
    pub fn offline_access(mut self, ask: bool) -> Self {
        self.offline_access = ask;
        self
    }

    /// How long the user's part of an authorization may take (default
    /// [`DEFAULT_AUTHORIZE_TIMEOUT`]).
    #[must_use]
    pub fn authorize_timeout(mut self, timeout: Duration) -> Self {
        self.authorize_timeout = timeout;
        self
    }

    /// The scopes to ask for when the server's challenge names none: by default those the
    /// resource's metadata lists (`scopes_supported`), or none.
    #[must_use]
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The client.
    #[must_use]
    pub fn build(self) -> OAuthClient {
        OAuthClient {
            shared: Arc::new(Shared {
                profile: self.profile,
                registered: self.registered,
                store: self.store,
                authorizer: self.authorizer,
                offline_access: self.offline_access,
                authorize_timeout: self.authorize_timeout,
                scopes: self.scopes,
                registrations: tokio::sync::Mutex::default(),
            }),
        }
    }
}

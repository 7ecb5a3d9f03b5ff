//! The OAuth proxy (`auth.proxy`): this server becomes the authorization server its MCP
//! clients see, for an identity provider that has no dynamic client registration. Clients
//! register here (RFC 7591) or are known by the URL of their metadata document, authorize
//! here with PKCE, and get tokens here; the user's login is delegated to the upstream
//! provider with one pre-registered client, and the tokens issued are this server's own
//! short-lived JWTs (HS256), bound to its resource, which it verifies itself. Registrations, pending logins, codes and refresh tokens live in the
//! shared store's [`ExpiringValues`] when one is configured (any instance serves any step),
//! bounded in memory otherwise.
//!
//! `clients` registers and authenticates clients, `login` serves `/authorize`, the consent
//! form's answer and the upstream callback, `consent` makes the consent page and binds a
//! login to its browser, `allowed` says which upstream users may log in, `token` serves
//! `/token` and issues tokens, `revoke` serves `/revoke`, `kinds` bounds what is kept,
//! `sources` tells requests' sources apart and limits their rate, `client_document`
//! fetches, checks and caches the metadata documents of clients identified by URL,
//! `client_flows` says which flows either kind of client may ask for.

mod allowed;
mod client_document;
mod client_flows;
mod clients;
mod common;
mod consent;
mod kinds;
mod login;
mod revoke;
mod sources;
mod token;
mod upstream;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use jsonwebtoken::Algorithm;
use serde::Deserialize;
use serde_json::{Value, json};

use self::allowed::Allowed;
use self::common::{
    AUTHORIZE_PATH, CALLBACK_PATH, METADATA_PATH, Proxy, REGISTER_PATH, TOKEN_PATH, no_store, origin, random_bytes,
};
use self::upstream::{Upstream, UpstreamConfig};
use super::claims::ClaimRules;
use super::grants::Grants;
use super::jwt::{JwtVerifier, Keys};
use crate::auth::{AuthError, AuthInfo, TokenVerifier};
use crate::error::Error;
use crate::store::SharedStore;
use crate::sync::BoxFuture;

/// Verified grants of the proxy's tokens cached, at most.
const CACHE_ENTRIES: usize = 10_000;

/// The `auth.proxy` member.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProxyConfig {
    upstream: UpstreamConfig,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default, alias = "signingSecret")]
    signing_secret: Option<String>,
    #[serde(default, alias = "tokenLifetime")]
    token_lifetime: Option<u64>,
    #[serde(default, alias = "refreshTokenLifetime")]
    refresh_token_lifetime: Option<u64>,
    #[serde(default, alias = "rateLimit", deserialize_with = "sources::present")]
    rate_limit: Option<Option<crate::dispatch::rate_limit::RateConfig>>,
    #[serde(default, alias = "allowedSubjects")]
    allowed_subjects: Option<Vec<String>>,
    #[serde(default, alias = "allowedEmailDomains")]
    allowed_email_domains: Option<Vec<String>>,
    #[serde(default, alias = "clientMetadataDocuments")]
    client_metadata_documents: client_document::DocumentOptions,
}

/// What the proxy needs to know of the rest of the options.
pub(crate) struct ProxyContext<'a> {
    /// This server's resource URL.
    pub resource: &'a str,
    /// The scopes the server advertises (what clients may ask for; empty: any).
    pub scopes_supported: &'a [String],
    /// Paths already served (the MCP endpoint and others), which the proxy must not take.
    pub taken_paths: &'a [&'a str],
    /// Whether a shared store is configured (then `signingSecret` is required).
    pub shared_store: bool,
}

/// The verifier of the proxy's own tokens, which also serves the proxy's routes.
struct ProxyVerifier(Arc<Proxy>);

impl TokenVerifier for ProxyVerifier {
    fn verify(&self, token: &str) -> BoxFuture<'static, Result<AuthInfo, AuthError>> {
        let proxy = self.0.clone();
        let token = token.to_owned();
        Box::pin(async move {
            let grant = proxy.verifier.verify(&token).await?;
            // A revoked login's tokens are refused at once (tokens without a login: none issued since).
            if let Some(login) = grant.extra.get("fam").and_then(Value::as_str) {
                match token::login_revoked(&proxy, login).await {
                    Ok(false) => {}
                    Ok(true) => return Err(AuthError::Invalid("this login was revoked".to_owned())),
                    Err(e) => {
                        tracing::error!(error = %e, "the OAuth proxy cannot read its state");
                        return Err(AuthError::Unavailable("the login cannot be checked now".to_owned()));
                    }
                }
            }
            Ok(grant)
        })
    }

    fn authorization_routes(&self, store: Option<&SharedStore>) -> Option<Router> {
        let values = store.map_or_else(crate::store::memory_values, |s| s.values().clone());
        let _ = self.0.values.set(values);
        Some(routes(&self.0))
    }
}

/// The verifier of the `auth.proxy` options (JSON) and the proxy's issuer URL.
pub(crate) fn from_json(value: Value, context: &ProxyContext<'_>) -> Result<(Arc<dyn TokenVerifier>, String), Error> {
    let bad = |m: &str| Error::Config(format!("auth.proxy: {m}"));
    let c: ProxyConfig = serde_json::from_value(value).map_err(|e| bad(&e.to_string()))?;
    let origin_of_resource = origin(context.resource).ok_or_else(|| bad("the resource is not an absolute URL"))?;
    let issuer = c.issuer.unwrap_or_else(|| origin_of_resource.to_owned());
    let issuer_origin = origin(&issuer).ok_or_else(|| bad("`issuer` is not an absolute URL"))?.to_owned();
    if issuer.contains(['?', '#']) {
        return Err(bad("`issuer` has no query or fragment"));
    }
    for path in [AUTHORIZE_PATH, consent::CONSENT_PATH, TOKEN_PATH, REGISTER_PATH, CALLBACK_PATH, revoke::REVOKE_PATH] {
        if context.taken_paths.iter().any(|p| p.trim_end_matches('/') == path) {
            return Err(bad(&format!("{path} is the proxy's; serve MCP and the other routes elsewhere")));
        }
    }
    let secret = match c.signing_secret {
        Some(s) if s.len() < 32 => return Err(bad("signingSecret must be at least 32 bytes")),
        Some(s) => s.into_bytes(),
        None if context.shared_store => {
            return Err(bad("with a shared store, give signingSecret (every instance verifies the others' tokens)"));
        }
        None => random_bytes(32),
    };
    let token_lifetime = c.token_lifetime.unwrap_or(3600);
    if token_lifetime == 0 {
        return Err(bad("tokenLifetime must be at least 1 second"));
    }
    let refresh_lifetime = Duration::from_secs(c.refresh_token_lifetime.unwrap_or(30 * 24 * 3600).max(1));
    let limiter = sources::limiter(c.rate_limit).map_err(|e| bad(&e))?;
    let upstream = Upstream::new(c.upstream, &format!("{issuer_origin}{CALLBACK_PATH}")).map_err(|e| bad(&e))?;
    let allowed = Allowed::new(c.allowed_subjects, c.allowed_email_domains).map_err(|e| bad(&e))?;
    let verifier = JwtVerifier {
        keys: Keys::shared(&secret),
        algorithms: vec![Algorithm::HS256],
        rules: ClaimRules {
            issuer: Some(issuer.clone()),
            audiences: vec![context.resource.to_owned()],
            audience_required: true,
            strict: true,
            skew: token::CLOCK_SKEW,
            scope_claim: Some("scope".to_owned()),
            subject_claim: "sub".to_owned(),
            client_id_claim: Some("client_id".to_owned()),
        },
        grants: Grants::new(CACHE_ENTRIES, Duration::from_secs(60)),
    };
    let proxy = Proxy {
        issuer: issuer.clone(),
        origin: issuer_origin,
        resource: context.resource.to_owned(),
        scopes_supported: context.scopes_supported.to_vec(),
        upstream,
        allowed,
        signing: jsonwebtoken::EncodingKey::from_secret(&secret),
        verifier,
        token_lifetime,
        refresh_lifetime,
        values: OnceLock::new(),
        limiter,
        documents: client_document::ClientDocuments::new(c.client_metadata_documents, clients::acceptable_redirect),
    };
    Ok((Arc::new(ProxyVerifier(Arc::new(proxy))), issuer))
}

/// The RFC 8414 metadata document.
fn metadata_document(proxy: &Proxy) -> Value {
    let mut doc = json!({
        "issuer": proxy.issuer,
        "authorization_endpoint": proxy.endpoint(AUTHORIZE_PATH),
        "token_endpoint": proxy.endpoint(TOKEN_PATH),
        "registration_endpoint": proxy.endpoint(REGISTER_PATH),
        "revocation_endpoint": proxy.endpoint(revoke::REVOKE_PATH),
        "revocation_endpoint_auth_methods_supported": clients::AUTH_METHODS,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "token_endpoint_auth_methods_supported": clients::AUTH_METHODS,
    });
    if proxy.documents.enabled() {
        doc["client_id_metadata_document_supported"] = json!(true);
    }
    if !proxy.scopes_supported.is_empty() {
        doc["scopes_supported"] = json!(proxy.scopes_supported);
    }
    doc
}

/// The proxy's routes: metadata, registration, authorization and consent, callback, token and
/// revocation.
fn routes(proxy: &Arc<Proxy>) -> Router {
    let mut paths = vec![METADATA_PATH.to_owned()];
    let issuer_path = proxy.issuer[proxy.origin.len()..].trim_end_matches('/');
    if !issuer_path.is_empty() && !issuer_path.contains(['{', '}', '*']) {
        paths.push(format!("{METADATA_PATH}{issuer_path}"));
    }
    let mut router = Router::new();
    for p in &paths {
        router = router.route(p, get(metadata));
    }
    router
        .route(REGISTER_PATH, post(clients::register))
        .route(AUTHORIZE_PATH, get(login::authorize))
        .route(consent::CONSENT_PATH, post(login::decide))
        .route(CALLBACK_PATH, get(login::callback))
        .route(TOKEN_PATH, post(token::token))
        .route(revoke::REVOKE_PATH, post(revoke::revoke))
        .with_state(proxy.clone())
}

async fn metadata(State(proxy): State<Arc<Proxy>>) -> Response {
    no_store(super::super::exchange::json(StatusCode::OK, metadata_document(&proxy).to_string().into_bytes()))
}

//! The upstream identity provider of the OAuth proxy: its options, its endpoints (given, or
//! found through its metadata), the exchange of its codes (HTTP Basic with the one client
//! registered there, bounded like every fetch), and the verification of its `id_token`
//! against its published keys, which gives the user's subject.

use std::time::Duration;

use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::OnceCell;

use super::super::claims::ClaimRules;
use super::super::fetch::{self, Exchange};
use super::super::grants::Grants;
use super::super::jwks::{KeySet, discover_metadata};
use super::super::jwt::{ASYMMETRIC, JwtVerifier, Keys};

/// The `auth.proxy.upstream` member: the identity provider users log in with.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UpstreamConfig {
    issuer: String,
    #[serde(default, alias = "authorizationEndpoint")]
    authorization_endpoint: Option<String>,
    #[serde(default, alias = "tokenEndpoint")]
    token_endpoint: Option<String>,
    #[serde(default, alias = "jwksUri")]
    jwks_uri: Option<String>,
    #[serde(alias = "clientId")]
    client_id: String,
    #[serde(alias = "clientSecret")]
    client_secret: String,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default, alias = "extraAuthorizeParams")]
    extra_authorize_params: Option<serde_json::Map<String, Value>>,
}

/// The upstream provider and the one client registered there.
pub(super) struct Upstream {
    pub(super) issuer: String,
    pub(super) authorization_endpoint: Option<String>,
    pub(super) token_endpoint: Option<String>,
    pub(super) client_id: String,
    pub(super) client_secret: String,
    pub(super) scopes: Vec<String>,
    pub(super) extra: Vec<(String, String)>,
    pub(super) callback: String,
    /// The endpoints, once found (given, or from the issuer's metadata).
    pub(super) endpoints: OnceCell<(String, String)>,
    /// Verifies the upstream's ID tokens.
    pub(super) id_tokens: JwtVerifier,
}

impl Upstream {
    /// The upstream of the options; `callback` is this server's callback URL.
    pub(super) fn new(c: UpstreamConfig, callback: &str) -> Result<Upstream, String> {
        fetch::check_url(&c.issuer).map_err(|e| format!("upstream.issuer: {e}"))?;
        for url in [&c.authorization_endpoint, &c.token_endpoint, &c.jwks_uri].into_iter().flatten() {
            fetch::check_url(url).map_err(|e| format!("upstream: {e}"))?;
        }
        if c.client_id.is_empty() || c.client_secret.is_empty() {
            return Err("upstream.clientId and upstream.clientSecret are required".to_owned());
        }
        let mut extra = Vec::new();
        for (k, v) in c.extra_authorize_params.unwrap_or_default() {
            const OURS: [&str; 7] = [
                "response_type",
                "client_id",
                "redirect_uri",
                "scope",
                "state",
                "code_challenge",
                "code_challenge_method",
            ];
            if OURS.contains(&k.as_str()) || k == "nonce" {
                return Err(format!("upstream.extraAuthorizeParams: {k} is set by the proxy"));
            }
            let Value::String(v) = v else { return Err(format!("upstream.extraAuthorizeParams.{k} must be a string")) };
            extra.push((k, v));
        }
        let id_tokens = JwtVerifier {
            keys: Keys::Published(KeySet::new(c.issuer.clone(), c.jwks_uri, Duration::from_secs(30))),
            algorithms: ASYMMETRIC.to_vec(),
            rules: ClaimRules {
                issuer: Some(c.issuer.clone()),
                audiences: vec![c.client_id.clone()],
                strict: true,
                skew: 60,
                scope_claim: None,
                subject_claim: "sub".to_owned(),
                client_id_claim: None,
            },
            // An ID token is used once: nothing to cache.
            grants: Grants::new(1, Duration::ZERO),
        };
        Ok(Upstream {
            issuer: c.issuer,
            authorization_endpoint: c.authorization_endpoint,
            token_endpoint: c.token_endpoint,
            client_id: c.client_id,
            client_secret: c.client_secret,
            scopes: c.scopes.unwrap_or_else(|| vec!["openid".to_owned()]),
            extra,
            callback: callback.to_owned(),
            endpoints: OnceCell::new(),
            id_tokens,
        })
    }

    /// The authorization and token endpoints: as given, or found in the issuer's metadata.
    pub(super) async fn endpoints(&self) -> Result<&(String, String), String> {
        self.endpoints
            .get_or_try_init(|| async {
                if let (Some(a), Some(t)) = (&self.authorization_endpoint, &self.token_endpoint) {
                    return Ok((a.clone(), t.clone()));
                }
                let doc = discover_metadata(&self.issuer).await?;
                let field = |given: &Option<String>, name: &str| {
                    let found = given.clone().or_else(|| doc.get(name).and_then(Value::as_str).map(str::to_owned));
                    let url = found.ok_or_else(|| format!("the metadata of {} has no {name}", self.issuer))?;
                    fetch::check_url(&url).map(|()| url)
                };
                Ok((
                    field(&self.authorization_endpoint, "authorization_endpoint")?,
                    field(&self.token_endpoint, "token_endpoint")?,
                ))
            })
            .await
    }

    /// HTTP Basic credentials of the upstream client (RFC 6749 §2.3.1: each part form-encoded).
    fn basic(&self) -> String {
        let enc = |s: &str| serde_urlencoded::to_string([("", s)]).unwrap_or_default()[1..].to_owned();
        STANDARD.encode(format!("{}:{}", enc(&self.client_id), enc(&self.client_secret)))
    }

    /// Exchanges an upstream code; the user's subject from the verified ID token.
    pub(super) async fn subject(&self, code: &str, verifier: &str, nonce: &str) -> Result<String, String> {
        let (_, token_endpoint) = self.endpoints().await?;
        let form = serde_urlencoded::to_string([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.callback),
            ("code_verifier", verifier),
        ])
        .map_err(|e| e.to_string())?;
        let answer = Exchange::post_form(token_endpoint, form).basic(self.basic()).send().await?;
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        if answer.status != StatusCode::OK {
            let error = body.get("error").and_then(Value::as_str).unwrap_or("no error code");
            return Err(format!("the upstream token endpoint answered {} ({error})", answer.status));
        }
        let Some(id_token) = body.get("id_token").and_then(Value::as_str) else {
            return Err("the upstream answer has no id_token (is `openid` among upstream.scopes?)".to_owned());
        };
        let grant =
            self.id_tokens.verify(id_token).await.map_err(|e| format!("the upstream id_token is refused: {e:?}"))?;
        if grant.extra.get("nonce").and_then(Value::as_str) != Some(nonce) {
            return Err("the upstream id_token's nonce is not this login's".to_owned());
        }
        grant.subject.filter(|s| !s.is_empty()).ok_or_else(|| "the upstream id_token has no sub".to_owned())
    }
}

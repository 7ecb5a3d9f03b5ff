//! The upstream identity provider of the OAuth proxy: its options, its endpoints (given, or
//! found through its metadata), the exchange of its codes (HTTP Basic with the one client
//! registered there, bounded like every fetch), and the user: the `sub` of its `id_token`
//! verified against its published keys, or else a claim of its userinfo answer (an OAuth
//! provider without OpenID Connect), with the e-mail the provider says is verified.

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
use super::allowed::User;

/// The `auth.proxy.upstream` member: the identity provider users log in with.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UpstreamConfig {
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default, alias = "authorizationEndpoint")]
    authorization_endpoint: Option<String>,
    #[serde(default, alias = "tokenEndpoint")]
    token_endpoint: Option<String>,
    #[serde(default, alias = "jwksUri")]
    jwks_uri: Option<String>,
    #[serde(default, alias = "userinfoEndpoint")]
    userinfo_endpoint: Option<String>,
    #[serde(default, alias = "subjectClaim")]
    subject_claim: Option<String>,
    #[serde(alias = "clientId")]
    client_id: String,
    #[serde(alias = "clientSecret")]
    client_secret: String,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default, alias = "extraAuthorizeParams")]
    extra_authorize_params: Option<serde_json::Map<String, Value>>,
}

/// The upstream's endpoints, once known.
pub(super) struct Endpoints {
    pub(super) authorization: String,
    pub(super) token: String,
    pub(super) userinfo: Option<String>,
}

/// The upstream provider and the one client registered there.
pub(super) struct Upstream {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    userinfo_endpoint: Option<String>,
    subject_claim: String,
    pub(super) client_id: String,
    client_secret: String,
    pub(super) scopes: Vec<String>,
    pub(super) extra: Vec<(String, String)>,
    pub(super) callback: String,
    /// The endpoints, once found (given, or from the issuer's metadata).
    endpoints: OnceCell<Endpoints>,
    /// Verifies the upstream's ID tokens (with an issuer only).
    id_tokens: Option<JwtVerifier>,
}

/// The parameters of the upstream authorization request the proxy sets itself.
const OURS: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
];

impl Upstream {
    /// The upstream of the options; `callback` is this server's callback URL.
    pub(super) fn new(c: UpstreamConfig, callback: &str) -> Result<Upstream, String> {
        for url in [&c.issuer, &c.authorization_endpoint, &c.token_endpoint, &c.jwks_uri, &c.userinfo_endpoint]
            .into_iter()
            .flatten()
        {
            fetch::check_url(url).map_err(|e| format!("upstream: {e}"))?;
        }
        if c.issuer.is_none() {
            if c.authorization_endpoint.is_none() || c.token_endpoint.is_none() {
                return Err("give upstream.issuer, or both authorizationEndpoint and tokenEndpoint".to_owned());
            }
            if c.userinfo_endpoint.is_none() {
                return Err(
                    "without upstream.issuer, the user is read from upstream.userinfoEndpoint: give it".to_owned()
                );
            }
            if c.jwks_uri.is_some() {
                return Err("upstream.jwksUri needs upstream.issuer (an id_token is checked against both)".to_owned());
            }
        }
        if c.client_id.is_empty() || c.client_secret.is_empty() {
            return Err("upstream.clientId and upstream.clientSecret are required".to_owned());
        }
        let mut extra = Vec::new();
        for (k, v) in c.extra_authorize_params.unwrap_or_default() {
            if OURS.contains(&k.as_str()) {
                return Err(format!("upstream.extraAuthorizeParams: {k} is set by the proxy"));
            }
            let Value::String(v) = v else { return Err(format!("upstream.extraAuthorizeParams.{k} must be a string")) };
            extra.push((k, v));
        }
        let id_tokens = c.issuer.clone().map(|issuer| JwtVerifier {
            keys: Keys::Published(KeySet::new(issuer.clone(), c.jwks_uri, Duration::from_secs(30))),
            algorithms: ASYMMETRIC.to_vec(),
            rules: ClaimRules {
                issuer: Some(issuer),
                audiences: vec![c.client_id.clone()],
                audience_required: true,
                strict: true,
                skew: 60,
                scope_claim: None,
                subject_claim: "sub".to_owned(),
                client_id_claim: None,
            },
            // An ID token is used once: nothing to cache.
            grants: Grants::new(1, Duration::ZERO),
        });
        let default_scopes = if c.issuer.is_some() { vec!["openid".to_owned()] } else { Vec::new() };
        Ok(Upstream {
            issuer: c.issuer,
            authorization_endpoint: c.authorization_endpoint,
            token_endpoint: c.token_endpoint,
            userinfo_endpoint: c.userinfo_endpoint,
            subject_claim: c.subject_claim.unwrap_or_else(|| "sub".to_owned()),
            client_id: c.client_id,
            client_secret: c.client_secret,
            scopes: c.scopes.unwrap_or(default_scopes),
            extra,
            callback: callback.to_owned(),
            endpoints: OnceCell::new(),
            id_tokens,
        })
    }

    /// Whether the login asks for an `id_token` bound to a nonce (an issuer is known).
    pub(super) fn sends_nonce(&self) -> bool {
        self.id_tokens.is_some()
    }

    /// The endpoints: as given, else found in the issuer's metadata.
    pub(super) async fn endpoints(&self) -> Result<&Endpoints, String> {
        self.endpoints
            .get_or_try_init(|| async {
                let given = (&self.authorization_endpoint, &self.token_endpoint);
                let doc = match (&self.issuer, given) {
                    (Some(issuer), (None, _) | (_, None)) => discover_metadata(issuer).await?,
                    _ => Value::Null,
                };
                let field = |given: &Option<String>, name: &str| -> Result<Option<String>, String> {
                    match given.clone().or_else(|| doc.get(name).and_then(Value::as_str).map(str::to_owned)) {
                        Some(url) => fetch::check_url(&url).map(|()| Some(url)),
                        None => Ok(None),
                    }
                };
                let missing = |name: &str| format!("the upstream has no {name} (give it in upstream)");
                Ok(Endpoints {
                    authorization: field(&self.authorization_endpoint, "authorization_endpoint")?
                        .ok_or_else(|| missing("authorization_endpoint"))?,
                    token: field(&self.token_endpoint, "token_endpoint")?.ok_or_else(|| missing("token_endpoint"))?,
                    userinfo: field(&self.userinfo_endpoint, "userinfo_endpoint")?,
                })
            })
            .await
    }

    /// HTTP Basic credentials of the upstream client (RFC 6749 §2.3.1: each part form-encoded).
    fn basic(&self) -> String {
        let enc = |s: &str| serde_urlencoded::to_string([("", s)]).unwrap_or_default()[1..].to_owned();
        STANDARD.encode(format!("{}:{}", enc(&self.client_id), enc(&self.client_secret)))
    }

    /// Exchanges an upstream code; the user: the `sub` of the verified `id_token` when the
    /// upstream has an issuer and answers one, else `subjectClaim` of its userinfo answer
    /// (asked with the upstream access token, which is then dropped); with the e-mail either
    /// says is verified.
    pub(super) async fn user(&self, code: &str, verifier: &str, nonce: &str) -> Result<User, String> {
        let endpoints = self.endpoints().await?;
        let form = serde_urlencoded::to_string([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.callback),
            ("code_verifier", verifier),
        ])
        .map_err(|e| e.to_string())?;
        let answer = Exchange::post_form(&endpoints.token, form).basic(self.basic()).send().await?;
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        if answer.status != StatusCode::OK {
            let error = body.get("error").and_then(Value::as_str).unwrap_or("no error code");
            return Err(format!("the upstream token endpoint answered {} ({error})", answer.status));
        }
        if let (Some(id_token), Some(id_tokens)) = (body.get("id_token").and_then(Value::as_str), &self.id_tokens) {
            let grant =
                id_tokens.verify(id_token).await.map_err(|e| format!("the upstream id_token is refused: {e:?}"))?;
            if grant.extra.get("nonce").and_then(Value::as_str) != Some(nonce) {
                return Err("the upstream id_token's nonce is not this login's".to_owned());
            }
            let subject = grant.subject.filter(|s| !s.is_empty());
            return subject
                .map(|s| User::new(s, &grant.extra))
                .ok_or_else(|| "the upstream id_token has no sub".to_owned());
        }
        let Some(userinfo) = &endpoints.userinfo else {
            return Err("the upstream answered no id_token and has no userinfo endpoint".to_owned());
        };
        let Some(access) = body.get("access_token").and_then(Value::as_str) else {
            return Err("the upstream answered no access_token".to_owned());
        };
        let info = Exchange::get(userinfo).bearer(access).send().await?;
        if info.status != StatusCode::OK {
            return Err(format!("the upstream userinfo endpoint answered {}", info.status));
        }
        let info: Value = serde_json::from_slice(&info.body).map_err(|e| format!("userinfo is not JSON: {e}"))?;
        let subject = match info.get(&self.subject_claim) {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(format!("the upstream userinfo has no {}", self.subject_claim)),
        };
        Ok(User::new(subject, &info))
    }
}

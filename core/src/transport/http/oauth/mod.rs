//! The built-in bearer-token verifiers, configured by the `auth` options instead of coded:
//! `jwt` (signed tokens checked against the issuer's published keys, or a shared secret) and
//! `introspection` (opaque tokens asked about, RFC 7662). This module reads their options and
//! builds the [`TokenVerifier`] the HTTP transport asks; with both, a token shaped like a JWT
//! goes to the first and any other to the second. `proxy` makes this server the
//! authorization server its clients see, for an identity provider without registration.

mod claims;
mod fetch;
mod grants;
mod introspection;
mod jwks;
mod jwt;
mod proxy;

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::Algorithm;
use serde::Deserialize;
use serde_json::Value;

use self::claims::ClaimRules;
use self::grants::Grants;
use self::introspection::Introspector;
use self::jwks::KeySet;
use self::jwt::{ASYMMETRIC, JwtVerifier, Keys};
use crate::auth::{AuthError, AuthInfo, TokenVerifier};
use crate::error::Error;
use crate::sync::BoxFuture;

pub(crate) use self::proxy::{ProxyContext, from_json as proxy_from_json};

/// Grants cached per verifier, at most.
const CACHE_ENTRIES: usize = 10_000;

/// A string or an array of strings.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// The `jwt` and `introspection` members: one set of names, each member refusing the other's
/// own (so a misplaced option fails at start, as an unknown one does).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifierConfig {
    // Both.
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    audience: Option<OneOrMany>,
    #[serde(default, alias = "clockSkew")]
    clock_skew: Option<u64>,
    #[serde(default, alias = "scopeClaim")]
    scope_claim: Option<String>,
    #[serde(default, alias = "subjectClaim")]
    subject_claim: Option<String>,
    #[serde(default, alias = "clientIdClaim")]
    client_id_claim: Option<String>,
    #[serde(default, alias = "cacheTtl")]
    cache_ttl: Option<u64>,
    // `jwt` only.
    #[serde(default, alias = "jwksUri")]
    jwks_uri: Option<String>,
    #[serde(default)]
    algorithms: Option<Vec<String>>,
    #[serde(default, alias = "sharedSecret")]
    shared_secret: Option<String>,
    #[serde(default, alias = "jwksRefetchInterval")]
    jwks_refetch_interval: Option<u64>,
    // `introspection` only.
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default, alias = "clientId")]
    client_id: Option<String>,
    #[serde(default, alias = "clientSecret")]
    client_secret: Option<String>,
    #[serde(default, alias = "allowMissingAudience")]
    allow_missing_audience: Option<bool>,
}

impl VerifierConfig {
    /// The options of `member` (JSON), refusing those of the other member.
    fn parse(member: &str, value: Value) -> Result<VerifierConfig, Error> {
        let c: VerifierConfig =
            serde_json::from_value(value).map_err(|e| Error::Config(format!("auth.{member}: {e}")))?;
        let foreign: &[(&str, bool)] = if member == "jwt" {
            &[
                ("endpoint", c.endpoint.is_some()),
                ("clientId", c.client_id.is_some()),
                ("clientSecret", c.client_secret.is_some()),
                ("allowMissingAudience", c.allow_missing_audience.is_some()),
            ]
        } else {
            &[
                ("jwksUri", c.jwks_uri.is_some()),
                ("algorithms", c.algorithms.is_some()),
                ("sharedSecret", c.shared_secret.is_some()),
                ("jwksRefetchInterval", c.jwks_refetch_interval.is_some()),
            ]
        };
        match foreign.iter().find(|(_, given)| *given) {
            Some((name, _)) => Err(Error::Config(format!("auth.{member}: `{name}` is not an option of `{member}`"))),
            None => Ok(c),
        }
    }

    /// The claim checks and mapping; `strict` for JWTs (see [`ClaimRules::strict`]). An
    /// audience is required unless `allowMissingAudience` (introspection only) says not.
    fn rules(&mut self, resource: &str, strict: bool) -> ClaimRules {
        ClaimRules {
            issuer: self.issuer.clone(),
            audiences: self.audience.take().map_or_else(|| vec![resource.to_owned()], OneOrMany::into_vec),
            audience_required: strict || self.allow_missing_audience != Some(true),
            strict,
            skew: self.clock_skew.unwrap_or(60),
            scope_claim: self.scope_claim.take(),
            subject_claim: self.subject_claim.take().unwrap_or_else(|| "sub".to_owned()),
            client_id_claim: self.client_id_claim.take(),
        }
    }

    /// The cache of grants: `cacheTtl` seconds (default 60).
    fn grants(&self) -> Grants {
        Grants::new(CACHE_ENTRIES, Duration::from_secs(self.cache_ttl.unwrap_or(60)))
    }
}

const SYMMETRIC: [Algorithm; 3] = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

/// The built-in verifier of the `auth` options' `jwt` and `introspection` members (JSON),
/// for the server whose canonical URL is `resource`; `None` when neither is given.
pub(crate) fn from_json(
    jwt: Option<Value>,
    introspection: Option<Value>,
    resource: &str,
) -> Result<Option<Arc<dyn TokenVerifier>>, Error> {
    let jwt = jwt.map(|v| jwt_verifier(VerifierConfig::parse("jwt", v)?, resource)).transpose()?;
    let introspection =
        introspection.map(|v| introspector(VerifierConfig::parse("introspection", v)?, resource)).transpose()?;
    if jwt.is_none() && introspection.is_none() {
        return Ok(None);
    }
    Ok(Some(Arc::new(Builtin(Arc::new(Verifiers { jwt, introspection })))))
}

fn jwt_verifier(mut c: VerifierConfig, resource: &str) -> Result<JwtVerifier, Error> {
    let bad = |m: &str| Error::Config(format!("auth.jwt: {m}"));
    let Some(issuer) = c.issuer.clone().filter(|i| !i.is_empty()) else {
        return Err(bad("`issuer` is required"));
    };
    let algorithms = match c.algorithms.take() {
        Some(names) => names
            .iter()
            .map(|n| {
                n.parse::<Algorithm>()
                    .map_err(|_| bad(&format!("unknown algorithm {n:?} (\"none\" is never accepted)")))
            })
            .collect::<Result<Vec<_>, _>>()?,
        None if c.shared_secret.is_some() => SYMMETRIC.to_vec(),
        None => ASYMMETRIC.to_vec(),
    };
    if algorithms.is_empty() {
        return Err(bad("algorithms must name at least one algorithm"));
    }
    let symmetric = algorithms.iter().filter(|a| SYMMETRIC.contains(a)).count();
    let keys = match c.shared_secret.take() {
        Some(_) if symmetric != algorithms.len() => {
            return Err(bad("with sharedSecret, only HS256, HS384 and HS512 are accepted"));
        }
        Some(secret) if secret.len() < 32 => return Err(bad("sharedSecret must be at least 32 bytes")),
        Some(secret) => Keys::shared(secret.as_bytes()),
        None if symmetric > 0 => return Err(bad("HS256/384/512 need an explicit sharedSecret")),
        None => {
            // The key set, or the issuer's metadata when the set is not named.
            fetch::check_url(c.jwks_uri.as_deref().unwrap_or(&issuer)).map_err(|e| bad(&e))?;
            let interval = Duration::from_secs(c.jwks_refetch_interval.unwrap_or(30).max(1));
            Keys::Published(KeySet::new(issuer, c.jwks_uri.take(), interval))
        }
    };
    Ok(JwtVerifier { keys, algorithms, rules: c.rules(resource, true), grants: c.grants() })
}

fn introspector(mut c: VerifierConfig, resource: &str) -> Result<Introspector, Error> {
    let Some(endpoint) = c.endpoint.take() else {
        return Err(Error::Config("auth.introspection: `endpoint` is required".to_owned()));
    };
    fetch::check_url(&endpoint).map_err(|e| Error::Config(format!("auth.introspection: {e}")))?;
    let client = match (c.client_id.take(), c.client_secret.take()) {
        (Some(id), Some(secret)) => Some((id, secret)),
        (None, None) => None,
        _ => return Err(Error::Config("auth.introspection: give both clientId and clientSecret".to_owned())),
    };
    let rules = c.rules(resource, false);
    Ok(Introspector::new(endpoint, client, rules, c.grants()))
}

struct Verifiers {
    jwt: Option<JwtVerifier>,
    introspection: Option<Introspector>,
}

/// The configured verifiers, as the transport's [`TokenVerifier`].
struct Builtin(Arc<Verifiers>);

impl TokenVerifier for Builtin {
    fn verify(&self, token: &str) -> BoxFuture<'static, Result<AuthInfo, AuthError>> {
        let verifiers = self.0.clone();
        let token = token.to_owned();
        Box::pin(async move {
            let looks_like_jwt = token.bytes().filter(|b| *b == b'.').count() == 2;
            match (&verifiers.jwt, &verifiers.introspection) {
                (Some(jwt), None) => jwt.verify(&token).await,
                (Some(jwt), Some(_)) if looks_like_jwt => jwt.verify(&token).await,
                (_, Some(introspection)) => introspection.verify(&token).await,
                (None, None) => Err(AuthError::Invalid("no verifier".to_owned())),
            }
        })
    }
}

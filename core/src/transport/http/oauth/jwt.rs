//! The JWT verifier: the signature checked (by the JOSE crate) with a key of the issuer's set
//! fitting the token's `kid` and `alg` among the allowed algorithms, then the claims
//! ([`ClaimRules`]); a verified token's grant is cached by the token's hash until it
//! expires, so a client repeating its token costs one hash and one lookup.

use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::claims::ClaimRules;
use super::grants::{self, Grants};
use super::jwks::{Key, KeySet};
use crate::auth::{AuthError, AuthInfo};

/// The algorithms accepted by default with published keys: every asymmetric one.
pub(super) const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Where the verification keys come from.
pub(super) enum Keys {
    /// The issuer's published key set.
    Published(KeySet),
    /// A secret shared with the issuer (HS256/384/512 only).
    Shared(Arc<Vec<Key>>),
}

impl Keys {
    /// One shared secret as the only key.
    pub fn shared(secret: &[u8]) -> Keys {
        Keys::Shared(Arc::new(vec![Key {
            kid: None,
            alg: None,
            family: jsonwebtoken::AlgorithmFamily::Hmac,
            decoding: DecodingKey::from_secret(secret),
        }]))
    }
}

/// Verifies JWT access tokens.
pub(super) struct JwtVerifier {
    pub keys: Keys,
    pub algorithms: Vec<Algorithm>,
    pub rules: ClaimRules,
    pub grants: Grants,
}

impl JwtVerifier {
    /// The grant `token` gives, or why it is refused.
    pub async fn verify(&self, token: &str) -> Result<AuthInfo, AuthError> {
        let hash = grants::hash(token);
        if let Some(grant) = self.grants.get(&hash) {
            return Ok((*grant).clone());
        }
        let invalid = |m: &str| AuthError::Invalid(m.to_owned());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed token"))?;
        if !self.algorithms.contains(&header.alg) {
            return Err(invalid("token signed with an algorithm this server does not accept"));
        }
        let keys = match &self.keys {
            Keys::Published(set) => set.keys(header.kid.as_deref()).await.map_err(AuthError::Unavailable)?,
            Keys::Shared(keys) => keys.clone(),
        };
        let candidates: Vec<&Key> = keys
            .iter()
            .filter(|k| header.kid.is_none() || k.kid.is_none() || k.kid == header.kid)
            .filter(|k| k.fits(header.alg))
            .collect();
        if candidates.is_empty() {
            return Err(invalid("no signing key of the issuer fits the token (kid, alg)"));
        }
        let mut validation = Validation::new(header.alg);
        // The claims are checked below, the same way for every kind of token.
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        let claims = candidates
            .iter()
            .find_map(|k| jsonwebtoken::decode::<Map<String, Value>>(token, &k.decoding, &validation).ok())
            .ok_or_else(|| invalid("token signature does not verify"))?
            .claims;
        let expires = claims.get("exp").and_then(Value::as_i64).map(grants::instant_of);
        let grant = self.rules.grant(claims)?;
        self.grants.put(hash, Arc::new(grant.clone()), expires);
        Ok(grant)
    }
}

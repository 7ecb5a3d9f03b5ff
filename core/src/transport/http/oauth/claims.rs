//! What a token's claims (a JWT's payload, or an introspection answer) must say to be
//! accepted here: issuer, audience (this server's resource, required unless the options
//! say otherwise), expiry, not-before and issued-at within the clock skew; and how they become the grant handlers see
//! ([`AuthInfo`]): subject, scopes, client id, and every other claim in `extra`.

use serde_json::{Map, Value};

use crate::auth::{AuthError, AuthInfo};

/// The current Unix time in seconds.
pub(super) fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The rules claims are checked and read by, from the options.
#[derive(Debug, Clone)]
pub(super) struct ClaimRules {
    /// `iss` must be exactly this (`None`: not checked; introspection without an issuer).
    pub issuer: Option<String>,
    /// `aud` (a string or an array) must contain one of these.
    pub audiences: Vec<String>,
    /// Whether claims without `aud` are refused (always for a JWT; for an introspection
    /// answer unless `allowMissingAudience`): a token naming no audience may be meant for
    /// any server of the issuer, or be no access token at all (a refresh token).
    pub audience_required: bool,
    /// `exp` and `iss` must be present (a JWT), or are checked only when present (an
    /// introspection answer).
    pub strict: bool,
    /// Seconds of tolerance on `exp`, `nbf` and `iat`.
    pub skew: u64,
    /// The claim scopes are read from (`None`: `scope`, then `scp`).
    pub scope_claim: Option<String>,
    /// The claim the subject is read from.
    pub subject_claim: String,
    /// The claim the client id is read from (`None`: `client_id`, then `azp`).
    pub client_id_claim: Option<String>,
}

impl ClaimRules {
    /// Checks `claims` and maps them into a grant, or says why the token is refused.
    pub fn grant(&self, mut claims: Map<String, Value>) -> Result<AuthInfo, AuthError> {
        let invalid = |m: &str| Err(AuthError::Invalid(m.to_owned()));
        if let Some(issuer) = &self.issuer {
            match claims.get("iss") {
                Some(Value::String(iss)) if iss == issuer => {}
                None if !self.strict => {}
                _ => return invalid("token issued by another issuer"),
            }
        }
        match claims.get("aud") {
            None if !self.audience_required => {}
            None => return invalid("token names no audience (aud)"),
            aud if self.audience_matches(aud) => {}
            _ => return invalid("token issued for another audience"),
        }
        let now = now();
        match time(&claims, "exp")? {
            Some(exp) if now > exp.saturating_add(self.skew) => return invalid("token expired"),
            None if self.strict => return invalid("token has no expiry (exp)"),
            _ => {}
        }
        if time(&claims, "nbf")?.is_some_and(|nbf| nbf > now.saturating_add(self.skew)) {
            return invalid("token not yet valid (nbf)");
        }
        if time(&claims, "iat")?.is_some_and(|iat| iat > now.saturating_add(self.skew)) {
            return invalid("token issued in the future (iat)");
        }
        let subject = take_string(&mut claims, &self.subject_claim);
        let scopes = match &self.scope_claim {
            Some(name) => scopes(claims.remove(name)),
            None => {
                let scope = scopes(claims.remove("scope"));
                let scp = scopes(claims.remove("scp"));
                if scope.is_empty() { scp } else { scope }
            }
        };
        let client_id = match &self.client_id_claim {
            Some(name) => take_string(&mut claims, name),
            None => {
                let client_id = take_string(&mut claims, "client_id");
                let azp = take_string(&mut claims, "azp");
                client_id.or(azp)
            }
        };
        let extra = if claims.is_empty() { Value::Null } else { Value::Object(claims) };
        Ok(AuthInfo { subject, scopes, client_id, extra })
    }

    /// True when `aud` (a string or an array of strings) names one of the audiences.
    fn audience_matches(&self, aud: Option<&Value>) -> bool {
        let accepted = |a: &Value| a.as_str().is_some_and(|a| self.audiences.iter().any(|x| same_resource(x, a)));
        match aud {
            Some(Value::Array(items)) => items.iter().any(accepted),
            Some(one) => accepted(one),
            None => false,
        }
    }
}

/// A numeric date claim (seconds): absent, or a number (a fraction is cut).
fn time(claims: &Map<String, Value>, name: &str) -> Result<Option<u64>, AuthError> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(Some(n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)).unwrap_or(0))),
        Some(_) => Err(AuthError::Invalid(format!("token claim {name} is not a number"))),
    }
}

/// Removes a string claim from the map.
fn take_string(claims: &mut Map<String, Value>, name: &str) -> Option<String> {
    match claims.remove(name) {
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            claims.insert(name.to_owned(), other);
            None
        }
        None => None,
    }
}

/// Scopes from a space-separated string or an array of strings.
fn scopes(value: Option<Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => s.split_ascii_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(items)) => items.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

/// True when two resource URLs name the same resource: scheme and host compared without
/// case, a trailing `/` and a fragment ignored (auth.md §4: be lenient with case variants).
pub(super) fn same_resource(a: &str, b: &str) -> bool {
    canonical(a) == canonical(b)
}

fn canonical(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    format!("{}://{}{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase(), path.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> ClaimRules {
        ClaimRules {
            issuer: Some("https://as.example".into()),
            audiences: vec!["https://mcp.example/mcp".into()],
            audience_required: true,
            strict: true,
            skew: 60,
            scope_claim: None,
            subject_claim: "sub".into(),
            client_id_claim: None,
        }
    }

    fn claims(extra: Value) -> Map<String, Value> {
        let mut c = json!({ "iss": "https://as.example", "aud": "https://mcp.example/mcp", "exp": now() + 100 });
        c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        c.as_object().unwrap().clone()
    }

    fn refused(c: Map<String, Value>) -> String {
        match rules().grant(c) {
            Err(AuthError::Invalid(m)) => m,
            other => panic!("accepted: {other:?}"),
        }
    }

    #[test]
    fn maps_subject_scopes_client_and_extra() {
        let g = rules().grant(claims(json!({ "sub": "u1", "scp": ["a", "b"], "azp": "c1", "tenant": "t" }))).unwrap();
        assert_eq!(
            (g.subject.as_deref(), g.scopes.as_slice(), g.client_id.as_deref()),
            (Some("u1"), &["a".to_owned(), "b".to_owned()][..], Some("c1"))
        );
        assert_eq!(g.extra["tenant"], "t");
        let g = rules().grant(claims(json!({ "scope": "x y", "client_id": "c2", "azp": "c3" }))).unwrap();
        assert_eq!((g.scopes, g.client_id.as_deref()), (vec!["x".to_owned(), "y".to_owned()], Some("c2")));
    }

    #[test]
    fn checks_issuer_audience_and_times() {
        assert!(refused(claims(json!({ "iss": "https://other" }))).contains("issuer"));
        assert!(refused(claims(json!({ "aud": ["https://other/mcp"] }))).contains("audience"));
        assert!(rules().grant(claims(json!({ "aud": ["x", "HTTPS://MCP.example/mcp/"] }))).is_ok());
        assert!(refused(claims(json!({ "exp": now() - 61 }))).contains("expired"));
        assert!(rules().grant(claims(json!({ "exp": now() - 30 }))).is_ok(), "within the skew");
        assert!(refused(claims(json!({ "nbf": now() + 120 }))).contains("not yet valid"));
        assert!(refused(claims(json!({ "iat": now() + 120 }))).contains("future"));
        let mut c = claims(json!({}));
        c.remove("exp");
        assert!(refused(c).contains("no expiry"));
    }

    #[test]
    fn claims_without_an_audience_are_refused_unless_allowed() {
        let mut c = claims(json!({}));
        c.remove("aud");
        assert_eq!(refused(c.clone()), "token names no audience (aud)");
        let lenient = ClaimRules { audience_required: false, strict: false, ..rules() };
        assert!(lenient.grant(c).is_ok(), "allowMissingAudience accepts it");
        assert!(lenient.grant(claims(json!({ "aud": "https://other/mcp" }))).is_err(), "a wrong one never");
    }
}

//! Which of the upstream provider's users may log in through the proxy (`allowedSubjects`,
//! `allowedEmailDomains`): without either, every user the provider accepts, who may then
//! grant a client any advertised scope; with either, only a listed subject, or a user whose
//! e-mail the provider says is verified and whose domain is listed.

use serde_json::Value;

/// A user as the upstream provider tells it: the subject, and the e-mail when the provider
/// says it is verified.
pub(super) struct User {
    /// The user's subject at the provider.
    pub subject: String,
    /// The user's e-mail, only when the provider says `email_verified: true`.
    pub email: Option<String>,
}

impl User {
    /// The user of `subject` whose other claims (an `id_token`'s, or a userinfo answer) are
    /// `claims`.
    pub fn new(subject: String, claims: &Value) -> User {
        let verified = matches!(claims.get("email_verified"), Some(Value::Bool(true)))
            || claims.get("email_verified").and_then(Value::as_str) == Some("true");
        let email = claims.get("email").and_then(Value::as_str).filter(|_| verified).map(str::to_owned);
        User { subject, email }
    }
}

/// The users allowed to log in (no list: everyone).
pub(super) struct Allowed {
    subjects: Vec<String>,
    /// Lowercase, without a leading `@`.
    domains: Vec<String>,
}

impl Allowed {
    /// The lists of the options; a list given must name at least one entry.
    pub fn new(subjects: Option<Vec<String>>, domains: Option<Vec<String>>) -> Result<Allowed, String> {
        if subjects.as_ref().is_some_and(|s| s.is_empty() || s.iter().any(String::is_empty)) {
            return Err("allowedSubjects must name at least one subject, none empty".to_owned());
        }
        let domains = match domains {
            None => Vec::new(),
            Some(given) => {
                let domains: Vec<String> =
                    given.iter().map(|d| d.trim_start_matches('@').to_ascii_lowercase()).collect();
                if domains.is_empty() || domains.iter().any(|d| d.is_empty() || d.contains('@')) {
                    return Err("allowedEmailDomains must name at least one domain (example.com)".to_owned());
                }
                domains
            }
        };
        Ok(Allowed { subjects: subjects.unwrap_or_default(), domains })
    }

    /// Whether `user` may log in.
    pub fn admits(&self, user: &User) -> bool {
        if self.subjects.is_empty() && self.domains.is_empty() {
            return true;
        }
        let domain = user.email.as_deref().and_then(|e| e.rsplit_once('@')).map(|(_, d)| d.to_ascii_lowercase());
        self.subjects.contains(&user.subject) || domain.is_some_and(|d| self.domains.contains(&d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_listed_subjects_or_verified_domains_are_admitted() {
        let user = |sub: &str, claims: Value| User::new(sub.to_owned(), &claims);
        let everyone = Allowed::new(None, None).unwrap();
        assert!(everyone.admits(&user("anyone", json!({}))));
        let some = Allowed::new(Some(vec!["alice".into()]), Some(vec!["@Example.com".into()])).unwrap();
        assert!(some.admits(&user("alice", json!({}))));
        assert!(some.admits(&user("bob", json!({ "email": "bob@EXAMPLE.com", "email_verified": true }))));
        assert!(!some.admits(&user("bob", json!({ "email": "bob@example.com" }))), "not verified");
        assert!(!some.admits(&user("eve", json!({ "email": "eve@example.com.evil", "email_verified": true }))));
        assert!(Allowed::new(Some(vec![]), None).is_err());
        assert!(Allowed::new(None, Some(vec!["a@b".into()])).is_err());
    }
}

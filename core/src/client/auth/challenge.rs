//! The `WWW-Authenticate` challenge of a 401 or 403 answer (RFC 6750 §3, RFC 9728 §5.1): the
//! `Bearer` scheme's parameters the OAuth client acts on.

/// What a `Bearer` challenge says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    /// `error` (`invalid_token`, `insufficient_scope`, ...).
    pub error: Option<String>,
    /// `scope`: every scope the request needs.
    pub scope: Option<String>,
    /// `resource_metadata`: where the protected-resource metadata is.
    pub resource_metadata: Option<String>,
}

impl Challenge {
    /// The `Bearer` challenge among the header's values (the first one), or an empty
    /// challenge when there is none.
    #[must_use]
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Challenge {
        values.into_iter().find_map(bearer).unwrap_or_default()
    }

    /// The scopes of `scope`, in order.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.as_deref().unwrap_or_default().split_ascii_whitespace()
    }
}

/// The parameters of the `Bearer` challenge in one header value, if it has one.
fn bearer(value: &str) -> Option<Challenge> {
    let mut rest = value.trim_start();
    loop {
        let (scheme, after) = split_token(rest);
        if scheme.is_empty() {
            return None;
        }
        let (params, next) = parameters(after);
        if scheme.eq_ignore_ascii_case("bearer") {
            let mut challenge = Challenge::default();
            for (name, value) in params {
                let slot = match name.to_ascii_lowercase().as_str() {
                    "error" => &mut challenge.error,
                    "scope" => &mut challenge.scope,
                    "resource_metadata" => &mut challenge.resource_metadata,
                    _ => continue,
                };
                slot.get_or_insert(value);
            }
            return Some(challenge);
        }
        rest = next;
    }
}

/// A token (up to a space, `=` or `,`) and what follows it.
fn split_token(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches([' ', '\t', ',']);
    let end = s.find([' ', '\t', '=', ',']).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// The `name=value` parameters of one challenge, up to the next scheme; and the rest.
fn parameters(mut s: &str) -> (Vec<(String, String)>, &str) {
    let mut found = Vec::new();
    loop {
        let (name, after) = split_token(s);
        let after = after.trim_start();
        let Some(value) = after.strip_prefix('=') else {
            // A bare token: the next challenge's scheme (or the end).
            return (found, s);
        };
        let value = value.trim_start();
        let (value, next) = match value.strip_prefix('"') {
            Some(quoted) => quoted_string(quoted),
            None => {
                let end = value.find([',', ' ', '\t']).unwrap_or(value.len());
                (value[..end].to_owned(), &value[end..])
            }
        };
        found.push((name.to_owned(), value));
        s = next;
    }
}

/// The content of a quoted string (after its opening quote), unescaped; and what follows it.
fn quoted_string(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => out.extend(chars.next().map(|(_, c)| c)),
            c => out.push(c),
        }
    }
    (out, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bearer_parameters() {
        let c = Challenge::parse([
            r#"Bearer error="insufficient_scope", scope="a b", resource_metadata="http://h/.well-known/x", error_description="no \"write\"""#,
        ]);
        assert_eq!(c.error.as_deref(), Some("insufficient_scope"));
        assert_eq!(c.scopes().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(c.resource_metadata.as_deref(), Some("http://h/.well-known/x"));
    }

    #[test]
    fn finds_bearer_among_schemes_and_takes_bare_values() {
        let c = Challenge::parse([r#"Basic realm="x", Bearer scope=files:read, error=invalid_token"#]);
        assert_eq!(c.scope.as_deref(), Some("files:read"));
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        assert_eq!(Challenge::parse(["Bearer"]), Challenge::default());
        assert_eq!(Challenge::parse(["Basic realm=\"x\""]), Challenge::default());
        assert_eq!(Challenge::parse(["DPoP algs=\"ES256\"", "Bearer scope=\"s\""]).scope.as_deref(), Some("s"));
    }
}

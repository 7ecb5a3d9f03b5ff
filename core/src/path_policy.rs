//! `PathPolicy`: path-safety rules a template's matched values are held to in place of the
//! engine's own (the official Python SDK's `ResourceSecurity`), and `TemplateMatch`, which
//! tells a URI the template does not match from one whose value the policy refuses.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

/// Which checks a matched, percent-decoded value must pass, and which variables skip them.
///
/// A template given a policy ([`crate::registry::template::UriTemplate::with_policy`]) matches structurally as
/// without one (a simple `{x}` still stops at a raw `/`), but its decoded values are held to
/// these rules instead of the engine's: so a `{x}` value may hold a `/` written `%2F`, and a
/// refused value is a [`TemplateMatch::Refused`], which ends the search for a template.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PathPolicy {
    /// Refuse a value whose `..` segments climb above where it starts (`..`, `a/../..`), with
    /// `/` and `\` both separators; `1.0..2.0` and `a/../b` pass.
    pub reject_path_traversal: bool,
    /// Refuse a value that is an absolute path on a common platform: starting with `/` or
    /// `\`, or a Windows drive form (`C:`, `C:\x`, `c:x`).
    pub reject_absolute_paths: bool,
    /// Refuse a value holding a NUL character.
    pub reject_null_bytes: bool,
    /// Variables no check applies to.
    pub exempt_params: BTreeSet<String>,
}

impl Default for PathPolicy {
    /// Every check on, no variable exempt.
    fn default() -> Self {
        Self {
            reject_path_traversal: true,
            reject_absolute_paths: true,
            reject_null_bytes: true,
            exempt_params: BTreeSet::new(),
        }
    }
}

impl PathPolicy {
    /// The first variable (in name order) whose value these rules refuse, or `None`.
    #[must_use]
    pub fn refused<'a>(&self, values: &'a BTreeMap<String, String>) -> Option<&'a str> {
        values
            .iter()
            .find(|(name, value)| !self.exempt_params.contains(*name) && !self.accepts(value))
            .map(|(name, _)| name.as_str())
    }

    /// Whether one value passes every check that is on.
    #[must_use]
    pub fn accepts(&self, value: &str) -> bool {
        !(self.reject_null_bytes && value.contains('\0')
            || self.reject_path_traversal && climbs_above_start(value)
            || self.reject_absolute_paths && is_absolute(value))
    }
}

/// Whether the `..` segments of `value` (separated by `/` or `\`) climb above its start.
fn climbs_above_start(value: &str) -> bool {
    let mut depth: i64 = 0;
    for segment in value.split(['/', '\\']) {
        match segment {
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            "" | "." => {}
            _ => depth += 1,
        }
    }
    false
}

/// Whether `value` is absolute on POSIX or Windows, drive-relative forms (`C:x`) included.
fn is_absolute(value: &str) -> bool {
    let bytes = value.as_bytes();
    match bytes {
        [b'/' | b'\\', ..] => true,
        [drive, b':', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    }
}

/// What matching a URI against a template found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateMatch {
    /// The URI is not one of this template's.
    NoMatch,
    /// The URI matched; its variables, percent-decoded.
    Matched(BTreeMap<String, String>),
    /// The URI matched, but the template's policy refuses the value of this variable: no
    /// later template may serve the URI either.
    Refused(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_follow_the_official_rules() {
        let policy = PathPolicy::default();
        for refused in ["..", "../x", "a/../..", "..\\secret", "/etc/passwd", "\\x", "C:\\w", "x:y", "key\0.txt"] {
            assert!(!policy.accepts(refused), "{refused:?} should be refused");
        }
        for accepted in ["v1.0..v2.0", "a/../b", "sub/file.txt", "", "./a", "1:2"] {
            assert!(policy.accepts(accepted), "{accepted:?} should pass");
        }
        let lax = PathPolicy { reject_path_traversal: false, reject_absolute_paths: false, ..PathPolicy::default() };
        assert!(lax.accepts("..") && lax.accepts("/etc") && !lax.accepts("\0"));
    }

    #[test]
    fn exempt_variables_skip_every_check() {
        let policy = PathPolicy { exempt_params: BTreeSet::from(["range".to_owned()]), ..PathPolicy::default() };
        let values = BTreeMap::from([("range".to_owned(), "../x".to_owned()), ("name".to_owned(), "ok".to_owned())]);
        assert_eq!(policy.refused(&values), None);
        let values = BTreeMap::from([("name".to_owned(), "..".to_owned())]);
        assert_eq!(policy.refused(&values), Some("name"));
    }
}

//! RFC 6570 URI templates: parse once, match concrete URIs back to variables, expand.
//!
//! MCP resource templates advertise a `uriTemplate` (`resources/templates/list`), and a
//! `resources/read` of a concrete URI has to find the template that produced it and recover
//! the variables. [`UriTemplate`] parses a template once, compiles it to an anchored
//! [`regex::Regex`], and then offers:
//!
//! * [`UriTemplate::matches`]: the main job. Concrete URI in, percent-decoded variables out,
//!   with path-safety rules (a simple `{x}` never spans a `/`, no value is ever `..`, and so on)
//!   so that handlers can build file paths from matched values without surprises. The full rule
//!   list is on that method.
//! * [`UriTemplate::expand`]: RFC 6570 level 3 expansion of string values, which is the inverse
//!   of matching for the values matching accepts.
//!
//! Scope and deviations from RFC 6570:
//!
//! * All eight operators (none, `+`, `#`, `.`, `/`, `;`, `?`, `&`), several variables per
//!   expression, the prefix modifier `:N` and the explode modifier `*` are parsed (the full
//!   level 4 grammar). Values are strings only: list and associative-array values are out of
//!   scope, so explode has no effect on expansion (as the RFC specifies for strings), except
//!   on a simple `{x*}`. Matching gives explode a meaning for `{/x*}` and `{.x*}` (several
//!   segments / labels) and for a simple `{x*}`: a wildcard spanning `/`, read and written
//!   as `{+x}` (a deviation: the RFC would expand it as `{x}`), see [`UriTemplate::matches`].
//! * A variable name may appear only once per template (the RFC allows repeats); this keeps
//!   matching unambiguous.
//! * Literal text is kept as written; characters not allowed in a URI are percent-encoded on
//!   expansion, as the RFC requires, and match either raw or percent-encoded.
//! * Adjacent query expressions expand as one query string, the way matching reads them:
//!   `{?x}{&y}` with `x` undefined gives `?y=…` (the RFC gives `&y=…`, which has no query
//!   string at all), and `{?x}{?y}` gives `?x=…&y=…` (the RFC: `?x=…?y=…`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use regex::Regex;

mod parts;
mod pattern;

pub use crate::path_policy::{PathPolicy, TemplateMatch};
pub use parts::TemplateError;
use parts::{Modifier, Operator, Part, VarSpec, is_pct_triplet};
use pattern::{Safety, Slot, compile};

/// Characters kept as-is by the expansion of every operator except `+` and `#`: RFC 3986
/// `unreserved` (ALPHA / DIGIT / `-` / `.` / `_` / `~`). Everything else is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Characters kept as-is by `+` and `#` expansion (and in literals): `unreserved` plus
/// `reserved` (`gen-delims` and `sub-delims`). Percent-encoded triplets also pass through,
/// which is handled separately since `%` itself is in neither set.
const UNRESERVED_OR_RESERVED: &AsciiSet = &UNRESERVED
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'#')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// Largest prefix modifier the RFC grammar allows (`max-length = %x31-39 0*3DIGIT`).
const MAX_PREFIX: usize = 9999;

/// An RFC 6570 URI template, parsed and compiled once; `Clone + Send + Sync`, so it can be
/// stored in a registry and used from any task.
///
/// ```text
/// let t = UriTemplate::parse("test://template/{id}/data")?;
/// t.matches("test://template/123/data")  // Some({"id": "123"})
/// t.expand(&vars)                        // "test://template/123/data"
/// ```
///
/// Two templates are equal when their source strings are equal.
#[derive(Clone)]
pub struct UriTemplate {
    source: String,
    parts: Vec<Part>,
    names: Vec<String>,
    regex: Regex,
    slots: Vec<Slot>,
    /// Rules held in place of the engine's path-safety rules (`with_policy`).
    policy: Option<PathPolicy>,
}

impl UriTemplate {
    /// Parses and compiles the template once.
    ///
    /// Errors on unbalanced braces (`{` without `}`, a stray `}`, or `{` inside an
    /// expression), empty expressions (`{}`, `{+}`, `{a,}`), invalid variable names (RFC 6570
    /// `varname`: ALPHA / DIGIT / `_` / pct-encoded, with single dots only between those),
    /// unknown or reserved operators (`=`, `,`, `!`, `@`, `|`, and any other punctuation),
    /// duplicate variable names anywhere in the template, prefix modifiers `:N` outside
    /// `1..=9999` (or written with a leading zero), a variable with both `:N` and `*`, and
    /// templates too large to compile. Literal text is accepted as written.
    ///
    /// # Errors
    ///
    /// A [`TemplateError`] describing the first problem found, for the cases above.
    pub fn parse(template: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut pos = 0;
        while pos < template.len() {
            let rest = &template[pos..];
            let Some(k) = rest.find(['{', '}']) else {
                parts.push(Part::Literal(rest.to_owned()));
                break;
            };
            if k > 0 {
                parts.push(Part::Literal(rest[..k].to_owned()));
            }
            let open = pos + k;
            if rest.as_bytes()[k] == b'}' {
                return Err(TemplateError::new(format!("unmatched `}}` at byte {open}")));
            }
            let after = &template[open + 1..];
            let close = match after.find(['{', '}']) {
                Some(j) if after.as_bytes()[j] == b'}' => j,
                Some(j) => {
                    return Err(TemplateError::new(format!(
                        "`{{` at byte {} inside the expression opened at byte {open}",
                        open + 1 + j
                    )));
                }
                None => {
                    return Err(TemplateError::new(format!("unclosed expression opened at byte {open}")));
                }
            };
            let (op, vars) = parse_expression(&after[..close], open, &mut names)?;
            parts.push(Part::Expression { op, vars });
            pos = open + 1 + close + 1;
        }
        let (regex, slots) = compile(&parts, &names)?;
        Ok(Self { source: template.to_owned(), parts, names, regex, slots, policy: None })
    }

    /// The template with its decoded values held to `policy` instead of the engine's own
    /// path-safety rules (the traversal refusals of [`UriTemplate::matches`]); `None` restores
    /// those. See [`PathPolicy`].
    #[must_use]
    pub fn with_policy(mut self, policy: Option<PathPolicy>) -> Self {
        self.policy = policy;
        self
    }

    /// The policy given by [`UriTemplate::with_policy`], if any.
    #[must_use]
    pub fn policy(&self) -> Option<&PathPolicy> {
        self.policy.as_ref()
    }

    /// The template exactly as it was given to [`UriTemplate::parse`].
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Variable names in order of appearance, as written (without operator or modifier).
    #[must_use]
    pub fn variables(&self) -> &[String] {
        &self.names
    }

    /// The variables a matching URI may leave out, in order of appearance: those of query
    /// (`{?x}`, `{&x}`) and fragment (`{#x}`) expressions, which [`UriTemplate::matches`]
    /// omits when absent. A handler must have a value of its own for each of them.
    #[must_use]
    pub fn optional_variables(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for part in &self.parts {
            if let Part::Expression { op: Operator::Query | Operator::QueryContinuation | Operator::Fragment, vars } =
                part
            {
                out.extend(vars.iter().map(|v| self.names[v.index].as_str()));
            }
        }
        out
    }

    /// Matches a concrete URI; returns the variables (percent-decoded, as UTF-8 strings) or
    /// `None`. Variables of an optional query/fragment expression that are absent are omitted
    /// from the map.
    ///
    /// Rules:
    ///
    /// * **Anchored**: the whole URI must be consumed, from the first character to the last.
    /// * **Literals** match exactly and case-sensitively (they are regex-escaped). A literal
    ///   character that is not allowed in a URI (a space, non-ASCII, ...) matches either
    ///   itself or its percent-encoded UTF-8 form (hex digits in any case), since expansion
    ///   produces the latter; the encoded form is tried first (`50%{x}` matches `50%2525` with
    ///   `x = "25"`). Percent-encoded triplets written in a literal match only as written.
    /// * **`{x}`** (simple): one or more characters other than `/`, `?` and `#`. A simple value
    ///   never crosses a path segment: `file:///{path}` does not match `file:///a/b`. Use
    ///   `{+path}` or `{/path*}` for several segments. Empty values do not match.
    /// * **`{+x}`** (reserved): one or more characters other than `?` and `#`; may contain `/`.
    /// * **`{#x}`** (fragment): optional; `#` followed by zero or more characters other than
    ///   `#` (so `/` and `?` are allowed). No `#` in the URI means the variable is absent; a bare
    ///   trailing `#` means it is empty.
    /// * **`{.x}`** (label): `.` followed by one or more characters other than `/`, `?`, `#`
    ///   and `.`. **`{.x*}`**: one or more such labels; the value is the labels joined by `.`
    ///   (`file{.ext*}` matches `file.tar.gz` with `ext = "tar.gz"`).
    /// * **`{/x}`** (path segment): `/` followed by one segment (one or more characters other
    ///   than `/`, `?`, `#`). **`{/x*}`**: one or more `/segment`s, each non-empty; the value
    ///   is the decoded segments joined by `/` (`{/p*}` matches `/a/b` with `p = "a/b"`; an
    ///   encoded `%2F` inside a segment also becomes `/`, which is how expansion writes such a
    ///   value).
    /// * **`{;x}`** (path parameter): `;x=value` or `;x` (the latter and `;x=` give `""`). The
    ///   value excludes `/`, `?`, `#` and `;`.
    /// * **`{?x,y}` / `{&x}`** (query): each variable is optional. The query string is split
    ///   on `&` into `name=value` pairs (a pair without `=` has the empty value); the
    ///   template's variables are picked out in any order, unknown parameters are ignored,
    ///   and a template variable that is not present is omitted from the map. No query string
    ///   at all is a match with every query variable absent. Parameter names are compared as
    ///   written in the template (not decoded); only the values of the template's variables
    ///   are decoded and checked, so malformed unknown parameters do not prevent a match. A
    ///   query variable given twice is no match (ambiguous). Adjacent query expressions (`{?x}{&y}`) form one group.
    ///   Literal query text in the template (`?fixed=yes{&x}`) must appear exactly, in place.
    ///   `+` in a value stays `+` (this is RFC 3986, not form encoding).
    /// * **Several variables in one expression** are separated as expansion separates them
    ///   (`,` for none/`+`/`#`, `.`, `/`, `;`, `&`); for none/`+`/`#` a value then cannot
    ///   contain a raw `,`. All variables of a non-query, non-fragment expression are
    ///   required; in a fragment expression trailing ones may be absent.
    /// * **Explode** on a simple expression, `{x*}`, makes it a wildcard that spans `/` with
    ///   the path rules of `{+x}` below (`docs://{path*}` matches `docs://a/b/c`), as SDK
    ///   users write it; on any other operator it changes nothing (values are strings).
    /// * **Prefix `:N`**: the decoded value may have at most N characters.
    /// * **Query region**: after a literal `?` or a query expression, values of non-query
    ///   expressions also exclude `&`, so `search?q={q}` does not swallow `&other=1`.
    /// * **Percent-decoding**: every value is percent-decoded; a `%` not followed by two hex
    ///   digits, or bytes that are not valid UTF-8 after decoding, mean no match.
    /// * **Traversal refusals** (checked on the decoded value; `\` counts as a separator
    ///   too, for Windows paths):
    ///   - simple, `.`, `/` (without explode), `;`: the value may not be `.` or `..` and may
    ///     not contain `/` or `\`, so `file:///{name}` never yields `../x` from `%2e%2e%2fx`;
    ///   - `+`, `#`, `{/x*}`, `{x*}` and query values may contain `/`, but the value may not
    ///     be `.` and no `/`- or `\`-separated segment may be `..`;
    ///   - `{/x*}`, and a `{+x}` or `{x*}` that directly follows a literal ending in `/` (but not in
    ///     `://`), may not start with `/` or `\`, so `file:///{+path}` never yields
    ///     `/etc/passwd` from `file:////etc/passwd`. Elsewhere a `{+x}` value may be absolute
    ///     (`file://{+path}` yields `/home/u/x` from `file:///home/u/x`, which is that
    ///     template's intent), and no check is made for Windows drive prefixes such as `C:`;
    ///     callers joining values onto a root directory should still refuse absolute paths.
    ///
    /// A template with a [`PathPolicy`] skips the traversal refusals above and holds the
    /// decoded values to its policy; a refused value is no match here, and
    /// [`TemplateMatch::Refused`] from [`UriTemplate::matching`].
    #[must_use]
    pub fn matches(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        match self.matching(uri) {
            TemplateMatch::Matched(values) => Some(values),
            TemplateMatch::NoMatch | TemplateMatch::Refused(_) => None,
        }
    }

    /// Matches `uri` as [`UriTemplate::matches`] does, telling a value refused by the
    /// template's [`PathPolicy`] (which ends a search for a template) from no match.
    #[must_use]
    pub fn matching(&self, uri: &str) -> TemplateMatch {
        let Some(values) = self.decoded(uri) else {
            return TemplateMatch::NoMatch;
        };
        match self.policy.as_ref().and_then(|policy| policy.refused(&values)) {
            Some(name) => TemplateMatch::Refused(name.to_owned()),
            None => TemplateMatch::Matched(values),
        }
    }

    /// The decoded values of a structural match, held to the engine's path-safety rules
    /// unless the template has a policy of its own.
    fn decoded(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        let own_rules = self.policy.is_none();
        let captures = self.regex.captures(uri)?;
        let mut out = BTreeMap::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let group = captures.get(i + 1);
            match slot {
                Slot::Value { var, safety, max_chars, absent_is_empty } => {
                    let raw = match group {
                        Some(m) => m.as_str(),
                        None if *absent_is_empty => "",
                        None => continue,
                    };
                    let value = decode_value(raw, own_rules.then_some(*safety), *max_chars)?;
                    out.insert(self.names[*var].clone(), value);
                }
                Slot::Query { vars } => {
                    let Some(m) = group else { continue };
                    for pair in m.as_str().split('&') {
                        let (name, raw) = pair.split_once('=').unwrap_or((pair, ""));
                        let Some(spec) = vars.iter().find(|v| self.names[v.index] == name) else {
                            continue;
                        };
                        if out.contains_key(name) {
                            return None;
                        }
                        let safety = own_rules.then_some(Safety::Path { relative: false });
                        let value = decode_value(raw, safety, spec.modifier.prefix())?;
                        out.insert(name.to_owned(), value);
                    }
                }
            }
        }
        Some(out)
    }

    /// Expands with string values (missing variables are skipped per RFC 6570).
    ///
    /// This is RFC 6570 expansion for string values: values are truncated to `:N` characters
    /// first, then percent-encoded as UTF-8, keeping only `unreserved` characters for none,
    /// `.`, `/`, `;`, `?`, `&`, and `unreserved` + `reserved` characters and existing
    /// percent-encoded triplets for `+` and `#`. Explode has no effect on a string value,
    /// except that a wildcard `{x*}` expands as `{+x}` (it matches as `{+x}` does, so
    /// `docs://{path*}` expands `a/b` to `docs://a/b`).
    /// Literal text is copied, with characters not allowed in a URI percent-encoded. List and
    /// associative-array values are out of scope.
    ///
    /// For values that [`UriTemplate::matches`] could have produced (passing its traversal
    /// rules, non-empty where an empty value is not matched, no raw `?`/`#`, `,`, `&` or `%XX`
    /// sequences in `+`/`#`/`{x*}` values, no `.` in `{.x}` values, ...),
    /// `matches(&expand(&vars)) == Some(vars)`, except where an expression directly follows
    /// another one (`{a}{b}`, `{?q}{x}`, `{+x}{&q}`; a `{?…}` query expression after a
    /// non-query one is fine): where one value ends and the next begins is then a guess, as
    /// the matcher reads characters an expression refuses raw but takes percent-encoded; nor
    /// where a literal
    /// stands between two expressions and the second one's value, written after it, repeats
    /// it (`{/p*}.{x}` with `x = ".a"`, which `/p.%2Ea` matches): the expression before the
    /// literal takes the first copy when the expansion is matched again.
    #[must_use]
    pub fn expand(&self, vars: &BTreeMap<String, String>) -> String {
        let mut out = String::with_capacity(self.source.len());
        // Adjacent query expressions make one query string, as matching reads them: its first
        // defined variable gets the lead of the group's first expression, the others `&`.
        let mut query_lead: Option<&'static str> = None;
        for part in &self.parts {
            match part {
                Part::Literal(text) => {
                    query_lead = None;
                    encode_reserved(text, &mut out);
                }
                Part::Expression { op, vars: specs } => {
                    let mut lead = if op.is_query() {
                        *query_lead.get_or_insert(op.first())
                    } else {
                        query_lead = None;
                        op.first()
                    };
                    for spec in specs {
                        let name = &self.names[spec.index];
                        let Some(value) = vars.get(name) else {
                            continue;
                        };
                        out.push_str(lead);
                        lead = op.separator();
                        if op.is_query() {
                            query_lead = Some(op.separator());
                        }
                        if op.named() {
                            out.push_str(name);
                            if value.is_empty() {
                                out.push_str(op.if_empty());
                                continue;
                            }
                            out.push('=');
                        }
                        let value = match spec.modifier.prefix() {
                            Some(n) => truncate_chars(value, n),
                            None => value.as_str(),
                        };
                        // A wildcard `{x*}` matches as `{+x}` does, so it expands as `{+x}`: its
                        // `/` and other reserved characters stay as written.
                        if op.allows_reserved() || (*op == Operator::Simple && spec.modifier == Modifier::Explode) {
                            encode_reserved(value, &mut out);
                        } else {
                            out.extend(utf8_percent_encode(value, UNRESERVED));
                        }
                    }
                }
            }
        }
        out
    }
}

impl fmt::Display for UriTemplate {
    /// Prints the source template.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl fmt::Debug for UriTemplate {
    /// Shows the source template and its variables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UriTemplate").field("template", &self.source).field("variables", &self.names).finish()
    }
}

impl FromStr for UriTemplate {
    type Err = TemplateError;

    /// Same as [`UriTemplate::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl PartialEq for UriTemplate {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for UriTemplate {}

impl std::hash::Hash for UriTemplate {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.source.hash(state);
    }
}

/// Parses the inside of `{...}` that starts at byte `at` of the template, registering the
/// variable names in `names`.
fn parse_expression(body: &str, at: usize, names: &mut Vec<String>) -> Result<(Operator, Vec<VarSpec>), TemplateError> {
    let Some(first) = body.chars().next() else {
        return Err(TemplateError::new(format!("empty expression at byte {at}")));
    };
    let (op, list) = match Operator::from_char(first) {
        Some(op) => (op, &body[first.len_utf8()..]),
        None if "=,!@|".contains(first) => {
            return Err(TemplateError::new(format!("reserved operator `{first}` at byte {} is not supported", at + 1)));
        }
        None if first.is_ascii_punctuation() && first != '_' && first != '%' => {
            return Err(TemplateError::new(format!("unknown operator `{first}` at byte {}", at + 1)));
        }
        None => (Operator::Simple, body),
    };
    if list.is_empty() {
        return Err(TemplateError::new(format!("expression at byte {at} has no variables")));
    }
    let mut vars = Vec::new();
    for spec in list.split(',') {
        if spec.is_empty() {
            return Err(TemplateError::new(format!("empty variable name in the expression at byte {at}")));
        }
        let (name, modifier) = if let Some(name) = spec.strip_suffix('*') {
            if name.contains(':') {
                return Err(TemplateError::new(format!("variable `{spec}` combines a prefix and explode modifier")));
            }
            (name, Modifier::Explode)
        } else if let Some((name, digits)) = spec.split_once(':') {
            let Some(n) = parse_prefix(digits) else {
                return Err(TemplateError::new(format!(
                    "prefix modifier `:{digits}` of variable `{name}` must be an integer in 1..={MAX_PREFIX}"
                )));
            };
            (name, Modifier::Prefix(n))
        } else {
            (spec, Modifier::None)
        };
        if !is_valid_varname(name) {
            return Err(TemplateError::new(format!("invalid variable name `{name}` in the expression at byte {at}")));
        }
        if names.iter().any(|n| n == name) {
            return Err(TemplateError::new(format!("duplicate variable name `{name}`")));
        }
        names.push(name.to_owned());
        vars.push(VarSpec { index: names.len() - 1, modifier });
    }
    Ok((op, vars))
}

/// `max-length = %x31-39 0*3DIGIT`: 1..=9999 without a leading zero.
fn parse_prefix(digits: &str) -> Option<usize> {
    let bytes = digits.as_bytes();
    if bytes.is_empty() || bytes.len() > 4 || bytes[0] == b'0' || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.parse().ok().filter(|n| (1..=MAX_PREFIX).contains(n))
}

/// `varname = varchar *( ["."] varchar )`, `varchar = ALPHA / DIGIT / "_" / pct-encoded`.
fn is_valid_varname(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut i = 0;
    // True at the start and right after a dot: a varchar must come next.
    let mut need_varchar = true;
    while i < bytes.len() {
        match bytes[i] {
            b'.' if !need_varchar => {
                need_varchar = true;
                i += 1;
            }
            b'%' if is_pct_triplet(bytes, i) => {
                need_varchar = false;
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' => {
                need_varchar = false;
                i += 1;
            }
            _ => return false,
        }
    }
    !need_varchar
}

/// Percent-encodes `text` keeping `unreserved`, `reserved` and valid `%XX` triplets.
fn encode_reserved(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if is_pct_triplet(bytes, i) {
            // `%` and hex digits are ASCII, so these are char boundaries.
            out.extend(utf8_percent_encode(&text[start..i], UNRESERVED_OR_RESERVED));
            out.push_str(&text[i..i + 3]);
            i += 3;
            start = i;
        } else {
            i += 1;
        }
    }
    out.extend(utf8_percent_encode(&text[start..], UNRESERVED_OR_RESERVED));
}

/// The first `n` characters of `value`.
fn truncate_chars(value: &str, n: usize) -> &str {
    match value.char_indices().nth(n) {
        Some((end, _)) => &value[..end],
        None => value,
    }
}

/// Strictly percent-decodes a matched value and applies the safety check (when given) and
/// the prefix check.
fn decode_value(raw: &str, safety: Option<Safety>, max_chars: Option<usize>) -> Option<String> {
    let bytes = raw.as_bytes();
    if bytes.iter().enumerate().any(|(i, &b)| b == b'%' && !is_pct_triplet(bytes, i)) {
        return None;
    }
    let value = percent_decode_str(raw).decode_utf8().ok()?.into_owned();
    if safety.is_some_and(|safety| !safety.accepts(&value)) {
        return None;
    }
    if max_chars.is_some_and(|n| value.chars().count() > n) {
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests;

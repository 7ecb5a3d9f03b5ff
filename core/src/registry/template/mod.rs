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
        Ok(Self { source: template.to_owned(), parts, names, regex, slots })
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
    #[must_use]
    pub fn matches(&self, uri: &str) -> Option<BTreeMap<String, String>> {
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
                    let value = decode_value(raw, *safety, *max_chars)?;
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
                        let value = decode_value(raw, Safety::Path { relative: false }, spec.modifier.prefix())?;
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

/// Strictly percent-decodes a matched value and applies the safety and prefix checks.
fn decode_value(raw: &str, safety: Safety, max_chars: Option<usize>) -> Option<String> {
    let bytes = raw.as_bytes();
    if bytes.iter().enumerate().any(|(i, &b)| b == b'%' && !is_pct_triplet(bytes, i)) {
        return None;
    }
    let value = percent_decode_str(raw).decode_utf8().ok()?.into_owned();
    if !safety.accepts(&value) {
        return None;
    }
    if max_chars.is_some_and(|n| value.chars().count() > n) {
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(template: &str) -> UriTemplate {
        UriTemplate::parse(template).unwrap_or_else(|e| panic!("{template}: {e}"))
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn m(template: &str, uri: &str) -> Option<BTreeMap<String, String>> {
        t(template).matches(uri)
    }

    // ---- parsing ------------------------------------------------------------------------

    #[test]
    fn parse_accepts_valid_templates() {
        let tpl = t("test://x/{a}{+b}{#c}{.d}{/e}{;f}{?g,h}{&i}{j*}{k:3}{l.m}{n%20o}{_}");
        assert_eq!(tpl.variables(), ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l.m", "n%20o", "_"]);
        assert_eq!(tpl.as_str(), "test://x/{a}{+b}{#c}{.d}{/e}{;f}{?g,h}{&i}{j*}{k:3}{l.m}{n%20o}{_}");
        assert!(t("").variables().is_empty());
        assert!(t("plain://no/variables").variables().is_empty());
        t("{x:1}{y:9999}");
    }

    #[test]
    fn optional_variables_are_those_of_query_and_fragment_expressions() {
        let tpl = t("test://x/{a}{+b}{#c}{/e}{?g,h}{&i}");
        assert_eq!(tpl.optional_variables(), ["c", "g", "h", "i"]);
        assert!(t("logs://{service}").optional_variables().is_empty());
    }

    #[test]
    fn parse_errors() {
        let bad = [
            "{",
            "a{b",
            "a}b",
            "}",
            "{a}}",
            "{a{b}}",
            "{}",
            "x{}y",
            "{+}",
            "{?}",
            "{a,}",
            "{,a}",
            "{a,,b}",
            "{=a}",
            "{!a}",
            "{@a}",
            "{|a}",
            "{$a}",
            "{-a}",
            "{~a}",
            "{a-b}",
            "{a b}",
            "{ a}",
            "{.}",
            "{a.}",
            "{.a.}",
            "{a..b}",
            "{%}",
            "{%2}",
            "{%zz}",
            "{é}",
            "{a:0}",
            "{a:01}",
            "{a:10000}",
            "{a:99999}",
            "{a:}",
            "{a:x}",
            "{a:-1}",
            "{a:+1}",
            "{a:1:2}",
            "{a:3*}",
            "{a*:3}",
            "{a**}",
            "{a}{a}",
            "{a,a}",
            "{?a}{&a}",
            "{a}/{+a}",
        ];
        for template in bad {
            let err = UriTemplate::parse(template).expect_err(template);
            assert!(!err.message().is_empty());
            assert_eq!(err.to_string(), err.message());
            assert!(template.parse::<UriTemplate>().is_err());
        }
        let err = UriTemplate::parse("{a}{a}").unwrap_err();
        assert!(err.message().contains("duplicate"), "{err}");
        let err = UriTemplate::parse("{a:10000}").unwrap_err();
        assert!(err.message().contains("1..=9999"), "{err}");
        let err = UriTemplate::parse("{=a}").unwrap_err();
        assert!(err.message().contains("operator"), "{err}");
        let err = UriTemplate::parse("x{a").unwrap_err();
        assert!(err.message().contains("unclosed"), "{err}");
        assert_eq!(err.to_string(), "unclosed expression opened at byte 1");
        let long = format!("{}{{", "é".repeat(5_000));
        let shown = UriTemplate::parse(&long).unwrap_err().to_string();
        assert!(shown.len() < 100, "{shown}");
    }

    #[test]
    fn traits() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<UriTemplate>();
        assert_traits::<TemplateError>();
        let tpl: UriTemplate = "db://tables/{name}".parse().unwrap();
        assert_eq!(tpl.to_string(), "db://tables/{name}");
        assert!(format!("{tpl:?}").contains("db://tables/{name}"));
        assert_eq!(tpl.clone(), tpl);
        assert_eq!(tpl.clone().matches("db://tables/x"), tpl.matches("db://tables/x"));
        let err: Box<dyn std::error::Error> = Box::new(UriTemplate::parse("{").unwrap_err());
        assert!(!err.to_string().is_empty());
    }

    // ---- expansion: RFC 6570 section 3.2 (string values, levels 1-3) --------------------

    fn rfc_vars() -> BTreeMap<String, String> {
        map(&[
            ("dub", "me/too"),
            ("hello", "Hello World!"),
            ("half", "50%"),
            ("var", "value"),
            ("who", "fred"),
            ("base", "http://example.com/home/"),
            ("path", "/foo/bar"),
            ("v", "6"),
            ("x", "1024"),
            ("y", "768"),
            ("empty", ""),
        ])
    }

    #[test]
    fn rfc_6570_section_3_2_examples() {
        let cases = [
            // 3.2.1 / 3.2.2 simple string expansion
            ("{var}", "value"),
            ("{hello}", "Hello%20World%21"),
            ("{half}", "50%25"),
            ("O{empty}X", "OX"),
            ("O{undef}X", "OX"),
            ("{x,y}", "1024,768"),
            ("{x,hello,y}", "1024,Hello%20World%21,768"),
            ("?{x,empty}", "?1024,"),
            ("?{x,undef}", "?1024"),
            ("?{undef,y}", "?768"),
            ("{var:3}", "val"),
            ("{var:30}", "value"),
            // 3.2.3 reserved
            ("{+var}", "value"),
            ("{+hello}", "Hello%20World!"),
            ("{+half}", "50%25"),
            ("{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex"),
            ("{+base}index", "http://example.com/home/index"),
            ("O{+empty}X", "OX"),
            ("O{+undef}X", "OX"),
            ("{+path}/here", "/foo/bar/here"),
            ("here?ref={+path}", "here?ref=/foo/bar"),
            ("up{+path}{var}/here", "up/foo/barvalue/here"),
            ("{+x,hello,y}", "1024,Hello%20World!,768"),
            ("{+path,x}/here", "/foo/bar,1024/here"),
            ("{+path:6}/here", "/foo/b/here"),
            // 3.2.4 fragment
            ("{#var}", "#value"),
            ("{#hello}", "#Hello%20World!"),
            ("{#half}", "#50%25"),
            ("foo{#empty}", "foo#"),
            ("foo{#undef}", "foo"),
            ("{#x,hello,y}", "#1024,Hello%20World!,768"),
            ("{#path,x}/here", "#/foo/bar,1024/here"),
            ("{#path:6}/here", "#/foo/b/here"),
            // 3.2.5 label
            ("{.who}", ".fred"),
            ("{.half,who}", ".50%25.fred"),
            ("X{.var}", "X.value"),
            ("X{.empty}", "X."),
            ("X{.undef}", "X"),
            ("X{.var:3}", "X.val"),
            // 3.2.6 path segments
            ("{/who}", "/fred"),
            ("{/half,who}", "/50%25/fred"),
            ("{/who,dub}", "/fred/me%2Ftoo"),
            ("{/var}", "/value"),
            ("{/var,empty}", "/value/"),
            ("{/var,undef}", "/value"),
            ("{/var,x}/here", "/value/1024/here"),
            // 3.2.7 path-style parameters
            ("{;who}", ";who=fred"),
            ("{;half}", ";half=50%25"),
            ("{;empty}", ";empty"),
            ("{;v,empty,who}", ";v=6;empty;who=fred"),
            ("{;v,bar,who}", ";v=6;who=fred"),
            ("{;x,y}", ";x=1024;y=768"),
            ("{;x,y,empty}", ";x=1024;y=768;empty"),
            ("{;x,y,undef}", ";x=1024;y=768"),
            ("{;hello:5}", ";hello=Hello"),
            // 3.2.8 query
            ("{?who}", "?who=fred"),
            ("{?half}", "?half=50%25"),
            ("{?x,y}", "?x=1024&y=768"),
            ("{?x,y,empty}", "?x=1024&y=768&empty="),
            ("{?x,y,undef}", "?x=1024&y=768"),
            ("{?var:3}", "?var=val"),
            // 3.2.9 query continuation
            ("{&who}", "&who=fred"),
            ("{&half}", "&half=50%25"),
            ("?fixed=yes{&x}", "?fixed=yes&x=1024"),
            ("{&x,y,empty}", "&x=1024&y=768&empty="),
            ("{&var:3}", "&var=val"),
        ];
        let vars = rfc_vars();
        for (template, expected) in cases {
            assert_eq!(t(template).expand(&vars), expected, "{template}");
        }
    }

    #[test]
    fn expansion_details() {
        let vars = map(&[("a", "é €"), ("p", "%41%zz"), ("e", "ab")]);
        // Non-ASCII is UTF-8 percent-encoded; prefixes count characters, not bytes.
        assert_eq!(t("{a}").expand(&vars), "%C3%A9%20%E2%82%AC");
        assert_eq!(t("{a:1}").expand(&vars), "%C3%A9");
        assert_eq!(t("{+a:2}").expand(&vars), "%C3%A9%20");
        // `+` keeps valid triplets, encodes a stray `%`.
        assert_eq!(t("{+p}").expand(&vars), "%41%25zz");
        assert_eq!(t("{p}").expand(&vars), "%2541%25zz");
        // Explode does nothing to strings.
        assert_eq!(t("{/e*}{?a*}").expand(&vars), "/ab?a=%C3%A9%20%E2%82%AC");
        // Literals: URI characters and triplets copied, others encoded.
        assert_eq!(t("my docs/%20/é{e}").expand(&vars), "my%20docs/%20/%C3%A9ab");
        assert_eq!(t("x{undef}{?undef2}{#undef3}").expand(&vars), "x");
    }

    // ---- matching ------------------------------------------------------------------------

    #[test]
    fn simple_matches_one_segment() {
        assert_eq!(m("test://template/{id}/data", "test://template/123/data"), Some(map(&[("id", "123")])));
        assert_eq!(m("db://tables/{name}", "db://tables/users"), Some(map(&[("name", "users")])));
        assert_eq!(m("db://tables/{name}", "db://tables/a/b"), None);
        assert_eq!(m("file:///{path}", "file:///a/b"), None);
        assert_eq!(m("db://tables/{name}", "db://tables/"), None, "empty value");
        assert_eq!(m("db://tables/{name}", "db://tables/a?x=1"), None);
        assert_eq!(m("db://tables/{name}", "db://tables/a#f"), None);
        assert_eq!(m("{a},{b}", "1,2"), Some(map(&[("a", "1"), ("b", "2")])));
        assert_eq!(m("{x,y}", "1024,768"), Some(map(&[("x", "1024"), ("y", "768")])));
        assert_eq!(m("{x,y}", "1024"), None);
        assert_eq!(m("{x}", "a,b"), Some(map(&[("x", "a,b")])));
        assert_eq!(m("{x*}", "abc"), Some(map(&[("x", "abc")])));
        assert_eq!(
            m("users://{user}/repos/{repo}", "users://alice/repos/mcp"),
            Some(map(&[("user", "alice"), ("repo", "mcp")]))
        );
    }

    #[test]
    fn simple_explode_is_a_wildcard_across_segments() {
        let docs = "docs://{path*}";
        assert_eq!(m(docs, "docs://guide/intro.md"), Some(map(&[("path", "guide/intro.md")])));
        assert_eq!(
            m("repo://{owner}/{path*}/raw", "repo://me/a/b/c/raw"),
            Some(map(&[("owner", "me"), ("path", "a/b/c")]))
        );
        assert_eq!(m(docs, "docs://a%2Fb"), Some(map(&[("path", "a/b")])), "an encoded slash reads the same");
        assert_eq!(m(docs, "docs://a/b?x=1"), None, "a wildcard stops at the query");
        // The traversal rules of `{+x}`: no `..` segment, no absolute path after a `/`.
        assert_eq!(m(docs, "docs://a/../b"), None);
        assert_eq!(m(docs, "docs://a/%2e%2e/b"), None);
        assert_eq!(m("file:///{path*}", "file:////etc/passwd"), None);
        assert_eq!(m("file:///{path*}", "file:///etc/passwd"), Some(map(&[("path", "etc/passwd")])));
        // Expansion is `{+x}`'s: the slashes stay, so boundaries read back the same.
        let t: UriTemplate = docs.parse().expect("template");
        let vars = map(&[("path", "a/b c")]);
        assert_eq!(t.expand(&vars), "docs://a/b%20c");
        assert_eq!(t.matches(&t.expand(&vars)), Some(vars));
        // A wildcard after another expression and a literal keeps its split (found by
        // fuzzing when `{x*}` expanded `/` and `=` as `%2F` and `%3D`).
        let t: UriTemplate = "x://{a}.{rest*}".parse().expect("template");
        for uri in ["x://a.b/c.d", "x://a.b=c.d"] {
            let vars = t.matches(uri).expect("match");
            assert_eq!(t.matches(&t.expand(&vars)), Some(vars), "{uri}");
        }
    }

    #[test]
    fn anchored_and_literal_exact() {
        assert_eq!(m("db://tables/{name}", "xdb://tables/a"), None);
        assert_eq!(m("db://tables/{name}/", "db://tables/a"), None);
        assert_eq!(m("db://tables/{name}", "DB://tables/a"), None, "case-sensitive");
        // Regex metacharacters in literals are literal.
        assert_eq!(m("a.b://x({id})", "aXb://x(1)"), None);
        assert_eq!(m("a.b://x({id})", "a.b://x(1)"), Some(map(&[("id", "1")])));
        assert_eq!(m("x+y*z://[{id}]$^|\\", "x+y*z://[1]$^|\\"), Some(map(&[("id", "1")])));
        assert_eq!(m("x+y://{id}", "xxy://1"), None);
        assert!(t("static://only").matches("static://only").unwrap().is_empty());
        assert_eq!(m("static://only", "static://only/"), None);
        // Literal characters that are not URI characters match raw or percent-encoded.
        assert_eq!(m("docs://my docs/{id}", "docs://my docs/1"), Some(map(&[("id", "1")])));
        assert_eq!(m("docs://my docs/{id}", "docs://my%20docs/1"), Some(map(&[("id", "1")])));
        assert_eq!(m("docs://café/{id}", "docs://caf%c3%a9/1"), Some(map(&[("id", "1")])));
        assert_eq!(m("docs://café/{id}", "docs://cafe/1"), None);
        assert_eq!(m("docs://a%20b/{id}", "docs://a%20b/1"), Some(map(&[("id", "1")])));
    }

    #[test]
    fn reserved_matches_across_segments() {
        assert_eq!(m("file:///{+path}", "file:///a/b.txt"), Some(map(&[("path", "a/b.txt")])));
        assert_eq!(m("file:///{+path}", "file:///a/b?x"), None);
        assert_eq!(m("file:///{+path}", "file:///a/b#x"), None);
        assert_eq!(m("file:///{+path}", "file:///"), None);
        assert_eq!(m("file:///{+path}", "file:///dir%20x/%C3%BC.md"), Some(map(&[("path", "dir x/ü.md")])));
        assert_eq!(
            m("{+base}/items", "http://example.com/api/items"),
            Some(map(&[("base", "http://example.com/api")]))
        );
        assert_eq!(m("{+x,y}", "a/b,c"), Some(map(&[("x", "a/b"), ("y", "c")])));
        // Not after a literal slash: absolute values are allowed.
        assert_eq!(m("file://{+path}", "file:///home/u/x"), Some(map(&[("path", "/home/u/x")])));
        assert_eq!(m("here?ref={+path}", "here?ref=/foo/bar"), Some(map(&[("path", "/foo/bar")])));
    }

    #[test]
    fn fragment_is_optional() {
        let tpl = t("doc://page{#section}");
        assert_eq!(tpl.matches("doc://page#intro/a?b"), Some(map(&[("section", "intro/a?b")])));
        assert_eq!(tpl.matches("doc://page"), Some(map(&[])));
        assert_eq!(tpl.matches("doc://page#"), Some(map(&[("section", "")])));
        assert_eq!(tpl.matches("doc://page#a#b"), None);
        let tpl = t("doc://p{#a,b}");
        assert_eq!(tpl.matches("doc://p#1,2"), Some(map(&[("a", "1"), ("b", "2")])));
        assert_eq!(tpl.matches("doc://p#1"), Some(map(&[("a", "1")])));
        assert_eq!(m("doc://{id}{?v}{#f}", "doc://7?v=2#top"), Some(map(&[("id", "7"), ("v", "2"), ("f", "top")])));
        assert_eq!(m("doc://{id}{?v}{#f}", "doc://7#top"), Some(map(&[("id", "7"), ("f", "top")])));
    }

    #[test]
    fn label_matching() {
        assert_eq!(m("file:///{name}{.ext}", "file:///report.pdf"), Some(map(&[("name", "report"), ("ext", "pdf")])));
        assert_eq!(m("file:///{name}{.ext}", "file:///a.tar.gz"), Some(map(&[("name", "a.tar"), ("ext", "gz")])));
        assert_eq!(m("file:///x{.ext*}", "file:///x.tar.gz"), Some(map(&[("ext", "tar.gz")])));
        assert_eq!(m("X{.a,b}", "X.1024.768"), Some(map(&[("a", "1024"), ("b", "768")])));
        assert_eq!(m("X{.a}", "X."), None);
        assert_eq!(m("X{.a}", "X.a/b"), None);
        assert_eq!(m("X{.a}", "X.%2e"), None, "decodes to `.`");
    }

    #[test]
    fn path_segment_matching() {
        assert_eq!(m("repo://r{/seg}", "repo://r/a"), Some(map(&[("seg", "a")])));
        assert_eq!(m("repo://r{/seg}", "repo://r/a/b"), None);
        assert_eq!(m("repo://r{/seg}", "repo://r/"), None);
        assert_eq!(m("repo://r{/a,b}", "repo://r/1/2"), Some(map(&[("a", "1"), ("b", "2")])));
        assert_eq!(m("repo://r{/p*}", "repo://r/a/b/c.txt"), Some(map(&[("p", "a/b/c.txt")])));
        assert_eq!(m("repo://r{/p*}", "repo://r/a"), Some(map(&[("p", "a")])));
        assert_eq!(m("repo://r{/p*}", "repo://r"), None);
        assert_eq!(m("repo://r{/p*}", "repo://r/a//b"), None, "empty segment");
        assert_eq!(m("repo://r{/p*}", "repo://r/a/"), None);
        assert_eq!(m("repo://r{/p*}/raw", "repo://r/a/b/raw"), Some(map(&[("p", "a/b")])));
        assert_eq!(m("repo://r{/p*,last}", "repo://r/a/b/c"), Some(map(&[("p", "a/b"), ("last", "c")])));
        assert_eq!(m("repo://r{/p*}", "repo://r/a%2Fb"), Some(map(&[("p", "a/b")])));
    }

    #[test]
    fn path_parameter_matching() {
        assert_eq!(
            m("x{;v,empty,who}", "x;v=6;empty;who=fred"),
            Some(map(&[("v", "6"), ("empty", ""), ("who", "fred")]))
        );
        assert_eq!(m("x{;a}", "x;a="), Some(map(&[("a", "")])));
        assert_eq!(m("x{;a}", "x;b=1"), None);
        assert_eq!(m("x{;a,b}", "x;b=1;a=2"), None, "order is fixed");
        assert_eq!(m("x{;a}", "x;a=1;2"), None);
        assert_eq!(m("x{;l.m}", "x;l.m=3"), Some(map(&[("l.m", "3")])));
        assert_eq!(m("x{;l.m}", "x;lxm=3"), None);
    }

    #[test]
    fn query_matching() {
        let tpl = t("search://docs{?q,limit}");
        let both = Some(map(&[("q", "rust"), ("limit", "10")]));
        assert_eq!(tpl.matches("search://docs?q=rust&limit=10"), both);
        assert_eq!(tpl.matches("search://docs?limit=10&q=rust"), both, "any order");
        assert_eq!(tpl.matches("search://docs?x=1&limit=10&y&q=rust&z=%zz"), both, "extras");
        assert_eq!(tpl.matches("search://docs?q=rust"), Some(map(&[("q", "rust")])));
        assert_eq!(tpl.matches("search://docs"), Some(map(&[])), "no query string");
        assert_eq!(tpl.matches("search://docs?"), Some(map(&[])));
        assert_eq!(tpl.matches("search://docs?other=1"), Some(map(&[])));
        assert_eq!(tpl.matches("search://docs?q"), Some(map(&[("q", "")])));
        assert_eq!(tpl.matches("search://docs?q="), Some(map(&[("q", "")])));
        assert_eq!(tpl.matches("search://docs?q=a&q=b"), None, "repeated");
        assert_eq!(tpl.matches("search://docs?q=a+b%20c"), Some(map(&[("q", "a+b c")])));
        assert_eq!(tpl.matches("search://docs?q=a=b"), Some(map(&[("q", "a=b")])));
        assert_eq!(tpl.matches("search://docs?q=TCP%2FIP"), Some(map(&[("q", "TCP/IP")])));
        assert_eq!(tpl.matches("search://docs#frag"), None);
        assert_eq!(tpl.matches("search://docsx?q=1"), None);
        // Adjacent query expressions form one group.
        let tpl = t("api://items{?page}{&size}");
        assert_eq!(tpl.matches("api://items?size=5&page=2"), Some(map(&[("page", "2"), ("size", "5")])));
        // Fixed literal query text must appear as written.
        let tpl = t("api://items?fixed=yes{&x}");
        assert_eq!(tpl.matches("api://items?fixed=yes&x=1024"), Some(map(&[("x", "1024")])));
        assert_eq!(tpl.matches("api://items?fixed=yes&y=1&x=1"), Some(map(&[("x", "1")])));
        assert_eq!(tpl.matches("api://items?fixed=yes"), Some(map(&[])));
        assert_eq!(tpl.matches("api://items?fixed=yesno"), None);
        assert_eq!(tpl.matches("api://items?x=1&fixed=yes"), None);
        // Prefix limits the length.
        let tpl = t("api://x{?code:3}");
        assert_eq!(tpl.matches("api://x?code=abc"), Some(map(&[("code", "abc")])));
        assert_eq!(tpl.matches("api://x?code=abcd"), None);
        // Simple variables after a literal `?` stop at `&`.
        let tpl = t("api://search?q={q}");
        assert_eq!(tpl.matches("api://search?q=a"), Some(map(&[("q", "a")])));
        assert_eq!(tpl.matches("api://search?q=a&b=c"), None);
        assert_eq!(m("api://search?q={q}&n={n}", "api://search?q=a&n=2"), Some(map(&[("q", "a"), ("n", "2")])));
        // Path variables still matched alongside.
        assert_eq!(
            m("weather://{city}/forecast{?days}", "weather://paris/forecast?days=3"),
            Some(map(&[("city", "paris"), ("days", "3")]))
        );
        assert_eq!(m("weather://{city}/forecast{?days}", "weather://paris/forecast"), Some(map(&[("city", "paris")])));
    }

    #[test]
    fn prefix_matching() {
        let tpl = t("code://{id:4}");
        assert_eq!(tpl.matches("code://abcd"), Some(map(&[("id", "abcd")])));
        assert_eq!(tpl.matches("code://%C3%A9%C3%A9"), Some(map(&[("id", "éé")])));
        assert_eq!(tpl.matches("code://abcde"), None);
    }

    #[test]
    fn percent_decoding() {
        let tpl = t("db://tables/{name}");
        assert_eq!(tpl.matches("db://tables/a%20b"), Some(map(&[("name", "a b")])));
        assert_eq!(tpl.matches("db://tables/%C3%A9t%C3%A9"), Some(map(&[("name", "été")])));
        assert_eq!(tpl.matches("db://tables/%c3%a9"), Some(map(&[("name", "é")])));
        assert_eq!(tpl.matches("db://tables/été"), Some(map(&[("name", "été")])));
        assert_eq!(tpl.matches("db://tables/100%25"), Some(map(&[("name", "100%")])));
        assert_eq!(tpl.matches("db://tables/%2541"), Some(map(&[("name", "%41")])));
        assert_eq!(tpl.matches("db://tables/%zz"), None, "invalid hex");
        assert_eq!(tpl.matches("db://tables/%2"), None, "truncated");
        assert_eq!(tpl.matches("db://tables/100%"), None, "bare percent");
        assert_eq!(tpl.matches("db://tables/%FF"), None, "invalid UTF-8");
        assert_eq!(tpl.matches("db://tables/%C3"), None, "truncated UTF-8");
        assert_eq!(m("file:///{+p}", "file:///a/%ff"), None);
        assert_eq!(m("x{?q}", "x?q=%e2%82"), None);
        assert_eq!(m("x{?q}", "x?q=%"), None);
    }

    #[test]
    fn traversal_refusals() {
        // Simple values: never `.`/`..`, never a separator, even percent-encoded.
        for uri in [
            "file:///..",
            "file:///.",
            "file:///%2e%2e",
            "file:///%2E%2E",
            "file:///.%2e",
            "file:///%2e",
            "file:///%2e%2e%2fx",
            "file:///..%2Fetc%2Fpasswd",
            "file:///a%2Fb",
            "file:///a%5Cb",
            "file:///..%5Cx",
        ] {
            assert_eq!(m("file:///{name}", uri), None, "{uri}");
        }
        assert_eq!(m("file:///{name}", "file:///..a"), Some(map(&[("name", "..a")])));
        assert_eq!(m("file:///{name}", "file:///.env"), Some(map(&[("name", ".env")])));
        // Reserved values: no `..` segment, not absolute after a literal slash.
        for uri in [
            "file:///..",
            "file:///../etc/passwd",
            "file:///a/../../etc",
            "file:///a/..",
            "file:///a/%2e%2e/b",
            "file:///a%2F%2E%2E%2Fb",
            "file:///a\\..\\b",
            "file:///a%5C..%5Cb",
            "file:///.",
            "file:////etc/passwd",
            "file:///%2Fetc/passwd",
            "file:///%5Cwindows",
        ] {
            assert_eq!(m("file:///{+path}", uri), None, "{uri}");
        }
        assert_eq!(m("file:///{+path}", "file:///a/./b"), Some(map(&[("path", "a/./b")])));
        assert_eq!(m("file:///{+path}", "file:///a..b/c.."), Some(map(&[("path", "a..b/c..")])));
        // Exploded path segments.
        for uri in ["r/..", "r/a/../b", "r/%2e%2e", "r/a%2F..", "r/%2Fetc", "r/%5C..", "r/."] {
            assert_eq!(m("r{/p*}", uri), None, "{uri}");
        }
        assert_eq!(m("r{/p}", "r/.."), None);
        assert_eq!(m("r{/p}", "r/a%2Fb"), None);
        assert_eq!(m("x{;p}", "x;p=.."), None);
        assert_eq!(m("x{;p}", "x;p=a%2Fb"), None);
        assert_eq!(m("x{.p}", "x.%2E%2E"), None);
        // Fragment and query values.
        assert_eq!(m("x{#f}", "x#.."), None);
        assert_eq!(m("x{#f}", "x#a/../b"), None);
        assert_eq!(m("x{?p}", "x?p=.."), None);
        assert_eq!(m("x{?p}", "x?p=."), None);
        assert_eq!(m("x{?p}", "x?p=%2e%2e%2Fetc"), None);
        assert_eq!(m("x{?p}", "x?p=a/../b"), None);
        assert_eq!(m("x{?p}", "x?p=a/b"), Some(map(&[("p", "a/b")])));
    }

    #[test]
    fn mcp_style_templates() {
        type Case<'a> = (&'a str, &'a str, Option<&'a [(&'a str, &'a str)]>);
        let cases: &[Case<'_>] = &[
            ("file://{+path}", "file:///a/../etc/passwd", None),
            ("file://{+path}", "file:///%2e%2e/x", None),
            ("file:///{+path}", "file:///logs/2024/app.log", Some(&[("path", "logs/2024/app.log")])),
            (
                "github://repos/{owner}/{repo}",
                "github://repos/rust-lang/rust",
                Some(&[("owner", "rust-lang"), ("repo", "rust")]),
            ),
            ("github://repos/{owner}/{repo}", "github://repos/rust-lang/rust/issues", None),
            ("users://{id}/profile", "users://42/profile", Some(&[("id", "42")])),
            ("users://{id}/profile", "users:///profile", None),
            ("users://{id}/profile", "users://../profile", None),
            (
                "config://{section}{/key*}{?format}",
                "config://db/pool/size?format=json",
                Some(&[("section", "db"), ("key", "pool/size"), ("format", "json")]),
            ),
            ("config://{section}{/key*}{?format}", "config://db", None),
            ("notes://{+name}{.ext}", "notes://a/b.md", Some(&[("name", "a/b"), ("ext", "md")])),
        ];
        for (template, uri, expected) in cases {
            let expected = expected.map(map);
            assert_eq!(m(template, uri), expected, "{template} ~ {uri}");
        }
    }

    // ---- round trip --------------------------------------------------------------------

    #[test]
    fn round_trip() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("test://template/{id}/data", &[("id", "123")]),
            ("test://template/{id}/data", &[("id", "a b,c&d=e+f%g")]),
            ("test://template/{id}/data", &[("id", "été €")]),
            ("test://template/{id}/data", &[("id", "..x")]),
            ("file:///{+path}", &[("path", "a/b.txt")]),
            ("file:///{+path}", &[("path", "dir with space/ü.md,v;1=2@x")]),
            ("db://tables/{name}{?limit,offset}", &[("name", "users")]),
            ("db://tables/{name}{?limit,offset}", &[("name", "u"), ("offset", "5")]),
            ("db://tables/{name}{?limit,offset}", &[("name", "u"), ("limit", "a&b=c d"), ("offset", "")]),
            ("search://{?q}{&page}", &[("q", "TCP/IP + rust"), ("page", "2")]),
            // Found by fuzzing: an undefined `{?q}` left `&page=2`, which no query matches.
            ("search://{?q}{&page}", &[("page", "2")]),
            ("search://{?q}{?page}", &[("q", "x"), ("page", "2")]),
            ("search://{&q}{?page}", &[("page", "2")]),
            // Found by fuzzing: a bare `%` in a literal took the `25` of the value after it.
            ("p://50%{x}", &[("x", "25")]),
            // Found by fuzzing: `{x}{y}` split `a%3D` inside the triplet (`a%3` + `D`).
            ("p://{x}{y}", &[("x", "a"), ("y", "=")]),
            ("repo://{owner}/{repo}{/path*}", &[("owner", "o"), ("repo", "r"), ("path", "src/lib.rs")]),
            ("repo://{owner}/{repo}{/path*}", &[("owner", "o"), ("repo", "r"), ("path", "x y")]),
            ("doc://{id}{#section}", &[("id", "1"), ("section", "intro/part 2?")]),
            ("doc://{id}{#section}", &[("id", "1"), ("section", "")]),
            ("doc://{id}{#section}", &[("id", "1")]),
            ("m://x{;a,b}", &[("a", "1"), ("b", "")]),
            ("m://x{;a,b}", &[("a", "a b"), ("b", "c;d")]),
            ("f://{name}{.ext}", &[("name", "report.final"), ("ext", "pdf")]),
            ("f://d{/a,b}{.c}", &[("a", "x y"), ("b", "z"), ("c", "md")]),
            ("p://{code:3}", &[("code", "abc")]),
            ("p://{x,y}", &[("x", "1,2"), ("y", "3")]),
            ("p://{+x,y}/z", &[("x", "a/b"), ("y", "c")]),
            ("p://{a}{?b:5}", &[("a", "é"), ("b", "ééééé")]),
        ];
        for (template, pairs) in cases {
            let tpl = t(template);
            let vars = map(pairs);
            let uri = tpl.expand(&vars);
            assert_eq!(tpl.matches(&uri), Some(vars), "{template} -> {uri}");
        }
    }

    // ---- robustness ---------------------------------------------------------------------

    /// Small deterministic generator so the test needs no extra dependency.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn string(&mut self, alphabet: &[&str], max_len: u64) -> String {
            let len = self.next() % (max_len + 1);
            (0..len)
                .map(|_| {
                    let i = usize::try_from(self.next()).unwrap_or(0) % alphabet.len();
                    alphabet[i]
                })
                .collect()
        }
    }

    #[test]
    fn odd_inputs_never_panic() {
        let template_alphabet = [
            "{", "}", "+", "#", ".", "/", ";", "?", "&", ",", "*", ":", "0", "1", "9", "a", "b", "c", "%", "2", "e",
            "_", "-", "é", " ", "=", "x", "{a}", "{+p}", "{/s*}", "{?q}", "{#f}", "{.l}", "{;m}", "\\", "(", "$",
            "\u{0}",
        ];
        let uri_alphabet = [
            "a", "b", "/", "?", "#", "&", "=", ";", ".", ",", "%", "2", "e", "E", "f", "F", "%2e", "%2F", "%5C",
            "%C3%A9", "%FF", "é", "\\", " ", "..", "x", "c", "q=", "\n",
        ];
        let mut rng = Lcg(0x5EED);
        let mut parsed = 0;
        for _ in 0..10_000 {
            let template = rng.string(&template_alphabet, 12);
            let Ok(tpl) = UriTemplate::parse(&template) else {
                continue;
            };
            parsed += 1;
            assert_eq!(tpl.as_str(), template);
            let mut vars = BTreeMap::new();
            for name in tpl.variables() {
                if rng.next() % 4 != 0 {
                    vars.insert(name.clone(), rng.string(&uri_alphabet, 6));
                }
            }
            let expanded = tpl.expand(&vars);
            let candidates = [expanded, rng.string(&uri_alphabet, 16), template.clone()];
            for uri in candidates {
                if let Some(found) = tpl.matches(&uri) {
                    for (name, value) in &found {
                        assert!(tpl.variables().contains(name));
                        assert!(value != "." && value != "..", "{template} {uri} {value}");
                        assert!(!value.split(['/', '\\']).any(|s| s == ".."), "{template} {uri} {value}");
                    }
                }
            }
        }
        assert!(parsed > 500, "only {parsed} templates parsed");
        // Pathological sizes fail cleanly or work, but never panic.
        let huge: String = (0..5_000).map(|i| format!("{{v{i}}}")).collect();
        let _ = UriTemplate::parse(&huge);
        let long_literal = "a".repeat(20_000);
        let tpl = UriTemplate::parse(&format!("{long_literal}{{x}}")).expect("long literal");
        assert_eq!(tpl.matches(&format!("{long_literal}1")), Some(map(&[("x", "1")])));
        let err = UriTemplate::parse(&"é".repeat(50_000)).map(|_| ()).unwrap_err();
        assert!(err.message().contains("too complex"));
        assert_eq!(t("{x:9999}").matches(&"y".repeat(20_000)), None);
        assert_eq!(t("{x}").matches(""), None);
        assert_eq!(t("").matches(""), Some(map(&[])));
    }
}

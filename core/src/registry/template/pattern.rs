//! Compiling a parsed template to one anchored regex plus what each capture group means,
//! with the character classes and path-safety rules that make matching unambiguous.

use regex::Regex;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::parts::{Modifier, Operator, Part, TemplateError, VarSpec, is_pct_triplet, is_uri_char};

/// Upper bound on the compiled regex, so absurd templates fail to parse instead of using
/// unbounded memory (a 100 000-character literal still fits).
const REGEX_SIZE_LIMIT: usize = 1 << 24;

/// Which traversal check a matched, decoded value must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Safety {
    /// A single path segment: not `.` or `..`, no `/` or `\`.
    Segment,
    /// May span segments: not `.`, and no `/`- or `\`-separated segment is `..`. With
    /// `relative`, it may not start with `/` or `\` either.
    Path { relative: bool },
}

impl Safety {
    pub(super) fn accepts(self, value: &str) -> bool {
        match self {
            Self::Segment => value != "." && value != ".." && !value.contains(['/', '\\']),
            Self::Path { relative } => {
                value != "."
                    && !value.split(['/', '\\']).any(|segment| segment == "..")
                    && !(relative && value.starts_with(['/', '\\']))
            }
        }
    }
}

/// What to do with regex capture group `i + 1` (slot `i`).
#[derive(Debug, Clone)]
pub(super) enum Slot {
    /// The group captures one variable's raw value.
    Value {
        var: usize,
        safety: Safety,
        max_chars: Option<usize>,
        /// A group that did not participate means "empty" (`{;x}` matching `;x`) rather than
        /// "absent" (an optional `{#x}` fragment that is not there).
        absent_is_empty: bool,
    },
    /// The group captures the rest of a query string (`a=1&b=2`), to be split into pairs and
    /// looked up for these variables, in any order.
    Query { vars: Vec<VarSpec> },
}

/// Where in the URI the compiler currently is; it narrows some character classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Region {
    Path,
    Query,
    Fragment,
}

/// Compiles the parsed template into an anchored regex plus one slot per capture group.
pub(super) fn compile(parts: &[Part], names: &[String]) -> Result<(Regex, Vec<Slot>), TemplateError> {
    let mut re = String::from(r"\A");
    let mut slots: Vec<Slot> = Vec::new();
    let mut region = Region::Path;
    let mut after_slash = false;
    // Slot of the query group the previous part opened, so adjacent ones merge.
    let mut open_query: Option<usize> = None;

    for part in parts {
        let (op, vars) = match part {
            Part::Literal(text) => {
                push_literal_pattern(text, &mut re);
                if text.contains('#') {
                    region = Region::Fragment;
                } else if text.contains('?') {
                    region = region.max(Region::Query);
                }
                // `file:///{+path}`: a path slash. `file://{+path}`: the authority marker,
                // after which an absolute path is the template's intent.
                after_slash = text.ends_with('/') && !text.ends_with("://");
                open_query = None;
                continue;
            }
            Part::Expression { op, vars } => (*op, vars),
        };

        if op.is_query() {
            match open_query.and_then(|k| slots.get_mut(k)) {
                Some(Slot::Query { vars: group }) => group.extend(vars.iter().copied()),
                _ => {
                    let lead = if op == Operator::Query { r"\?" } else { "&" };
                    re.push_str("(?:");
                    re.push_str(lead);
                    re.push_str("([^#]*))?");
                    slots.push(Slot::Query { vars: vars.clone() });
                    open_query = Some(slots.len() - 1);
                }
            }
            region = region.max(Region::Query);
            after_slash = false;
            continue;
        }
        open_query = None;

        let class = char_class(op, vars.len() > 1, region);
        let value = |var: &VarSpec, safety: Safety, absent_is_empty: bool| Slot::Value {
            var: var.index,
            safety,
            max_chars: var.modifier.prefix(),
            absent_is_empty,
        };
        match op {
            Operator::Simple | Operator::Reserved => {
                for (i, var) in vars.iter().enumerate() {
                    if i > 0 {
                        re.push(',');
                    }
                    // A simple `{x*}` is a wildcard that spans segments, as `{+x}` does (the
                    // reading SDK users know for `{path*}`); a plain `{x}` is one segment.
                    let spans = op == Operator::Reserved || var.modifier == Modifier::Explode;
                    let unit =
                        if spans { char_class(Operator::Reserved, vars.len() > 1, region) } else { class.clone() };
                    re.push_str(&format!("({unit}+)"));
                    let safety = if spans { Safety::Path { relative: i == 0 && after_slash } } else { Safety::Segment };
                    slots.push(value(var, safety, false));
                }
            }
            Operator::Fragment => {
                re.push_str("(?:#");
                for (i, var) in vars.iter().enumerate() {
                    if i == 0 {
                        re.push_str(&format!("({class}*)"));
                    } else {
                        re.push_str(&format!("(?:,({class}*))?"));
                    }
                    slots.push(value(var, Safety::Path { relative: false }, false));
                }
                re.push_str(")?");
                region = Region::Fragment;
            }
            Operator::Label | Operator::PathSegment => {
                let sep = if op == Operator::Label { r"\." } else { "/" };
                for var in vars {
                    re.push_str(sep);
                    if var.modifier == Modifier::Explode {
                        re.push_str(&format!("({class}+(?:{sep}{class}+)*)"));
                        let safety =
                            if op == Operator::Label { Safety::Segment } else { Safety::Path { relative: true } };
                        slots.push(value(var, safety, false));
                    } else {
                        re.push_str(&format!("({class}+)"));
                        slots.push(value(var, Safety::Segment, false));
                    }
                }
            }
            Operator::PathParameter => {
                for var in vars {
                    re.push(';');
                    re.push_str(&regex::escape(&names[var.index]));
                    re.push_str(&format!("(?:=({class}*))?"));
                    slots.push(value(var, Safety::Segment, true));
                }
            }
            Operator::Query | Operator::QueryContinuation => {}
        }
        after_slash = false;
    }
    re.push_str(r"\z");
    build_regex(&re).map(|regex| (regex, slots))
}

fn build_regex(pattern: &str) -> Result<Regex, TemplateError> {
    regex::RegexBuilder::new(pattern).size_limit(REGEX_SIZE_LIMIT).build().map_err(|e| match e {
        regex::Error::CompiledTooBig(limit) => {
            TemplateError::new(format!("template too complex to compile (regex larger than {limit} bytes)"))
        }
        // Everything in the pattern is escaped, so this is not expected.
        _ => TemplateError::new("template could not be compiled to a regex"),
    })
}

/// Builds the pattern of one unit of a value of `op` (a group, to repeat with `+` or `*`).
fn char_class(op: Operator, several: bool, region: Region) -> String {
    let mut excluded: Vec<char> = match op {
        Operator::Simple | Operator::PathSegment => vec!['/', '?', '#'],
        Operator::Reserved => vec!['?', '#'],
        Operator::Fragment => vec!['#'],
        Operator::Label => vec!['/', '?', '#', '.'],
        Operator::PathParameter => vec!['/', '?', '#', ';'],
        Operator::Query | Operator::QueryContinuation => vec!['#', '&'],
    };
    if several && matches!(op, Operator::Simple | Operator::Reserved | Operator::Fragment) {
        excluded.push(',');
    }
    if region == Region::Query && op != Operator::Fragment && !excluded.contains(&'&') {
        excluded.push('&');
    }
    // One unit of a value: a character, or a whole percent-encoded triplet, so two values
    // side by side (`{x}{y}`) never split inside a triplet: such a split would leave one of
    // them undecodable, and the URI unmatched, where the other split reads both.
    let mut class = String::from("(?:[^%");
    for c in excluded {
        class.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
    }
    class.push_str("]|%[0-9A-Fa-f]{2})");
    class
}

/// Appends a regex matching literal template text.
fn push_literal_pattern(text: &str, re: &mut String) {
    let bytes = text.as_bytes();
    let mut buf = [0; 4];
    for (i, c) in text.char_indices() {
        let s: &str = c.encode_utf8(&mut buf);
        if is_uri_char(c) || (c == '%' && is_pct_triplet(bytes, i)) {
            re.push_str(&regex::escape(s));
        } else {
            let encoded: String = utf8_percent_encode(s, NON_ALPHANUMERIC).collect();
            // The encoded form first: it is what expansion writes, and a bare `%`'s raw form
            // is a prefix of its encoded one (`%25`), so the other order would read a
            // following value's leading `25` as part of the literal.
            re.push_str(&format!("(?:(?i:{})|{})", regex::escape(&encoded), regex::escape(s)));
        }
    }
}

//! The parsed form of a URI template, what the parser writes and the regex compiler and
//! the expander read: its parts (literal text and expressions), their operators, modifiers
//! and variables, the parse error, and which characters URI text may hold as written.

use std::fmt;

/// Why a URI template could not be parsed.
///
/// Displays just the problem, with the byte offset in the template where it helps (for
/// example ``unclosed expression opened at byte 1``), so callers can prefix which template it
/// was, as in ``invalid definition of resource template `x{`: unclosed expression ...``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    message: String,
}

impl TemplateError {
    pub(super) fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }

    /// The description of the problem (the same text as [`Display`](fmt::Display)).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TemplateError {}

/// An expression operator (RFC 6570 section 2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operator {
    /// `{x}`
    Simple,
    /// `{+x}`
    Reserved,
    /// `{#x}`
    Fragment,
    /// `{.x}`
    Label,
    /// `{/x}`
    PathSegment,
    /// `{;x}`
    PathParameter,
    /// `{?x}`
    Query,
    /// `{&x}`
    QueryContinuation,
}

impl Operator {
    pub(super) fn from_char(c: char) -> Option<Self> {
        Some(match c {
            '+' => Self::Reserved,
            '#' => Self::Fragment,
            '.' => Self::Label,
            '/' => Self::PathSegment,
            ';' => Self::PathParameter,
            '?' => Self::Query,
            '&' => Self::QueryContinuation,
            _ => return None,
        })
    }

    /// String emitted before the first defined variable (RFC 6570 appendix A, `first`).
    pub(super) fn first(self) -> &'static str {
        match self {
            Self::Simple | Self::Reserved => "",
            Self::Fragment => "#",
            Self::Label => ".",
            Self::PathSegment => "/",
            Self::PathParameter => ";",
            Self::Query => "?",
            Self::QueryContinuation => "&",
        }
    }

    /// String emitted between defined variables (appendix A, `sep`).
    pub(super) fn separator(self) -> &'static str {
        match self {
            Self::Simple | Self::Reserved | Self::Fragment => ",",
            Self::Label => ".",
            Self::PathSegment => "/",
            Self::PathParameter => ";",
            Self::Query | Self::QueryContinuation => "&",
        }
    }

    /// Whether values are emitted as `name=value` (appendix A, `named`).
    pub(super) fn named(self) -> bool {
        matches!(self, Self::PathParameter | Self::Query | Self::QueryContinuation)
    }

    /// What follows the name of an empty named value (appendix A, `ifemp`).
    pub(super) fn if_empty(self) -> &'static str {
        match self {
            Self::Query | Self::QueryContinuation => "=",
            _ => "",
        }
    }

    /// Whether reserved characters pass through unencoded (appendix A, `allow`).
    pub(super) fn allows_reserved(self) -> bool {
        matches!(self, Self::Reserved | Self::Fragment)
    }

    pub(super) fn is_query(self) -> bool {
        matches!(self, Self::Query | Self::QueryContinuation)
    }
}

/// A variable's modifier (RFC 6570 section 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Modifier {
    None,
    /// `:N`, with N in `1..=9999` characters.
    Prefix(usize),
    /// `*`
    Explode,
}

impl Modifier {
    pub(super) fn prefix(self) -> Option<usize> {
        match self {
            Self::Prefix(n) => Some(n),
            Self::None | Self::Explode => None,
        }
    }
}

/// One variable of an expression; `index` points into `UriTemplate::names`.
#[derive(Debug, Clone, Copy)]
pub(super) struct VarSpec {
    pub(super) index: usize,
    pub(super) modifier: Modifier,
}

/// A parsed piece of the template.
#[derive(Debug, Clone)]
pub(super) enum Part {
    Literal(String),
    Expression { op: Operator, vars: Vec<VarSpec> },
}

/// Whether `bytes[i..]` starts with `%` and two hex digits.
pub(super) fn is_pct_triplet(bytes: &[u8], i: usize) -> bool {
    bytes.get(i) == Some(&b'%')
        && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
        && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
}

/// Whether `c` may appear unencoded in a URI (`unreserved` / `reserved`).
pub(super) fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=".contains(c)
}

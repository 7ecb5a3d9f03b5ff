//! 2026-07-28 request metadata headers: `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` checked
//! against the JSON-RPC body (required on the 2026 wire; on the legacy wires, checked when
//! sent), and the `=?base64?…?=` value encoding. Which tool arguments
//! are mirrored comes from the tools' `x-mcp-header` annotations
//! ([`crate::protocol::header_params`]).
//!
//! The rules come from the transport spec (§4, request metadata headers). Every function
//! here is total: malformed bodies and header values produce an `Err`, never a panic.

use crate::protocol::method::Method;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Number, Value};

use crate::error::ProtocolError;
use crate::protocol::header_params::{HeaderParam, ParamKind, shown};

/// The opening marker of an encoded header value (lowercase, case-sensitive).
const SENTINEL_PREFIX: &str = "=?base64?";

/// The closing marker of an encoded header value.
const SENTINEL_SUFFIX: &str = "?=";

/// The largest integer magnitude a `Mcp-Param-*` header may carry: 2^53 − 1.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// The header carrying the JSON-RPC method.
const METHOD_HEADER: &str = "Mcp-Method";

/// The header carrying the tool/prompt name, resource URI or task id.
const NAME_HEADER: &str = "Mcp-Name";

/// The prefix of the headers mirroring annotated tool arguments.
const PARAM_HEADER_PREFIX: &str = "Mcp-Param-";

/// Decodes one header value: trims optional whitespace (spaces/tabs) at both ends; a value
/// of the exact form `=?base64?<standard base64 with padding>?=` (lowercase markers,
/// case-sensitive) is decoded to UTF-8 — invalid base64 (alphabet or padding) or invalid UTF-8
/// is an Err; anything else (including `=?BASE64?…?=`, a missing suffix, or bare base64) is
/// returned literally.
///
/// The decoded text itself is not trimmed: encoding is how a value keeps its outer spaces.
pub fn decode_value(raw: &str) -> Result<String, String> {
    let value = trim_ows(raw);
    let Some(encoded) = value.strip_prefix(SENTINEL_PREFIX).and_then(|rest| rest.strip_suffix(SENTINEL_SUFFIX)) else {
        return Ok(value.to_owned());
    };
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|err| format!("invalid base64 in a {SENTINEL_PREFIX}…{SENTINEL_SUFFIX} value ({err})"))?;
    String::from_utf8(bytes)
        .map_err(|_| format!("the {SENTINEL_PREFIX}…{SENTINEL_SUFFIX} value does not decode to valid UTF-8"))
}

/// Encodes a value for a header (plain when all chars are visible ASCII/space/tab without
/// leading/trailing whitespace and it does not itself look like the sentinel; else the sentinel).
///
/// "Looks like the sentinel" is read broadly: any value starting with `=?` is encoded, so no
/// decoder — however it reads the markers — can mistake a plain value for an encoded one.
#[allow(dead_code, reason = "the server only decodes; the encoder serves clients, proxies and tests")]
pub fn encode_value(value: &str) -> String {
    let plain = value.chars().all(is_plain_char)
        && !value.starts_with([' ', '\t'])
        && !value.ends_with([' ', '\t'])
        && !value.starts_with("=?");
    if plain { value.to_owned() } else { format!("{SENTINEL_PREFIX}{}{SENTINEL_SUFFIX}", STANDARD.encode(value)) }
}

/// Whether a character may appear in a plain (unencoded) header value: visible ASCII, space
/// or horizontal tab.
fn is_plain_char(c: char) -> bool {
    c == '\t' || (' '..='~').contains(&c)
}

/// Trims RFC 9110 optional whitespace (spaces and horizontal tabs) at both ends.
fn trim_ows(value: &str) -> &str {
    value.trim_matches([' ', '\t'])
}

/// Checks the metadata headers of a 2026-07-28 request against its body. `header` looks a
/// header up case-insensitively and returns every value present (the caller adapts the
/// HTTP library's header map). Rules (each failure -> ProtocolError::header_mismatch with a
/// detail naming the header):
/// - `Mcp-Method` must be present (exactly one value) and equal `method` after trimming OWS
///   (case-sensitive comparison: `TOOLS/LIST` != `tools/list`);
/// - `Mcp-Name` must be present and equal `params.name` for `tools/call` and `prompts/get`,
///   `params.uri` for `resources/read`, `params.taskId` for `tasks/get`, `tasks/update`,
///   `tasks/cancel` (values decoded with `decode_value`; trimmed);
/// - for `tools/call`, for each `HeaderParam` of the called tool (`tool_params`, empty if the tool
///   is unknown): if the argument is present and non-null in `params.arguments`, the header
///   `Mcp-Param-{header}` must be present, decode, and match: strings exactly; integers
///   numerically (`42` matches header `42` and `42.0`; must be within ±(2^53−1)); booleans
///   `true`/`false`; if the argument is absent or null the header is not required (if present
///   anyway, ignore it).
///
/// Further rules, common to every checked header:
/// - a header given more than once is refused (its value would be ambiguous);
/// - a raw value with characters other than visible ASCII, space and tab (control characters,
///   non-ASCII) is refused: such values must travel in the `=?base64?…?=` form;
/// - every value, `Mcp-Method` included, goes through [`decode_value`], so an (unusual but
///   valid) encoded method name is accepted.
///
/// Body problems are left to the later stages that report them as invalid params: when the
/// body lacks the field `Mcp-Name` mirrors (or it is not a string), the header is still
/// required but not compared; when an argument's JSON type differs from the declared
/// [`ParamKind`] (say a number for a string property), its header is required and must decode
/// but is not compared — input-schema validation refuses the call. An integer argument outside
/// ±(2^53−1) is refused here, since no header can carry it.
///
/// Meant for requests; the rules for notification POSTs are undefined and callers should
/// accept those leniently.
pub fn check_request(
    method: &str,
    params: Option<&Map<String, Value>>,
    tool_params: &[HeaderParam],
    header: &dyn Fn(&str) -> Vec<String>,
) -> Result<(), ProtocolError> {
    check(method, params, tool_params, header, true)
}

/// The check of [`check_request`] for the legacy wires (2025 sessions, sessionless requests,
/// the 2024-11-05 HTTP+SSE transport): no header is required (older clients send none), but
/// each one a request carries must agree with the body by the same rules, so a proxy that
/// reads them (to decide retries, say) reads what will run.
pub fn check_present(
    method: &str,
    params: Option<&Map<String, Value>>,
    tool_params: &[HeaderParam],
    header: &dyn Fn(&str) -> Vec<String>,
) -> Result<(), ProtocolError> {
    check(method, params, tool_params, header, false)
}

/// True when a header name (lowercase, as HTTP libraries give it) is one that
/// [`check_request`] compares with the body: `mcp-method`, `mcp-name`, `mcp-param-*`.
pub fn is_checked_header(name: &str) -> bool {
    // The common prefix first: most headers of a request are told apart by four bytes.
    name.strip_prefix("mcp-").is_some_and(|rest| rest == "method" || rest == "name" || rest.starts_with("param-"))
}

/// [`check_request`] (`required`) or [`check_present`].
fn check(
    method: &str,
    params: Option<&Map<String, Value>>,
    tool_params: &[HeaderParam],
    header: &dyn Fn(&str) -> Vec<String>,
    required: bool,
) -> Result<(), ProtocolError> {
    if let Some(sent_method) = header_value(header, METHOD_HEADER, required)? {
        if sent_method != method {
            return Err(ProtocolError::header_mismatch(format!(
                "{METHOD_HEADER} header {} does not match the request method {} (values are case-sensitive)",
                shown(&sent_method),
                shown(method)
            )));
        }
    }

    let known = Method::from_wire(method);
    if let Some(field) = known.and_then(Method::name_header_field) {
        if let Some(sent_name) = header_value(header, NAME_HEADER, required)? {
            let expected = params.and_then(|p| p.get(field)).and_then(Value::as_str);
            if let Some(expected) = expected.filter(|expected| *expected != sent_name) {
                return Err(ProtocolError::header_mismatch(format!(
                    "{NAME_HEADER} header {} does not match params.{field} {}",
                    shown(&sent_name),
                    shown(expected)
                )));
            }
        }
    }

    if known == Some(Method::ToolsCall) {
        let arguments = params.and_then(|p| p.get("arguments")).and_then(Value::as_object);
        for param in tool_params {
            let Some(argument) = arguments.and_then(|args| args.get(&param.property)).filter(|v| !v.is_null()) else {
                continue;
            };
            let name = format!("{PARAM_HEADER_PREFIX}{}", param.header);
            if let Some(sent) = header_value(header, &name, required)? {
                check_argument(&name, param, argument, &sent)?;
            }
        }
    }
    Ok(())
}

/// The single, decoded value of header `name` (`None` when absent and not `required`); a
/// header that is absent when required, repeated, carries invalid characters or fails to
/// decode is an error naming it.
fn header_value(
    header: &dyn Fn(&str) -> Vec<String>,
    name: &str,
    required: bool,
) -> Result<Option<String>, ProtocolError> {
    let values = header(name);
    let raw = match values.as_slice() {
        [] if !required => return Ok(None),
        [] => return Err(ProtocolError::header_mismatch(format!("required header {name} is missing"))),
        [raw] => raw,
        _ => {
            return Err(ProtocolError::header_mismatch(format!(
                "header {name} is given {} times; exactly one value is allowed",
                values.len()
            )));
        }
    };
    if !raw.chars().all(is_plain_char) {
        return Err(ProtocolError::header_mismatch(format!(
            "header {name} contains characters other than visible ASCII, space and tab; such values must use the \
             {SENTINEL_PREFIX}…{SENTINEL_SUFFIX} encoding"
        )));
    }
    decode_value(raw).map(Some).map_err(|reason| ProtocolError::header_mismatch(format!("header {name}: {reason}")))
}

/// Compares the decoded header `name` with the body argument it mirrors.
fn check_argument(name: &str, param: &HeaderParam, argument: &Value, sent: &str) -> Result<(), ProtocolError> {
    let property = &param.property;
    let matches = match (param.kind, argument) {
        (ParamKind::String, Value::String(expected)) => sent == expected,
        (ParamKind::Boolean, Value::Bool(expected)) => match sent {
            "true" => *expected,
            "false" => !*expected,
            _ => {
                return Err(ProtocolError::header_mismatch(format!(
                    "header {name} must be `true` or `false` for boolean argument {property:?}, found {}",
                    shown(sent)
                )));
            }
        },
        (ParamKind::Integer, Value::Number(number)) => {
            let expected = match body_integer(number) {
                BodyInteger::Safe(value) => value,
                BodyInteger::OutOfRange => {
                    return Err(ProtocolError::header_mismatch(format!(
                        "integer argument {property:?} mirrored in header {name} is outside ±(2^53−1)"
                    )));
                }
                // A fractional number for an integer property: schema validation refuses it.
                BodyInteger::NotInteger => return Ok(()),
            };
            let actual = header_integer(sent).map_err(|reason| {
                ProtocolError::header_mismatch(format!(
                    "header {name} for integer argument {property:?} {reason}, found {}",
                    shown(sent)
                ))
            })?;
            actual == expected
        }
        // The body has the wrong JSON type for the declared kind: input-schema validation
        // reports that as invalid params.
        _ => return Ok(()),
    };
    if matches {
        Ok(())
    } else {
        Err(ProtocolError::header_mismatch(format!(
            "header {name} value {} does not match argument {property:?} {}",
            shown(sent),
            shown(&argument_text(argument))
        )))
    }
}

/// A body number read as a header integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyInteger {
    /// An integer within ±(2^53 − 1) (`42.0` counts as 42).
    Safe(i64),
    /// An integer beyond ±(2^53 − 1).
    OutOfRange,
    /// A number with a fractional part.
    NotInteger,
}

/// Reads a body number as an integer.
fn body_integer(number: &Number) -> BodyInteger {
    if let Some(value) = number.as_i64() {
        if value.unsigned_abs() <= MAX_SAFE_INTEGER.unsigned_abs() {
            BodyInteger::Safe(value)
        } else {
            BodyInteger::OutOfRange
        }
    } else if number.is_u64() {
        BodyInteger::OutOfRange
    } else {
        match number.as_f64() {
            Some(value) if value.is_finite() && value.fract() == 0.0 => {
                if value.abs() <= MAX_SAFE_INTEGER as f64 {
                    BodyInteger::Safe(value as i64)
                } else {
                    BodyInteger::OutOfRange
                }
            }
            _ => BodyInteger::NotInteger,
        }
    }
}

/// Parses a header integer: an optional `-`, decimal digits, and optionally a `.` followed by
/// zeros only (`42`, `-7`, `42.0`, `042`). Exponents, `+`, and non-zero fractions are refused,
/// and so are magnitudes beyond 2^53 − 1. The parse is exact (no floating point).
fn header_integer(text: &str) -> Result<i64, &'static str> {
    const NOT_INTEGER: &str = "must be a decimal integer";
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NOT_INTEGER);
    }
    if fraction.is_some_and(|fraction| fraction.is_empty() || !fraction.bytes().all(|b| b == b'0')) {
        return Err(NOT_INTEGER);
    }
    const OUT_OF_RANGE: &str = "must be within ±(2^53−1)";
    let mut magnitude: i64 = 0;
    for digit in whole.bytes() {
        magnitude = magnitude
            .checked_mul(10)
            .and_then(|m| m.checked_add(i64::from(digit - b'0')))
            .filter(|m| *m <= MAX_SAFE_INTEGER)
            .ok_or(OUT_OF_RANGE)?;
    }
    Ok(if negative { -magnitude } else { magnitude })
}

/// A body argument as text, for error messages.
fn argument_text(argument: &Value) -> String {
    match argument {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::header_params::header_params;
    use serde_json::json;

    /// A case-insensitive header lookup over a list of (name, value) pairs.
    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Vec<String> {
        let owned: Vec<(String, String)> = pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
        move |name: &str| owned.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()).collect()
    }

    /// Runs `check_request` with a JSON `params` object.
    fn check(
        method: &str,
        params: Value,
        tool_params: &[HeaderParam],
        pairs: &[(&str, &str)],
    ) -> Result<(), ProtocolError> {
        let headers = lookup(pairs);
        check_request(method, params.as_object(), tool_params, &headers)
    }

    /// Asserts a -32020 failure whose message names `header`.
    fn assert_mismatch(result: Result<(), ProtocolError>, header: &str) {
        let err = result.expect_err("expected a header mismatch");
        assert_eq!(err.code, -32020);
        assert!(err.message.starts_with("Header mismatch: "), "{}", err.message);
        assert!(err.message.contains(header), "{:?} should name {header}", err.message);
    }

    fn param(header: &str, property: &str, kind: ParamKind) -> HeaderParam {
        HeaderParam { header: header.to_owned(), property: property.to_owned(), kind }
    }

    // ----- check_present (the legacy wires) -----

    #[test]
    fn present_headers_must_agree_and_absent_ones_are_fine() {
        let present = |method: &str, params: Value, tool_params: &[HeaderParam], pairs: &[(&str, &str)]| {
            check_present(method, params.as_object(), tool_params, &lookup(pairs))
        };
        let call = json!({ "name": "search", "arguments": { "q": "x" } });
        let q = [param("Q", "q", ParamKind::String)];
        assert!(present("tools/call", call.clone(), &q, &[]).is_ok());
        assert!(present("tools/call", call.clone(), &q, &[("Mcp-Name", "search")]).is_ok());
        assert_mismatch(present("tools/call", call.clone(), &q, &[("Mcp-Method", "tools/list")]), "Mcp-Method");
        assert_mismatch(present("tools/call", call.clone(), &q, &[("Mcp-Name", "other")]), "Mcp-Name");
        assert_mismatch(present("tools/call", call.clone(), &q, &[("Mcp-Param-Q", "y")]), "Mcp-Param-Q");
        assert_mismatch(
            present("tools/call", call, &q, &[("Mcp-Method", "tools/call"), ("Mcp-Method", "tools/call")]),
            "Mcp-Method",
        );
        assert!(is_checked_header("mcp-method") && is_checked_header("mcp-param-q") && is_checked_header("mcp-name"));
        assert!(!is_checked_header("mcp-session-id") && !is_checked_header("mcp-protocol-version"));
    }

    // ----- decode_value -----

    #[test]
    fn decode_conformance_valid_sentinel() {
        assert_eq!(decode_value("=?base64?SGVsbG8=?="), Ok("Hello".to_owned()));
    }

    #[test]
    fn decode_conformance_bad_padding_is_error() {
        assert!(decode_value("=?base64?SGVsbG8?=").is_err());
    }

    #[test]
    fn decode_conformance_bad_alphabet_is_error() {
        assert!(decode_value("=?base64?SGVs!!!bG8=?=").is_err());
    }

    #[test]
    fn decode_conformance_literals() {
        assert_eq!(decode_value("SGVsbG8="), Ok("SGVsbG8=".to_owned()));
        assert_eq!(decode_value("=?BASE64?SGVsbG8=?="), Ok("=?BASE64?SGVsbG8=?=".to_owned()));
        assert_eq!(decode_value("=?Base64?SGVsbG8=?="), Ok("=?Base64?SGVsbG8=?=".to_owned()));
        assert_eq!(decode_value("=?base64?SGVsbG8="), Ok("=?base64?SGVsbG8=".to_owned()));
        assert_eq!(decode_value("=?base64?SGVsbG8=?"), Ok("=?base64?SGVsbG8=?".to_owned()));
        assert_eq!(decode_value("=?base64?=").as_deref(), Ok("=?base64?="));
        assert_eq!(decode_value("x=?base64?SGVsbG8=?="), Ok("x=?base64?SGVsbG8=?=".to_owned()));
    }

    #[test]
    fn decode_trims_ows_around_plain_and_encoded_values() {
        assert_eq!(decode_value("  tool  "), Ok("tool".to_owned()));
        assert_eq!(decode_value("\t tool \t"), Ok("tool".to_owned()));
        assert_eq!(decode_value("  =?base64?SGVsbG8=?=\t"), Ok("Hello".to_owned()));
        assert_eq!(decode_value("a b\tc"), Ok("a b\tc".to_owned()));
        assert_eq!(decode_value(""), Ok(String::new()));
        assert_eq!(decode_value("   "), Ok(String::new()));
    }

    #[test]
    fn decode_keeps_whitespace_inside_the_encoding() {
        // base64("  hi ") = "ICBoaSA="
        assert_eq!(decode_value("=?base64?ICBoaSA=?="), Ok("  hi ".to_owned()));
    }

    #[test]
    fn decode_empty_payload() {
        assert_eq!(decode_value("=?base64??="), Ok(String::new()));
    }

    #[test]
    fn decode_rejects_invalid_base64_variants() {
        for bad in [
            "=?base64?SGVsbG8==?=",  // too much padding
            "=?base64?SGVsbG9=?=",   // non-canonical trailing bits
            "=?base64?SGVs bG8=?=",  // inner space
            "=?base64?SGVsbG8_?=",   // URL-safe alphabet
            "=?base64?S?=",          // impossible length
            "=?base64?SGVsbG8=?=?=", // '?' is not base64
            "=?base64?=SGVsbG8?=",   // padding first
        ] {
            assert!(decode_value(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn decode_rejects_invalid_utf8() {
        // base64([0xff, 0xfe]) = "//4="
        let err = decode_value("=?base64?//4=?=").expect_err("invalid UTF-8");
        assert!(err.contains("UTF-8"), "{err}");
    }

    // ----- encode_value -----

    #[test]
    fn encode_plain_values_stay_plain() {
        for plain in ["tool", "Hello, world!", "a\tb", "x y", "", "SGVsbG8=", "?=", "a=?base64?b?="] {
            assert_eq!(encode_value(plain), plain);
        }
    }

    #[test]
    fn encode_uses_sentinel_when_needed() {
        assert_eq!(encode_value("Hello "), "=?base64?SGVsbG8g?=");
        assert_eq!(encode_value(" Hello"), "=?base64?IEhlbGxv?=");
        assert_eq!(encode_value("caf\u{e9}"), "=?base64?Y2Fmw6k=?=");
        assert!(encode_value("a\r\nb").starts_with(SENTINEL_PREFIX));
        assert!(encode_value("\u{7f}").starts_with(SENTINEL_PREFIX));
        assert!(encode_value("=?base64?SGVsbG8=?=").starts_with("=?base64?PT9iYXNlNjQ"));
        assert!(encode_value("=?BASE64?x?=").starts_with("=?base64?PT9CQVNF"));
        assert!(encode_value("\t").starts_with(SENTINEL_PREFIX));
    }

    #[test]
    fn encode_decode_round_trips() {
        let samples = [
            "plain",
            "",
            "caf\u{e9} \u{1f600} \u{65e5}\u{672c}",
            "  leading spaces",
            "trailing tab\t",
            "line\r\nbreak",
            "nul\u{0}and bell\u{7}",
            "=?base64?SGVsbG8=?=",
            "=?base64?not base64?=",
            "=?BASE64?SGVsbG8=?=",
            "=?",
            "SGVsbG8=",
            " ",
            "\u{7f}del",
        ];
        for sample in samples {
            let encoded = encode_value(sample);
            assert!(encoded.chars().all(is_plain_char), "{encoded:?} must be header-safe");
            assert_eq!(decode_value(&encoded).as_deref(), Ok(sample), "round trip of {sample:?} via {encoded:?}");
        }
    }

    // ----- check_request: Mcp-Method -----

    #[test]
    fn method_header_accepted() {
        assert_eq!(check("tools/list", json!({}), &[], &[("Mcp-Method", "tools/list")]), Ok(()));
        assert_eq!(check("tools/list", json!({}), &[], &[("mcp-method", "tools/list")]), Ok(()));
        assert_eq!(check("tools/list", json!({}), &[], &[("MCP-METHOD", " \ttools/list\t ")]), Ok(()));
        // An encoded method is decoded like any other value.
        let encoded = format!("{SENTINEL_PREFIX}{}{SENTINEL_SUFFIX}", STANDARD.encode("tools/list"));
        assert_eq!(check("tools/list", json!({}), &[], &[("Mcp-Method", &encoded)]), Ok(()));
    }

    #[test]
    fn method_header_missing() {
        assert_mismatch(check("tools/list", json!({}), &[], &[]), "Mcp-Method");
        assert_mismatch(check("tools/list", json!({}), &[], &[("Mcp-Name", "tools/list")]), "Mcp-Method");
    }

    #[test]
    fn method_header_must_match_case_sensitively() {
        assert_mismatch(check("tools/list", json!({}), &[], &[("Mcp-Method", "TOOLS/LIST")]), "Mcp-Method");
        assert_mismatch(check("tools/list", json!({}), &[], &[("Mcp-Method", "prompts/list")]), "Mcp-Method");
        assert_mismatch(check("tools/list", json!({}), &[], &[("Mcp-Method", "")]), "Mcp-Method");
    }

    #[test]
    fn method_header_repeated_is_refused() {
        let pairs = [("Mcp-Method", "tools/list"), ("mcp-method", "tools/list")];
        assert_mismatch(check("tools/list", json!({}), &[], &pairs), "Mcp-Method");
    }

    #[test]
    fn method_header_invalid_characters_or_encoding() {
        assert_mismatch(check("tools/list", json!({}), &[], &[("Mcp-Method", "tools/list\r\n")]), "Mcp-Method");
        assert_mismatch(check("tools/list", json!({}), &[], &[("Mcp-Method", "tools/l\u{ef}st")]), "Mcp-Method");
        assert_mismatch(check("tools/list", json!({}), &[], &[("Mcp-Method", "=?base64?dG9v?")]), "Mcp-Method");
        assert_mismatch(check("tools/list", json!({}), &[], &[("Mcp-Method", "=?base64?!!?=")]), "Mcp-Method");
    }

    // ----- check_request: Mcp-Name -----

    #[test]
    fn name_header_for_tools_call() {
        let params = json!({ "name": "tool", "arguments": {} });
        let ok = check("tools/call", params.clone(), &[], &[("Mcp-Method", "tools/call"), ("Mcp-Name", "tool")]);
        assert_eq!(ok, Ok(()));
        // conformance: padded with spaces is accepted
        let padded =
            check("tools/call", params.clone(), &[], &[("Mcp-Method", "tools/call"), ("Mcp-Name", "  tool  ")]);
        assert_eq!(padded, Ok(()));
        let lower = check("tools/call", params.clone(), &[], &[("mcp-method", "tools/call"), ("mcp-name", "tool")]);
        assert_eq!(lower, Ok(()));
        let upper = check("tools/call", params.clone(), &[], &[("MCP-METHOD", "tools/call"), ("MCP-NAME", "tool")]);
        assert_eq!(upper, Ok(()));
        assert_mismatch(check("tools/call", params.clone(), &[], &[("Mcp-Method", "tools/call")]), "Mcp-Name");
        assert_mismatch(
            check("tools/call", params.clone(), &[], &[("Mcp-Method", "tools/call"), ("Mcp-Name", "other")]),
            "Mcp-Name",
        );
        assert_mismatch(
            check("tools/call", params, &[], &[("Mcp-Method", "tools/call"), ("Mcp-Name", "TOOL")]),
            "Mcp-Name",
        );
    }

    #[test]
    fn name_header_for_each_method() {
        let cases = [
            ("prompts/get", json!({ "name": "greet" }), "greet"),
            ("resources/read", json!({ "uri": "file:///a b.txt" }), "file:///a b.txt"),
            ("tasks/get", json!({ "taskId": "t-1" }), "t-1"),
            ("tasks/update", json!({ "taskId": "t-2" }), "t-2"),
            ("tasks/cancel", json!({ "taskId": "t-3" }), "t-3"),
        ];
        for (method, params, name) in cases {
            assert_eq!(check(method, params.clone(), &[], &[("Mcp-Method", method), ("Mcp-Name", name)]), Ok(()));
            assert_mismatch(check(method, params.clone(), &[], &[("Mcp-Method", method)]), "Mcp-Name");
            assert_mismatch(check(method, params, &[], &[("Mcp-Method", method), ("Mcp-Name", "wrong")]), "Mcp-Name");
        }
    }

    #[test]
    fn name_header_not_required_for_other_methods() {
        for method in ["tools/list", "resources/list", "prompts/list", "server/discover", "resources/templates/list"] {
            assert_eq!(check(method, json!({}), &[], &[("Mcp-Method", method)]), Ok(()));
            // present anyway: ignored
            assert_eq!(check(method, json!({}), &[], &[("Mcp-Method", method), ("Mcp-Name", "x")]), Ok(()));
        }
    }

    #[test]
    fn name_header_decoded() {
        let name = "caf\u{e9} tool ";
        let params = json!({ "name": name, "arguments": {} });
        let encoded = encode_value(name);
        assert_eq!(
            check("tools/call", params.clone(), &[], &[("Mcp-Method", "tools/call"), ("Mcp-Name", &encoded)]),
            Ok(())
        );
        // a raw non-ASCII value is refused as invalid characters
        assert_mismatch(
            check("tools/call", params, &[], &[("Mcp-Method", "tools/call"), ("Mcp-Name", "caf\u{e9} tool")]),
            "Mcp-Name",
        );
        // an invalid encoding is refused
        let params = json!({ "name": "Hello" });
        assert_mismatch(
            check("prompts/get", params, &[], &[("Mcp-Method", "prompts/get"), ("Mcp-Name", "=?base64?SGVsbG8?=")]),
            "Mcp-Name",
        );
    }

    #[test]
    fn name_header_repeated_is_refused() {
        let params = json!({ "name": "tool" });
        let pairs = [("Mcp-Method", "tools/call"), ("Mcp-Name", "tool"), ("Mcp-Name", "tool")];
        assert_mismatch(check("tools/call", params, &[], &pairs), "Mcp-Name");
    }

    #[test]
    fn name_header_required_but_not_compared_when_body_lacks_the_field() {
        let pairs = [("Mcp-Method", "tools/call"), ("Mcp-Name", "tool")];
        assert_eq!(check("tools/call", json!({}), &[], &pairs), Ok(()));
        assert_eq!(check("tools/call", json!({ "name": 5 }), &[], &pairs), Ok(()));
        let headers = lookup(&pairs);
        assert_eq!(check_request("tools/call", None, &[], &headers), Ok(()));
        let headers = lookup(&[("Mcp-Method", "tools/call")]);
        assert_mismatch(check_request("tools/call", None, &[], &headers), "Mcp-Name");
    }

    // ----- check_request: Mcp-Param-* -----

    fn call(arguments: Value) -> Value {
        json!({ "name": "t", "arguments": arguments })
    }

    fn with_base<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut pairs = vec![("Mcp-Method", "tools/call"), ("Mcp-Name", "t")];
        pairs.extend_from_slice(extra);
        pairs
    }

    #[test]
    fn param_string_conformance_cases() {
        let tool = [param("Greeting", "greeting", ParamKind::String)];
        let args = call(json!({ "greeting": "Hello" }));
        let run = |value: Option<&str>| {
            let pairs = match value {
                Some(v) => with_base(&[("Mcp-Param-Greeting", v)]),
                None => with_base(&[]),
            };
            check("tools/call", args.clone(), &tool, &pairs)
        };
        assert_eq!(run(Some("=?base64?SGVsbG8=?=")), Ok(()));
        assert_eq!(run(Some("Hello")), Ok(()));
        assert_eq!(run(Some("  Hello ")), Ok(()));
        assert_mismatch(run(Some("=?base64?SGVsbG8?=")), "Mcp-Param-Greeting");
        assert_mismatch(run(Some("=?base64?SGVs!!!bG8=?=")), "Mcp-Param-Greeting");
        assert_mismatch(run(None), "Mcp-Param-Greeting");
        // literal values must match the body verbatim
        assert_mismatch(run(Some("SGVsbG8=")), "Mcp-Param-Greeting");
        assert_mismatch(run(Some("hello")), "Mcp-Param-Greeting");

        let literal_tool = [param("Greeting", "greeting", ParamKind::String)];
        for literal in ["SGVsbG8=", "=?BASE64?SGVsbG8=?=", "=?base64?SGVsbG8="] {
            let args = call(json!({ "greeting": literal }));
            let pairs = with_base(&[("mcp-param-greeting", literal)]);
            assert_eq!(check("tools/call", args, &literal_tool, &pairs), Ok(()), "{literal}");
        }
    }

    #[test]
    fn param_string_with_whitespace_and_unicode_needs_encoding() {
        let tool = [param("Note", "note", ParamKind::String)];
        let value = "  caf\u{e9}\n";
        let args = call(json!({ "note": value }));
        let encoded = encode_value(value);
        assert_eq!(check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-Note", &encoded)])), Ok(()));
        assert_mismatch(check("tools/call", args, &tool, &with_base(&[("Mcp-Param-Note", value)])), "Mcp-Param-Note");
    }

    #[test]
    fn param_empty_string_value() {
        let tool = [param("Note", "note", ParamKind::String)];
        let args = call(json!({ "note": "" }));
        assert_eq!(check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-Note", "")])), Ok(()));
        assert_mismatch(check("tools/call", args, &tool, &with_base(&[])), "Mcp-Param-Note");
    }

    #[test]
    fn param_integer_numeric_comparison() {
        let tool = [param("Count", "count", ParamKind::Integer)];
        let args = call(json!({ "count": 42 }));
        for ok in ["42", "42.0", "42.00", " 42 ", "042", "=?base64?NDI=?="] {
            assert_eq!(
                check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-Count", ok)])),
                Ok(()),
                "{ok}"
            );
        }
        for bad in ["43", "42.5", "4.2e1", "+42", "42.", ".0", "", "forty-two", "0x2a", "- 42", "42 0"] {
            assert_mismatch(
                check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-Count", bad)])),
                "Mcp-Param-Count",
            );
        }
        // a float-typed integer in the body
        let args = call(json!({ "count": 42.0 }));
        assert_eq!(check("tools/call", args, &tool, &with_base(&[("Mcp-Param-Count", "42")])), Ok(()));
        // negatives and zero
        let args = call(json!({ "count": -7 }));
        assert_eq!(check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-Count", "-7")])), Ok(()));
        assert_mismatch(check("tools/call", args, &tool, &with_base(&[("Mcp-Param-Count", "7")])), "Mcp-Param-Count");
        let args = call(json!({ "count": 0 }));
        assert_eq!(check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-Count", "-0")])), Ok(()));
        assert_eq!(check("tools/call", args, &tool, &with_base(&[("Mcp-Param-Count", "0.0")])), Ok(()));
    }

    #[test]
    fn param_integer_range() {
        let tool = [param("Count", "count", ParamKind::Integer)];
        let max = MAX_SAFE_INTEGER;
        let args = call(json!({ "count": max }));
        assert_eq!(check("tools/call", args, &tool, &with_base(&[("Mcp-Param-Count", "9007199254740991")])), Ok(()));
        let args = call(json!({ "count": -max }));
        assert_eq!(check("tools/call", args, &tool, &with_base(&[("Mcp-Param-Count", "-9007199254740991")])), Ok(()));
        // body beyond the safe range
        for big in [json!(max + 1), json!(-max - 1), json!(u64::MAX), json!(i64::MIN), json!(1e300)] {
            let args = call(json!({ "count": big }));
            let pairs = with_base(&[("Mcp-Param-Count", "9007199254740992")]);
            assert_mismatch(check("tools/call", args, &tool, &pairs), "Mcp-Param-Count");
        }
        // header beyond the safe range
        let args = call(json!({ "count": 1 }));
        for big in ["9007199254740992", "-9007199254740992", "99999999999999999999999999999"] {
            let err = check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-Count", big)]))
                .expect_err("out of range");
            assert!(err.message.contains("2^53"), "{}", err.message);
        }
    }

    #[test]
    fn param_boolean() {
        let tool = [param("Dry", "dry", ParamKind::Boolean)];
        let yes = call(json!({ "dry": true }));
        let no = call(json!({ "dry": false }));
        assert_eq!(check("tools/call", yes.clone(), &tool, &with_base(&[("Mcp-Param-Dry", "true")])), Ok(()));
        assert_eq!(check("tools/call", no.clone(), &tool, &with_base(&[("Mcp-Param-Dry", " false ")])), Ok(()));
        assert_mismatch(
            check("tools/call", yes.clone(), &tool, &with_base(&[("Mcp-Param-Dry", "false")])),
            "Mcp-Param-Dry",
        );
        assert_mismatch(check("tools/call", no, &tool, &with_base(&[("Mcp-Param-Dry", "true")])), "Mcp-Param-Dry");
        for bad in ["True", "TRUE", "1", "yes", ""] {
            assert_mismatch(
                check("tools/call", yes.clone(), &tool, &with_base(&[("Mcp-Param-Dry", bad)])),
                "Mcp-Param-Dry",
            );
        }
        assert_mismatch(check("tools/call", yes, &tool, &with_base(&[])), "Mcp-Param-Dry");
    }

    #[test]
    fn param_absent_or_null_argument_needs_no_header() {
        let tool = [param("Region", "region", ParamKind::String)];
        for args in [call(json!({})), call(json!({ "region": null })), json!({ "name": "t" })] {
            assert_eq!(check("tools/call", args.clone(), &tool, &with_base(&[])), Ok(()));
            // present anyway: ignored, even when it would not match or decode
            let pairs = with_base(&[("Mcp-Param-Region", "=?base64?!!?=")]);
            assert_eq!(check("tools/call", args, &tool, &pairs), Ok(()));
        }
    }

    #[test]
    fn param_headers_only_checked_for_tools_call() {
        let tool = [param("Region", "region", ParamKind::String)];
        let params = json!({ "name": "t", "arguments": { "region": "eu" } });
        let pairs = [("Mcp-Method", "prompts/get"), ("Mcp-Name", "t")];
        assert_eq!(check("prompts/get", params, &tool, &pairs), Ok(()));
    }

    #[test]
    fn param_unknown_tool_and_unrecognized_headers_are_ignored() {
        let args = call(json!({ "region": "eu" }));
        assert_eq!(check("tools/call", args.clone(), &[], &with_base(&[("Mcp-Param-Region", "us")])), Ok(()));
        let tool = [param("Region", "region", ParamKind::String)];
        let pairs = with_base(&[("Mcp-Param-Region", "eu"), ("Mcp-Param-Other", "\u{1}bad")]);
        assert_eq!(check("tools/call", args, &tool, &pairs), Ok(()));
    }

    #[test]
    fn param_header_name_lookup_is_case_insensitive() {
        let tool = [param("Region", "region", ParamKind::String)];
        let args = call(json!({ "region": "eu" }));
        assert_eq!(check("tools/call", args.clone(), &tool, &with_base(&[("MCP-PARAM-REGION", "eu")])), Ok(()));
        assert_eq!(check("tools/call", args, &tool, &with_base(&[("mcp-param-region", "eu")])), Ok(()));
    }

    #[test]
    fn param_repeated_or_invalid_characters_refused() {
        let tool = [param("Region", "region", ParamKind::String)];
        let args = call(json!({ "region": "eu" }));
        let pairs = with_base(&[("Mcp-Param-Region", "eu"), ("Mcp-Param-Region", "eu")]);
        assert_mismatch(check("tools/call", args.clone(), &tool, &pairs), "Mcp-Param-Region");
        let pairs = with_base(&[("Mcp-Param-Region", "e\u{0}u")]);
        assert_mismatch(check("tools/call", args, &tool, &pairs), "Mcp-Param-Region");
    }

    #[test]
    fn param_multiple_annotations_all_checked() {
        let tool = [param("A", "a", ParamKind::String), param("B", "b", ParamKind::Integer)];
        let args = call(json!({ "a": "x", "b": 1 }));
        assert_eq!(
            check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-A", "x"), ("Mcp-Param-B", "1")])),
            Ok(())
        );
        assert_mismatch(check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-A", "x")])), "Mcp-Param-B");
        assert_mismatch(
            check("tools/call", args, &tool, &with_base(&[("Mcp-Param-A", "x"), ("Mcp-Param-B", "2")])),
            "Mcp-Param-B",
        );
    }

    #[test]
    fn param_body_type_mismatch_left_to_schema_validation() {
        let tool = [
            param("A", "a", ParamKind::String),
            param("B", "b", ParamKind::Integer),
            param("C", "c", ParamKind::Boolean),
        ];
        let args = call(json!({ "a": 5, "b": 1.5, "c": "yes" }));
        let pairs = with_base(&[("Mcp-Param-A", "5"), ("Mcp-Param-B", "1.5"), ("Mcp-Param-C", "yes")]);
        assert_eq!(check("tools/call", args.clone(), &tool, &pairs), Ok(()));
        // the header is still required and must decode
        assert_mismatch(check("tools/call", args.clone(), &tool, &with_base(&[])), "Mcp-Param-A");
        let pairs = with_base(&[("Mcp-Param-A", "=?base64?x?="), ("Mcp-Param-B", "1"), ("Mcp-Param-C", "1")]);
        assert_mismatch(check("tools/call", args, &tool, &pairs), "Mcp-Param-A");
    }

    #[test]
    fn param_non_object_arguments_are_treated_as_empty() {
        let tool = [param("A", "a", ParamKind::String)];
        for arguments in [json!(null), json!([1, 2]), json!("a")] {
            assert_eq!(check("tools/call", call(arguments), &tool, &with_base(&[])), Ok(()));
        }
    }

    #[test]
    fn header_params_feed_check_request() {
        let schema = json!({
            "type": "object",
            "properties": { "greeting": { "type": "string", "x-mcp-header": "Greeting" } },
            "required": ["greeting"]
        });
        let tool = header_params(&schema).expect("valid");
        let args = call(json!({ "greeting": "Hello" }));
        assert_eq!(
            check("tools/call", args.clone(), &tool, &with_base(&[("Mcp-Param-Greeting", "=?base64?SGVsbG8=?=")])),
            Ok(())
        );
        assert_mismatch(check("tools/call", args, &tool, &with_base(&[])), "Mcp-Param-Greeting");
    }

    // ----- helpers -----

    #[test]
    fn header_integer_parsing() {
        assert_eq!(header_integer("0"), Ok(0));
        assert_eq!(header_integer("-12.000"), Ok(-12));
        assert_eq!(header_integer("0009"), Ok(9));
        assert!(header_integer("-").is_err());
        assert!(header_integer("--1").is_err());
        assert!(header_integer("1.0.0").is_err());
        assert!(header_integer("１").is_err());
    }

    #[test]
    fn error_details_are_bounded_and_escaped() {
        let long = "x".repeat(10_000);
        let err = check("tools/list", json!({}), &[], &[("Mcp-Method", &long)]).expect_err("mismatch");
        assert!(err.message.len() < 400, "{}", err.message.len());
        assert_eq!(shown("a\"b"), "\"a\\\"b\"");
    }
}

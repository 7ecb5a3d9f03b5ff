//! The HTTP header checks: the 2026-07-28 metadata headers (`Mcp-Method`, `Mcp-Name`,
//! `Mcp-Param-*`) against the body, their `=?base64?…?=` value encoding, the `Host`/`Origin`
//! allow-list, and reading `x-mcp-header` annotations from a schema. The input is a method
//! line, a params line (JSON) and `Name: value` header lines. Any value encodes and decodes
//! back to itself; headers the server accepts really mirror the body; headers made by
//! encoding the body's own values are always accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpforge::fuzzing::{
    check_metadata_headers, decode_header_value, encode_header_value, host_and_origin_allowed, name_field,
};
use mcpforge::protocol::header_params::{HeaderParam, ParamKind, header_params};
use mcpforge_fuzz::split_line;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;

/// The annotated arguments of the tool the requests call.
static TOOL_PARAMS: LazyLock<Vec<HeaderParam>> = LazyLock::new(|| {
    header_params(&json!({
        "type": "object",
        "properties": {
            "region": { "type": "string", "x-mcp-header": "Region" },
            "count": { "type": "integer", "x-mcp-header": "Count" },
            "dryRun": { "type": "boolean", "x-mcp-header": "Dry-Run" },
            "note": { "type": "string" }
        }
    }))
    .expect("the annotations are valid")
});

fuzz_target!(|data: &[u8]| {
    let (method, rest) = split_line(data);
    let (params, headers) = split_line(rest);
    let method = String::from_utf8_lossy(method);
    let params: Option<Value> = serde_json::from_slice(params).ok();
    let headers: Vec<(String, String)> = String::from_utf8_lossy(headers)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.to_owned()))
        .collect();

    for value in headers.iter().map(|(_, v)| v.as_str()).chain([method.as_ref()]) {
        let encoded = encode_header_value(value);
        assert!(encoded.chars().all(|c| c == ' ' || c == '\t' || c.is_ascii_graphic()));
        assert_eq!(decode_header_value(&encoded).as_deref(), Ok(value));
        let _ = decode_header_value(value);
    }
    if let Some(schema) = &params {
        let _ = header_params(schema);
    }
    let host = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("host")).map(|(_, v)| v.trim().as_bytes());
    let origin = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("origin")).map(|(_, v)| v.trim().as_bytes());
    let _ = host_and_origin_allowed(host, origin);

    let params = params.as_ref().and_then(Value::as_object);
    if check_metadata_headers(&method, params, &TOOL_PARAMS, &headers).is_ok() {
        assert_eq!(decoded(&headers, "Mcp-Method"), Some(method.to_string()));
        if let Some(name) = name_field(&method).and_then(|f| params?.get(f)?.as_str()) {
            assert_eq!(decoded(&headers, "Mcp-Name"), Some(name.to_owned()));
        }
        let strings = TOOL_PARAMS.iter().filter(|p| p.kind == ParamKind::String && method == "tools/call");
        for p in strings {
            let argument = params.and_then(|p| p.get("arguments")?.as_object()).and_then(|a| a.get(&p.property));
            if let Some(Value::String(s)) = argument {
                assert_eq!(decoded(&headers, &format!("Mcp-Param-{}", p.header)).as_ref(), Some(s));
            }
        }
    }
    // Mirror headers made from the body itself (no annotated arguments) always pass.
    let mut mirrored = vec![("mcp-method".to_owned(), encode_header_value(&method))];
    if let Some(field) = name_field(&method) {
        // A body without the field still needs the header (not compared then).
        let name = params.and_then(|p| p.get(field)?.as_str()).unwrap_or("absent");
        mirrored.push(("MCP-NAME".to_owned(), encode_header_value(name)));
    }
    let unannotated = params.map(|p| p.iter().filter(|(k, _)| *k != "arguments").map(|(k, v)| (k.clone(), v.clone())));
    let unannotated: Option<Map<String, Value>> = unannotated.map(Iterator::collect);
    if let Err(e) = check_metadata_headers(&method, unannotated.as_ref(), &TOOL_PARAMS, &mirrored) {
        panic!("mirrored headers {mirrored:?} refused: {e:?}");
    }
});

/// The single value of header `name`, decoded.
fn decoded(headers: &[(String, String)], name: &str) -> Option<String> {
    let mut values = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    let value = values.next()?;
    assert!(values.next().is_none(), "{name} accepted twice");
    decode_header_value(&value.1).ok()
}

//! What a tool returns ([`ToolOutput`]) and the one rule that turns it into a
//! `CallToolResult`. Every binding maps its language's return values onto these variants;
//! only this file decides the wire shape (docs/results.md has the table).

use serde_json::{Map, Value};

use crate::protocol::{CallToolResult, Content};

/// What a tool produces. How each variant becomes a `CallToolResult` depends only on the
/// variant and on the tool's `outputSchema` ([`Structured`]):
///
/// | variant | no `outputSchema` | object-rooted `outputSchema` | other `outputSchema` (2026) |
/// |---|---|---|---|
/// | `Text(s)` | one text block `s` | text `s`, `structuredContent: {"result": s}` | text `s`, `structuredContent: s` |
/// | `Json(string)` | as `Text` | as `Text` | as `Text` |
/// | `Json(object)` | one text block, its JSON text | JSON text, `structuredContent`: the object | as object-rooted |
/// | `Json(null)` | as `Empty` | text `null`, `structuredContent: {"result": null}` | text `null`, `structuredContent: null` |
/// | `Json(v)`, v a number, bool or array | one text block, its JSON text | JSON text, `structuredContent: {"result": v}` | JSON text, `structuredContent: v` |
/// | `JsonText(t)` | as `Json` of the parsed text (an object or array keeps `t` as its text) | as `Json` | as `Json` |
/// | `Content(list)` | `content: list` | refused (no `structuredContent`) | refused |
/// | `Empty` | `content: []` | refused | refused |
/// | `Result(r)` | `r` as is | `r`, its `structuredContent` checked | `r`, checked |
///
/// "Refused" means the engine answers -32603 and logs that the output does not match the
/// tool's `outputSchema`; structured content is always checked against that schema. Before
/// 2026-07-28 a `structuredContent` that is not an object is left out (its JSON text stays).
#[derive(Debug, Clone, PartialEq)]
pub enum ToolOutput {
    /// Text for the model.
    Text(String),
    /// A JSON value (see the table for each kind of value).
    Json(Value),
    /// A JSON value given as its text, as C and Node hand it over: parsed only when the
    /// value is needed (an `outputSchema`, or a string or `null`), otherwise used as the
    /// text block after a syntax check.
    JsonText(String),
    /// A list of content blocks (text, image, audio, resource links, embedded resources).
    Content(Vec<Content>),
    /// No content at all.
    Empty,
    /// A complete `CallToolResult`, sent as is (after output-schema validation).
    Result(CallToolResult),
}

/// What a tool's `outputSchema` asks of its results' `structuredContent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structured {
    /// No `outputSchema`: plain values become text.
    No,
    /// An object-rooted schema (`"type": "object"`, the only kind before 2026-07-28): a
    /// value that is not an object is structured as `{"result": value}`.
    Object,
    /// Any other schema (2026-07-28 allows any JSON value): the value as is.
    AsIs,
}

impl Structured {
    /// What `output_schema` (a tool's `outputSchema`, if any) asks for.
    pub fn of(output_schema: Option<&Value>) -> Structured {
        match output_schema {
            None => Structured::No,
            Some(s) if s.get("type").and_then(Value::as_str) == Some("object") => Structured::Object,
            Some(_) => Structured::AsIs,
        }
    }

    /// The structured content for `v` (`None` without an `outputSchema`).
    fn content(self, v: Value) -> Option<Value> {
        match self {
            Structured::No => None,
            Structured::Object if !v.is_object() => Some(wrapped(v)),
            Structured::Object | Structured::AsIs => Some(v),
        }
    }
}

impl ToolOutput {
    /// The `CallToolResult` for this output from a tool whose `outputSchema` asks for
    /// `structured`. `Err` when `JsonText` is not JSON.
    pub fn into_result(self, structured: Structured) -> Result<CallToolResult, String> {
        match self {
            ToolOutput::Result(r) => Ok(r),
            ToolOutput::Content(content) => Ok(CallToolResult::success(content)),
            ToolOutput::Empty => Ok(CallToolResult::success(Vec::new())),
            ToolOutput::Text(s) => Ok(text_result(s, structured)),
            ToolOutput::Json(v) => Ok(json_result(v, structured)),
            ToolOutput::JsonText(t) => json_text_result(t, structured),
        }
    }
}

/// A string: one text block (and structured content under a schema).
fn text_result(s: String, structured: Structured) -> CallToolResult {
    if structured == Structured::No {
        return CallToolResult::text(s);
    }
    let mut r = CallToolResult::text(s.clone());
    r.structured_content = structured.content(Value::String(s));
    r
}

/// A JSON value.
fn json_result(v: Value, structured: Structured) -> CallToolResult {
    match v {
        Value::String(s) => text_result(s, structured),
        Value::Null if structured == Structured::No => CallToolResult::success(Vec::new()),
        v => {
            let mut r = CallToolResult::text(v.to_string());
            r.structured_content = structured.content(v);
            r
        }
    }
}

/// JSON text: kept as the text block when it is an object or array and no value is needed.
fn json_text_result(t: String, structured: Structured) -> Result<CallToolResult, String> {
    let start = t.trim_start().as_bytes().first().copied();
    if structured == Structured::No && matches!(start, Some(b'{' | b'[')) {
        serde_json::from_str::<serde::de::IgnoredAny>(&t).map_err(|e| format!("the result is not JSON: {e}"))?;
        return Ok(CallToolResult::text(t));
    }
    let v: Value = serde_json::from_str(&t).map_err(|e| format!("the result is not JSON: {e}"))?;
    Ok(json_result(v, structured))
}

/// `{"result": v}`: a value that is not an object, as structured content.
fn wrapped(v: Value) -> Value {
    let mut m = Map::new();
    m.insert("result".to_owned(), v);
    Value::Object(m)
}

impl From<CallToolResult> for ToolOutput {
    fn from(r: CallToolResult) -> Self {
        ToolOutput::Result(r)
    }
}

impl From<Value> for ToolOutput {
    fn from(v: Value) -> Self {
        ToolOutput::Json(v)
    }
}

impl From<String> for ToolOutput {
    fn from(s: String) -> Self {
        ToolOutput::Text(s)
    }
}

impl From<&str> for ToolOutput {
    fn from(s: &str) -> Self {
        ToolOutput::Text(s.to_owned())
    }
}

impl From<Vec<Content>> for ToolOutput {
    fn from(content: Vec<Content>) -> Self {
        ToolOutput::Content(content)
    }
}

impl From<()> for ToolOutput {
    fn from((): ()) -> Self {
        ToolOutput::Empty
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn wire(out: ToolOutput, structured: Structured) -> Value {
        serde_json::to_value(out.into_result(structured).unwrap()).unwrap()
    }

    #[test]
    fn every_row_of_the_table() {
        let text = |t: &str| json!({"content": [{"type": "text", "text": t}]});
        assert_eq!(wire("hi".into(), Structured::No), text("hi"));
        assert_eq!(wire(json!("hi").into(), Structured::No), text("hi"));
        assert_eq!(wire(json!(42).into(), Structured::No), text("42"));
        assert_eq!(wire(json!({"a": 1}).into(), Structured::No), text(r#"{"a":1}"#));
        assert_eq!(wire(json!([1, "x"]).into(), Structured::No), text(r#"[1,"x"]"#));
        assert_eq!(wire(Value::Null.into(), Structured::No), json!({"content": []}));
        assert_eq!(wire(ToolOutput::Empty, Structured::No), json!({"content": []}));
        assert_eq!(wire(vec![Content::text("a")].into(), Structured::No), text("a"));

        let both = |t: &str, sc: Value| json!({"content": [{"type": "text", "text": t}], "structuredContent": sc});
        assert_eq!(wire("hi".into(), Structured::Object), both("hi", json!({"result": "hi"})));
        assert_eq!(wire(json!({"a": 1}).into(), Structured::Object), both(r#"{"a":1}"#, json!({"a": 1})));
        assert_eq!(wire(json!([1, 2]).into(), Structured::Object), both("[1,2]", json!({"result": [1, 2]})));
        assert_eq!(wire(Value::Null.into(), Structured::Object), both("null", json!({"result": null})));
        assert_eq!(wire(ToolOutput::Empty, Structured::Object), json!({"content": []}));

        assert_eq!(wire(json!([1, 2]).into(), Structured::AsIs), both("[1,2]", json!([1, 2])));
        assert_eq!(wire("hi".into(), Structured::AsIs), both("hi", json!("hi")));
        assert_eq!(wire(json!({"a": 1}).into(), Structured::AsIs), both(r#"{"a":1}"#, json!({"a": 1})));
    }

    #[test]
    fn the_schema_decides_the_kind_of_structure() {
        assert_eq!(Structured::of(None), Structured::No);
        assert_eq!(Structured::of(Some(&json!({"type": "object"}))), Structured::Object);
        assert_eq!(Structured::of(Some(&json!({"type": "array"}))), Structured::AsIs);
        assert_eq!(Structured::of(Some(&json!({"anyOf": []}))), Structured::AsIs);
    }

    #[test]
    fn json_text_keeps_its_text_or_is_parsed_when_a_value_is_needed() {
        let spaced = r#"{ "a" : 1 }"#.to_owned();
        let out = wire(ToolOutput::JsonText(spaced.clone()), Structured::No);
        assert_eq!(out, json!({"content": [{"type": "text", "text": spaced}]}));
        assert_eq!(wire(ToolOutput::JsonText(r#""hi""#.into()), Structured::No), wire("hi".into(), Structured::No));
        assert_eq!(wire(ToolOutput::JsonText("null".into()), Structured::No), json!({"content": []}));
        assert_eq!(
            wire(ToolOutput::JsonText("7".into()), Structured::Object),
            wire(json!(7).into(), Structured::Object)
        );
        assert_eq!(
            wire(ToolOutput::JsonText(r#"{"a":1}"#.into()), Structured::Object),
            wire(json!({"a": 1}).into(), Structured::Object)
        );
        assert!(ToolOutput::JsonText("{oops".into()).into_result(Structured::No).is_err());
        assert!(ToolOutput::JsonText("".into()).into_result(Structured::Object).is_err());
    }
}

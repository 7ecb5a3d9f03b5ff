//! What a tool returns ([`ToolOutput`]) and the one rule that turns it into a
//! `CallToolResult`. Every binding maps its language's return values onto these variants;
//! only this file decides the wire shape (docs/results.md has the table).

use serde_json::{Map, Value};

pub use crate::protocol::ValueContent;
use crate::protocol::{CallToolResult, Content, Tool};
pub use crate::tool_bytes::{bytes_content, media_type};

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
/// | `Bytes(b)` | one block by the bytes' type ([`bytes_content`]) | refused | refused |
/// | `Empty` | `content: []` | refused | refused |
/// | `Result(r)` | `r` as is | `r`, its `structuredContent` checked | `r`, checked |
///
/// A tool registered with [`ValueContent::PerItem`] writes the content of a JSON array, of
/// `null` and of an object (indented) differently (see there); `structuredContent` is the same.
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
    /// Raw bytes: one image, audio or embedded-resource block, by the type the bytes show
    /// ([`bytes_content`]; every language's bytes come here).
    Bytes(Vec<u8>),
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
    /// An object-rooted schema that wraps the return type ([`Tool::wrapped_output`]):
    /// every value, objects too, is structured as `{"result": value}`.
    Wrapped,
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

    /// What `tool`'s `outputSchema` asks for, given whether the schema wraps its return
    /// type ([`Tool::wrapped_output`]).
    pub fn of_tool(tool: &Tool) -> Structured {
        match Structured::of(tool.output_schema.as_ref()) {
            Structured::Object if tool.wrapped_output => Structured::Wrapped,
            structured => structured,
        }
    }

    /// The structured content for `v` (`None` without an `outputSchema`).
    fn content(self, v: Value) -> Option<Value> {
        match self {
            Structured::No => None,
            Structured::Wrapped => Some(wrapped(v)),
            Structured::Object if !v.is_object() => Some(wrapped(v)),
            Structured::Object | Structured::AsIs => Some(v),
        }
    }
}

impl ToolOutput {
    /// The `CallToolResult` for this output from a tool whose `outputSchema` asks for
    /// `structured`. `Err` when `JsonText` is not JSON.
    pub fn into_result(self, structured: Structured) -> Result<CallToolResult, String> {
        self.into_result_as(structured, ValueContent::Mirror)
    }

    /// [`ToolOutput::into_result`] for a tool whose JSON values are written as `content` says.
    pub fn into_result_as(self, structured: Structured, content: ValueContent) -> Result<CallToolResult, String> {
        let mut r = match self {
            ToolOutput::Result(r) => return Ok(r),
            ToolOutput::Content(content) => return Ok(CallToolResult::success(content)),
            ToolOutput::Bytes(data) => return Ok(CallToolResult::success(vec![bytes_content(&data)])),
            ToolOutput::Empty => return Ok(CallToolResult::success(Vec::new())),
            ToolOutput::Text(s) => return Ok(text_result(s, structured)),
            ToolOutput::Json(v) if content == ValueContent::PerItem => per_item(v),
            ToolOutput::JsonText(t) if content == ValueContent::PerItem => {
                per_item(serde_json::from_str(&t).map_err(|e| format!("the result is not JSON: {e}"))?)
            }
            ToolOutput::Json(v) => return Ok(json_result(v, structured)),
            ToolOutput::JsonText(t) => return json_text_result(t, structured),
        };
        let value = r.structured_content.take().unwrap_or(Value::Null);
        r.structured_content = structured.content(value);
        Ok(r)
    }
}

/// [`ValueContent::PerItem`]: the content blocks of `v`, with `v` kept as the result's
/// `structuredContent` for the caller to place.
fn per_item(v: Value) -> CallToolResult {
    fn blocks(v: &Value, out: &mut Vec<Content>) {
        match v {
            Value::Null => {}
            Value::String(s) => out.push(Content::text(s.clone())),
            Value::Array(items) => items.iter().for_each(|item| blocks(item, out)),
            // Indented by two spaces, as the official SDK writes it.
            v => out.push(Content::text(serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()))),
        }
    }
    let mut content = Vec::new();
    blocks(&v, &mut content);
    let mut r = CallToolResult::success(content);
    r.structured_content = Some(v);
    r
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

impl From<Vec<u8>> for ToolOutput {
    fn from(data: Vec<u8>) -> Self {
        ToolOutput::Bytes(data)
    }
}

impl From<&[u8]> for ToolOutput {
    fn from(data: &[u8]) -> Self {
        ToolOutput::Bytes(data.to_vec())
    }
}

impl From<bytes::Bytes> for ToolOutput {
    fn from(data: bytes::Bytes) -> Self {
        ToolOutput::Bytes(data.into())
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
        let blob = json!({"type": "resource", "resource": {"uri": "data:application/octet-stream", "mimeType": "application/octet-stream", "blob": "aGk="}});
        assert_eq!(wire(b"hi".to_vec().into(), Structured::No), json!({"content": [blob]}));
        assert_eq!(wire(bytes::Bytes::from_static(b"hi").into(), Structured::No), json!({"content": [blob]}));

        let both = |t: &str, sc: Value| json!({"content": [{"type": "text", "text": t}], "structuredContent": sc});
        assert_eq!(wire("hi".into(), Structured::Object), both("hi", json!({"result": "hi"})));
        assert_eq!(wire(json!({"a": 1}).into(), Structured::Object), both(r#"{"a":1}"#, json!({"a": 1})));
        assert_eq!(wire(json!([1, 2]).into(), Structured::Object), both("[1,2]", json!({"result": [1, 2]})));
        assert_eq!(wire(Value::Null.into(), Structured::Object), both("null", json!({"result": null})));
        assert_eq!(wire(ToolOutput::Empty, Structured::Object), json!({"content": []}));

        assert_eq!(wire(json!([1, 2]).into(), Structured::AsIs), both("[1,2]", json!([1, 2])));
        assert_eq!(wire("hi".into(), Structured::AsIs), both("hi", json!("hi")));
        assert_eq!(wire(json!({"a": 1}).into(), Structured::AsIs), both(r#"{"a":1}"#, json!({"a": 1})));

        assert_eq!(wire(json!({"a": 1}).into(), Structured::Wrapped), both(r#"{"a":1}"#, json!({"result": {"a": 1}})));
        assert_eq!(wire(json!(3).into(), Structured::Wrapped), both("3", json!({"result": 3})));
    }

    #[test]
    fn per_item_content_writes_arrays_item_by_item_and_null_as_nothing() {
        let per_item = |out: ToolOutput, structured: Structured| {
            serde_json::to_value(out.into_result_as(structured, ValueContent::PerItem).unwrap()).unwrap()
        };
        let text = |t: &str| json!({"type": "text", "text": t});
        let list = json!(["a", {"b": 1}, [2, null], true]);
        let blocks = json!([text("a"), text("{\n  \"b\": 1\n}"), text("2"), text("true")]);
        assert_eq!(per_item(list.clone().into(), Structured::No), json!({"content": blocks}));
        assert_eq!(
            per_item(ToolOutput::JsonText(list.to_string()), Structured::Object),
            json!({"content": blocks, "structuredContent": {"result": list}})
        );
        assert_eq!(per_item(Value::Null.into(), Structured::No), json!({"content": []}));
        assert_eq!(
            per_item(Value::Null.into(), Structured::Object),
            json!({"content": [], "structuredContent": {"result": null}})
        );
        assert_eq!(
            per_item(json!([1]).into(), Structured::AsIs),
            json!({"content": [text("1")], "structuredContent": [1]})
        );
        // An object is one block, indented as an item is.
        assert_eq!(
            per_item(json!({"a": 1}).into(), Structured::Object),
            json!({"content": [text("{\n  \"a\": 1\n}")], "structuredContent": {"a": 1}})
        );
        // Everything else as with the default.
        for out in [ToolOutput::from("hi"), json!(4).into(), ToolOutput::Empty] {
            for structured in [Structured::No, Structured::Object] {
                assert_eq!(per_item(out.clone(), structured), wire(out.clone(), structured));
            }
        }
        assert!(ToolOutput::JsonText("[oops".into()).into_result_as(Structured::No, ValueContent::PerItem).is_err());
    }

    #[test]
    fn the_schema_decides_the_kind_of_structure() {
        assert_eq!(Structured::of(None), Structured::No);
        assert_eq!(Structured::of(Some(&json!({"type": "object"}))), Structured::Object);
        assert_eq!(Structured::of(Some(&json!({"type": "array"}))), Structured::AsIs);
        assert_eq!(Structured::of(Some(&json!({"anyOf": []}))), Structured::AsIs);
        let object = Tool::new("t").output_schema(json!({"type": "object"}));
        assert_eq!(Structured::of_tool(&object), Structured::Object);
        assert_eq!(Structured::of_tool(&object.wrapped_output()), Structured::Wrapped);
        let list = Tool::new("t").output_schema(json!({"type": "array"})).wrapped_output();
        assert_eq!(Structured::of_tool(&list), Structured::AsIs);
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

//! What a resource reader returns ([`ResourceOutput`]) and the one rule that turns it into
//! the `contents` of a `resources/read` result. Every binding maps its language's return
//! values onto these variants; only this file decides the wire shape (docs/results.md).

use serde_json::{Map, Value};

use crate::protocol::ResourceContents;
use crate::protocol::header_params::json_type as kind;

/// What a resource reader produces. How each variant becomes `contents` depends only on the
/// variant, the URI read and the MIME type the resource (or template) was registered with:
///
/// | variant | `contents` |
/// |---|---|
/// | `Text(s)` | `[{uri, mimeType: registered or "text/plain", text: s}]` |
/// | `Blob(b64)` | `[{uri, mimeType: registered or "application/octet-stream", blob: b64}]` |
/// | `Json(null)` | none: the resource is not found |
/// | `Json(string)` | as `Text` |
/// | `Json({"contents": [...]})` | the contents as given |
/// | `Json([c, ...])`, each `c` a contents object | the contents as given |
/// | `Json(c)`, a contents object | `[c]` |
/// | `Json(v)`, any other value | `[{uri, mimeType: registered or "application/json", text: v's JSON}]` |
/// | `Contents(list)` | the contents as given |
///
/// A contents object is one with a string `text` or `blob` and no `type` (a content block
/// has one). Contents given without a `uri` (or with an empty one) get the URI read; their other fields are sent
/// as given. An empty list is "not found", as `null` is.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceOutput {
    /// Text.
    Text(String),
    /// Binary data, already base64-encoded (see [`ResourceOutput::bytes`]).
    Blob(String),
    /// A JSON value a binding hands over as is (see the table for each kind of value).
    Json(Value),
    /// Contents, sent as given.
    Contents(Vec<ResourceContents>),
}

impl ResourceOutput {
    /// Binary data, base64-encoded here.
    pub fn bytes(data: &[u8]) -> ResourceOutput {
        use base64::Engine as _;
        ResourceOutput::Blob(base64::engine::general_purpose::STANDARD.encode(data))
    }

    /// The contents of reading `uri`, registered with `mime_type`. An empty list means the
    /// resource is not found. `Err` says what could not be read as contents.
    pub fn into_contents(self, uri: &str, mime_type: Option<&str>) -> Result<Vec<ResourceContents>, String> {
        let mime = |default: &'static str| Some(mime_type.unwrap_or(default));
        Ok(match self {
            ResourceOutput::Text(text) => vec![ResourceContents::text(uri, mime("text/plain"), text)],
            ResourceOutput::Blob(b64) => vec![ResourceContents::blob(uri, mime("application/octet-stream"), b64)],
            ResourceOutput::Contents(list) => list.into_iter().map(|c| with_uri(c, uri)).collect(),
            ResourceOutput::Json(Value::Null) => Vec::new(),
            ResourceOutput::Json(Value::String(text)) => vec![ResourceContents::text(uri, mime("text/plain"), text)],
            ResourceOutput::Json(Value::Object(mut obj)) if matches!(obj.get("contents"), Some(Value::Array(_))) => {
                let Some(Value::Array(items)) = obj.remove("contents") else { unreachable!("matched above") };
                items.into_iter().map(|c| contents(c, uri)).collect::<Result<_, _>>()?
            }
            ResourceOutput::Json(Value::Array(items)) if !items.is_empty() && items.iter().all(is_contents) => {
                items.into_iter().map(|c| contents(c, uri)).collect::<Result<_, _>>()?
            }
            ResourceOutput::Json(v) if is_contents(&v) => vec![contents(v, uri)?],
            ResourceOutput::Json(v) => vec![ResourceContents::text(uri, mime("application/json"), v.to_string())],
        })
    }
}

/// True for a contents object: a string `text` or `blob`, and no `type`.
fn is_contents(v: &Value) -> bool {
    let Some(obj) = v.as_object() else { return false };
    let has = |k: &str| obj.get(k).is_some_and(Value::is_string);
    (has("text") || has("blob")) && !obj.contains_key("type")
}

/// A contents object read from JSON, its `uri` filled in when missing.
fn contents(v: Value, uri: &str) -> Result<ResourceContents, String> {
    let mut obj: Map<String, Value> = match v {
        Value::Object(obj) => obj,
        other => return Err(format!("a contents item must be an object, not {}", kind(&other))),
    };
    if obj.get("uri").is_none_or(|u| u.as_str() == Some("")) {
        obj.insert("uri".to_owned(), Value::String(uri.to_owned()));
    }
    serde_json::from_value(Value::Object(obj)).map_err(|e| format!("a contents item could not be read: {e}"))
}

fn with_uri(mut c: ResourceContents, uri: &str) -> ResourceContents {
    if c.uri.is_empty() {
        c.uri = uri.to_owned();
    }
    c
}

impl From<Vec<ResourceContents>> for ResourceOutput {
    fn from(list: Vec<ResourceContents>) -> Self {
        ResourceOutput::Contents(list)
    }
}

impl From<ResourceContents> for ResourceOutput {
    fn from(c: ResourceContents) -> Self {
        ResourceOutput::Contents(vec![c])
    }
}

impl From<String> for ResourceOutput {
    fn from(s: String) -> Self {
        ResourceOutput::Text(s)
    }
}

impl From<&str> for ResourceOutput {
    fn from(s: &str) -> Self {
        ResourceOutput::Text(s.to_owned())
    }
}

impl From<Value> for ResourceOutput {
    fn from(v: Value) -> Self {
        ResourceOutput::Json(v)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn wire(out: ResourceOutput, mime: Option<&str>) -> Value {
        serde_json::to_value(out.into_contents("memo://a", mime).unwrap()).unwrap()
    }

    #[test]
    fn text_and_bytes_take_the_registered_type_or_a_default() {
        assert_eq!(wire("hi".into(), None), json!([{ "uri": "memo://a", "mimeType": "text/plain", "text": "hi" }]));
        assert_eq!(
            wire("hi".into(), Some("text/markdown")),
            json!([{ "uri": "memo://a", "mimeType": "text/markdown", "text": "hi" }])
        );
        assert_eq!(
            wire(ResourceOutput::bytes(b"\x00\x01"), None),
            json!([{ "uri": "memo://a", "mimeType": "application/octet-stream", "blob": "AAE=" }])
        );
    }

    #[test]
    fn json_values_become_contents_or_json_text() {
        let given = json!({ "contents": [{ "text": "x" }, { "uri": "memo://b", "blob": "AA==" }] });
        assert_eq!(
            wire(given.into(), None),
            json!([{ "uri": "memo://a", "text": "x" }, { "uri": "memo://b", "blob": "AA==" }])
        );
        assert_eq!(wire(json!([{ "text": "x" }]).into(), None), json!([{ "uri": "memo://a", "text": "x" }]));
        assert_eq!(wire(json!({ "text": "x" }).into(), None), json!([{ "uri": "memo://a", "text": "x" }]));
        assert_eq!(
            wire(json!({ "a": 1 }).into(), None),
            json!([{ "uri": "memo://a", "mimeType": "application/json", "text": "{\"a\":1}" }])
        );
        // A content block is not contents: it is JSON like any other object.
        assert_eq!(wire(json!({ "type": "text", "text": "x" }).into(), None)[0]["mimeType"], json!("application/json"));
        assert_eq!(
            wire(json!([]).into(), None),
            json!([{ "uri": "memo://a", "mimeType": "application/json", "text": "[]" }])
        );
        assert!(ResourceOutput::Json(Value::Null).into_contents("memo://a", None).unwrap().is_empty());
    }

    #[test]
    fn unreadable_contents_are_refused() {
        let bad = json!({ "contents": [1] });
        assert!(ResourceOutput::Json(bad).into_contents("memo://a", None).is_err());
    }
}

//! What a prompt renderer returns ([`PromptOutput`]) and the one rule that turns it into a
//! `GetPromptResult`. Every binding maps its language's return values onto these variants;
//! only this file decides the wire shape (docs/results.md).

use serde_json::{Map, Value};

use crate::protocol::header_params::json_type as kind;
use crate::protocol::{Content, GetPromptResult, PromptMessage, Role};

/// What a prompt renderer produces. How each variant becomes a `GetPromptResult`:
///
/// | variant | `messages` | `description` |
/// |---|---|---|
/// | `Text(s)` | one user message with the text `s` | the registered one |
/// | `Messages(list)` | `list` | the registered one |
/// | `Json(string)` | as `Text` | the registered one |
/// | `Json({"messages": [...], ...})` | a whole result, as given | as given |
/// | `Json([m, ...])` | one message per item (below) | the registered one |
/// | `Json(m)`, any other object | one message (below) | the registered one |
/// | `Result(r)` | `r` as is | as given |
///
/// An item of a list: a string is a user message with that text; an object with a `role`
/// is a message (its `content` a string, taken as text, or a content block); any other
/// object is a content block, said by the user.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptOutput {
    /// One user message with this text.
    Text(String),
    /// The messages.
    Messages(Vec<PromptMessage>),
    /// A JSON value a binding hands over as is (see the table for each kind of value).
    Json(Value),
    /// A whole result, sent as is.
    Result(GetPromptResult),
}

impl PromptOutput {
    /// The result, with `description` (the prompt's registered one) where the output did
    /// not give a whole result. `Err` says what could not be read as a prompt result.
    pub fn into_result(self, description: Option<&str>) -> Result<GetPromptResult, String> {
        let messages = match self {
            PromptOutput::Result(r) => return Ok(r),
            PromptOutput::Json(Value::Object(obj)) if obj.contains_key("messages") => {
                return serde_json::from_value(Value::Object(obj))
                    .map_err(|e| format!("the prompt result could not be read: {e}"));
            }
            PromptOutput::Text(text) | PromptOutput::Json(Value::String(text)) => vec![PromptMessage::user(text)],
            PromptOutput::Messages(list) => list,
            PromptOutput::Json(Value::Array(items)) => items.into_iter().map(message).collect::<Result<_, _>>()?,
            PromptOutput::Json(v @ Value::Object(_)) => vec![message(v)?],
            PromptOutput::Json(v) => {
                return Err(format!("a prompt returns text, messages or a result, not {}", kind(&v)));
            }
        };
        let mut result = GetPromptResult::new(messages);
        result.description = description.map(str::to_owned);
        Ok(result)
    }
}

/// One message of a list (see [`PromptOutput`]).
fn message(item: Value) -> Result<PromptMessage, String> {
    match item {
        Value::String(text) => Ok(PromptMessage::user(text)),
        Value::Object(mut obj) if obj.contains_key("role") => {
            let role: Role = serde_json::from_value(obj.remove("role").unwrap_or_default())
                .map_err(|e| format!("a prompt message's role could not be read: {e}"))?;
            let content = match obj.remove("content") {
                Some(Value::String(text)) => Content::text(text),
                Some(block) => block_of(block)?,
                None => return Err("a prompt message has no content".to_owned()),
            };
            Ok(PromptMessage { role, content })
        }
        block @ Value::Object(_) => Ok(PromptMessage { role: Role::User, content: block_of(block)? }),
        other => Err(format!("a prompt message must be a string or an object, not {}", kind(&other))),
    }
}

fn block_of(v: Value) -> Result<Content, String> {
    let obj: Map<String, Value> = match v {
        Value::Object(obj) => obj,
        other => return Err(format!("a message's content must be a string or a content block, not {}", kind(&other))),
    };
    serde_json::from_value(Value::Object(obj)).map_err(|e| format!("a message's content could not be read: {e}"))
}

impl From<GetPromptResult> for PromptOutput {
    fn from(r: GetPromptResult) -> Self {
        PromptOutput::Result(r)
    }
}

impl From<Vec<PromptMessage>> for PromptOutput {
    fn from(list: Vec<PromptMessage>) -> Self {
        PromptOutput::Messages(list)
    }
}

impl From<String> for PromptOutput {
    fn from(s: String) -> Self {
        PromptOutput::Text(s)
    }
}

impl From<&str> for PromptOutput {
    fn from(s: &str) -> Self {
        PromptOutput::Text(s.to_owned())
    }
}

impl From<Value> for PromptOutput {
    fn from(v: Value) -> Self {
        PromptOutput::Json(v)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn wire(out: PromptOutput) -> Value {
        serde_json::to_value(out.into_result(Some("Greets")).unwrap()).unwrap()
    }

    #[test]
    fn plain_values_get_the_registered_description() {
        let one = json!({ "description": "Greets", "messages": [
            { "role": "user", "content": { "type": "text", "text": "hi" } }
        ] });
        assert_eq!(wire("hi".into()), one);
        assert_eq!(wire(json!("hi").into()), one);
        assert_eq!(wire(json!(["hi"]).into()), one);
        assert_eq!(wire(json!([{ "role": "user", "content": "hi" }]).into()), one);
        assert_eq!(wire(json!({ "type": "text", "text": "hi" }).into()), one);
        assert_eq!(
            wire(json!([{ "role": "assistant", "content": { "type": "text", "text": "ok" } }]).into())["messages"][0]["role"],
            json!("assistant")
        );
    }

    #[test]
    fn a_whole_result_is_sent_as_given() {
        let given = json!({ "messages": [{ "role": "user", "content": { "type": "text", "text": "x" } }] });
        assert_eq!(wire(given.clone().into()), given);
    }

    #[test]
    fn other_values_are_refused() {
        assert!(PromptOutput::Json(json!(3)).into_result(None).is_err());
        assert!(PromptOutput::Json(Value::Null).into_result(None).is_err());
        assert!(PromptOutput::Json(json!([{ "role": "robot", "content": "x" }])).into_result(None).is_err());
    }
}

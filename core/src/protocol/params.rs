//! The typed params of the methods, each read once with serde from the request's params
//! object ([`read`]). Unknown fields are ignored (as the specification requires; `_meta` is
//! read by [`super::meta`]), and a field of the wrong type reads as absent, so that each
//! method reports its own -32602 message naming the field.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::LogLevel;
use super::completion::{CompleteRequest, CompletionRef};
use crate::error::ProtocolError;

/// Reads `T` from a request's params object, borrowing it (no copy of the map is made).
pub fn read<'a, T: Deserialize<'a>>(params: &'a Map<String, Value>) -> Result<T, ProtocolError> {
    T::deserialize(params).map_err(ProtocolError::invalid_params)
}

/// A field that reads as `None` when it is absent or not a `T`.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(d)?).ok())
}

/// The string members of an object; anything else (or a non-object) reads as empty.
fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let Value::Object(map) = Value::deserialize(d)? else { return Ok(BTreeMap::new()) };
    Ok(map.into_iter().filter_map(|(k, v)| if let Value::String(s) = v { Some((k, s)) } else { None }).collect())
}

/// `completion/complete` params: `ref`, `argument {name, value}` and (2025-06-18 on)
/// `context.arguments`.
#[derive(Debug, Default, Deserialize)]
pub struct CompleteParams {
    /// What is completed.
    #[serde(rename = "ref", default, deserialize_with = "lenient")]
    pub reference: Option<CompletionRef>,
    /// The argument being completed (`None`: absent or not an object).
    #[serde(default, deserialize_with = "lenient")]
    pub argument: Option<CompleteArgument>,
    /// The values of the other arguments already resolved.
    #[serde(default, deserialize_with = "lenient")]
    pub context: Option<CompleteContext>,
}

/// `completion/complete`'s `argument`.
#[derive(Debug, Default, Deserialize)]
pub struct CompleteArgument {
    /// The argument's name (`None`: absent or not a string).
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// The value typed so far (`None`: absent or not a string, read as empty).
    #[serde(default, deserialize_with = "lenient")]
    pub value: Option<String>,
}

/// `completion/complete`'s `context`.
#[derive(Debug, Default, Deserialize)]
pub struct CompleteContext {
    /// The string values of the other arguments (other values are left out).
    #[serde(default, deserialize_with = "strings")]
    pub arguments: BTreeMap<String, String>,
}

impl CompleteParams {
    /// The request a completion handler receives, or the -32602 that names the bad field.
    pub fn into_request(self) -> Result<CompleteRequest, ProtocolError> {
        let reference = self.reference.ok_or_else(|| {
            ProtocolError::invalid_params("`ref` must be {type: \"ref/prompt\", name} or {type: \"ref/resource\", uri}")
        })?;
        let argument = self.argument.ok_or_else(|| ProtocolError::invalid_params("`argument` must be an object"))?;
        let name = argument.name.ok_or_else(|| ProtocolError::invalid_params("`name` must be a string"))?;
        Ok(CompleteRequest {
            reference,
            argument: name,
            value: argument.value.unwrap_or_default(),
            context: self.context.map(|c| c.arguments).unwrap_or_default(),
        })
    }
}

/// `logging/setLevel` params: `level`.
#[derive(Debug, Default, Deserialize)]
pub struct SetLevelParams {
    /// The level's name (`None`: absent or not a string).
    #[serde(default, deserialize_with = "lenient")]
    pub level: Option<String>,
}

impl SetLevelParams {
    /// The level, or the -32602 for a missing or unknown one.
    pub fn level(&self) -> Result<LogLevel, ProtocolError> {
        let level = self.level.as_deref().ok_or_else(|| ProtocolError::invalid_params("`level` must be a string"))?;
        LogLevel::parse(level).ok_or_else(|| ProtocolError::invalid_params(format!("unknown log level `{level}`")))
    }
}

/// The params of the `tasks/*` methods: `taskId` (get, update, cancel, result),
/// `inputResponses` (update) and `cursor` (list).
#[derive(Debug, Default, Deserialize)]
pub struct TaskParams {
    /// The task's id (`None`: absent or not a string).
    #[serde(rename = "taskId", default, deserialize_with = "lenient")]
    pub task_id: Option<String>,
    /// The answers to the task's input requests (`None`: absent or not an object).
    #[serde(rename = "inputResponses", default, deserialize_with = "lenient")]
    pub input_responses: Option<Map<String, Value>>,
    /// The page cursor as sent (`None`: absent or null).
    #[serde(default)]
    pub cursor: Option<Value>,
}

impl TaskParams {
    /// The task's id, or -32602.
    pub fn task_id(&self) -> Result<&str, ProtocolError> {
        self.task_id.as_deref().ok_or_else(|| ProtocolError::invalid_params("`taskId` must be a string"))
    }

    /// The answers of a `tasks/update`, or -32602.
    pub fn input_responses(&self) -> Result<&Map<String, Value>, ProtocolError> {
        self.input_responses.as_ref().ok_or_else(|| ProtocolError::invalid_params("`inputResponses` must be an object"))
    }

    /// The cursor of a `tasks/list` (`None`: the first page), or -32602 when it is not a string.
    pub fn cursor(&self) -> Result<Option<&str>, ProtocolError> {
        match &self.cursor {
            None => Ok(None),
            Some(Value::String(c)) => Ok(Some(c)),
            Some(_) => Err(ProtocolError::invalid_params("`cursor` must be a string")),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("an object")
    }

    #[test]
    fn a_complete_request_reads_every_field_and_ignores_the_rest() {
        let params = map(json!({
            "ref": {"type": "ref/prompt", "name": "greet"},
            "argument": {"name": "who", "value": "Al"},
            "context": {"arguments": {"lang": "en", "n": 3}},
            "_meta": {"progressToken": 1},
            "extra": true,
        }));
        let request = read::<CompleteParams>(&params).and_then(CompleteParams::into_request).expect("reads");
        assert_eq!(request.reference, CompletionRef::Prompt { name: "greet".into() });
        assert_eq!((request.argument.as_str(), request.value.as_str()), ("who", "Al"));
        assert_eq!(request.context, BTreeMap::from([("lang".to_owned(), "en".to_owned())]));
    }

    #[test]
    fn each_bad_field_of_a_complete_request_is_named() {
        let cases = [
            (json!({"argument": {"name": "a"}}), "`ref` must be"),
            (json!({"ref": {"type": "ref/other"}, "argument": {"name": "a"}}), "`ref` must be"),
            (json!({"ref": {"type": "ref/resource", "uri": "u"}, "argument": 3}), "`argument` must be an object"),
            (json!({"ref": {"type": "ref/resource", "uri": "u"}, "argument": {"name": 1}}), "`name` must be a string"),
        ];
        for (params, message) in cases {
            let e = read::<CompleteParams>(&map(params.clone())).and_then(CompleteParams::into_request).unwrap_err();
            assert_eq!(e.code, crate::error::codes::INVALID_PARAMS, "{params}");
            assert!(e.message.contains(message), "{params}: {}", e.message);
        }
    }

    #[test]
    fn task_params_name_each_bad_field() {
        let task = |v: Value| read::<TaskParams>(&map(v)).expect("always reads");
        let good = task(json!({"taskId": "t1", "inputResponses": {"a": 1}, "cursor": "c"}));
        assert_eq!(good.task_id().expect("an id"), "t1");
        assert_eq!(good.input_responses().expect("answers").len(), 1);
        assert_eq!(good.cursor().expect("a cursor"), Some("c"));
        assert_eq!(task(json!({"cursor": null})).cursor().expect("the first page"), None);
        let bad = task(json!({"taskId": 1, "inputResponses": [], "cursor": 2}));
        assert!(bad.task_id().unwrap_err().message.contains("`taskId` must be a string"));
        assert!(bad.input_responses().unwrap_err().message.contains("`inputResponses` must be an object"));
        assert!(bad.cursor().unwrap_err().message.contains("`cursor` must be a string"));
    }

    #[test]
    fn a_level_is_a_known_level_name() {
        let level = |v: Value| read::<SetLevelParams>(&map(v)).and_then(|p| p.level());
        assert_eq!(level(json!({"level": "debug"})).expect("a level"), LogLevel::Debug);
        assert!(level(json!({"level": 3})).unwrap_err().message.contains("`level` must be a string"));
        assert!(level(json!({"level": "loud"})).unwrap_err().message.contains("unknown log level `loud`"));
    }
}

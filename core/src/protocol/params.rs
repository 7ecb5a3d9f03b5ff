//! The typed params of the methods, each read once from the request's params object.
//! Unknown fields are ignored (as the specification requires; `_meta` is read by
//! [`super::meta`]), and a field of the wrong type reads as absent, so that each method
//! reports its own -32602 message naming the field, when it gets to that field.
//!
//! Three ways, by what the method does with the values: params it copies anyway are read
//! with serde ([`read`]: [`CompleteParams`], [`SetLevelParams`], [`TaskParams`]); params it
//! only looks at borrow from the request's params object (`read` on the type:
//! [`SubscribeParams`], [`ListParams`], [`ListenParams`], [`InitializeParams`]); params
//! whose values it keeps are moved out of the owned object ([`ItemParams::take`]). serde_json
//! builds a new map for every object it deserializes into a `Value` and cannot lend out a
//! `&Value`, so serde would copy what the other two read for free.

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
        cursor(self.cursor.as_ref())
    }
}

/// The -32602 for a field that is not the string it must be.
fn not_a_string(field: &str) -> ProtocolError {
    ProtocolError::invalid_params(format!("`{field}` must be a string"))
}

/// Moves the string `field` out of `params`: -32602 when it is absent or not a string.
#[inline]
fn take_string(params: &mut Map<String, Value>, field: &str) -> Result<String, ProtocolError> {
    match params.remove(field) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(not_a_string(field)),
    }
}

/// A page cursor as sent: `None` (the first page) when absent or null, or -32602 when it is
/// not a string.
fn cursor(value: Option<&Value>) -> Result<Option<&str>, ProtocolError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(c)) => Ok(Some(c)),
        Some(_) => Err(not_a_string("cursor")),
    }
}

/// What a 2026 retry of `tools/call`, `prompts/get` or `resources/read` carries for the
/// next round: the answers to the previous round's asks and the sealed state the server
/// handed out with them (read by the rounds, see `dispatch::mrtr`).
#[derive(Debug, Default)]
pub struct InputParams {
    /// `inputResponses` (empty when absent or not an object: the handler asks again).
    pub responses: Map<String, Value>,
    /// `requestState` as sent (checked by [`InputParams::request_state`]).
    request_state: Option<Value>,
}

impl InputParams {
    /// Moves `inputResponses` and `requestState` out of `params`.
    pub fn take(params: &mut Map<String, Value>) -> InputParams {
        let responses = match params.remove("inputResponses") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        InputParams { responses, request_state: params.remove("requestState") }
    }

    /// The sealed state (`None`: absent or null, the first round), or -32602 when it is not
    /// a string.
    pub fn request_state(&mut self) -> Result<Option<String>, ProtocolError> {
        match self.request_state.take() {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ProtocolError::invalid_params("requestState must be a string")),
        }
    }
}

/// Moves `arguments` out of `params`: the object (empty when absent or null), or -32602
/// `message`.
#[inline]
fn take_arguments(params: &mut Map<String, Value>, message: &str) -> Result<Map<String, Value>, ProtocolError> {
    match params.remove("arguments") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(ProtocolError::invalid_params(message)),
    }
}

/// The params of the methods that run a named item's handler, moved out of the request's
/// params object: `tools/call` and `prompts/get` (by `name`, with `arguments`) and
/// `resources/read` (by `uri`). The name is taken at once (the first thing each checks);
/// the arguments ([`ItemParams::tool_arguments`], [`ItemParams::prompt_arguments`]) and the
/// input state ([`InputParams::take`]) stay in [`ItemParams::rest`] until the request gets
/// to them, each then moved out once: held apart across the request's awaits they would make
/// its boxed future larger (past the C allocator's small blocks).
#[derive(Debug)]
pub struct ItemParams {
    /// The tool's or prompt's name, or the resource's URI.
    pub name: String,
    /// What is not taken yet: `_meta`, `task` and unknown fields (what the handler's context
    /// and a task read), `arguments` and the input state until taken.
    pub rest: Map<String, Value>,
}

impl ItemParams {
    /// Moves the string `field` (`name` or `uri`) out of `params`, or -32602 when it is not a
    /// string.
    #[inline]
    pub fn take(mut params: Map<String, Value>, field: &str) -> Result<ItemParams, ProtocolError> {
        Ok(ItemParams { name: take_string(&mut params, field)?, rest: params })
    }

    /// Moves a tool's arguments out of [`ItemParams::rest`]: an object (empty when absent or
    /// null), or -32602.
    pub fn tool_arguments(rest: &mut Map<String, Value>) -> Result<Value, ProtocolError> {
        take_arguments(rest, "`arguments` must be an object").map(Value::Object)
    }

    /// Moves a prompt's arguments out of [`ItemParams::rest`]: the object as sent (empty when
    /// absent or null) and its values as strings, or -32602 when it is not an object or a
    /// value is not a string.
    pub fn prompt_arguments(rest: &mut Map<String, Value>) -> Result<PromptArguments, ProtocolError> {
        let raw = take_arguments(rest, "`arguments` must be an object of strings")?;
        let mut strings = BTreeMap::new();
        for (k, v) in &raw {
            let Value::String(s) = v else {
                return Err(ProtocolError::invalid_params(format!("prompt argument `{k}` must be a string")));
            };
            strings.insert(k.clone(), s.clone());
        }
        Ok((raw, strings))
    }
}

/// A prompt's arguments: the object as sent (what a 2026 `requestState` is bound to) and its
/// values as strings (what the prompt's handler receives).
pub type PromptArguments = (Map<String, Value>, BTreeMap<String, String>);

/// `resources/subscribe` and `resources/unsubscribe` params: `uri`, borrowed.
#[derive(Debug)]
pub struct SubscribeParams<'a> {
    /// The URI (un)subscribed.
    pub uri: &'a str,
}

impl<'a> SubscribeParams<'a> {
    /// Reads the params, or -32602 when `uri` is not a string.
    pub fn read(params: &'a Map<String, Value>) -> Result<SubscribeParams<'a>, ProtocolError> {
        let uri = params.get("uri").and_then(Value::as_str).ok_or_else(|| not_a_string("uri"))?;
        Ok(SubscribeParams { uri })
    }
}

/// The params of the paginated `*/list` methods: `cursor`, borrowed.
#[derive(Debug, Default)]
pub struct ListParams<'a> {
    /// The page cursor (`None`: the first page).
    pub cursor: Option<&'a str>,
}

impl<'a> ListParams<'a> {
    /// Reads the params (none: the first page), or -32602 when `cursor` is not a string.
    pub fn read(params: Option<&'a Map<String, Value>>) -> Result<ListParams<'a>, ProtocolError> {
        Ok(ListParams { cursor: cursor(params.and_then(|p| p.get("cursor")))? })
    }
}

/// `subscriptions/listen` params: what the client opts into under `notifications`, borrowed.
/// A `notifications` that is not an object, or a flag that is not a boolean, opts into
/// nothing.
#[derive(Debug, Default)]
pub struct ListenParams<'a> {
    /// `toolsListChanged`.
    pub tools_list_changed: bool,
    /// `promptsListChanged`.
    pub prompts_list_changed: bool,
    /// `resourcesListChanged`.
    pub resources_list_changed: bool,
    /// `resourceSubscriptions` (empty when absent or not an array; its non-strings are
    /// skipped by whoever reads it, but count towards its length).
    pub resource_subscriptions: &'a [Value],
    /// `taskIds` as sent (`None`: absent or null), checked by [`ListenParams::task_ids`].
    task_ids: Option<&'a Value>,
}

impl<'a> ListenParams<'a> {
    /// Reads the params.
    pub fn read(params: &'a Map<String, Value>) -> ListenParams<'a> {
        let Some(wanted) = params.get("notifications").and_then(Value::as_object) else {
            return ListenParams::default();
        };
        let flag = |k: &str| wanted.get(k).and_then(Value::as_bool).unwrap_or(false);
        ListenParams {
            tools_list_changed: flag("toolsListChanged"),
            prompts_list_changed: flag("promptsListChanged"),
            resources_list_changed: flag("resourcesListChanged"),
            resource_subscriptions: wanted
                .get("resourceSubscriptions")
                .and_then(Value::as_array)
                .map_or(&[], Vec::as_slice),
            task_ids: wanted.get("taskIds").filter(|v| !v.is_null()),
        }
    }

    /// Whether `taskIds` is sent (and not null).
    pub fn asks_for_tasks(&self) -> bool {
        self.task_ids.is_some()
    }

    /// `taskIds` (empty when not asked for; its non-strings count towards its length), or
    /// -32602 when it is not an array.
    pub fn task_ids(&self) -> Result<&'a [Value], ProtocolError> {
        match self.task_ids {
            None => Ok(&[]),
            Some(Value::Array(listed)) => Ok(listed),
            Some(_) => Err(ProtocolError::invalid_params("`taskIds` must be an array")),
        }
    }
}

/// `initialize` params, borrowed.
#[derive(Debug, Default)]
pub struct InitializeParams<'a> {
    /// `protocolVersion` (`None`: absent or not a string), checked by
    /// [`InitializeParams::protocol_version`].
    protocol_version: Option<&'a str>,
    /// `capabilities` (`None`: absent or not an object).
    pub capabilities: Option<&'a Map<String, Value>>,
    /// `clientInfo` as sent (`None`: absent).
    pub client_info: Option<&'a Value>,
}

impl<'a> InitializeParams<'a> {
    /// Reads the params (none: every field absent).
    pub fn read(params: Option<&'a Map<String, Value>>) -> InitializeParams<'a> {
        let Some(params) = params else { return InitializeParams::default() };
        InitializeParams {
            protocol_version: params.get("protocolVersion").and_then(Value::as_str),
            capabilities: params.get("capabilities").and_then(Value::as_object),
            client_info: params.get("clientInfo"),
        }
    }

    /// The params of a handshake that asks for `version` and says nothing of the client.
    pub fn asking(version: &'a str) -> InitializeParams<'a> {
        InitializeParams { protocol_version: Some(version), ..InitializeParams::default() }
    }

    /// The version asked for, or -32602.
    pub fn protocol_version(&self) -> Result<&'a str, ProtocolError> {
        self.protocol_version
            .ok_or_else(|| ProtocolError::invalid_params("initialize needs a string `protocolVersion`"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::codes;

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

    /// The address of the text of the string at `key`: a field moved or borrowed (never
    /// copied) keeps it.
    fn text_at(params: &Map<String, Value>, key: &str) -> *const u8 {
        params[key].as_str().expect("a string").as_ptr()
    }

    #[test]
    fn a_tool_call_moves_its_fields_out_and_leaves_the_rest() {
        let mut params = map(json!({
            "name": "add",
            "arguments": {"a": "one"},
            "inputResponses": {"ask": {"action": "accept"}},
            "requestState": "sealed",
            "task": {"ttl": 5},
            "_meta": {"progressToken": 1},
        }));
        let name_text = text_at(&params, "name");
        let argument_text = params["arguments"]["a"].as_str().expect("a string").as_ptr();
        let state_text = text_at(&params, "requestState");
        let ItemParams { name, mut rest } = ItemParams::take(params, "name").expect("reads");
        assert_eq!((name.as_str(), name.as_ptr()), ("add", name_text));
        let arguments = ItemParams::tool_arguments(&mut rest).expect("an object");
        assert_eq!(arguments["a"].as_str().map(str::as_ptr), Some(argument_text));
        let mut input = InputParams::take(&mut rest);
        assert_eq!(input.responses.len(), 1);
        let state = input.request_state().expect("a string").expect("sent");
        assert_eq!((state.as_str(), state.as_ptr()), ("sealed", state_text));
        let mut left: Vec<&str> = rest.keys().map(String::as_str).collect();
        left.sort_unstable();
        assert_eq!(left, ["_meta", "task"]);
        params = map(json!({"name": "add", "arguments": null}));
        let ItemParams { mut rest, .. } = ItemParams::take(params, "name").expect("reads");
        assert_eq!(ItemParams::tool_arguments(&mut rest).expect("empty"), json!({}));
    }

    #[test]
    fn each_bad_field_of_a_tool_call_prompt_or_read_is_named() {
        let name = |v: Value| ItemParams::take(map(v), "name").map(|p| p.name);
        assert!(name(json!({"name": 3})).unwrap_err().message.contains("`name` must be a string"));
        assert!(name(json!({})).unwrap_err().message.contains("`name` must be a string"));
        assert!(name(json!({"name": null})).unwrap_err().message.contains("`name` must be a string"));
        let uri = |v: Value| ItemParams::take(map(v), "uri").map(|p| p.name);
        assert!(uri(json!({"uri": ["u"]})).unwrap_err().message.contains("`uri` must be a string"));
        assert_eq!(uri(json!({"uri": "file:///a"})).expect("a uri"), "file:///a");
        let mut rest = map(json!({"arguments": [1]}));
        let e = ItemParams::tool_arguments(&mut rest).unwrap_err();
        assert_eq!((e.code, e.message.contains("`arguments` must be an object")), (codes::INVALID_PARAMS, true));
        let mut rest = map(json!({"arguments": "a=1"}));
        let e = ItemParams::prompt_arguments(&mut rest).unwrap_err();
        assert!(e.message.contains("`arguments` must be an object of strings"), "{}", e.message);
        let mut rest = map(json!({"arguments": {"who": "Al", "n": 3}}));
        let e = ItemParams::prompt_arguments(&mut rest).unwrap_err();
        assert!(e.message.contains("prompt argument `n` must be a string"), "{}", e.message);
        let mut rest = map(json!({"requestState": 7, "inputResponses": [1]}));
        let mut input = InputParams::take(&mut rest);
        assert!(input.responses.is_empty() && rest.is_empty());
        assert!(input.request_state().unwrap_err().message.contains("requestState must be a string"));
        let mut rest = map(json!({"requestState": null}));
        assert_eq!(InputParams::take(&mut rest).request_state().expect("the first round"), None);
    }

    #[test]
    fn a_prompt_s_arguments_are_the_object_and_its_strings() {
        let mut rest = map(json!({"arguments": {"who": "Al", "lang": "en"}, "_meta": {}}));
        let (raw, strings) = ItemParams::prompt_arguments(&mut rest).expect("strings");
        assert_eq!(Value::Object(raw), json!({"who": "Al", "lang": "en"}));
        assert_eq!(strings.get("who").map(String::as_str), Some("Al"));
        assert_eq!(rest.keys().collect::<Vec<_>>(), ["_meta"]);
    }

    #[test]
    fn a_subscription_borrows_its_uri() {
        let params = map(json!({"uri": "file:///a"}));
        let SubscribeParams { uri } = SubscribeParams::read(&params).expect("a uri");
        assert_eq!(uri.as_ptr(), text_at(&params, "uri"));
        assert!(SubscribeParams::read(&map(json!({"uri": 1}))).unwrap_err().message.contains("`uri` must be a string"));
    }

    #[test]
    fn a_list_borrows_its_cursor() {
        let params = map(json!({"cursor": "Mg"}));
        let ListParams { cursor } = ListParams::read(Some(&params)).expect("a cursor");
        assert_eq!(cursor.map(str::as_ptr), Some(text_at(&params, "cursor")));
        assert_eq!(ListParams::read(None).expect("the first page").cursor, None);
        assert_eq!(ListParams::read(Some(&map(json!({"cursor": null})))).expect("the first page").cursor, None);
        let e = ListParams::read(Some(&map(json!({"cursor": 2})))).unwrap_err();
        assert!(e.message.contains("`cursor` must be a string"), "{}", e.message);
    }

    #[test]
    fn a_listen_reads_what_it_opts_into() {
        let params = map(json!({"notifications": {
            "toolsListChanged": true,
            "promptsListChanged": "yes",
            "resourceSubscriptions": ["a", 1, "b"],
            "taskIds": ["t1"],
        }}));
        let wanted = ListenParams::read(&params);
        assert!(wanted.tools_list_changed && !wanted.prompts_list_changed && !wanted.resources_list_changed);
        assert_eq!(wanted.resource_subscriptions, [json!("a"), json!(1), json!("b")]);
        assert!(wanted.asks_for_tasks());
        assert_eq!(wanted.task_ids().expect("a list"), [json!("t1")]);
        let odd = map(json!({"notifications": 3}));
        let none = ListenParams::read(&odd);
        assert!(!none.tools_list_changed && none.resource_subscriptions.is_empty() && !none.asks_for_tasks());
        let params = map(json!({"notifications": {"taskIds": null, "resourceSubscriptions": "a"}}));
        let wanted = ListenParams::read(&params);
        assert!(!wanted.asks_for_tasks() && wanted.resource_subscriptions.is_empty());
        assert_eq!(wanted.task_ids().expect("none"), [] as [Value; 0]);
        let params = map(json!({"notifications": {"taskIds": "t1"}}));
        let wanted = ListenParams::read(&params);
        assert!(wanted.asks_for_tasks());
        assert!(wanted.task_ids().unwrap_err().message.contains("`taskIds` must be an array"));
    }

    #[test]
    fn an_initialize_reads_its_version_and_the_client() {
        let params = map(json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {"roots": {}},
            "clientInfo": {"name": "c", "version": "1"},
        }));
        let init = InitializeParams::read(Some(&params));
        assert_eq!(init.protocol_version().expect("a version").as_ptr(), text_at(&params, "protocolVersion"));
        assert!(init.capabilities.is_some_and(|c| c.contains_key("roots")));
        assert_eq!(init.client_info, Some(&json!({"name": "c", "version": "1"})));
        let odd = map(json!({"protocolVersion": 2025, "capabilities": []}));
        let init = InitializeParams::read(Some(&odd));
        assert!(init.protocol_version().unwrap_err().message.contains("initialize needs a string `protocolVersion`"));
        assert!(init.capabilities.is_none() && init.client_info.is_none());
        assert!(InitializeParams::read(None).protocol_version().is_err());
        assert_eq!(InitializeParams::asking("2025-03-26").protocol_version().expect("asked"), "2025-03-26");
    }

    #[test]
    fn a_level_is_a_known_level_name() {
        let level = |v: Value| read::<SetLevelParams>(&map(v)).and_then(|p| p.level());
        assert_eq!(level(json!({"level": "debug"})).expect("a level"), LogLevel::Debug);
        assert!(level(json!({"level": 3})).unwrap_err().message.contains("`level` must be a string"));
        assert!(level(json!({"level": "loud"})).unwrap_err().message.contains("unknown log level `loud`"));
    }
}

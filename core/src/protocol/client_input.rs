//! Client-input requests a handler can make (elicitation, sampling, roots) and the answers:
//! sent as server->client requests on legacy sessions, as `inputRequests` entries of an
//! `input_required` result on the 2026-07-28 wire.

use super::method::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::content::Role;
use crate::error::ProtocolError;

/// An elicitation request: ask the user for structured input (form) or send them to a URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElicitRequest {
    /// `"form"` or `"url"`; absent means form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The message shown to the user.
    pub message: String,
    /// Form mode: a flat object schema of primitive properties.
    #[serde(rename = "requestedSchema", skip_serializing_if = "Option::is_none")]
    pub requested_schema: Option<Value>,
    /// URL mode: where to send the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// URL mode (2025-11-25 legacy sessions): correlation id.
    #[serde(rename = "elicitationId", skip_serializing_if = "Option::is_none")]
    pub elicitation_id: Option<String>,
}

impl ElicitRequest {
    /// A form elicitation with a message and a schema.
    pub fn form(message: impl Into<String>, requested_schema: Value) -> Self {
        Self {
            mode: None,
            message: message.into(),
            requested_schema: Some(requested_schema),
            url: None,
            elicitation_id: None,
        }
    }

    /// A URL elicitation.
    pub fn url(message: impl Into<String>, url: impl Into<String>, elicitation_id: impl Into<String>) -> Self {
        Self {
            mode: Some("url".into()),
            message: message.into(),
            requested_schema: None,
            url: Some(url.into()),
            elicitation_id: Some(elicitation_id.into()),
        }
    }

    fn is_url(&self) -> bool {
        self.mode.as_deref() == Some("url")
    }
}

/// The user's answer to an elicitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElicitAction {
    /// Submitted.
    Accept,
    /// Explicitly declined.
    Decline,
    /// Dismissed.
    Cancel,
}

/// The result of an elicitation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElicitResult {
    /// What the user did.
    pub action: ElicitAction,
    /// The submitted values (accept, form mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Map<String, Value>>,
}

/// One message of a sampling request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamplingMessage {
    /// Who says it.
    pub role: Role,
    /// Content block (or, 2025-11-25+, an array of blocks).
    pub content: Value,
}

impl SamplingMessage {
    /// A user message with text.
    pub fn user_text(text: impl Into<String>) -> Self {
        Self { role: Role::User, content: json!({ "type": "text", "text": text.into() }) }
    }
}

/// A sampling request: ask the client's model for a completion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateMessageRequest {
    /// The conversation.
    pub messages: Vec<SamplingMessage>,
    /// Maximum tokens to generate.
    #[serde(rename = "maxTokens")]
    pub max_tokens: u32,
    /// System prompt.
    #[serde(rename = "systemPrompt", skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// Other fields (`modelPreferences`, `temperature`, `stopSequences`, `includeContext`,
    /// `metadata`, `tools`, `toolChoice`), passed through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CreateMessageRequest {
    /// A request with one user text message.
    pub fn user_text(text: impl Into<String>, max_tokens: u32) -> Self {
        Self { messages: vec![SamplingMessage::user_text(text)], max_tokens, system_prompt: None, extra: Map::new() }
    }
}

/// The client's model output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateMessageResult {
    /// Usually `assistant`.
    pub role: Role,
    /// Content block (or array of blocks).
    pub content: Value,
    /// The model used.
    pub model: String,
    /// Why generation stopped.
    #[serde(rename = "stopReason", skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
}

impl CreateMessageResult {
    /// The text of the content, when it is a text block.
    pub fn text(&self) -> Option<&str> {
        self.content.get("text").and_then(Value::as_str)
    }
}

/// A filesystem root exposed by the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Root {
    /// A `file://` URI.
    pub uri: String,
    /// Optional name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The result of `roots/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListRootsResult {
    /// The roots.
    pub roots: Vec<Root>,
}

/// One client-input request.
#[derive(Debug, Clone, PartialEq)]
pub enum InputRequest {
    /// `elicitation/create`.
    Elicit(ElicitRequest),
    /// `sampling/createMessage`.
    Sample(CreateMessageRequest),
    /// `roots/list`.
    ListRoots,
}

/// Why a client-input request in its wire form could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputRequestError {
    /// The method is not a client-input method.
    UnknownMethod(String),
    /// The params do not fit the method.
    BadParams {
        /// The method.
        method: &'static str,
        /// What is wrong.
        error: String,
    },
}

impl std::fmt::Display for InputRequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputRequestError::UnknownMethod(m) => write!(
                f,
                "unknown client-input method `{m}` (expected elicitation/create, sampling/createMessage or roots/list)"
            ),
            InputRequestError::BadParams { method, error } => write!(f, "invalid {method} request: {error}"),
        }
    }
}

impl std::error::Error for InputRequestError {}

impl InputRequest {
    /// Reads a request from its wire form, the method and its params (`null`: none): the one
    /// reader every binding uses.
    pub fn from_wire(method: &str, params: Value) -> Result<InputRequest, InputRequestError> {
        let params = if params.is_null() { json!({}) } else { params };
        fn read<T: serde::de::DeserializeOwned>(method: &'static str, params: Value) -> Result<T, InputRequestError> {
            serde_json::from_value(params).map_err(|e| InputRequestError::BadParams { method, error: e.to_string() })
        }
        Ok(match Method::from_wire(method) {
            Some(m @ Method::ElicitationCreate) => InputRequest::Elicit(read(m.as_str(), params)?),
            Some(m @ Method::SamplingCreateMessage) => InputRequest::Sample(read(m.as_str(), params)?),
            Some(Method::RootsList) => InputRequest::ListRoots,
            _ => return Err(InputRequestError::UnknownMethod(method.to_owned())),
        })
    }

    /// The JSON-RPC method.
    pub fn method(&self) -> &'static str {
        match self {
            InputRequest::Elicit(_) => Method::ElicitationCreate.as_str(),
            InputRequest::Sample(_) => Method::SamplingCreateMessage.as_str(),
            InputRequest::ListRoots => Method::RootsList.as_str(),
        }
    }

    /// The params object.
    pub fn params(&self) -> Value {
        match self {
            InputRequest::Elicit(e) => serde_json::to_value(e).unwrap_or(Value::Null),
            InputRequest::Sample(s) => serde_json::to_value(s).unwrap_or(Value::Null),
            InputRequest::ListRoots => json!({}),
        }
    }

    /// The client capability this request needs, as a capabilities object fragment
    /// (e.g. `{"sampling":{}}`), or `None` when `caps` declares it.
    pub fn missing_capability(&self, caps: &Value) -> Option<Value> {
        match self {
            InputRequest::Elicit(e) => {
                let mode = if e.is_url() { "url" } else { "form" };
                let declared = caps.get("elicitation").is_some_and(|el| {
                    if e.is_url() {
                        el.get("url").is_some()
                    } else {
                        // `{}` means form only; `{url}` alone excludes form.
                        el.get("form").is_some() || el.get("url").is_none()
                    }
                });
                (!declared).then(|| json!({ "elicitation": { mode: {} } }))
            }
            InputRequest::Sample(s) => {
                let needs_tools = s.extra.contains_key("tools") || s.extra.contains_key("toolChoice");
                match caps.get("sampling") {
                    None if needs_tools => Some(json!({ "sampling": { "tools": {} } })),
                    None => Some(json!({ "sampling": {} })),
                    Some(sampling) if needs_tools && sampling.get("tools").is_none() => {
                        Some(json!({ "sampling": { "tools": {} } }))
                    }
                    Some(_) => None,
                }
            }
            InputRequest::ListRoots => {
                if caps.get("roots").is_some() {
                    None
                } else {
                    Some(json!({ "roots": {} }))
                }
            }
        }
    }

    /// Checks that `answer` has the shape of this request's result (-32602 otherwise).
    pub fn check_answer(&self, answer: &Value) -> Result<(), ProtocolError> {
        let ok = match self {
            InputRequest::Elicit(_) => serde_json::from_value::<ElicitResult>(answer.clone()).is_ok(),
            InputRequest::Sample(_) => serde_json::from_value::<CreateMessageResult>(answer.clone()).is_ok(),
            InputRequest::ListRoots => serde_json::from_value::<ListRootsResult>(answer.clone()).is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(ProtocolError::invalid_params(format!("malformed input response for {}: {answer}", self.method())))
        }
    }
}

//! What the client answers when the server asks: the handlers the application registers
//! for sampling, elicitation (form and URL) and any other server->client request, the
//! client's roots (answered from the list the application keeps current), `ping`, and
//! -32601 for anything with no handler. An accepted form elicitation gets the schema's
//! defaults for the fields its handler left out. The same handlers answer a 2026-07-28
//! server's `inputRequests`. The registered handlers also decide the capabilities the client declares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use serde_json::{Map, Value, json};

use crate::error::ProtocolError;
use crate::protocol::method::Method;
use crate::sync::lock;

/// Answers one server->client request: its params in, its result (or error) out.
pub type RequestHandler = Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Value, ProtocolError>> + Send + Sync>;

/// The client's answers to what the server asks.
#[derive(Default)]
pub(crate) struct Answers {
    handlers: HashMap<String, RequestHandler>,
    /// The client's roots, when it declares them.
    roots: Option<Mutex<Vec<Value>>>,
    /// Capabilities the application declared itself, replacing the derived ones by key.
    declared: Map<String, Value>,
}

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answers").field("methods", &self.handlers.keys().collect::<Vec<_>>()).finish()
    }
}

impl Answers {
    /// Answers `method` with `handler` from now on.
    pub(crate) fn handle(&mut self, method: &str, handler: RequestHandler) {
        self.handlers.insert(method.to_owned(), handler);
    }

    /// Declares `capabilities` (an object; anything else is ignored) as given, by key.
    pub(crate) fn declare(&mut self, capabilities: Value) {
        if let Value::Object(caps) = capabilities {
            self.declared.extend(caps);
        }
    }

    /// Declares roots, answering `roots/list` with them.
    pub(crate) fn set_roots(&mut self, roots: Vec<Value>) {
        self.roots = Some(Mutex::new(roots));
    }

    /// Replaces the roots; false when the client declared none.
    pub(crate) fn replace_roots(&self, roots: Vec<Value>) -> bool {
        match &self.roots {
            Some(kept) => {
                *lock(kept) = roots;
                true
            }
            None => false,
        }
    }

    /// The answer to the server's `method` request.
    pub(crate) fn answer(&self, method: &str, params: Value) -> BoxFuture<'static, Result<Value, ProtocolError>> {
        if let Some(handler) = self.handlers.get(method) {
            if method != Method::ElicitationCreate.as_str() {
                return handler(params);
            }
            let defaults = schema_defaults(&params);
            let answer = handler(params);
            return Box::pin(async move { answer.await.map(|result| with_defaults(result, defaults)) });
        }
        let answer = match (Method::from_wire(method), &self.roots) {
            (Some(Method::Ping), _) => Ok(json!({})),
            (Some(Method::RootsList), Some(roots)) => Ok(json!({ "roots": lock(roots).clone() })),
            _ => Err(ProtocolError::method_not_found(method)),
        };
        Box::pin(std::future::ready(answer))
    }

    /// The capabilities the client declares: what it has handlers for.
    pub(crate) fn capabilities(&self) -> Value {
        let mut caps = Map::new();
        if self.handlers.contains_key(Method::SamplingCreateMessage.as_str()) {
            caps.insert("sampling".into(), json!({}));
        }
        if self.handlers.contains_key(Method::ElicitationCreate.as_str()) {
            caps.insert("elicitation".into(), json!({ "form": {}, "url": {} }));
        }
        if self.roots.is_some() {
            caps.insert("roots".into(), json!({ "listChanged": true }));
        }
        caps.extend(self.declared.clone());
        Value::Object(caps)
    }
}

/// The `default` of each property of an elicitation's `requestedSchema` that has one.
fn schema_defaults(params: &Value) -> Map<String, Value> {
    let properties = params.pointer("/requestedSchema/properties").and_then(Value::as_object);
    properties
        .into_iter()
        .flatten()
        .filter_map(|(name, schema)| Some((name.clone(), schema.get("default")?.clone())))
        .collect()
}

/// An accepted elicitation's `content` with the schema's default put in for each field the
/// handler left out (a field it gave, even `null`, is kept).
fn with_defaults(mut result: Value, defaults: Map<String, Value>) -> Value {
    if defaults.is_empty() || result.get("action").and_then(Value::as_str) != Some("accept") {
        return result;
    }
    if !result.get("content").is_some_and(Value::is_object) {
        result["content"] = json!({});
    }
    if let Some(content) = result.get_mut("content").and_then(Value::as_object_mut) {
        for (name, default) in defaults {
            content.entry(name).or_insert(default);
        }
    }
    result
}

/// The answers to a 2026-07-28 `input_required` result's `inputRequests`, by key; the
/// first refusal ends them all.
pub(crate) async fn answer_inputs(
    answers: &Answers,
    asks: Map<String, Value>,
) -> Result<Map<String, Value>, ProtocolError> {
    let mut out = Map::new();
    for (key, ask) in asks {
        let method = ask.get("method").and_then(Value::as_str).unwrap_or_default();
        let params = ask.get("params").cloned().unwrap_or(Value::Null);
        out.insert(key, answers.answer(method, params).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::Answers;

    #[tokio::test]
    async fn an_accepted_form_gets_the_schema_defaults_for_the_fields_left_out() {
        let mut answers = Answers::default();
        answers.handle(
            "elicitation/create",
            Arc::new(|_| {
                Box::pin(async { Ok(json!({ "action": "accept", "content": { "name": "Ada", "age": null } })) })
            }),
        );
        let schema = json!({ "type": "object", "properties": {
            "name": { "type": "string", "default": "John" },
            "age": { "type": "integer", "default": 30 },
            "score": { "type": "number", "default": 95.5 },
            "verified": { "type": "boolean", "default": true },
            "note": { "type": "string" } } });
        let params = json!({ "message": "m", "requestedSchema": schema });
        let answer = answers.answer("elicitation/create", params).await.expect("answered");
        assert_eq!(answer["content"], json!({ "name": "Ada", "age": null, "score": 95.5, "verified": true }));
    }

    #[tokio::test]
    async fn a_declined_form_gets_no_defaults() {
        let mut answers = Answers::default();
        answers.handle("elicitation/create", Arc::new(|_| Box::pin(async { Ok(json!({ "action": "decline" })) })));
        let params = json!({ "requestedSchema": { "properties": { "name": { "default": "John" } } } });
        let answer = answers.answer("elicitation/create", params).await.expect("answered");
        assert_eq!(answer, json!({ "action": "decline" }));
    }
}

//! What the client answers when the server asks: the handlers the application registers
//! for sampling, elicitation (form and URL) and any other server->client request, the
//! client's roots (answered from the list the application keeps current), `ping`, and
//! -32601 for anything with no handler. The same handlers answer a 2026-07-28 server's
//! `inputRequests`. The registered handlers also decide the capabilities the client declares.

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
            return handler(params);
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

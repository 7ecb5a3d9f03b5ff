//! The initialize hook: the one callback an application sets to see each client's
//! `initialize` request and decide the answer to it, on every transport (stdio, Streamable
//! HTTP with or without sessions, HTTP+SSE, WebSocket, in-memory, linked).
//!
//! The engine negotiates the handshake as usual and hands the hook the client's `params`
//! with the answer it would send ([`Handshake::answer`]: `protocolVersion`, `capabilities`,
//! `serverInfo`, `instructions`). What the hook returns is the client's answer, as it is: it
//! may keep the engine's answer, change members of it or make its own. The session is then
//! served at the `protocolVersion` the answer names when it is a handshake version the
//! server serves, else at the one the engine negotiated (a client that cannot speak the
//! answered version disconnects). An error the hook returns is the client's answer instead
//! (a JSON-RPC error), and no session is opened. The answer must be a JSON object; anything
//! else is refused with an internal error.
//!
//! What the answer advertises is the client's to read: the engine serves the methods of
//! what is registered either way (an application that answers without `tools` but registers
//! tools still has them served). A repeated `initialize` on a session is shown to the hook
//! too; the session keeps its version. The hook runs before any other message of its
//! connection is read, so requests after the handshake see the session it opened.

use std::future::Future;

use serde_json::{Map, Value};

use crate::auth::AuthInfo;
use crate::error::ProtocolError;
use crate::sync::BoxFuture;

/// One `initialize` request as the hook sees it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Handshake {
    /// The request's `params` as the client sent them (`protocolVersion`, `capabilities`,
    /// `clientInfo`, ...); an empty object when it sent none.
    pub params: Map<String, Value>,
    /// The answer the engine would send.
    pub answer: Value,
    /// The verified caller (HTTP bearer authorization), when there is one.
    pub auth: Option<AuthInfo>,
    /// True for an `initialize` sent again on an initialized session.
    pub repeated: bool,
}

impl Handshake {
    /// The JSON form the bindings hand their language's hook: `{ "params", "answer",
    /// "repeated", "authInfo"? }` (`authInfo` absent without a grant).
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("params".to_owned(), Value::Object(self.params.clone()));
        out.insert("answer".to_owned(), self.answer.clone());
        out.insert("repeated".to_owned(), Value::Bool(self.repeated));
        if let Some(a) = &self.auth {
            out.insert("authInfo".to_owned(), serde_json::to_value(a).unwrap_or(Value::Null));
        }
        Value::Object(out)
    }
}

/// Decides the answer to each client's `initialize` (see the module documentation).
/// Closures `|handshake| async move { ... }` implement it.
pub trait InitializeHook: Send + Sync + 'static {
    /// The answer to `handshake`: a result object, or a JSON-RPC error.
    fn initialize(&self, handshake: Handshake) -> BoxFuture<'static, Result<Value, ProtocolError>>;
}

impl<F, Fut> InitializeHook for F
where
    F: Fn(Handshake) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, ProtocolError>> + Send + 'static,
{
    fn initialize(&self, handshake: Handshake) -> BoxFuture<'static, Result<Value, ProtocolError>> {
        Box::pin(self(handshake))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_json_form_names_every_member_and_leaves_out_a_missing_grant() {
        let mut handshake = Handshake {
            params: json!({ "protocolVersion": "2025-11-25" }).as_object().cloned().unwrap_or_default(),
            answer: json!({ "protocolVersion": "2025-11-25" }),
            auth: None,
            repeated: false,
        };
        assert_eq!(
            handshake.to_json(),
            json!({ "params": { "protocolVersion": "2025-11-25" }, "answer": { "protocolVersion": "2025-11-25" }, "repeated": false })
        );
        handshake.auth = Some(AuthInfo::new("alice", ["a"]));
        assert_eq!(handshake.to_json()["authInfo"]["subject"], json!("alice"));
    }
}

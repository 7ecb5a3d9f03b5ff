//! JSON-RPC request ids: a string or an integer, never null, kept in the type the peer used.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A JSON-RPC request id. The engine echoes it back with the same JSON type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    /// An integer id.
    Number(i64),
    /// A string id.
    String(Arc<str>),
}

impl RequestId {
    /// Reads an id from JSON: a string or an integer. Null, fractions, booleans and other
    /// types are not ids.
    pub fn from_value(v: &Value) -> Option<RequestId> {
        match v {
            Value::String(s) => Some(RequestId::String(Arc::from(s.as_str()))),
            Value::Number(n) => n.as_i64().map(RequestId::Number).or_else(|| {
                // Accept integral floats such as 7.0, which some encoders produce.
                n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| RequestId::Number(f as i64))
            }),
            _ => None,
        }
    }

    /// The id as JSON.
    pub fn to_value(&self) -> Value {
        match self {
            RequestId::Number(n) => Value::from(*n),
            RequestId::String(s) => Value::from(s.as_ref()),
        }
    }

    /// Appends the id's JSON encoding to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            RequestId::Number(n) => {
                use std::io::Write as _;
                let _ = write!(out, "{n}");
            }
            RequestId::String(s) => {
                // Serializing a &str into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *out, s.as_ref());
            }
        }
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<i64> for RequestId {
    fn from(n: i64) -> Self {
        RequestId::Number(n)
    }
}

impl From<&str> for RequestId {
    fn from(s: &str) -> Self {
        RequestId::String(Arc::from(s))
    }
}

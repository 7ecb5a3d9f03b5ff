//! The JSON-RPC envelope: classifying an incoming message's members (read by envelope.rs,
//! or taken out of a JSON value) as request, notification or response (-32600 for anything
//! else), and encoding outgoing messages as compact bytes.

use serde_json::{Map, Value};

use super::envelope::Members;
use super::id::RequestId;
use crate::error::ProtocolError;

/// A request from the peer.
#[derive(Debug, Clone)]
pub struct IncomingRequest {
    /// The request id.
    pub id: RequestId,
    /// The method name.
    pub method: String,
    /// The params object (`None` when absent or null).
    pub params: Option<Map<String, Value>>,
}

/// One classified JSON-RPC message.
#[derive(Debug, Clone)]
pub enum Incoming {
    /// A request (has an id and a method).
    Request(IncomingRequest),
    /// A notification (a method, no id).
    Notification {
        /// The method name.
        method: String,
        /// The params object.
        params: Option<Map<String, Value>>,
    },
    /// A response to a request the server sent.
    Response {
        /// The id of the server's request.
        id: RequestId,
        /// The result, or the error the peer reported.
        result: Result<Value, ProtocolError>,
    },
}

/// Why a JSON value is not a valid message; carries the id when it could be read so the
/// error response can echo it.
#[derive(Debug, Clone)]
pub struct EnvelopeError {
    /// The request id, if one could be read.
    pub id: Option<RequestId>,
    /// The error to send.
    pub error: ProtocolError,
}

impl Incoming {
    /// Classifies one JSON value (not an array: batches are split by the caller).
    pub fn from_value(value: Value) -> Result<Incoming, EnvelopeError> {
        let Value::Object(obj) = value else {
            return Err(EnvelopeError::not_object());
        };
        Incoming::from_members(Members::from_map(obj))
    }

    /// Classifies the members of one message object.
    pub fn from_members(m: Members) -> Result<Incoming, EnvelopeError> {
        let Members { jsonrpc, id: id_value, method, params, result, error } = m;
        let id = id_value.as_ref().and_then(RequestId::from_value);
        let fail = |id: Option<RequestId>, msg: &str| EnvelopeError { id, error: ProtocolError::invalid_request(msg) };
        match jsonrpc {
            Some(Value::String(v)) if v == "2.0" => {}
            _ => return Err(fail(id, "\"jsonrpc\" must be \"2.0\"")),
        }
        if let Some(method) = method {
            let Value::String(method) = method else {
                return Err(fail(id, "\"method\" must be a string"));
            };
            let params = match params {
                None | Some(Value::Null) => None,
                Some(Value::Object(p)) => Some(p),
                // A notification is never answered, even for invalid params: its (by-position)
                // params, which MCP does not use, are dropped.
                Some(Value::Array(_)) if id_value.is_none() => None,
                Some(Value::Array(_)) => {
                    return Err(EnvelopeError { id, error: ProtocolError::invalid_params("params must be an object") });
                }
                Some(_) => return Err(fail(id, "\"params\" must be an object")),
            };
            return match (id_value, id) {
                (None, _) => Ok(Incoming::Notification { method, params }),
                (Some(_), Some(id)) => Ok(Incoming::Request(IncomingRequest { id, method, params })),
                (Some(_), None) => Err(fail(None, "\"id\" must be a string or an integer")),
            };
        }
        let Some(id) = id else {
            return Err(fail(None, "a message needs a \"method\", or an \"id\" with a result"));
        };
        match (result, error) {
            (Some(result), None) => Ok(Incoming::Response { id, result: Ok(result) }),
            (None, Some(error)) => match serde_json::from_value::<ProtocolError>(error) {
                Ok(e) => Ok(Incoming::Response { id, result: Err(e) }),
                Err(_) => Err(fail(Some(id), "malformed \"error\" object")),
            },
            _ => Err(fail(Some(id), "a response needs exactly one of \"result\" and \"error\"")),
        }
    }
}

impl EnvelopeError {
    /// The refusal of a JSON value that is not an object (nor a batch, where one is taken).
    pub fn not_object() -> EnvelopeError {
        EnvelopeError { id: None, error: ProtocolError::invalid_request("a message must be a JSON object") }
    }
}

/// Encoders for outgoing messages: compact JSON, no trailing newline (the framing adds it).
pub mod encode {
    use serde::Serialize;
    use serde_json::Value;

    use super::RequestId;
    use crate::error::ProtocolError;

    const HEAD: &[u8] = br#"{"jsonrpc":"2.0","#;

    /// `{"jsonrpc":"2.0","id":ID,"result":RESULT}` where `result` is already-serialized JSON.
    pub fn response_raw(id: &RequestId, result: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(result.len() + 40);
        out.extend_from_slice(HEAD);
        out.extend_from_slice(br#""id":"#);
        id.write_json(&mut out);
        out.extend_from_slice(br#","result":"#);
        out.extend_from_slice(result);
        out.push(b'}');
        out
    }

    /// An error response. `id: None` omits the id (it could not be read); `null_id` writes
    /// `"id":null` instead, for peers on versions whose schema requires the member.
    pub fn error(id: Option<&RequestId>, error: &ProtocolError, null_id: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(96 + error.message.len());
        out.extend_from_slice(HEAD);
        match id {
            Some(id) => {
                out.extend_from_slice(br#""id":"#);
                id.write_json(&mut out);
                out.push(b',');
            }
            None if null_id => out.extend_from_slice(br#""id":null,"#),
            None => {}
        }
        out.extend_from_slice(br#""error":"#);
        // Serializing plain data into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, error);
        out.push(b'}');
        out
    }

    /// A notification without params: what the official SDKs send when it has nothing to
    /// say but its method (a `list_changed`).
    pub fn bare_notification(method: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(HEAD);
        out.extend_from_slice(br#""method":"#);
        let _ = serde_json::to_writer(&mut out, method);
        out.push(b'}');
        out
    }

    /// A notification.
    pub fn notification(method: &str, params: &impl Serialize) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(HEAD);
        out.extend_from_slice(br#""method":"#);
        let _ = serde_json::to_writer(&mut out, method);
        out.extend_from_slice(br#","params":"#);
        let _ = serde_json::to_writer(&mut out, params);
        out.push(b'}');
        out
    }

    /// A request (server to client).
    pub fn request(id: &RequestId, method: &str, params: &Value) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(HEAD);
        out.extend_from_slice(br#""id":"#);
        id.write_json(&mut out);
        out.extend_from_slice(br#","method":"#);
        let _ = serde_json::to_writer(&mut out, method);
        if !params.is_null() {
            out.extend_from_slice(br#","params":"#);
            let _ = serde_json::to_writer(&mut out, params);
        }
        out.push(b'}');
        out
    }
}

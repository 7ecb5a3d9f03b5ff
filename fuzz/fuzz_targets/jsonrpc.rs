//! JSON-RPC classification of one line (`Incoming::from_value`, batches split as the
//! connection splits them): a message is a request, notification or response only when its
//! members say so; what the server would encode for it (the request re-encoded, a response
//! to it, an error naming its id) is valid JSON that classifies back to the same id, method
//! and error code. A line that is JSON is read the same straight from its bytes
//! (`envelope::read`, what byte-stream transports use) as through a `serde_json::Value`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpforge::error::{ProtocolError, codes};
use mcpforge::jsonrpc::envelope::{self, Received};
use mcpforge::jsonrpc::message::EnvelopeError;
use mcpforge::jsonrpc::{Incoming, RequestId, encode};
use mcpforge_fuzz::same_json;
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    let direct = envelope::read(data);
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    same_top_level(direct.expect("a line that is JSON is read straight from its bytes"), &value);
    match value {
        Value::Array(items) => items.into_iter().for_each(check),
        v => check(v),
    }
});

/// The top level read straight from the bytes is the one read through a `Value`: the same
/// batch items, or the same classification of the one message.
fn same_top_level(direct: Received, value: &Value) {
    match (direct, value) {
        (Received::Batch(items), Value::Array(expected)) => assert_eq!(&items, expected),
        (Received::One(members), Value::Object(_)) => {
            let direct = format!("{:?}", Incoming::from_members(members));
            assert_eq!(direct, format!("{:?}", Incoming::from_value(value.clone())));
        }
        (Received::NotObject, v) => assert!(!v.is_object() && !v.is_array(), "{v} read as no object"),
        (other, v) => panic!("{v} read as {other:?}"),
    }
}

/// Reads encoded bytes back as one message.
fn reread(bytes: &[u8]) -> Result<Incoming, EnvelopeError> {
    Incoming::from_value(serde_json::from_slice(bytes).expect("the server encodes valid JSON"))
}

fn check(value: Value) {
    let obj = value.as_object().cloned().unwrap_or_default();
    let id = obj.get("id").and_then(RequestId::from_value);
    match Incoming::from_value(value.clone()) {
        Ok(Incoming::Request(req)) => {
            assert_eq!(obj.get("jsonrpc"), Some(&json!("2.0")));
            assert_eq!(obj.get("method").and_then(Value::as_str), Some(req.method.as_str()));
            assert_eq!(id.as_ref(), Some(&req.id));
            let params = req.params.clone().map_or(Value::Null, Value::Object);
            let Ok(Incoming::Request(again)) = reread(&encode::request(&req.id, &req.method, &params)) else {
                panic!("a re-encoded request is a request");
            };
            assert_eq!((&again.id, &again.method), (&req.id, &req.method));
            assert!(same_json(&again.params.map_or(Value::Null, Value::Object), &params));
            let Ok(Incoming::Response { id, result: Ok(result) }) = reread(&encode::response_raw(&req.id, b"{}"))
            else {
                panic!("a response is a response");
            };
            assert_eq!((id, result), (req.id, json!({})));
        }
        Ok(Incoming::Notification { method, params }) => {
            assert!(!obj.contains_key("id"));
            assert_eq!(obj.get("method").and_then(Value::as_str), Some(method.as_str()));
            let Ok(Incoming::Notification { method: again, .. }) = reread(&encode::notification(&method, &params))
            else {
                panic!("a re-encoded notification is a notification");
            };
            assert_eq!(again, method);
        }
        Ok(Incoming::Response { id: rid, result }) => {
            assert!(!obj.contains_key("method"));
            assert_eq!(id, Some(rid));
            assert_ne!(obj.contains_key("result"), obj.contains_key("error"));
            assert_eq!(result.is_ok(), obj.contains_key("result"));
        }
        Err(EnvelopeError { id: eid, error }) => {
            assert!(error.code == codes::INVALID_REQUEST || error.code == codes::INVALID_PARAMS, "{error:?}");
            if eid.is_some() {
                assert_eq!(eid, id);
            }
            for null_id in [false, true] {
                match (reread(&encode::error(eid.as_ref(), &error, null_id)), &eid) {
                    (Ok(Incoming::Response { id, result: Err(ProtocolError { code, .. }) }), Some(eid)) => {
                        assert_eq!((&id, code), (eid, error.code));
                    }
                    // Without an id, an error is no message the server could receive.
                    (Err(_), None) => {}
                    (other, _) => panic!("an encoded error reads back as {other:?}"),
                }
            }
        }
    }
}

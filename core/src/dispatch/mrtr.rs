//! Multi round-trip requests on the 2026-07-28 wire: reading a retry's `inputResponses`
//! and sealed `requestState`, and building the `input_required` result when a handler
//! stopped at an unanswered ask.

use serde_json::{Map, Value, json};

use crate::context::InputState;
use crate::error::ProtocolError;
use crate::protocol::params::InputParams;
use crate::seal::{Sealer, digest};
use crate::sync::lock;

/// Reads the client's answers for this round from `input` (taken from the params). `bind`
/// are the request values the state is bound to (tool name + arguments, prompt name +
/// arguments, or the resource URI): a state minted for another request, altered, or expired
/// is -32602. `subject` is the authenticated caller (HTTP bearer authorization): a state
/// minted for another subject is refused too.
pub(crate) fn read_input(
    sealer: &Sealer,
    method: &str,
    bind: &[&Value],
    subject: Option<&str>,
    mut input: InputParams,
) -> Result<InputState, ProtocolError> {
    let Some(state) = input.request_state()? else { return Ok(InputState::new(input.responses, None)) };
    let responses = input.responses;
    let payload =
        sealer.open(&state).map_err(|e| ProtocolError::invalid_params(format!("invalid requestState: {e}")))?;
    if payload.get("m").and_then(Value::as_str) != Some(method)
        || payload.get("d").and_then(Value::as_str) != Some(digest(bind).as_str())
        || payload.get("u").and_then(Value::as_str) != subject
    {
        return Err(ProtocolError::invalid_params("invalid requestState: it belongs to a different request"));
    }
    let mut answers = payload.get("a").and_then(Value::as_object).cloned().unwrap_or_default();
    // Only answers to what was asked in the previous round are taken; extra keys are ignored.
    if let Some(Value::Array(pending)) = payload.get("p") {
        let mut responses = responses;
        for key in pending.iter().filter_map(Value::as_str) {
            if let Some(v) = responses.remove(key) {
                answers.insert(key.to_owned(), v);
            }
        }
    }
    let app_state = payload.get("s").filter(|s| !s.is_null()).cloned();
    Ok(InputState::new(answers, app_state))
}

/// Builds the `input_required` result for the asks a handler could not answer; the state is
/// bound to the request (`method`, `bind`) and to the authenticated `subject`, if any.
pub(crate) fn input_required(
    sealer: &Sealer,
    method: &str,
    bind: &[&Value],
    subject: Option<&str>,
    input: &InputState,
) -> Value {
    let pending = std::mem::take(&mut *lock(&input.pending));
    let next_state = lock(&input.next_state).take();
    let mut requests = Map::new();
    let mut keys = Vec::with_capacity(pending.len());
    for (key, req) in pending {
        requests.insert(key.clone(), json!({ "method": req.method(), "params": req.params() }));
        keys.push(Value::String(key));
    }
    let mut payload = json!({
        "m": method,
        "d": digest(bind),
        "a": input.answers,
        "p": keys,
        "s": next_state,
    });
    if let Some(u) = subject {
        payload["u"] = json!(u);
    }
    let state = sealer.seal(&payload);
    let mut result = json!({ "resultType": "input_required", "requestState": state });
    if !requests.is_empty() {
        result["inputRequests"] = Value::Object(requests);
    }
    result
}

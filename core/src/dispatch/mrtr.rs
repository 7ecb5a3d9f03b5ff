//! Multi round-trip requests on the 2026-07-28 wire: reading a retry's `inputResponses`
//! and sealed `requestState`, and building the `input_required` result when a handler
//! stopped at an unanswered ask.

use serde_json::{Map, Value, json};

use crate::context::InputState;
use crate::error::{ProtocolError, codes};
use crate::protocol::params::InputParams;
use crate::seal::{Sealer, digest};
use crate::seal_official::{Binding, OfficialCodec};
use crate::sync::lock;

/// The request `bind` names, as the official format binds it: the target (tool or prompt
/// name, resource URI) and the arguments (`{}` for a resource).
fn official_binding<'a>(method: &'a str, bind: &[&'a Value], subject: Option<&'a str>) -> Binding<'a> {
    static EMPTY: Value = Value::Null;
    Binding {
        method,
        target: bind.first().and_then(|v| v.as_str()).unwrap_or(""),
        arguments: bind.get(1).copied().unwrap_or(&EMPTY),
        subject,
    }
}

/// `read_input` for state in the official format: the handler's state is the envelope's
/// state text, and the engine's own answers and open keys ride beside it.
fn read_official(
    codec: &OfficialCodec,
    method: &str,
    bind: &[&Value],
    subject: Option<&str>,
    state: &str,
    responses: Map<String, Value>,
) -> Result<InputState, ProtocolError> {
    let (text, mut extra) = codec.open(&official_binding(method, bind, subject), state).map_err(|reason| {
        tracing::warn!(method, reason, "requestState rejected");
        // The official SDKs' frozen wording: the reason goes to the log only.
        ProtocolError::new(codes::INVALID_PARAMS, "Invalid or expired requestState")
            .with_data(json!({ "reason": "invalid_request_state" }))
    })?;
    let app_state = match extra.get_mut("s") {
        Some(v) => Some(v.take()).filter(|v| !v.is_null()),
        None => Some(Value::String(text)),
    };
    if extra.is_null() {
        // Minted by an official server: its handler reads the answers, every one of them.
        return Ok(InputState::new(responses, app_state));
    }
    let payload = json!({ "a": extra.get_mut("a").map(Value::take), "p": extra.get_mut("p").map(Value::take) });
    Ok(InputState::new(answers_of(&payload, responses), app_state))
}

/// The answers of a round: those the state carries, and the client's answers to what was
/// asked in the previous round (extra keys are ignored).
fn answers_of(payload: &Value, responses: Map<String, Value>) -> Map<String, Value> {
    let mut answers = payload.get("a").and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(Value::Array(pending)) = payload.get("p") {
        let mut responses = responses;
        for key in pending.iter().filter_map(Value::as_str) {
            if let Some(v) = responses.remove(key) {
                answers.insert(key.to_owned(), v);
            }
        }
    }
    answers
}

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
    if let Some(codec) = sealer.official() {
        return read_official(codec, method, bind, subject, &state, responses);
    }
    let payload =
        sealer.open(&state).map_err(|e| ProtocolError::invalid_params(format!("invalid requestState: {e}")))?;
    if payload.get("m").and_then(Value::as_str) != Some(method)
        || payload.get("d").and_then(Value::as_str) != Some(digest(bind).as_str())
        || payload.get("u").and_then(Value::as_str) != subject
    {
        return Err(ProtocolError::invalid_params("invalid requestState: it belongs to a different request"));
    }
    let answers = answers_of(&payload, responses);
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
    let state = match sealer.official() {
        Some(codec) => {
            // The handler's state text is the envelope's; anything else rides with the engine's part.
            let (text, own) = match next_state {
                Some(Value::String(text)) => (text, None),
                other => (String::new(), Some(other.unwrap_or(Value::Null))),
            };
            let mut extra = json!({ "a": input.answers, "p": keys });
            if let Some(own) = own {
                extra["s"] = own;
            }
            codec.seal(&official_binding(method, bind, subject), &text, extra, sealer.ttl().as_secs_f64())
        }
        None => seal_native(sealer, method, bind, subject, &input.answers, keys, next_state),
    };
    let mut result = json!({ "resultType": "input_required", "requestState": state });
    if !requests.is_empty() {
        result["inputRequests"] = Value::Object(requests);
    }
    result
}

/// The engine's own format of the state (`Sealer::seal`).
fn seal_native(
    sealer: &Sealer,
    method: &str,
    bind: &[&Value],
    subject: Option<&str>,
    answers: &Map<String, Value>,
    keys: Vec<Value>,
    next_state: Option<Value>,
) -> String {
    let mut payload = json!({
        "m": method,
        "d": digest(bind),
        "a": answers,
        "p": keys,
        "s": next_state,
    });
    if let Some(u) = subject {
        payload["u"] = json!(u);
    }
    sealer.seal(&payload)
}

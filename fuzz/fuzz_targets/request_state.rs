//! Sealed `requestState` (`seal::Sealer` and the multi round-trip reading of a retry): the
//! input is the payload (JSON, or else a string). A sealed payload opens to itself; changing
//! any one character of the sealed string, or cutting it short, makes it fail its integrity
//! check; the input itself never opens. A state minted for a request reads back its answers
//! and application state for that request only (not for another method, other arguments or
//! another subject), and the input read as a retry's params never gets past the seal.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mcpforge::fuzzing::{input_required, read_request_state};
use mcpforge::seal::{SealError, Sealer};
use mcpforge_fuzz::same_json;
use serde_json::{Map, Value, json};

fuzz_target!(|data: &[u8]| {
    let sealer = Sealer::with_key(b"fuzz", Duration::from_secs(3600));
    let text = String::from_utf8_lossy(data);
    let payload = serde_json::from_slice(data).unwrap_or_else(|_| Value::String(text.to_string()));

    assert_eq!(sealer.open(&text), Err(SealError::Tampered));
    let sealed = sealer.seal(&payload);
    assert!(same_json(&sealer.open(&sealed).expect("a sealed payload opens"), &payload));
    // Mutations chosen by the input: each byte picks a position and a replacement.
    for pair in data.chunks(2).take(16) {
        let at = usize::from(pair[0]) * sealed.len() / 256;
        let by = char::from(b' ' + pair.get(1).copied().unwrap_or(0) % 95);
        let mut changed: Vec<char> = sealed.chars().collect();
        if changed[at] == by {
            continue;
        }
        changed[at] = by;
        let changed: String = changed.into_iter().collect();
        assert_eq!(sealer.open(&changed), Err(SealError::Tampered), "{sealed} -> {changed}");
        assert_eq!(sealer.open(&sealed[..at]), Err(SealError::Tampered));
    }

    // The multi round-trip state bound to one request.
    let answers: Map<String, Value> = [("k".to_owned(), payload.clone())].into_iter().collect();
    let name = json!("tool");
    let minted =
        input_required(&sealer, "tools/call", &[&name, &payload], Some("alice"), answers.clone(), Some(json!(1)));
    let state = minted["requestState"].clone();
    let retry = |method: &str, args: &Value, subject: Option<&str>| {
        let mut params = Map::new();
        params.insert("requestState".into(), state.clone());
        read_request_state(&sealer, method, &[&name, args], subject, &mut params)
    };
    let (got, app_state) = retry("tools/call", &payload, Some("alice")).expect("the state reads back");
    assert!(same_json(&Value::Object(got), &Value::Object(answers)));
    assert_eq!(app_state, Some(json!(1)));
    assert!(retry("prompts/get", &payload, Some("alice")).is_err());
    assert!(retry("tools/call", &payload, None).is_err());
    assert!(retry("tools/call", &payload, Some("bob")).is_err());
    assert!(retry("tools/call", &json!([payload]), Some("alice")).is_err());

    if let Value::Object(mut params) = payload {
        let has_state = params.get("requestState").is_some_and(|s| !s.is_null());
        let read = read_request_state(&sealer, "tools/call", &[&name], None, &mut params);
        assert_eq!(read.is_ok(), !has_state);
    }
});

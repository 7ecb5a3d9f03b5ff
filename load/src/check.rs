//! Checking one incoming message: is it the answer to a call, and is the answer right?
//!
//! Every answer is checked, so this is on the hot path: the message is deserialized into
//! borrowed structs that skip everything the check does not look at.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

/// Why a call failed. The string form is the key of the error counts in the report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorKind {
    /// A JSON-RPC error response with this code.
    JsonRpc(i64),
    /// A result with `isError: true`.
    Tool,
    /// A result whose first text block is not the expected text.
    WrongContent,
    /// A result without a text content block where one was expected, or a reply with
    /// neither `result` nor `error`.
    NoResult,
    /// An HTTP status other than 200.
    Http(u16),
    /// An HTTP response that held no answer to the request (e.g. an SSE stream without it).
    NoReply,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::JsonRpc(code) => write!(f, "jsonrpc_error({code})"),
            ErrorKind::Tool => f.write_str("tool_error"),
            ErrorKind::WrongContent => f.write_str("wrong_content"),
            ErrorKind::NoResult => f.write_str("no_result"),
            ErrorKind::Http(status) => write!(f, "http_{status}"),
            ErrorKind::NoReply => f.write_str("no_reply"),
        }
    }
}

/// A failed call: its kind and a short description of what came back.
#[derive(Clone, Debug)]
pub struct CallError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// At most a few hundred characters of what the server said.
    pub detail: String,
}

/// What one incoming line or SSE event is.
#[derive(Debug)]
pub enum Message {
    /// A response to the request with this numeric id (`None` when the id is missing,
    /// `null`, or not a number we could have sent), and whether it passed the checks.
    Reply(Option<u64>, Result<(), CallError>),
    /// A notification (progress, log), which the tool skips.
    Notification,
    /// A request from the server (legacy servers may send `ping`); skipped.
    ServerRequest,
}

/// The envelope of any JSON-RPC message, borrowing from the input.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(default)]
    method: Option<IgnoredAny>,
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<RpcError<'a>>,
}

/// A JSON-RPC error object.
#[derive(Deserialize)]
struct RpcError<'a> {
    #[serde(default)]
    code: i64,
    #[serde(borrow, default)]
    message: Cow<'a, str>,
}

/// The parts of a `CallToolResult` the check reads.
#[derive(Deserialize)]
struct ToolResult<'a> {
    #[serde(borrow, default)]
    content: Vec<Block<'a>>,
    #[serde(rename = "isError", default)]
    is_error: bool,
}

/// One content block; only text blocks are compared.
#[derive(Deserialize)]
struct Block<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
}

/// Classifies one message and, for a reply, checks it: no error, a result, not `isError`,
/// and, when `expect` is given, a first content block with exactly that text. `Err` is a
/// message that is not JSON-RPC at all.
pub fn classify(bytes: &[u8], expect: Option<&str>) -> Result<Message, String> {
    let envelope: Envelope<'_> =
        serde_json::from_slice(bytes).map_err(|e| format!("not a JSON-RPC message ({e}): {}", preview(bytes)))?;
    let id = envelope.id.filter(|raw| raw.get() != "null");
    match (envelope.method.is_some(), id) {
        (true, None) => return Ok(Message::Notification),
        (true, Some(_)) => return Ok(Message::ServerRequest),
        (false, _) => {}
    }
    let id = id.and_then(|raw| raw.get().parse::<u64>().ok());
    let outcome = match (envelope.error, envelope.result) {
        (Some(error), _) => Err(CallError { kind: ErrorKind::JsonRpc(error.code), detail: shorten(&error.message) }),
        (None, Some(result)) => check_result(result, expect),
        (None, None) => Err(CallError { kind: ErrorKind::NoResult, detail: preview(bytes) }),
    };
    Ok(Message::Reply(id, outcome))
}

/// Checks a `tools/call` result.
fn check_result(raw: &RawValue, expect: Option<&str>) -> Result<(), CallError> {
    let result: ToolResult<'_> = serde_json::from_str(raw.get()).map_err(|e| CallError {
        kind: ErrorKind::NoResult,
        detail: format!("not a tool result ({e}): {}", shorten(raw.get())),
    })?;
    let text = result.content.first().and_then(|block| block.text.as_deref());
    if result.is_error {
        return Err(CallError { kind: ErrorKind::Tool, detail: shorten(text.unwrap_or(raw.get())) });
    }
    match (expect, text) {
        (None, _) => Ok(()),
        (Some(want), Some(got)) if want == got => Ok(()),
        (Some(want), Some(got)) => Err(CallError {
            kind: ErrorKind::WrongContent,
            detail: format!("expected {:?}, got {:?}", shorten(want), shorten(got)),
        }),
        (Some(_), None) => Err(CallError { kind: ErrorKind::NoResult, detail: shorten(raw.get()) }),
    }
}

/// At most 200 characters of `text`, for messages.
pub fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}... ({} bytes)", &text[..end], text.len()),
        None => text.to_owned(),
    }
}

/// [`shorten`] for bytes that should be UTF-8.
pub fn preview(bytes: &[u8]) -> String {
    shorten(String::from_utf8_lossy(bytes).trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &str, expect: Option<&str>) -> (Option<u64>, Result<(), ErrorKind>) {
        match classify(line.as_bytes(), expect).expect("JSON") {
            Message::Reply(id, outcome) => (id, outcome.map_err(|e| e.kind)),
            other => panic!("not a reply: {other:?}"),
        }
    }

    #[test]
    fn a_matching_echo_passes() {
        let line = r#"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"hi"}],"isError":false}}"#;
        assert_eq!(reply(line, Some("hi")), (Some(7), Ok(())));
        assert_eq!(reply(line, None), (Some(7), Ok(())));
    }

    #[test]
    fn wrong_text_tool_errors_and_protocol_errors_are_told_apart() {
        let wrong = r#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ho"}]}}"#;
        assert_eq!(reply(wrong, Some("hi")), (Some(1), Err(ErrorKind::WrongContent)));
        let tool = r#"{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"boom"}],"isError":true}}"#;
        assert_eq!(reply(tool, None), (Some(2), Err(ErrorKind::Tool)));
        let rpc = r#"{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Unknown tool: nope"}}"#;
        assert_eq!(reply(rpc, None), (Some(3), Err(ErrorKind::JsonRpc(-32602))));
        let empty = r#"{"jsonrpc":"2.0","id":4,"result":{"content":[]}}"#;
        assert_eq!(reply(empty, Some("hi")), (Some(4), Err(ErrorKind::NoResult)));
        assert_eq!(reply(r#"{"jsonrpc":"2.0","id":5}"#, None), (Some(5), Err(ErrorKind::NoResult)));
    }

    #[test]
    fn escaped_text_is_compared_unescaped() {
        let line = r#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"a\"b\n"}]}}"#;
        assert_eq!(reply(line, Some("a\"b\n")), (Some(1), Ok(())));
    }

    #[test]
    fn notifications_requests_and_odd_ids_are_recognized() {
        let note = r#"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":1}}"#;
        assert!(matches!(classify(note.as_bytes(), None), Ok(Message::Notification)));
        let ping = r#"{"jsonrpc":"2.0","id":"s1","method":"ping"}"#;
        assert!(matches!(classify(ping.as_bytes(), None), Ok(Message::ServerRequest)));
        let string_id = r#"{"jsonrpc":"2.0","id":"x","result":{"content":[]}}"#;
        assert_eq!(reply(string_id, None), (None, Ok(())));
        assert!(classify(b"not json", None).is_err());
    }
}

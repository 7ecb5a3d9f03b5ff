//! Server-sent events: encoding one JSON-RPC message per event, priming events (with their
//! retry hints) and keep-alive comments; and the response that streams them, a `text/event-stream` body
//! read from a bounded channel of events ([`sse_channel`](super::sse_channel)).
//!
//! Every encoding function returns the exact bytes to write to a `text/event-stream` body;
//! the caller flushes after each one. Field lines are always written as `name: value` (one
//! space after the colon, which SSE parsers strip), so a value that itself begins with a
//! space survives intact. An event is terminated by a blank line.

use std::borrow::Cow;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;

pub(crate) use super::sse_channel::{Bound, EventReceiver, EventSender, TrySendError, channel};

/// Length of `"data: "` plus the line's terminating `\n`.
const DATA_LINE_OVERHEAD: usize = 7;

/// One event: optional `id:` line, optional `event:` line, one `data:` line per line of `data`
/// (a compact JSON message is one line; a `\n` inside data must still produce valid SSE: split
/// into several `data:` lines, and `\r\n`/`\r` handled too), terminated by a blank line.
///
/// `\r\n`, `\r` and `\n` each count as one line break, as SSE parsers read them, so the client
/// reassembles `data` with every break normalised to `\n`. Empty `data` still produces one
/// (empty) `data:` line, so the event is dispatched. `id` and `event` must not contain CR or LF
/// (and `id` not NUL, which makes clients ignore the field): this is checked with `debug_assert!`
/// and such characters are removed in release builds.
#[must_use]
pub fn event(id: Option<&str>, event: Option<&str>, data: &[u8]) -> Bytes {
    let id = id.map(|id| field_value(id, true));
    let event = event.map(|event| field_value(event, false));
    let capacity = id.as_ref().map_or(0, |id| id.len() + 5)
        + event.as_ref().map_or(0, |event| event.len() + 8)
        + data.len()
        + DATA_LINE_OVERHEAD
        + 1;
    let mut out = Vec::with_capacity(capacity);
    if let Some(id) = &id {
        push_field(&mut out, b"id", id.as_bytes());
    }
    if let Some(event) = &event {
        push_field(&mut out, b"event", event.as_bytes());
    }
    push_data_lines(&mut out, data);
    out.push(b'\n');
    Bytes::from(out)
}

/// A priming event: an `id:` and an empty `data:` line (2025-11-25 resumability), with a
/// reconnection hint `retry: <ms>` between them when `retry_ms` is given.
///
/// Produces `id: <id>\ndata: \n\n` (or `id: <id>\nretry: <ms>\ndata: \n\n`): the client
/// records `<id>` as its last event id and receives an event with empty data, which MCP
/// clients ignore.
#[must_use]
pub fn priming(id: &str, retry_ms: Option<u64>) -> Bytes {
    let bare = event(Some(id), None, b"");
    let Some(ms) = retry_ms else { return bare };
    let at = bare.len() - b"data: \n\n".len();
    [&bare[..at], format!("retry: {ms}\n").as_bytes(), &bare[at..]].concat().into()
}

/// A keep-alive comment `: keepalive\n\n`.
#[must_use]
pub fn keepalive() -> Bytes {
    Bytes::from_static(b": keepalive\n\n")
}

/// When a long-lived stream sends its next keep-alive comment: every `every`, the first one
/// `every` from now; never when `every` is zero (keep-alive off, as the official TypeScript
/// SDK's `keepAliveMs: 0` asks).
pub(crate) struct KeepAlive(Option<tokio::time::Interval>);

impl KeepAlive {
    /// Ticks every `every` (none when zero).
    pub(crate) fn every(every: std::time::Duration) -> KeepAlive {
        KeepAlive((!every.is_zero()).then(|| tokio::time::interval_at(tokio::time::Instant::now() + every, every)))
    }

    /// Ready at the next tick; never ready when keep-alive is off.
    pub(crate) async fn tick(&mut self) {
        match &mut self.0 {
            Some(interval) => {
                interval.tick().await;
            }
            None => std::future::pending().await,
        }
    }
}

/// An SSE response reading events from `events` (see [`sse_channel`](super::sse_channel)
/// for how many may wait in it).
pub(crate) fn response(events: EventReceiver) -> Response {
    let mut r = Response::new(Body::from_stream(events));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    r
}

/// An SSE response carrying `events` (already in memory) and ending.
pub(crate) fn replay(events: Vec<Bytes>) -> Response {
    response(channel(Bound::handoff()).1.after(events))
}

/// An SSE response carrying one message (an event without id, named `message` when `named`)
/// and ending.
pub(crate) fn single(message: &[u8], named: bool) -> Response {
    replay(vec![event(None, named.then_some("message"), message)])
}

/// Checks (debug) and sanitises (release) an `id`/`event` value: CR and LF would end the field
/// line early; for `id` a NUL makes clients drop the field.
fn field_value(value: &str, is_id: bool) -> Cow<'_, str> {
    debug_assert!(
        !value.chars().any(|c| is_forbidden(c, is_id)),
        "SSE {} value contains a forbidden character: {value:?}",
        if is_id { "id" } else { "event" }
    );
    strip_forbidden(value, is_id)
}

/// Removes CR and LF (and NUL when `is_id`) from `value`, borrowing when there is none.
fn strip_forbidden(value: &str, is_id: bool) -> Cow<'_, str> {
    if value.chars().any(|c| is_forbidden(c, is_id)) {
        Cow::Owned(value.chars().filter(|&c| !is_forbidden(c, is_id)).collect())
    } else {
        Cow::Borrowed(value)
    }
}

/// Whether `c` may not appear in a field value.
fn is_forbidden(c: char, is_id: bool) -> bool {
    c == '\r' || c == '\n' || (is_id && c == '\0')
}

/// Appends `name: value\n`.
fn push_field(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.push(b'\n');
}

/// Appends one `data:` line per line of `data`; `\r\n`, `\r` and `\n` are line breaks.
fn push_data_lines(out: &mut Vec<u8>, data: &[u8]) {
    let mut rest = data;
    while let Some(at) = rest.iter().position(|&b| b == b'\r' || b == b'\n') {
        let (line, tail) = rest.split_at(at);
        push_field(out, b"data", line);
        let skip = if tail.starts_with(b"\r\n") { 2 } else { 1 };
        rest = tail.get(skip..).unwrap_or_default();
    }
    push_field(out, b"data", rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_with_id_and_type() {
        assert_eq!(
            &event(Some("3-17"), Some("message"), br#"{"jsonrpc":"2.0","method":"x"}"#)[..],
            b"id: 3-17\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n\n"
        );
    }

    #[test]
    fn event_data_only() {
        assert_eq!(&event(None, None, b"{}")[..], b"data: {}\n\n");
    }

    #[test]
    fn event_type_without_id() {
        assert_eq!(
            &event(None, Some("endpoint"), b"messages?sessionId=ab")[..],
            b"event: endpoint\ndata: messages?sessionId=ab\n\n"
        );
    }

    #[test]
    fn event_empty_data_still_has_data_line() {
        assert_eq!(&event(None, None, b"")[..], b"data: \n\n");
    }

    #[test]
    fn event_multi_line_data() {
        assert_eq!(&event(Some("1-2"), None, b"a\nb\nc")[..], b"id: 1-2\ndata: a\ndata: b\ndata: c\n\n");
    }

    #[test]
    fn event_crlf_and_cr_are_single_breaks() {
        assert_eq!(&event(None, None, b"a\r\nb\rc\nd")[..], b"data: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    #[test]
    fn event_cr_cr_and_lf_cr_are_two_breaks_each() {
        assert_eq!(&event(None, None, b"a\r\rb")[..], b"data: a\ndata: \ndata: b\n\n");
        assert_eq!(&event(None, None, b"a\n\rb")[..], b"data: a\ndata: \ndata: b\n\n");
    }

    #[test]
    fn event_trailing_and_leading_breaks_keep_empty_lines() {
        // A client reassembles "\na\n" from these lines.
        assert_eq!(&event(None, None, b"\na\n")[..], b"data: \ndata: a\ndata: \n\n");
        assert_eq!(&event(None, None, b"\r\n")[..], b"data: \ndata: \n\n");
        assert_eq!(&event(None, None, b"\r")[..], b"data: \ndata: \n\n");
    }

    #[test]
    fn event_leading_space_in_data_is_preserved() {
        // Parsers strip exactly one space after the colon.
        assert_eq!(&event(None, None, b" x")[..], b"data:  x\n\n");
    }

    #[test]
    fn event_non_utf8_data_passes_through() {
        assert_eq!(&event(None, None, &[0xff, 0x00, b'\n', 0xfe])[..], b"data: \xff\x00\ndata: \xfe\n\n");
    }

    #[test]
    fn strip_removes_line_breaks_and_id_nul() {
        assert_eq!(strip_forbidden("a\r\nb\nc\r", false), "abc");
        assert_eq!(strip_forbidden("a\0b", false), "a\0b");
        assert_eq!(strip_forbidden("a\0b\n", true), "ab");
        assert!(matches!(strip_forbidden("3-17", true), Cow::Borrowed("3-17")));
    }

    #[test]
    #[cfg_attr(debug_assertions, should_panic(expected = "forbidden character"))]
    fn event_id_with_newline_is_rejected_or_stripped() {
        assert_eq!(&event(Some("1\n-2"), Some("mes\r\nsage"), b"x")[..], b"id: 1-2\nevent: message\ndata: x\n\n");
    }

    #[test]
    #[cfg_attr(debug_assertions, should_panic(expected = "forbidden character"))]
    fn event_type_with_newline_is_rejected_or_stripped() {
        assert_eq!(&event(None, Some("a\nb"), b"x")[..], b"event: ab\ndata: x\n\n");
    }

    #[test]
    fn priming_bytes() {
        assert_eq!(&priming("4-1", None)[..], b"id: 4-1\ndata: \n\n");
        assert_eq!(&priming("4-1", Some(250))[..], b"id: 4-1\nretry: 250\ndata: \n\n");
    }

    #[tokio::test]
    async fn keepalive_off_never_ticks_and_on_ticks() {
        let mut off = KeepAlive::every(std::time::Duration::ZERO);
        let waited = tokio::time::timeout(std::time::Duration::from_millis(30), off.tick()).await;
        assert!(waited.is_err(), "a zero interval means no keep-alive, not a panic");
        let mut on = KeepAlive::every(std::time::Duration::from_millis(5));
        tokio::time::timeout(std::time::Duration::from_secs(5), on.tick()).await.expect("ticks");
    }

    #[test]
    fn keepalive_bytes() {
        assert_eq!(&keepalive()[..], b": keepalive\n\n");
    }
}

//! What a legacy session's client closing the connection of a request's answer means for
//! the request ([`CancelOnDisconnect`], an HTTP option).

/// When a legacy (2025-03-26 … 2025-11-25) session's request is cancelled because its
/// client closed the connection carrying its answer.
///
/// The specification of those versions says a disconnection SHOULD NOT be taken for a
/// cancellation (clients cancel with `notifications/cancelled`), because a client that lost
/// its connection may resume the answer's SSE stream with `Last-Event-ID`. A client can only
/// resume from an event id it was sent, though: before the answer's stream has carried one
/// (while the answer is still to come as JSON, or is JSON by
/// [`HttpOptions::json_response`](super::HttpOptions::json_response)), nothing can bring the
/// answer to the client any more. The default cancels only then: such an answer is work
/// for nobody (its client can only send the request again), while a stream the client can
/// resume keeps the specification's promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CancelOnDisconnect {
    /// Never: the request runs on until it ends, times out or is cancelled by
    /// `notifications/cancelled` (the specification's words taken literally).
    Never,
    /// When nothing could resume it: the request is cancelled if its client goes away
    /// before the answer's SSE stream carried an event id (a priming event or a message),
    /// and runs on, its events kept for a `Last-Event-ID` resume, once it has.
    #[default]
    Unresumable,
    /// Always, as on the 2026-07-28 wire: the client that goes away cancels the request,
    /// and a later resume replays what the stream sent before it ended.
    Always,
}

//! Limits and timeouts that keep memory and work bounded whatever a client does.

use std::time::Duration;

/// Engine limits. The defaults suit a local server; tighten them for shared deployments.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest accepted message in bytes (a stdio line, an HTTP body). Default 8 MiB.
    pub max_message_size: usize,
    /// Requests a single connection may have in flight; more get an error. Default 1024.
    pub max_in_flight_per_connection: usize,
    /// Requests the whole server may have in flight. Default 8192.
    pub max_in_flight: usize,
    /// A request still running after this is cancelled and answered with an error.
    /// Default 10 minutes; `None` disables it.
    pub request_timeout: Option<Duration>,
    /// How long shutdown waits for in-flight requests before cancelling them. Default 5 s.
    pub shutdown_grace: Duration,
    /// Items per page of `*/list` results. Default 100.
    pub page_size: usize,
    /// Lifetime of a sealed 2026 `requestState`. Default 10 minutes.
    pub request_state_ttl: Duration,
    /// Messages queued for one client (one connection, or one HTTP request's stream) before
    /// the engine stops reading from that client: responses then wait for room, progress and
    /// log notifications are dropped. Default 256; the bytes they may hold are bounded too
    /// ([`Limits::queued_bytes`]).
    pub max_queued_messages: usize,
    /// Unsolicited notifications (list changes, resource updates) kept for a legacy HTTP
    /// session that has no stream open; beyond it the oldest are dropped. Default 64.
    pub max_session_backlog: usize,
}

impl Limits {
    /// Bytes that may wait for one client in a queue of its output (a connection's writer,
    /// an HTTP request's stream, a legacy session's `GET` stream or backlog, a WebSocket),
    /// next to the [`Limits::max_queued_messages`] bound on their number: twice
    /// `max_message_size`, at least 2 MiB (16 MiB by default). One message larger than that
    /// still passes when the queue is empty.
    pub fn queued_bytes(&self) -> usize {
        self.max_message_size.max(1 << 20) * 2
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 8 * 1024 * 1024,
            max_in_flight_per_connection: 1024,
            max_in_flight: 8192,
            request_timeout: Some(Duration::from_secs(600)),
            shutdown_grace: Duration::from_secs(5),
            page_size: 100,
            request_state_ttl: Duration::from_secs(600),
            max_queued_messages: 256,
            max_session_backlog: 64,
        }
    }
}

//! Opt-in request metrics for the HTTP transport, served as Prometheus text at `GET /metrics`:
//! requests by method and outcome, a duration histogram by method, requests in flight, and
//! live sessions.
//!
//! Hand-written on purpose: what is exported is a few counters and one fixed-bucket
//! histogram, which a table of atomics per known method covers with no lock and no
//! allocation on the request path. An exporter crate (`metrics` + its Prometheus exporter)
//! would bring a registry with hashing and label maps, and a dependency tree, for nothing
//! more. Methods outside the known table are counted as `other`, so a client sending
//! arbitrary method names cannot grow the label set.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;

use super::App;

/// Methods with a label of their own; anything else is `other`.
const METHODS: &[&str] = &[
    "initialize",
    "ping",
    "server/discover",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "resources/subscribe",
    "resources/unsubscribe",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
    "subscriptions/listen",
];

/// Upper bounds of the duration buckets, in seconds (`+Inf` is implicit).
const BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0];

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A result (including a tool's `isError` result).
    Ok,
    /// A JSON-RPC error response.
    Error,
    /// Cancelled by the client, or the client went away, before it was answered.
    Cancelled,
}

impl Outcome {
    const ALL: [Outcome; 3] = [Outcome::Ok, Outcome::Error, Outcome::Cancelled];

    fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// One method's counters. Buckets are not cumulative here (one increment per request);
/// they are summed when rendered.
#[derive(Default)]
struct MethodStats {
    outcomes: [AtomicU64; 3],
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

/// The registry of one HTTP listener.
pub(crate) struct Metrics {
    /// Indexed like [`METHODS`], then `other`.
    methods: Box<[MethodStats]>,
    in_flight: AtomicI64,
    /// Bucket bounds in nanoseconds.
    bounds: [u64; BUCKETS.len()],
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            methods: (0..=METHODS.len()).map(|_| MethodStats::default()).collect(),
            in_flight: AtomicI64::new(0),
            bounds: BUCKETS.map(|s| (s * 1e9) as u64),
        }
    }
}

fn method_index(method: &str) -> usize {
    METHODS.iter().position(|m| *m == method).unwrap_or(METHODS.len())
}

fn method_label(index: usize) -> &'static str {
    METHODS.get(index).copied().unwrap_or("other")
}

impl Metrics {
    /// Starts timing a request (and counts it in flight until the timer is settled or dropped).
    pub fn start(self: &Arc<Self>, method: &str) -> Timer {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        Timer { metrics: self.clone(), method: method_index(method), start: Instant::now(), outcome: None }
    }

    fn record(&self, method: usize, outcome: Outcome, elapsed: Duration) {
        let stats = &self.methods[method];
        stats.outcomes[outcome as usize].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        let bucket = self.bounds.iter().position(|b| nanos <= *b).unwrap_or(BUCKETS.len());
        stats.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        stats.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// The Prometheus text exposition (format 0.0.4). Only methods seen so far have series.
    pub fn render(&self, sessions: usize) -> String {
        let mut out = String::with_capacity(4096);
        let seen: Vec<(usize, &MethodStats)> = self
            .methods
            .iter()
            .enumerate()
            .filter(|(_, s)| s.outcomes.iter().any(|c| c.load(Ordering::Relaxed) > 0))
            .collect();
        out.push_str("# HELP mcpforge_requests_total MCP requests served over HTTP, by method and outcome.\n");
        out.push_str("# TYPE mcpforge_requests_total counter\n");
        for (i, s) in &seen {
            for o in Outcome::ALL {
                let n = s.outcomes[o as usize].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "mcpforge_requests_total{{method=\"{}\",outcome=\"{}\"}} {n}",
                    method_label(*i),
                    o.label()
                );
            }
        }
        out.push_str("# HELP mcpforge_request_duration_seconds Time from receiving an MCP request to its outcome.\n");
        out.push_str("# TYPE mcpforge_request_duration_seconds histogram\n");
        for (i, s) in &seen {
            let m = method_label(*i);
            let mut cumulative = 0u64;
            for (b, bound) in BUCKETS.iter().enumerate() {
                cumulative += s.buckets[b].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "mcpforge_request_duration_seconds_bucket{{method=\"{m}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            cumulative += s.buckets[BUCKETS.len()].load(Ordering::Relaxed);
            let _ =
                writeln!(out, "mcpforge_request_duration_seconds_bucket{{method=\"{m}\",le=\"+Inf\"}} {cumulative}");
            let sum = s.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
            let _ = writeln!(out, "mcpforge_request_duration_seconds_sum{{method=\"{m}\"}} {sum}");
            let _ = writeln!(out, "mcpforge_request_duration_seconds_count{{method=\"{m}\"}} {cumulative}");
        }
        out.push_str("# HELP mcpforge_requests_in_flight MCP requests being served over HTTP.\n");
        out.push_str("# TYPE mcpforge_requests_in_flight gauge\n");
        let _ = writeln!(out, "mcpforge_requests_in_flight {}", self.in_flight.load(Ordering::Relaxed).max(0));
        out.push_str("# HELP mcpforge_sessions Live legacy sessions (Streamable HTTP and 2024-11-05 HTTP+SSE).\n");
        out.push_str("# TYPE mcpforge_sessions gauge\n");
        let _ = writeln!(out, "mcpforge_sessions {sessions}");
        out
    }
}

/// The metrics as a connection's observer: every request of every HTTP transport is timed.
pub(crate) struct Observer(pub Arc<Metrics>);

impl crate::dispatch::observe::Observe for Observer {
    fn start(&self, method: &str) -> Box<dyn crate::dispatch::observe::Probe> {
        Box::new(self.0.start(method))
    }
}

impl crate::dispatch::observe::Probe for Timer {
    fn settle(self: Box<Self>, error_code: Option<i64>, answered: bool, tripped: bool, timeout: Option<Duration>) {
        Timer::settle(*self, error_code, answered, tripped, timeout);
    }
}

/// Times one request; recorded when settled, or as cancelled when dropped unsettled (the
/// request was dropped with its connection).
pub(crate) struct Timer {
    metrics: Arc<Metrics>,
    method: usize,
    start: Instant,
    outcome: Option<Outcome>,
}

impl Timer {
    /// Records how the request ended.
    pub fn finish(mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
    }

    /// Records a request that went through dispatch: `answered` is false when no response
    /// was owed (the client cancelled it); a tripped token means cancellation, unless the
    /// request ran into the request timeout (which trips it too), which is an error.
    pub fn settle(self, error_code: Option<i64>, answered: bool, token_tripped: bool, timeout: Option<Duration>) {
        let timed_out = timeout.is_some_and(|t| self.start.elapsed() >= t);
        let outcome = if !answered || (token_tripped && !timed_out) {
            Outcome::Cancelled
        } else if error_code.is_some() {
            Outcome::Error
        } else {
            Outcome::Ok
        };
        self.finish(outcome);
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let outcome = self.outcome.unwrap_or(Outcome::Cancelled);
        self.metrics.record(self.method, outcome, self.start.elapsed());
        self.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `GET /metrics` (only routed when [`crate::HttpOptions::metrics`] is on).
pub(crate) async fn serve(State(app): State<Arc<App>>) -> Response {
    let text = match &app.metrics {
        Some(m) => m.render(app.sessions.len() + app.sse.len()),
        None => String::new(),
    };
    let mut r = Response::new(Body::from(text));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histogram_and_gauges() {
        let m = Arc::new(Metrics::default());
        m.start("tools/call").finish(Outcome::Ok);
        m.start("tools/call").finish(Outcome::Error);
        drop(m.start("tools/list"));
        m.start("no/such/method").finish(Outcome::Ok);
        let running = m.start("ping");
        let text = m.render(3);
        for line in [
            "mcpforge_requests_total{method=\"tools/call\",outcome=\"ok\"} 1",
            "mcpforge_requests_total{method=\"tools/call\",outcome=\"error\"} 1",
            "mcpforge_requests_total{method=\"tools/call\",outcome=\"cancelled\"} 0",
            "mcpforge_requests_total{method=\"tools/list\",outcome=\"cancelled\"} 1",
            "mcpforge_requests_total{method=\"other\",outcome=\"ok\"} 1",
            "mcpforge_request_duration_seconds_bucket{method=\"tools/call\",le=\"+Inf\"} 2",
            "mcpforge_request_duration_seconds_count{method=\"tools/call\"} 2",
            "mcpforge_request_duration_seconds_bucket{method=\"tools/call\",le=\"60\"} 2",
            "mcpforge_requests_in_flight 1",
            "mcpforge_sessions 3",
        ] {
            assert!(text.lines().any(|l| l == line), "missing `{line}` in\n{text}");
        }
        assert!(!text.contains("method=\"ping\""), "unfinished requests have no series yet");
        assert!(!text.contains("no/such/method"));
        drop(running);
        assert!(m.render(0).contains("mcpforge_requests_in_flight 0\n"));
    }

    #[test]
    fn settle_classifies_outcomes() {
        let m = Arc::new(Metrics::default());
        m.start("ping").settle(None, true, false, None);
        m.start("ping").settle(Some(-32603), true, false, None);
        m.start("ping").settle(None, false, false, None);
        m.start("ping").settle(Some(-32603), true, true, Some(Duration::from_secs(600)));
        m.start("ping").settle(Some(-32603), true, true, Some(Duration::ZERO));
        let text = m.render(0);
        assert!(text.contains("{method=\"ping\",outcome=\"ok\"} 1\n"));
        assert!(text.contains("{method=\"ping\",outcome=\"error\"} 2\n"), "a timeout is an error");
        assert!(text.contains("{method=\"ping\",outcome=\"cancelled\"} 2\n"));
    }
}

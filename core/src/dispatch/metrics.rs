//! Opt-in request metrics of one server, over every transport: requests by method, name
//! (tool, prompt, resource) and outcome, a duration histogram and the requests in flight of
//! each (method, name), rendered as Prometheus text (`GET /metrics` over HTTP, a side port
//! for stdio) and as a JSON snapshot ([`crate::Server::metrics`]).
//!
//! Hand-written on purpose: what is exported is a few counters and one fixed-bucket
//! histogram per series, which atomics cover with no lock on the request path beyond one
//! read of the method's series table (looked up by the name as it is, no allocation). An exporter crate (`metrics` + its Prometheus exporter) would
//! bring a registry with label maps, and a dependency tree, for nothing more. Labels cannot
//! be grown by clients: methods outside the known table are `other`, names are only those
//! registered (a resource read is labelled by its template), and the table holds at most
//! [`MAX_SERIES`] series, after which new ones count under the name `other`. Nor can they
//! tell what a catalogue hook hides: with a hook set, a request counts under its item's
//! name only once the request was shown the item ([`Reveal`]); until then, and for good
//! when it was refused first (hidden, rate limited, malformed), it counts as `unknown`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::error::codes;
use crate::protocol::method::{Method, Names, TABLE};
use crate::registry::Snapshot;
use crate::sync::lock;

/// The series index of `method`: its row in the method table when a client may send it,
/// else `other` ([`OTHER`]).
fn method_index(method: &str) -> usize {
    Method::from_wire(method).filter(|m| m.is_served()).map_or(OTHER, |m| m as usize)
}

/// The index of `other`, after the table's rows.
const OTHER: usize = TABLE.len();

/// Upper bounds of the duration buckets, in seconds (`+Inf` is implicit).
const BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0];

/// The most (method, name) series kept; later names count as `other`.
pub(crate) const MAX_SERIES: usize = 4096;

/// The name label of a request naming something that is not registered.
const UNKNOWN: &str = "unknown";

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A result.
    Ok,
    /// A tool's result with `isError: true`.
    ToolError,
    /// A JSON-RPC error the client caused (unknown method or name, invalid params, ...).
    Error,
    /// An internal error (-32603) other than a timeout.
    InternalError,
    /// Refused over a rate limit.
    RateLimited,
    /// Ran past the request timeout.
    Timeout,
    /// Cancelled by the client, or the client went away, before it was answered.
    Cancelled,
}

impl Outcome {
    const ALL: [Outcome; 7] = [
        Outcome::Ok,
        Outcome::ToolError,
        Outcome::Error,
        Outcome::InternalError,
        Outcome::RateLimited,
        Outcome::Timeout,
        Outcome::Cancelled,
    ];

    /// The outcome's label (metrics, spans).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::ToolError => "tool_error",
            Outcome::Error => "error",
            Outcome::InternalError => "internal_error",
            Outcome::RateLimited => "rate_limited",
            Outcome::Timeout => "timeout",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// One (method, name)'s counters. Buckets are not cumulative here (one increment per
/// request); they are summed when rendered.
#[derive(Default)]
struct Series {
    outcomes: [AtomicU64; Outcome::ALL.len()],
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
    in_flight: AtomicI64,
}

/// The series of one method, by name label.
type ByName = RwLock<HashMap<Box<str>, Arc<Series>>>;

/// The metrics of one server.
pub(crate) struct Metrics {
    /// Indexed like the method table ([`TABLE`]), then `other`: no allocation per request.
    series: Box<[ByName]>,
    /// Series kept, across methods (bounded by [`MAX_SERIES`]).
    kept: AtomicUsize,
    /// Bucket bounds in nanoseconds.
    bounds: [u64; BUCKETS.len()],
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            series: (0..=OTHER).map(|_| ByName::default()).collect(),
            kept: AtomicUsize::new(0),
            bounds: BUCKETS.map(|s| (s * 1e9) as u64),
        }
    }
}

fn method_label(index: usize) -> &'static str {
    TABLE.get(index).map_or("other", |row| row.wire)
}

/// The name label of a request: a registered tool or prompt name, a registered resource
/// URI or the template a read URI matches, `unknown` for anything else named; empty for
/// methods that name nothing.
fn name_label<'a>(snap: &'a Snapshot, method: &str, params: Option<&'a Map<String, Value>>) -> &'a str {
    let named = crate::middleware::named(method, params);
    let Some(name) = named else { return "" };
    let known = match Method::from_wire(method).map(Method::names) {
        Some(Names::Tool) => snap.tools.get(name).map(|_| name),
        Some(Names::Prompt) => snap.prompts.get(name).map(|_| name),
        Some(Names::Resource) => match snap.resources.get(name) {
            Some(_) => Some(name),
            None => snap.templates.iter().find(|t| t.template.matches(name).is_some()).map(|t| t.template.as_str()),
        },
        // A completion names a prompt or a template: its own kind is not told apart here.
        _ => snap.prompts.get(name).map(|_| name).or_else(|| snap.templates.get(name).map(|_| name)),
    };
    known.unwrap_or(UNKNOWN)
}

impl Metrics {
    /// Starts timing a request (counted in flight until the timer is settled or dropped).
    /// Under a catalogue hook, a request naming a registered item is counted under that
    /// name only once it is revealed ([`Timer::reveal`]).
    pub fn start(self: &Arc<Self>, snap: &Snapshot, method: &str, params: Option<&Map<String, Value>>) -> Timer {
        let index = method_index(method);
        let name = name_label(snap, method, params);
        let label = if snap.catalogue.is_some() && !name.is_empty() && name != UNKNOWN {
            Label::Hidden(Arc::new(Reveal { metrics: self.clone(), method: index, state: Mutex::new(Shown::Not) }))
        } else {
            let series = self.series_of(index, name);
            series.in_flight.fetch_add(1, Ordering::Relaxed);
            Label::Known(series)
        };
        Timer {
            metrics: self.clone(),
            label,
            start: Instant::now(),
            outcome: None,
            tool_call: index == Method::ToolsCall as usize,
        }
    }

    fn series_of(&self, method: usize, name: &str) -> Arc<Series> {
        let table = &self.series[method];
        if let Some(s) = table.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(name) {
            return s.clone();
        }
        let mut write = table.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(s) = write.get(name) {
            return s.clone();
        }
        // Past the bound, new names share one `other` series per method.
        let name = if self.kept.load(Ordering::Relaxed) >= MAX_SERIES { "other" } else { name };
        write
            .entry(Box::from(name))
            .or_insert_with(|| {
                self.kept.fetch_add(1, Ordering::Relaxed);
                Arc::default()
            })
            .clone()
    }

    fn record(&self, series: &Series, outcome: Outcome, elapsed: Duration) {
        series.outcomes[outcome as usize].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        let bucket = self.bounds.iter().position(|b| nanos <= *b).unwrap_or(BUCKETS.len());
        series.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        series.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// The series in label order.
    fn sorted(&self) -> Vec<(&'static str, Box<str>, Arc<Series>)> {
        let mut all: Vec<_> = self
            .series
            .iter()
            .enumerate()
            .flat_map(|(m, table)| {
                let table = table.read().unwrap_or_else(std::sync::PoisonError::into_inner);
                table.iter().map(|(n, s)| (method_label(m), n.clone(), s.clone())).collect::<Vec<_>>()
            })
            .collect();
        all.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        all
    }

    /// The Prometheus text exposition (format 0.0.4); `sessions` adds the live-sessions
    /// gauge (HTTP). Only (method, name) pairs seen so far have series.
    pub fn render(&self, sessions: Option<usize>) -> String {
        let mut out = String::with_capacity(4096);
        let all = self.sorted();
        out.push_str("# HELP mcpforge_requests_total MCP requests served, by method, name and outcome.\n");
        out.push_str("# TYPE mcpforge_requests_total counter\n");
        for (m, n, s) in &all {
            let n = escape(n);
            for o in Outcome::ALL {
                let count = s.outcomes[o as usize].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "mcpforge_requests_total{{method=\"{m}\",name=\"{n}\",outcome=\"{}\"}} {count}",
                    o.label()
                );
            }
        }
        out.push_str("# HELP mcpforge_request_duration_seconds Time from receiving an MCP request to its outcome.\n");
        out.push_str("# TYPE mcpforge_request_duration_seconds histogram\n");
        for (m, n, s) in &all {
            let n = escape(n);
            let mut cumulative = 0u64;
            for (b, bound) in BUCKETS.iter().enumerate() {
                cumulative += s.buckets[b].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "mcpforge_request_duration_seconds_bucket{{method=\"{m}\",name=\"{n}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            cumulative += s.buckets[BUCKETS.len()].load(Ordering::Relaxed);
            let labels = format!("method=\"{m}\",name=\"{n}\"");
            let _ = writeln!(out, "mcpforge_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {cumulative}");
            let sum = s.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
            let _ = writeln!(out, "mcpforge_request_duration_seconds_sum{{{labels}}} {sum}");
            let _ = writeln!(out, "mcpforge_request_duration_seconds_count{{{labels}}} {cumulative}");
        }
        out.push_str("# HELP mcpforge_requests_in_flight MCP requests being served, by method and name.\n");
        out.push_str("# TYPE mcpforge_requests_in_flight gauge\n");
        for (m, n, s) in &all {
            let _ = writeln!(
                out,
                "mcpforge_requests_in_flight{{method=\"{m}\",name=\"{}\"}} {}",
                escape(n),
                s.in_flight.load(Ordering::Relaxed).max(0)
            );
        }
        if let Some(sessions) = sessions {
            out.push_str("# HELP mcpforge_sessions Live legacy sessions (Streamable HTTP and 2024-11-05 HTTP+SSE).\n");
            out.push_str("# TYPE mcpforge_sessions gauge\n");
            let _ = writeln!(out, "mcpforge_sessions {sessions}");
        }
        out
    }

    /// The same figures as JSON: `{"series":[{"method","name","outcomes":{label:n},
    /// "inFlight","count","sumSeconds","buckets":[{"le",count}]}]}` (buckets cumulative).
    pub fn snapshot(&self) -> Value {
        let series: Vec<Value> = self
            .sorted()
            .into_iter()
            .map(|(m, n, s)| {
                let outcomes: Map<String, Value> = Outcome::ALL
                    .iter()
                    .map(|o| (o.label().to_owned(), json!(s.outcomes[*o as usize].load(Ordering::Relaxed))))
                    .collect();
                let mut cumulative = 0u64;
                let mut buckets: Vec<Value> = BUCKETS
                    .iter()
                    .enumerate()
                    .map(|(b, bound)| {
                        cumulative += s.buckets[b].load(Ordering::Relaxed);
                        json!({ "le": bound, "count": cumulative })
                    })
                    .collect();
                cumulative += s.buckets[BUCKETS.len()].load(Ordering::Relaxed);
                buckets.push(json!({ "le": "+Inf", "count": cumulative }));
                json!({
                    "method": m,
                    "name": &*n,
                    "outcomes": outcomes,
                    "inFlight": s.in_flight.load(Ordering::Relaxed).max(0),
                    "count": cumulative,
                    "sumSeconds": s.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9,
                    "buckets": buckets,
                })
            })
            .collect();
        json!({ "series": series })
    }
}

/// A label value escaped for the text format (backslash, quote, newline).
fn escape(v: &str) -> std::borrow::Cow<'_, str> {
    if v.contains(['\\', '"', '\n']) {
        v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").into()
    } else {
        v.into()
    }
}

/// The series a request counts under.
enum Label {
    /// Known from the start (no catalogue hook, or nothing registered named).
    Known(Arc<Series>),
    /// Under a catalogue hook: `unknown` unless the request is shown its item.
    Hidden(Arc<Reveal>),
}

/// Whether a request under a catalogue hook was shown the item it names.
enum Shown {
    /// Not (yet): the request counts as `unknown`.
    Not,
    /// Shown: the request counts under this series (and is in flight there).
    As(Arc<Series>),
    /// The request was recorded: nothing is revealed any more.
    Recorded,
}

/// How a request under a catalogue hook tells its timer that it was shown its item, so that
/// it counts under the item's name ([`crate::dispatch::router::Peer::reveal`]).
pub(crate) struct Reveal {
    metrics: Arc<Metrics>,
    method: usize,
    state: Mutex<Shown>,
}

impl Reveal {
    /// The request was shown the registered item `name` (the name, URI or template its
    /// series is labelled with): from now on it counts under it. The first call decides.
    pub fn reveal(&self, name: &str) {
        let mut state = lock(&self.state);
        if matches!(*state, Shown::Not) {
            let series = self.metrics.series_of(self.method, name);
            series.in_flight.fetch_add(1, Ordering::Relaxed);
            *state = Shown::As(series);
        }
    }
}

/// Times one request; recorded when settled, or as cancelled when dropped unsettled (the
/// request was dropped with its connection).
pub(crate) struct Timer {
    metrics: Arc<Metrics>,
    label: Label,
    start: Instant,
    outcome: Option<Outcome>,
    /// A `tools/call`, whose result may be a tool error.
    tool_call: bool,
}

impl Timer {
    /// What the request calls when it is shown its item, when that decides its label.
    pub fn reveal(&self) -> Option<Arc<Reveal>> {
        match &self.label {
            Label::Hidden(r) => Some(r.clone()),
            Label::Known(_) => None,
        }
    }

    /// Records how the request ended.
    pub fn finish(mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
    }

    /// Records how a request that went through dispatch ended.
    pub fn settle(self, ended: &Ended<'_>) {
        let outcome = Outcome::of(ended, self.tool_call, self.start.elapsed());
        self.finish(outcome);
    }
}

/// How a request that went through dispatch ended, as its connection saw it.
pub(crate) struct Ended<'a> {
    /// The serialized response.
    pub response: &'a [u8],
    /// The JSON-RPC error code of an error response.
    pub error_code: Option<i64>,
    /// Whether a response was owed (false when the client cancelled).
    pub answered: bool,
    /// Whether the request's token tripped.
    pub token_tripped: bool,
    /// The request timeout in force: a tripped token after that long is a timeout, not a
    /// cancellation.
    pub timeout: Option<Duration>,
}

impl Outcome {
    /// The outcome of a request that ended as `ended` after `elapsed`; `tool_call` for a
    /// `tools/call`, whose result may be a tool error.
    pub(crate) fn of(ended: &Ended<'_>, tool_call: bool, elapsed: Duration) -> Outcome {
        let timed_out = ended.timeout.is_some_and(|t| elapsed >= t);
        if !ended.answered || (ended.token_tripped && !timed_out) {
            return Outcome::Cancelled;
        }
        match ended.error_code {
            Some(codes::INTERNAL_ERROR) if timed_out => Outcome::Timeout,
            Some(codes::INTERNAL_ERROR) => Outcome::InternalError,
            Some(codes::RATE_LIMITED) => Outcome::RateLimited,
            Some(_) => Outcome::Error,
            None if tool_call && is_tool_error(ended.response) => Outcome::ToolError,
            None => Outcome::Ok,
        }
    }
}

/// Whether a `tools/call` response reports a failed tool. The engine writes `isError` after
/// `content` and `structuredContent`, followed only by `_meta` and (2026) the result suffix,
/// so only the tail of the response is searched (a 100 KiB answer costs no pass over its
/// text). A quote inside a JSON string is escaped, so text cannot fake the member; a
/// `structuredContent` object whose own last member is `"isError":true` would, and is then
/// counted as a tool error.
fn is_tool_error(response: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"\"isError\":true";
    let tail = &response[response.len().saturating_sub(TOOL_ERROR_TAIL)..];
    tail.windows(NEEDLE.len()).any(|w| w == NEEDLE)
}

/// How many bytes at the end of a `tools/call` response [`is_tool_error`] searches.
const TOOL_ERROR_TAIL: usize = 4096;

impl Drop for Timer {
    fn drop(&mut self) {
        let outcome = self.outcome.unwrap_or(Outcome::Cancelled);
        let elapsed = self.start.elapsed();
        let shown = match &self.label {
            Label::Known(series) => Some(series.clone()),
            Label::Hidden(reveal) => match std::mem::replace(&mut *lock(&reveal.state), Shown::Recorded) {
                Shown::As(series) => Some(series),
                Shown::Not | Shown::Recorded => {
                    self.metrics.record(&self.metrics.series_of(reveal.method, UNKNOWN), outcome, elapsed);
                    None
                }
            },
        };
        if let Some(series) = shown {
            self.metrics.record(&series, outcome, elapsed);
            series.in_flight.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_bound_new_names_share_one_other_series() {
        let m = Metrics::default();
        let call = Method::ToolsCall as usize;
        for i in 0..MAX_SERIES {
            m.series_of(call, &format!("tool-{i}"));
        }
        let first = m.series_of(call, "tool-0");
        assert!(Arc::ptr_eq(&first, &m.series_of(call, "tool-0")), "a kept series is found again");
        let late = m.series_of(call, "one-too-many");
        assert!(Arc::ptr_eq(&late, &m.series_of(call, "another")), "both count as `other`");
        let names: Vec<_> = m.sorted().into_iter().map(|(_, n, _)| n).collect();
        assert_eq!(names.len(), MAX_SERIES + 1);
        assert!(names.iter().any(|n| &**n == "other"));
        assert!(!names.iter().any(|n| &**n == "one-too-many"));
    }
}

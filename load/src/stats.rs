//! What a run measured: latencies of the counted calls and failures by kind, and the
//! percentiles computed from them.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::check::CallError;
use crate::series::{Interval, Series};

/// The calls of one thread or connection; recorders are merged at the end of a run.
#[derive(Default)]
pub struct Recorder {
    /// Nanoseconds from request to checked answer, one per counted call.
    latencies_ns: Vec<u64>,
    /// Failed calls per kind.
    errors: BTreeMap<String, u64>,
    /// The first failure of each kind, as an example.
    examples: BTreeMap<String, String>,
    /// Calls per interval (`--interval-ms`).
    series: Option<Series>,
}

impl Recorder {
    /// A recorder with room for `calls` latencies.
    pub fn with_capacity(calls: usize) -> Self {
        Recorder { latencies_ns: Vec::with_capacity(calls), ..Recorder::default() }
    }

    /// Also counts calls per `interval` from `start` when there is an interval.
    pub fn with_series(mut self, interval: Option<Duration>, start: Instant) -> Self {
        self.series = interval.map(|interval| Series::new(start, interval));
        self
    }

    /// Records one call answered now.
    pub fn record(&mut self, latency: Duration, outcome: Result<(), CallError>) {
        self.latencies_ns.push(u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX));
        let kind = outcome.as_ref().err().map(|error| error.kind.to_string());
        if let Some(series) = &mut self.series {
            series.record(Instant::now(), kind.as_deref());
        }
        if let (Err(error), Some(key)) = (outcome, kind) {
            *self.errors.entry(key.clone()).or_default() += 1;
            self.examples.entry(key).or_insert(error.detail);
        }
    }

    /// Calls recorded so far.
    pub fn calls(&self) -> u64 {
        self.latencies_ns.len() as u64
    }

    /// Adds another recorder's calls to this one.
    pub fn merge(&mut self, other: Recorder) {
        self.latencies_ns.extend(other.latencies_ns);
        for (kind, count) in other.errors {
            *self.errors.entry(kind).or_default() += count;
        }
        for (kind, example) in other.examples {
            self.examples.entry(kind).or_insert(example);
        }
        match (&mut self.series, other.series) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (mine @ None, theirs) => *mine = theirs,
            (Some(_), None) => {}
        }
    }

    /// The figures of the run, `elapsed` being the measured wall-clock time.
    pub fn summarize(mut self, elapsed: Duration) -> Summary {
        self.latencies_ns.sort_unstable();
        let calls = self.latencies_ns.len() as u64;
        let failed: u64 = self.errors.values().sum();
        let us = |ns: u64| ns as f64 / 1e3;
        let latency = (!self.latencies_ns.is_empty()).then(|| Latency {
            p50_us: us(percentile(&self.latencies_ns, 50.0)),
            p90_us: us(percentile(&self.latencies_ns, 90.0)),
            p99_us: us(percentile(&self.latencies_ns, 99.0)),
            max_us: us(*self.latencies_ns.last().expect("not empty")),
            mean_us: us(self.latencies_ns.iter().sum::<u64>() / calls),
        });
        let secs = elapsed.as_secs_f64();
        Summary {
            calls,
            ok: calls - failed,
            failed,
            elapsed_s: secs,
            calls_per_s: if secs > 0.0 { calls as f64 / secs } else { 0.0 },
            latency,
            errors: self.errors,
            error_examples: self.examples,
            intervals: self.series.map(|series| series.intervals(elapsed)),
        }
    }
}

/// Latency percentiles of the counted calls, in microseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    /// Median.
    pub p50_us: f64,
    /// 90th percentile.
    pub p90_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Slowest call.
    pub max_us: f64,
    /// Mean.
    pub mean_us: f64,
}

/// The figures of one measured phase.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Counted calls (answered, correctly or not).
    pub calls: u64,
    /// Calls whose answer passed every check.
    pub ok: u64,
    /// Calls whose answer failed a check.
    pub failed: u64,
    /// Measured wall-clock time: first request to last answer.
    pub elapsed_s: f64,
    /// `calls / elapsed_s`.
    pub calls_per_s: f64,
    /// `None` when no call was counted.
    pub latency: Option<Latency>,
    /// Failed calls per kind (`jsonrpc_error(-32602)`, `tool_error`, `wrong_content`, ...).
    pub errors: BTreeMap<String, u64>,
    /// The first failure of each kind.
    pub error_examples: BTreeMap<String, String>,
    /// `--interval-ms`: calls, failures by kind and calls/s per interval, from the start of
    /// the measurement to its end.
    pub intervals: Option<Vec<Interval>>,
}

/// The `p`th percentile (nearest rank) of sorted, non-empty `samples`.
pub fn percentile(samples: &[u64], p: f64) -> u64 {
    let rank = (p / 100.0 * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ErrorKind;

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&samples, 50.0), 50);
        assert_eq!(percentile(&samples, 99.0), 99);
        assert_eq!(percentile(&samples, 100.0), 100);
        assert_eq!(percentile(&[5], 90.0), 5);
    }

    #[test]
    fn failures_are_counted_by_kind_and_merged() {
        let mut a = Recorder::default();
        a.record(Duration::from_micros(10), Ok(()));
        a.record(Duration::from_micros(30), Err(CallError { kind: ErrorKind::Tool, detail: "boom".into() }));
        let mut b = Recorder::default();
        b.record(Duration::from_micros(20), Err(CallError { kind: ErrorKind::Tool, detail: "bang".into() }));
        a.merge(b);
        let summary = a.summarize(Duration::from_secs(1));
        assert_eq!((summary.calls, summary.ok, summary.failed), (3, 1, 2));
        assert_eq!(summary.errors["tool_error"], 2);
        assert_eq!(summary.error_examples["tool_error"], "boom");
        let latency = summary.latency.expect("calls were counted");
        assert_eq!((latency.p50_us, latency.max_us, latency.mean_us), (20.0, 30.0, 20.0));
    }
}

//! Throughput over time (`--interval-ms`): the measured calls counted in fixed intervals from
//! the start of the measurement, by the time their answer arrived, with the failures of each
//! interval by kind. A run during which a server is killed or restarted shows when calls
//! slowed, failed and recovered.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// The calls of one interval, as counted by one thread or connection.
#[derive(Clone, Default)]
struct Bucket {
    calls: u64,
    errors: BTreeMap<String, u64>,
}

/// Calls counted per interval since `start`; series are merged at the end of a run.
pub struct Series {
    start: Instant,
    /// `start` on the wall clock, in seconds since the Unix epoch.
    start_unix_s: f64,
    interval: Duration,
    buckets: Vec<Bucket>,
}

impl Series {
    /// An empty series of `interval`-long buckets starting at `start`.
    pub fn new(start: Instant, interval: Duration) -> Self {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let start_unix_s = now.saturating_sub(start.elapsed()).as_secs_f64();
        Series { start, start_unix_s, interval, buckets: Vec::new() }
    }

    /// Counts one call answered at `at`, failed with `failure` (its kind) or not.
    pub fn record(&mut self, at: Instant, failure: Option<&str>) {
        let index = (at.saturating_duration_since(self.start).as_nanos() / self.interval.as_nanos().max(1)) as usize;
        if self.buckets.len() <= index {
            self.buckets.resize(index + 1, Bucket::default());
        }
        let bucket = &mut self.buckets[index];
        bucket.calls += 1;
        if let Some(kind) = failure {
            *bucket.errors.entry(kind.to_owned()).or_default() += 1;
        }
    }

    /// Adds another series (same start and interval) to this one.
    pub fn merge(&mut self, other: Series) {
        if self.buckets.len() < other.buckets.len() {
            self.buckets.resize(other.buckets.len(), Bucket::default());
        }
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            mine.calls += theirs.calls;
            for (kind, count) in theirs.errors {
                *mine.errors.entry(kind).or_default() += count;
            }
        }
    }

    /// The intervals of a phase that lasted `elapsed`: every interval up to its end, empty
    /// ones included (no answer at all is what an outage looks like). The last one may be
    /// shorter; its rate is over its own length.
    pub fn intervals(self, elapsed: Duration) -> Vec<Interval> {
        let step = self.interval.as_secs_f64();
        let total = elapsed.as_secs_f64();
        let count = ((total / step).ceil() as usize).max(self.buckets.len());
        let mut buckets = self.buckets;
        buckets.resize(count, Bucket::default());
        buckets
            .into_iter()
            .enumerate()
            .map(|(i, bucket)| {
                let start_s = i as f64 * step;
                let end_s = if total > start_s { (start_s + step).min(total) } else { start_s + step };
                let failed: u64 = bucket.errors.values().sum();
                let length = (end_s - start_s).max(f64::EPSILON);
                Interval {
                    start_s,
                    end_s,
                    start_unix_s: self.start_unix_s + start_s,
                    calls: bucket.calls,
                    ok: bucket.calls - failed,
                    failed,
                    calls_per_s: bucket.calls as f64 / length,
                    errors: bucket.errors,
                }
            })
            .collect()
    }
}

/// One interval of a measured phase.
#[derive(Clone, Debug, Serialize)]
pub struct Interval {
    /// Seconds from the start of the measurement.
    pub start_s: f64,
    /// Seconds from the start of the measurement.
    pub end_s: f64,
    /// The interval's start on the wall clock (seconds since the Unix epoch), to line the
    /// series up with other logs.
    pub start_unix_s: f64,
    /// Calls answered in the interval.
    pub calls: u64,
    /// Of which passed every check.
    pub ok: u64,
    /// Of which failed.
    pub failed: u64,
    /// `calls` over the interval's length.
    pub calls_per_s: f64,
    /// Failed calls by kind (`http_502`, `jsonrpc_error(-32603)`, ...).
    pub errors: BTreeMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_land_in_the_interval_of_their_answer_and_merge() {
        let start = Instant::now();
        let ms = Duration::from_millis;
        let mut a = Series::new(start, ms(100));
        a.record(start + ms(10), None);
        a.record(start + ms(150), Some("http_502"));
        let mut b = Series::new(start, ms(100));
        b.record(start + ms(120), None);
        b.record(start + ms(130), Some("http_502"));
        a.merge(b);
        let intervals = a.intervals(ms(400));
        let calls: Vec<u64> = intervals.iter().map(|i| i.calls).collect();
        assert_eq!(calls, vec![1, 3, 0, 0], "empty intervals up to the end are reported");
        assert_eq!((intervals[1].ok, intervals[1].failed), (1, 2));
        assert_eq!(intervals[1].errors["http_502"], 2);
        assert!((intervals[1].start_s - 0.1).abs() < 1e-9 && (intervals[1].end_s - 0.2).abs() < 1e-9);
        assert!((intervals[1].calls_per_s - 30.0).abs() < 1e-9);
        assert!((intervals[1].start_unix_s - intervals[0].start_unix_s - 0.1).abs() < 1e-6);
        assert!(intervals[0].start_unix_s > 1.5e9, "seconds since the Unix epoch");
    }

    #[test]
    fn the_last_interval_is_cut_at_the_end_of_the_phase() {
        let start = Instant::now();
        let mut series = Series::new(start, Duration::from_millis(100));
        series.record(start + Duration::from_millis(240), None);
        let intervals = series.intervals(Duration::from_millis(250));
        assert_eq!(intervals.len(), 3);
        let last = &intervals[2];
        assert!((last.end_s - 0.25).abs() < 1e-9, "{last:?}");
        assert!((last.calls_per_s - 20.0).abs() < 1e-6, "{last:?}");
    }
}

//! How busy one upstream connection is ([`Activity`]): the requests forwarded over it now,
//! and when the last one began or ended, so that a child with nothing in flight and nothing
//! for [`Upstream::idle_timeout`](super::Upstream) is stopped ([`Activity::until_idle`]).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The requests in flight over one connection, and when it was last used (two atomics, no
/// lock: every forwarded call touches them).
#[derive(Debug)]
pub(crate) struct Activity {
    in_flight: AtomicUsize,
    /// When it was made.
    born: Instant,
    /// When it was last used, in microseconds after `born`.
    last: AtomicU64,
}

impl Default for Activity {
    fn default() -> Self {
        Activity { in_flight: AtomicUsize::new(0), born: Instant::now(), last: AtomicU64::new(0) }
    }
}

/// One request in flight; dropping it marks the connection used now.
pub(crate) struct Busy<'a>(&'a Activity);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Activity {
    /// Marks a request in flight until the guard is dropped.
    pub(crate) fn begin(&self) -> Busy<'_> {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.touch();
        Busy(self)
    }

    fn touch(&self) {
        let now = u64::try_from(self.born.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.last.fetch_max(now, Ordering::AcqRel);
    }

    /// How long the connection has had nothing in flight (`None` while something is).
    pub(crate) fn idle_for(&self) -> Option<Duration> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let last = Duration::from_micros(self.last.load(Ordering::Acquire));
        Some(self.born.elapsed().saturating_sub(last))
    }

    /// Whether it has been idle for `limit` or longer.
    pub(crate) fn idle_past(&self, limit: Duration) -> bool {
        self.idle_for().is_some_and(|idle| idle >= limit)
    }

    /// Returns once the connection has been idle for `limit` (looked at again when the
    /// rest of `limit` has passed, at least every `limit` while busy).
    pub(crate) async fn until_idle(&self, limit: Duration) {
        loop {
            let rest = match self.idle_for() {
                Some(idle) if idle >= limit => return,
                Some(idle) => limit - idle,
                None => limit,
            };
            tokio::time::sleep(rest.max(MIN_LOOK)).await;
        }
    }
}

/// The shortest wait between two looks (a zero limit does not spin).
const MIN_LOOK: Duration = Duration::from_millis(10);

#[cfg(test)]
mod tests {
    use super::Activity;
    use std::time::Duration;

    #[test]
    fn a_connection_is_idle_only_with_nothing_in_flight() {
        let activity = Activity::default();
        let busy = activity.begin();
        assert_eq!(activity.idle_for(), None);
        assert!(!activity.idle_past(Duration::ZERO));
        drop(busy);
        assert!(activity.idle_past(Duration::ZERO));
        assert!(!activity.idle_past(Duration::from_secs(60)));
    }
}

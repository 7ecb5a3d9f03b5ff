//! Watching requests from outside dispatch: a transport that keeps request metrics hands
//! the connection an [`Observe`], and every request that connection runs, whatever the
//! transport, is reported to it once.

use std::time::Duration;

/// Sees every request a connection runs.
pub(crate) trait Observe: Send + Sync + 'static {
    /// A request with this method starts; the probe is told how it ended.
    fn start(&self, method: &str) -> Box<dyn Probe>;
}

/// One request being watched.
pub(crate) trait Probe: Send + 'static {
    /// How the request ended: the error code of its response, whether a response was owed
    /// (false when the client cancelled), whether its token tripped, and the request
    /// timeout in force (a tripped token after that long is a timeout, not a cancellation).
    fn settle(self: Box<Self>, error_code: Option<i64>, answered: bool, tripped: bool, timeout: Option<Duration>);
}

//! What the server process uses, sampled from `/proc`: its resident memory (the curve a
//! scenario prints) and its open files.

use std::time::{Duration, Instant};

/// How often the server's RSS is sampled.
pub(crate) const SAMPLE: Duration = Duration::from_millis(250);
/// The resident set size of a process, MiB (`VmRSS` in `/proc/PID/status`).
pub(crate) fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// How many files a process has open (the entries of `/proc/PID/fd`).
pub(crate) fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// The RSS samples of one run.
pub(crate) struct Curve {
    pub(crate) pid: u32,
    start: Instant,
    pub(crate) peak: f64,
}

impl Curve {
    pub(crate) fn new(pid: u32) -> Curve {
        Curve { pid, start: Instant::now(), peak: 0.0 }
    }

    /// Samples the RSS and prints one point of the curve.
    pub(crate) fn point(&mut self, what: &str) -> f64 {
        let rss = rss_mb(self.pid);
        self.peak = self.peak.max(rss);
        println!("  t={:>6.2}s  rss={rss:>7.1} MiB  {what}", self.start.elapsed().as_secs_f64());
        rss
    }
}

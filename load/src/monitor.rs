//! A thread beside every measured phase: it draws the progress bar on stderr (only when
//! stderr is a terminal) and, when no answer has arrived for the `--timeout`, declares the
//! run stalled and kills the server so that every blocked read returns.
//!
//! The bar is hand-written (about forty lines) rather than indicatif: it needs one line of
//! text redrawn five times a second, and indicatif would bring a terminal-handling crate
//! and its dependencies into a tool meant to stay small.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::child::Killer;
use crate::cli::Stop;

/// How often the bar is redrawn and the stall checked.
const TICK: Duration = Duration::from_millis(200);
/// Width of the bar in characters.
const BAR_WIDTH: usize = 30;

/// Shared with the threads doing calls: they count answers here.
pub struct Progress {
    answered: AtomicU64,
    stalled: AtomicBool,
    /// `(calls answered, server RSS in MiB)`, when the RSS is sampled.
    rss: std::sync::Mutex<Vec<(u64, f64)>>,
}

impl Progress {
    /// Counts one answered call.
    pub fn tick(&self) {
        self.answered.fetch_add(1, Ordering::Relaxed);
    }

    /// True once the watchdog has given up waiting.
    pub fn stalled(&self) -> bool {
        self.stalled.load(Ordering::Relaxed)
    }

    /// The RSS samples taken so far.
    pub fn rss_curve(&self) -> Vec<(u64, f64)> {
        self.rss.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Samples a server's RSS every `every` answered calls.
#[derive(Debug, Clone, Copy)]
pub struct RssSampling {
    pub pid: u32,
    pub every: u64,
}

/// The resident set size of a process in MiB (`VmRSS` in `/proc/PID/status`).
fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim();
    kb.parse::<f64>().ok().map(|kb| kb / 1024.0)
}

/// The running monitor thread; [`Monitor::stop`] ends it and clears the bar.
pub struct Monitor {
    progress: Arc<Progress>,
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Monitor {
    /// Starts watching a phase named `label` that ends at `stop`. With `killer`, a stall of
    /// `timeout` kills the server; without (HTTP, where every request has its own timeout),
    /// the stall is only recorded.
    pub fn start(
        label: String,
        stop: Stop,
        timeout: Duration,
        bar: bool,
        killer: Option<Killer>,
        rss: Option<RssSampling>,
    ) -> Monitor {
        let progress = Arc::new(Progress {
            answered: AtomicU64::new(0),
            stalled: AtomicBool::new(false),
            rss: std::sync::Mutex::new(Vec::new()),
        });
        let shared = Arc::clone(&progress);
        let bar = bar && std::io::stderr().is_terminal();
        let (tx, rx) = mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            let progress = shared;
            let start = Instant::now();
            let mut last = (0, Instant::now());
            let mut next_sample = rss.map_or(u64::MAX, |r| r.every);
            // Until stopped (a message, or the sender dropped).
            while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(TICK) {
                let answered = progress.answered.load(Ordering::Relaxed);
                if let Some(r) = rss.filter(|_| answered >= next_sample) {
                    if let Some(mb) = rss_mb(r.pid) {
                        progress.rss.lock().unwrap_or_else(|e| e.into_inner()).push((answered, mb));
                    }
                    next_sample = (answered / r.every + 1) * r.every;
                }
                if answered != last.0 {
                    last = (answered, Instant::now());
                } else if last.1.elapsed() >= timeout && !progress.stalled.swap(true, Ordering::Relaxed) {
                    if let Some(killer) = killer {
                        killer.kill();
                    }
                }
                if bar {
                    draw(&label, stop, answered, start.elapsed());
                }
            }
            if bar {
                eprint!("\r\x1b[2K");
            }
        });
        Monitor { progress, stop: tx, thread }
    }

    /// The counters the calling threads update.
    pub fn progress(&self) -> Arc<Progress> {
        Arc::clone(&self.progress)
    }

    /// Ends the monitor thread and clears the bar.
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

/// One frame: `label [#####.....]  45%  9,000/20,000 calls  52,311 calls/s`.
fn draw(label: &str, stop: Stop, answered: u64, elapsed: Duration) {
    let fraction = match stop {
        Stop::Calls(total) => answered as f64 / total.max(1) as f64,
        Stop::Duration(d) => elapsed.as_secs_f64() / d.as_secs_f64(),
    }
    .clamp(0.0, 1.0);
    let filled = (fraction * BAR_WIDTH as f64) as usize;
    let rate = answered as f64 / elapsed.as_secs_f64().max(1e-9);
    let count = match stop {
        Stop::Calls(total) => format!("{answered}/{total} calls"),
        Stop::Duration(d) => format!("{answered} calls, {:.1}/{:.1} s", elapsed.as_secs_f64(), d.as_secs_f64()),
    };
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r\x1b[2K{label} [{}{}] {:>3.0}%  {count}  {rate:.0} calls/s",
        "#".repeat(filled),
        ".".repeat(BAR_WIDTH - filled),
        fraction * 100.0
    );
    let _ = err.flush();
}

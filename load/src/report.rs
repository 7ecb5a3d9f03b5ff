//! The report of a run: its JSON shape (`--json`) and its text form for people.

use std::fmt::Write as _;

use serde::Serialize;

use crate::child::Usage;
use crate::stats::Summary;

/// Everything a run found out. Fields that do not apply are `null` in JSON.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// `stdio` or `http`.
    pub transport: &'static str,
    /// The command started (stdio, or HTTP with a command), `{port}` replaced.
    pub command: Option<Vec<String>>,
    /// The HTTP endpoint, `{port}` replaced.
    pub url: Option<String>,
    /// The protocol version in use.
    pub protocol_version: Option<String>,
    /// `2026` or `legacy`.
    pub wire: Option<&'static str>,
    /// `serverInfo` name and version.
    pub server: Option<String>,
    /// Tool called.
    pub tool: String,
    /// `sequential`, `pipelined` (stdio) or `connections` (HTTP).
    pub mode: &'static str,
    /// Requests in flight or connections.
    pub concurrency: usize,
    /// Uncounted calls before the measurement.
    pub warmup_calls: u64,
    /// The measured phase.
    pub measured: Option<Summary>,
    /// The server's peak RSS and CPU time over its whole life (a server we started).
    pub server_usage: Option<ServerUsage>,
    /// The server's CPU time during the measured phase (Linux: `/proc/<pid>/stat`).
    pub server_cpu: Option<CpuPerCall>,
    /// The server's context switches during the measured phase (Linux: `/proc/<pid>/task`).
    pub server_switches: Option<SwitchesPerCall>,
    /// This tool's own CPU time during the measured phase.
    pub client_cpu: Option<CpuPerCall>,
    /// `--cold-start`: spawn to first answered call.
    pub cold_start: Option<ColdStart>,
    /// `--rss-every`: `(calls answered, server RSS in MiB)` through the measured phase.
    pub rss_curve: Option<Vec<(u64, f64)>>,
    /// Why the run stopped early, if it did.
    pub aborted: Option<String>,
    /// The end of what the server wrote on stderr, when the run was aborted.
    pub server_stderr: Option<String>,
}

/// The server's resource use.
#[derive(Debug, Serialize)]
pub struct ServerUsage {
    /// Peak RSS, MiB.
    pub peak_rss_mb: f64,
    /// User + system CPU seconds over the server's life (start-up and warm-up included).
    pub cpu_s: f64,
}

impl From<Usage> for ServerUsage {
    fn from(usage: Usage) -> Self {
        ServerUsage { peak_rss_mb: usage.peak_rss_mb, cpu_s: usage.user_s + usage.system_s }
    }
}

/// CPU time of one process during the measured phase.
#[derive(Debug, Serialize)]
pub struct CpuPerCall {
    /// User + system CPU seconds.
    pub cpu_s: f64,
    /// Per counted call.
    pub cpu_us_per_call: f64,
}

/// The server's context switches during the measured phase (all its threads): how many
/// times its threads went to sleep or were preempted, a count that timing noise leaves alone.
#[derive(Debug, Serialize)]
pub struct SwitchesPerCall {
    /// Switches in all.
    pub switches: u64,
    /// Per counted call.
    pub per_call: f64,
}

/// Cold-start times in milliseconds.
#[derive(Debug, Serialize)]
pub struct ColdStart {
    /// One per start, in order.
    pub samples_ms: Vec<f64>,
    /// Median (the lower middle one for an even count).
    pub median_ms: f64,
    /// Fastest.
    pub min_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

impl ColdStart {
    /// From the samples (at least one).
    pub fn new(samples_ms: Vec<f64>) -> Self {
        let mut sorted = samples_ms.clone();
        sorted.sort_by(f64::total_cmp);
        ColdStart {
            median_ms: sorted[(sorted.len() - 1) / 2],
            min_ms: sorted[0],
            max_ms: sorted[sorted.len() - 1],
            samples_ms,
        }
    }
}

impl Report {
    /// True when every call passed and nothing went wrong.
    pub fn success(&self) -> bool {
        self.aborted.is_none() && self.measured.as_ref().is_none_or(|m| m.failed == 0)
    }

    /// The report for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let target = match (&self.url, &self.command) {
            (Some(url), _) => url.clone(),
            (None, Some(command)) => command.join(" "),
            (None, None) => "?".into(),
        };
        let _ = writeln!(out, "mcpforge-load: `{}` on {target} ({})", self.tool, self.transport);
        if let (Some(server), Some(version)) = (&self.server, &self.protocol_version) {
            let _ = writeln!(out, "  server        {server}, protocol {version}");
        }
        if let Some(cold) = &self.cold_start {
            let samples: Vec<String> = cold.samples_ms.iter().map(|ms| format!("{ms:.1}")).collect();
            let _ = writeln!(
                out,
                "  cold start    median {:.1} ms, min {:.1} ms, max {:.1} ms over {} starts ({} ms)",
                cold.median_ms,
                cold.min_ms,
                cold.max_ms,
                cold.samples_ms.len(),
                samples.join(", ")
            );
        }
        if let Some(m) = &self.measured {
            let how = match self.mode {
                "sequential" => "one at a time".to_owned(),
                "pipelined" => format!("{} in flight", self.concurrency),
                _ => format!("{} connections", self.concurrency),
            };
            let _ = writeln!(
                out,
                "  calls         {} ({how}) after {} warm-up calls: {} ok, {} failed",
                group(m.calls),
                group(self.warmup_calls),
                group(m.ok),
                group(m.failed)
            );
            let _ = writeln!(
                out,
                "  throughput    {} calls/s over {:.3} s",
                group(m.calls_per_s.round() as u64),
                m.elapsed_s
            );
            if let Some(l) = &m.latency {
                let _ = writeln!(
                    out,
                    "  latency       p50 {:.1} us   p90 {:.1} us   p99 {:.1} us   max {:.1} us",
                    l.p50_us, l.p90_us, l.p99_us, l.max_us
                );
            }
            for (kind, count) in &m.errors {
                let example = m.error_examples.get(kind).map_or("", String::as_str);
                let _ = writeln!(out, "  errors        {kind}: {}   e.g. {example}", group(*count));
            }
            if let Some(intervals) = &m.intervals {
                let _ = writeln!(out, "  over time     from (s)  calls/s  failed");
                for i in intervals {
                    let kinds: Vec<String> = i.errors.iter().map(|(kind, n)| format!("{kind}: {n}")).collect();
                    let failed = if kinds.is_empty() { "0".to_owned() } else { kinds.join(", ") };
                    let _ = writeln!(
                        out,
                        "                {:>8.1} {:>8} {failed}",
                        i.start_s,
                        group(i.calls_per_s.round() as u64)
                    );
                }
            }
        }
        if let Some(u) = &self.server_usage {
            let _ = writeln!(out, "  server        peak RSS {:.1} MiB, CPU {:.3} s in all", u.peak_rss_mb, u.cpu_s);
        }
        if let Some(curve) = &self.rss_curve {
            let points: Vec<String> = curve.iter().map(|(calls, mb)| format!("{}: {mb:.1}", group(*calls))).collect();
            let _ = writeln!(out, "  server RSS    MiB by calls answered: {}", points.join(", "));
            if let (Some(first), Some(last)) = (curve.first(), curve.last()) {
                let _ = writeln!(out, "  RSS growth    {:+.1} MiB after the first sample", last.1 - first.1);
            }
        }
        if let Some(c) = &self.server_cpu {
            let _ = writeln!(out, "  server CPU    {:.3} s measured = {:.1} us/call", c.cpu_s, c.cpu_us_per_call);
        }
        if let Some(c) = &self.server_switches {
            let _ = writeln!(out, "  server ctxsw  {} measured = {:.2} per call", group(c.switches), c.per_call);
        }
        if let Some(c) = &self.client_cpu {
            let _ = writeln!(out, "  load tool     CPU {:.3} s = {:.1} us/call", c.cpu_s, c.cpu_us_per_call);
        }
        if let Some(reason) = &self.aborted {
            let _ = writeln!(out, "  ABORTED       {reason}");
        }
        if let Some(stderr) = &self.server_stderr {
            let _ = writeln!(out, "  server stderr (last lines):");
            for line in stderr.lines().rev().take(12).collect::<Vec<_>>().into_iter().rev() {
                let _ = writeln!(out, "    {line}");
            }
        }
        out
    }
}

/// `1234567` as `1,234,567`.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
    }

    #[test]
    fn cold_start_median_is_the_lower_middle() {
        let cold = ColdStart::new(vec![30.0, 10.0, 20.0, 40.0]);
        assert_eq!((cold.median_ms, cold.min_ms, cold.max_ms), (20.0, 10.0, 40.0));
        assert_eq!(cold.samples_ms, vec![30.0, 10.0, 20.0, 40.0]);
    }
}

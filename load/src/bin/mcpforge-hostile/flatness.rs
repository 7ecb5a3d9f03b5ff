//! Whether a sampled series (a server's RSS, its open files) stayed flat after warm-up, and
//! the figures printed for it.
//!
//! Of `n` samples, the first `warmup` are the warm-up (the hostile clients reach their caps,
//! the server its bounds). The **baseline** is the largest sample of the window just after
//! the warm-up, the **end** the largest sample of the last window of the run; both windows
//! are `window` samples long, a fifth of the run (at least 2). The **growth** is
//! `(end - baseline) / baseline`, and a series is flat when it is at most the limit.
//!
//! Peaks are compared with peaks, not single samples: a series that moves around a plateau
//! (connections opened and closed between two samples) has about the same peak in both
//! windows, whatever sample happens to come first, while a series that keeps growing has a
//! late peak above its early one.

/// The share of the run each window covers.
const WINDOW: f64 = 0.2;
/// The fewest samples any part of the run has.
const LEAST: usize = 2;

/// Which samples are the warm-up and the two windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Plan {
    /// Samples in all.
    pub samples: usize,
    /// The first this many are the warm-up.
    pub warmup: usize,
    /// The length of the baseline window and of the end window.
    pub window: usize,
}

impl Plan {
    /// The plan of `samples` samples whose first `warmup_fraction` (at least 2) are warm-up.
    pub(super) fn new(samples: usize, warmup_fraction: f64) -> Result<Plan, String> {
        let part = |fraction: f64| ((samples as f64 * fraction).ceil() as usize).max(LEAST);
        let plan = Plan { samples, warmup: part(warmup_fraction), window: part(WINDOW) };
        if plan.warmup + 2 * plan.window > samples {
            return Err(format!(
                "{samples} samples are too few for a warm-up of {} and two windows of {}: run longer or sample more often",
                plan.warmup, plan.window
            ));
        }
        Ok(plan)
    }

    /// Says which samples are which, for the report.
    pub(super) fn describe(&self) -> String {
        let (w, n) = (self.warmup, self.samples);
        format!(
            "warm-up: samples 1-{w}; baseline: the largest of samples {}-{}; end: the largest of samples {}-{n}",
            w + 1,
            w + self.window,
            n - self.window + 1
        )
    }
}

/// The figures of one series after warm-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Measure {
    /// The first sample after the warm-up.
    pub first: f64,
    /// The last sample.
    pub last: f64,
    /// The largest sample after the warm-up.
    pub max: f64,
    /// The largest sample of the baseline window.
    pub baseline: f64,
    /// The largest sample of the end window.
    pub end: f64,
    /// `(end - baseline) / baseline`, in percent.
    pub growth_pct: f64,
}

impl Measure {
    /// Measures `series`, which must hold `plan.samples` samples.
    pub(super) fn of(plan: &Plan, series: &[f64]) -> Measure {
        assert_eq!(series.len(), plan.samples, "one value per planned sample");
        let peak = |s: &[f64]| s.iter().copied().fold(f64::MIN, f64::max);
        let after = &series[plan.warmup..];
        let baseline = peak(&after[..plan.window]);
        let end = peak(&series[plan.samples - plan.window..]);
        Measure {
            first: after[0],
            last: series[plan.samples - 1],
            max: peak(after),
            baseline,
            end,
            growth_pct: if baseline > 0.0 { (end - baseline) / baseline * 100.0 } else { f64::INFINITY },
        }
    }

    /// One line of the report: `unit` after each figure.
    pub(super) fn line(&self, what: &str, unit: &str, limit_pct: f64) -> String {
        format!(
            "{what}: first after warm-up {:.1}{unit}, last {:.1}{unit}, max {:.1}{unit}; baseline {:.1}{unit}, end {:.1}{unit}: growth {:+.1}% (limit {limit_pct}%)",
            self.first, self.last, self.max, self.baseline, self.end, self.growth_pct
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_a_fifth_of_the_run_after_the_warm_up() {
        let plan = Plan::new(360, 0.2).unwrap();
        assert_eq!((plan.warmup, plan.window), (72, 72));
        assert_eq!(Plan::new(6, 0.1).unwrap(), Plan { samples: 6, warmup: 2, window: 2 });
        assert!(Plan::new(5, 0.2).unwrap_err().contains("too few"));
    }

    #[test]
    fn a_plateau_that_moves_between_samples_is_flat() {
        let plan = Plan::new(10, 0.2).unwrap();
        // Warm-up ramps, then the series moves between 100 and 108.
        let series = [10.0, 60.0, 100.0, 108.0, 101.0, 107.0, 100.0, 104.0, 108.0, 100.0];
        let m = Measure::of(&plan, &series);
        assert_eq!((m.first, m.last, m.max, m.baseline, m.end), (100.0, 100.0, 108.0, 108.0, 108.0));
        assert_eq!(m.growth_pct, 0.0);
    }

    #[test]
    fn a_series_that_keeps_growing_is_not() {
        let plan = Plan::new(10, 0.2).unwrap();
        let series: Vec<f64> = (0..10).map(|i| 100.0 + 5.0 * i as f64).collect();
        let m = Measure::of(&plan, &series);
        assert_eq!((m.baseline, m.end), (115.0, 145.0));
        assert!((m.growth_pct - 26.08).abs() < 0.01, "{}", m.growth_pct);
    }
}

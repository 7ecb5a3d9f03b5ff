//! The command line of `mcpforge-hostile`: the scenario, its size and limits, and the
//! server command.

/// What one run does, read from the command line.
pub(crate) struct Options {
    /// The scenario run.
    pub(crate) scenario: String,
    /// How many lines, sessions, connections, calls, rounds or sockets.
    pub(crate) count: u64,
    /// `sessions`: how many list changes are sent.
    pub(crate) changes: u64,
    /// The RSS (or RSS growth) limit, MiB.
    pub(crate) limit_mb: f64,
    /// The time limit, milliseconds: the slowest answer (`slowloris`), the exit (`sigterm`).
    pub(crate) limit_ms: f64,
    /// `sigterm`: how long each call works.
    pub(crate) seconds: f64,
    /// `sigterm`: over HTTP instead of stdio.
    pub(crate) http: bool,
    /// `mixed`: seconds between two samples.
    pub(crate) sample_secs: f64,
    /// `mixed`: the share of the run that is warm-up.
    pub(crate) warmup: f64,
    /// `mixed`: the server's open-file limit.
    pub(crate) files: u32,
    /// `mixed`: `initialize` requests a second.
    pub(crate) rate: u64,
    /// The server command.
    pub(crate) server: Vec<String>,
}

/// Reads the command line (after the program name): the scenario first, then its options,
/// then `--` and the server command.
pub(crate) fn parse(args: &[String]) -> Result<Options, String> {
    let scenario = args.first().cloned().ok_or("no scenario")?;
    let (count, changes) = match scenario.as_str() {
        "flood" => (3_000_000, 0),
        "sessions" => (2_000, 300),
        "slowloris" => (600, 0),
        "sigterm" => (64, 0),
        "disconnect" => (2_000, 0),
        "slow-reader" => (100_000, 0),
        "idle-websockets" => (200, 0),
        "mixed" => (800, 0),
        other => return Err(format!("unknown scenario `{other}`")),
    };
    // `sigterm` is about answers and exit time, not memory (a Node server alone is ~60 MiB).
    let (limit_ms, limit_mb) = match scenario.as_str() {
        "sigterm" => (7000.0, 512.0),
        "disconnect" | "slow-reader" | "idle-websockets" => (100.0, 32.0),
        "mixed" => (100.0, 1024.0),
        _ => (100.0, 64.0),
    };
    let seconds = if scenario == "mixed" { 3600.0 } else { 1.0 };
    let mut o = Options {
        scenario,
        count,
        changes,
        limit_mb,
        limit_ms,
        seconds,
        http: false,
        sample_secs: 10.0,
        warmup: 0.2,
        files: 1024,
        rate: 25,
        server: Vec::new(),
    };
    let mut rest = args[1..].iter();
    while let Some(a) = rest.next() {
        let mut value = || rest.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--http" => o.http = true,
            "--seconds" => o.seconds = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--sample-secs" => o.sample_secs = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--warmup" => o.warmup = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--files" => o.files = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--sessions-per-sec" => o.rate = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--lines" | "--sessions" | "--connections" | "--calls" | "--rounds" | "--sockets" | "--websockets" => {
                o.count = value()?.parse().map_err(|e| format!("{a}: {e}"))?
            }
            "--changes" => o.changes = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--limit-mb" => o.limit_mb = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--limit-ms" => o.limit_ms = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--" => {
                o.server = rest.cloned().collect();
                break;
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if o.server.is_empty() {
        return Err("no server command after `--`".into());
    }
    if !(o.sample_secs > 0.0 && (0.0..1.0).contains(&o.warmup)) {
        return Err("--sample-secs must be above 0 and --warmup in [0, 1)".into());
    }
    Ok(o)
}

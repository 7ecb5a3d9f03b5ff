//! Plumbing shared by the bench programs: the command line, finding the server
//! binary, the server child under test and `fail`, which kills it and exits on
//! any failure from any thread, the watchdog, and small helpers for figures,
//! messages and the JSON report.
//!
//! Each bench calls [`init`] first thing in `main`, naming itself (the prefix of
//! every message) and giving its usage text.

use std::env;
use std::fmt::Display;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{self, Child};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, MutexGuard, OnceLock, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// What sets one bench program apart in the shared plumbing; given once, to
/// [`init`].
pub struct Bench {
    /// Prefix of every message, e.g. `stdio bench`.
    pub label: &'static str,
    /// Printed by `--help` and after a usage error.
    pub usage: &'static str,
    /// How long [`fail`] waits for another thread to release the server before
    /// it exits without killing it: zero for a server that exits by itself when
    /// we do (EOF on its stdin), longer for one that would outlive us.
    pub kill_wait: Duration,
}

/// Set by [`init`].
static BENCH: OnceLock<Bench> = OnceLock::new();

/// The server currently under test. [`fail`] may run on any thread (a reader,
/// writer or client thread, the watchdog) and kills it from here, so an aborted
/// run never leaves a child process behind.
static SERVER: Mutex<Option<Child>> = Mutex::new(None);

/// Set by the first call to [`fail`].
static FAILING: AtomicBool = AtomicBool::new(false);

/// Names the bench program for the rest of the run; call it once, before
/// anything else here.
pub fn init(bench: Bench) {
    assert!(BENCH.set(bench).is_ok(), "common::init called twice");
}

/// The message prefix given to [`init`].
fn label() -> &'static str {
    BENCH.get().map_or("bench", |bench| bench.label)
}

/// Prints a progress message on stderr, after the bench's label.
pub fn note(msg: impl Display) {
    eprintln!("{}: {msg}", label());
}

// ---------------------------------------------------------------------------
// Command line

/// The options every bench takes.
pub struct Args {
    /// `--quick`: a short run, for a smoke test.
    pub quick: bool,
    /// `--json PATH`: also write the figures as JSON.
    pub json: Option<PathBuf>,
    /// `--rounds N`: rounds to take the best of (default 3; 1 with `--quick`).
    pub rounds: usize,
}

impl Args {
    /// `quick` or `full`, for the report.
    pub fn mode(&self) -> &'static str {
        if self.quick { "quick" } else { "full" }
    }
}

/// Parses the command line: `--quick`, `--rounds N`, `--json PATH` (or
/// `--json=PATH`), `-h`/`--help`, and `--bench`, which `cargo bench` passes to
/// every bench program and is ignored. Any other argument is offered to
/// `extra` with the arguments after it; `extra` returns false if the argument
/// is not one of the bench's own.
pub fn parse_args(mut extra: impl FnMut(&str, &mut dyn Iterator<Item = String>) -> bool) -> Args {
    let mut options = Args { quick: false, json: None, rounds: 0 };
    let mut args = env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--rounds" => match args.next().and_then(|n| n.parse().ok()).filter(|&n: &usize| n > 0) {
                Some(n) => options.rounds = n,
                None => usage_error("--rounds needs a positive number"),
            },
            "--json" => match args.next() {
                Some(path) => options.json = Some(PathBuf::from(path)),
                None => usage_error("--json needs a path"),
            },
            _ if arg.starts_with("--json=") => {
                options.json = Some(PathBuf::from(&arg["--json=".len()..]));
            }
            "--bench" => {}
            "-h" | "--help" => {
                println!("{}", usage());
                process::exit(0);
            }
            _ if extra(&arg, &mut args) => {}
            _ => usage_error(&format!("unknown argument `{arg}`")),
        }
    }
    if options.rounds == 0 {
        options.rounds = if options.quick { 1 } else { 3 };
    }
    options
}

/// The usage text given to [`init`].
fn usage() -> &'static str {
    BENCH.get().map_or("", |bench| bench.usage)
}

/// Prints `msg` and the usage text, and exits with status 2.
pub fn usage_error(msg: &str) -> ! {
    eprintln!("{}: {msg}\n{}", label(), usage());
    process::exit(2);
}

// ---------------------------------------------------------------------------
// The server under test

/// Finds a server binary: `$env_var` if set, else `<target>/release/<name>`.
pub fn find_binary(env_var: &str, name: &str) -> PathBuf {
    if let Some(path) = env::var_os(env_var) {
        let path = PathBuf::from(path);
        if !path.is_file() {
            fail(format!("{env_var}={} is not a file", path.display()));
        }
        return path;
    }

    let file = format!("{name}{}", env::consts::EXE_SUFFIX);
    // The benches are compiled from core/, so the workspace root is its parent.
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace_root = manifest_dir.parent().unwrap_or(manifest_dir);
    let mut candidates = Vec::new();
    if let Some(dir) = env::var_os("CARGO_TARGET_DIR") {
        // A relative target dir is taken relative to the workspace root,
        // because `cargo bench` runs us from core/, not from where cargo ran.
        candidates.push(workspace_root.join(dir).join("release").join(&file));
    }
    for dir in manifest_dir.ancestors() {
        candidates.push(dir.join("target").join("release").join(&file));
    }
    // Last resort: next to this bench program (<target>/release/deps/<bench>-*),
    // which covers target dirs set in a cargo config file.
    if let Ok(exe) = env::current_exe() {
        if let Some(deps) = exe.parent().filter(|dir| dir.ends_with("deps")) {
            candidates.extend(deps.parent().map(|release| release.join(&file)));
        }
    }
    // The same directory can turn up twice (e.g. CARGO_TARGET_DIR=target).
    let mut seen = Vec::new();
    candidates.retain(|path| {
        let new = !seen.contains(path);
        seen.push(path.clone());
        new
    });

    match candidates.iter().find(|path| path.is_file()) {
        Some(path) => path.clone(),
        None => {
            note(format_args!("cannot find the `{name}` server binary; looked for:"));
            for path in &candidates {
                eprintln!("    {}", path.display());
            }
            eprintln!(
                "Build the example servers first:\n    cargo build --release -p mcpforge-examples\n\
                 or set {env_var} to the binary's path."
            );
            process::exit(1);
        }
    }
}

/// Makes `child` the server under test, the one [`fail`] kills.
pub fn set_server(child: Child) {
    *lock_server() = Some(child);
}

/// Takes back the server under test, to shut it down.
pub fn take_server() -> Child {
    lock_server().take().expect("a server is under test")
}

/// The server under test, locked. Hold the guard briefly, and never across a
/// call to [`fail`].
pub fn lock_server() -> MutexGuard<'static, Option<Child>> {
    SERVER.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Prints `msg`, kills the server under test, and exits with status 1. Used
/// for wrong answers, broken servers and the time limits; slowness alone is
/// never an error.
pub fn fail(msg: impl Display) -> ! {
    // Only the first failure is reported: killing the server makes the other
    // threads fail too (EOF, broken pipe, closed connection), and those echoes
    // would just confuse.
    if FAILING.swap(true, Ordering::SeqCst) {
        loop {
            thread::park();
        }
    }
    note(format_args!("error: {msg}"));
    // try_lock: if another thread holds the lock it is only briefly, and
    // exiting matters more than the kill; how long to wait for it is the
    // bench's `kill_wait`.
    let deadline = Instant::now() + BENCH.get().map_or(Duration::ZERO, |bench| bench.kill_wait);
    let mut guard = loop {
        match SERVER.try_lock() {
            Ok(guard) => break Some(guard),
            Err(TryLockError::Poisoned(poisoned)) => break Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => thread::sleep(Duration::from_millis(1)),
            Err(TryLockError::WouldBlock) => break None,
        }
    };
    if let Some(child) = guard.as_mut().and_then(|server| server.as_mut()) {
        let _ = child.kill();
        let _ = child.wait();
    }
    process::exit(1);
}

/// Aborts the whole run if a stretch of it (one server, one round) takes longer
/// than its limit: a separate thread bounds the total where the measurement
/// loops cannot.
pub struct Watchdog {
    stop: mpsc::Sender<()>,
    thread: thread::JoinHandle<()>,
}

impl Watchdog {
    /// Starts the clock: unless [`Watchdog::stop`] is called within `limit`,
    /// the run fails with `message`.
    pub fn start(limit: Duration, message: String) -> Self {
        let (stop, stopped) = mpsc::channel();
        let thread = thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(limit) {
                fail(message);
            }
        });
        Watchdog { stop, thread }
    }

    /// Stops the clock.
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

/// Peak resident set size of process `pid` in MB (MiB), from `VmHWM`; `None`
/// where `/proc/<pid>/status` is not available.
pub fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let value = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    let kib: f64 = value.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

/// The larger of two peak RSS figures, either of which may be missing.
pub fn larger_peak(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

// ---------------------------------------------------------------------------
// Figures and messages

/// The `p`th percentile (nearest rank) of sorted, non-empty `samples`.
pub fn percentile<T: Copy>(samples: &[T], p: f64) -> T {
    let rank = (p / 100.0 * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// At most 200 characters of `text`, for error messages.
pub fn preview(text: &str) -> String {
    let text = text.trim_end();
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}... ({} bytes)", &text[..end], text.len()),
        None => text.to_owned(),
    }
}

/// Writes `report` to `path` as pretty-printed JSON and says so.
pub fn write_json_file(path: &Path, report: &Value) {
    let text = serde_json::to_string_pretty(report).expect("a Value always serializes");
    if let Err(e) = fs::write(path, text + "\n") {
        fail(format!("writing {}: {e}", path.display()));
    }
    note(format_args!("wrote {}", path.display()));
}

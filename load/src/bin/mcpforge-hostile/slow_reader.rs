//! `slow-reader`: a stdio client that writes calls as fast as the server takes them but
//! reads the answers slowly (about 1 MB/s, far below what a server produces): a server with
//! bounded queues stops reading its input instead of holding the answers, so its memory
//! stays flat, and every call is still answered in the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::curve::{Curve, SAMPLE};
use super::http;
use super::options::Options;
use super::server::{DEADLINE, spawn};

/// The reader takes this many bytes...
const READ_CHUNK: usize = 4096;
/// ...then pauses this long: about 1 MB/s.
const READ_PAUSE: Duration = Duration::from_millis(4);

/// Calls written but not answered yet beyond which the server is holding what it should
/// not: its per-connection in-flight limit (1024) and output queue (256), plus what the
/// pipes and the client's own buffers hold, are far below it.
pub(super) const MAX_WAITING: u64 = 10_000;

/// Runs the scenario; returns the RSS growth once the server was ready.
pub(super) fn slow_reader(o: &Options) -> Result<f64, String> {
    let mut server = spawn(&o.server, &[], true).map_err(|e| format!("cannot start the server: {e}"))?;
    let mut curve = Curve::new(server.0.id());
    let mut stdin = server.0.stdin.take().ok_or("no stdin")?;
    let mut stdout = BufReader::new(server.0.stdout.take().ok_or("no stdout")?);
    writeln!(stdin, "{}", http::initialize("2025-06-18")).map_err(|e| e.to_string())?;
    let mut line = String::new();
    stdout.read_line(&mut line).map_err(|e| format!("initialize: {e}"))?;
    writeln!(stdin, "{}", http::INITIALIZED).map_err(|e| e.to_string())?;
    let ready = curve.point("initialized");
    let calls = o.count;
    let written = Arc::new(AtomicU64::new(0));
    let writer = {
        let written = written.clone();
        thread::spawn(move || {
            let mut out = std::io::BufWriter::new(stdin);
            for id in 1..=calls {
                let call = format!(
                    r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"test_simple_text","arguments":{{}}}}}}"#
                );
                if writeln!(out, "{call}").is_err() {
                    break;
                }
                written.fetch_add(1, Ordering::Relaxed);
            }
            let _ = out.flush();
            // Keep stdin open until the answers are read: EOF would start the shutdown.
            out
        })
    };
    let answered = Arc::new(AtomicU64::new(0));
    let reader = {
        let answered = answered.clone();
        thread::spawn(move || {
            let mut chunk = vec![0u8; READ_CHUNK];
            loop {
                let n = match stdout.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let lines = chunk[..n].iter().filter(|&&b| b == b'\n').count() as u64;
                if answered.fetch_add(lines, Ordering::Relaxed) + lines >= calls {
                    break;
                }
                thread::sleep(READ_PAUSE);
            }
        })
    };
    let begun = Instant::now();
    let mut last_print = Instant::now();
    let mut most_waiting = 0;
    while answered.load(Ordering::Relaxed) < calls && !reader.is_finished() {
        thread::sleep(SAMPLE);
        most_waiting =
            most_waiting.max(written.load(Ordering::Relaxed).saturating_sub(answered.load(Ordering::Relaxed)));
        if last_print.elapsed() >= Duration::from_secs(2) {
            let (w, a) = (written.load(Ordering::Relaxed), answered.load(Ordering::Relaxed));
            curve.point(&format!("{w} calls written, {a} answers read ({} waiting)", w - a.min(w)));
            last_print = Instant::now();
        } else {
            curve.peak = curve.peak.max(super::curve::rss_mb(curve.pid));
        }
        if begun.elapsed() > DEADLINE {
            return Err(format!(
                "{} of {calls} answers read after {} s",
                answered.load(Ordering::Relaxed),
                DEADLINE.as_secs()
            ));
        }
    }
    let a = answered.load(Ordering::Relaxed);
    curve.point(&format!("{a} answers read"));
    drop(writer.join().map_err(|_| "the writer panicked")?);
    reader.join().map_err(|_| "the reader panicked")?;
    println!(
        "  {calls} calls, {a} answered, in {:.1} s at the reader's pace; at most {most_waiting} calls waiting for the reader",
        begun.elapsed().as_secs_f64()
    );
    if a < calls {
        return Err(format!("{} calls were never answered", calls - a));
    }
    if most_waiting > MAX_WAITING {
        return Err(format!(
            "the server took {most_waiting} calls ahead of a reader that did not keep up (at most {MAX_WAITING})"
        ));
    }
    Ok(curve.peak - ready)
}

//! `flood`: malformed JSON-RPC lines written to the server's stdin as fast as it takes
//! them, its stdout never read, then a `ping` that must still be answered.

use std::io::{BufRead, BufReader, Write};
use std::process::ChildStdin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

use super::curve::{Curve, SAMPLE};
use super::options::Options;
use super::server::{DEADLINE, spawn};

/// Writes that make no progress for this long mean the server stopped reading.
const STALL: std::time::Duration = std::time::Duration::from_secs(2);

/// `flood`: malformed lines in, nothing read out.
pub(super) fn flood(o: &Options) -> Result<f64, String> {
    let mut server = spawn(&o.server, &[], true).map_err(|e| format!("cannot start the server: {e}"))?;
    let pid = server.0.id();
    let mut stdin = server.0.stdin.take().ok_or("no stdin")?;
    let stdout = server.0.stdout.take().ok_or("no stdout")?;
    let mut curve = Curve::new(pid);
    curve.point("started");
    let written = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let lines = o.count;
    let writer = {
        let (written, stop) = (written.clone(), stop.clone());
        thread::spawn(move || -> ChildStdin {
            const LINE: &[u8] = b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n";
            let chunk: Vec<u8> = LINE.iter().copied().cycle().take(LINE.len() * 1024).collect();
            while written.load(Ordering::Relaxed) < lines && !stop.load(Ordering::Relaxed) {
                if stdin.write_all(&chunk).is_err() {
                    break;
                }
                written.fetch_add(1024, Ordering::Relaxed);
            }
            stdin
        })
    };
    let begun = Instant::now();
    let (mut last, mut progressed) = (0, Instant::now());
    loop {
        thread::sleep(SAMPLE);
        let now = written.load(Ordering::Relaxed);
        curve.point(&format!("{now} lines written"));
        if now != last {
            (last, progressed) = (now, Instant::now());
        }
        if writer.is_finished() || progressed.elapsed() >= STALL || begun.elapsed() >= DEADLINE {
            break;
        }
    }
    let stalled = !writer.is_finished();
    println!(
        "  {} after {last} lines",
        if stalled { "the server stopped reading (backpressure)" } else { "every line was written" }
    );
    // Read from now on, and check the server still answers.
    stop.store(true, Ordering::Relaxed);
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.contains("\"id\":\"alive\"") {
                let _ = seen_tx.send(());
            }
        }
    });
    let mut stdin = writer.join().map_err(|_| "the writer panicked")?;
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":\"alive\",\"method\":\"ping\"}\n")
        .map_err(|e| format!("the server closed its input: {e}"))?;
    seen_rx.recv_timeout(DEADLINE).map_err(|_| "the server did not answer a ping after the flood")?;
    curve.point("answered a ping after the flood");
    Ok(curve.peak)
}

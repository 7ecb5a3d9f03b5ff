//! `sigterm`: N calls of a slow tool (`slow_compute`, as the conformance fixtures of every
//! language have it) over stdio or HTTP, then SIGTERM while they run: every call must be
//! answered and the process must exit 0 within the grace period and a margin.

use std::io::{BufRead, BufReader, Write};
use std::thread;
use std::time::{Duration, Instant};

use super::curve::Curve;
use super::http;
use super::options::Options;
use super::server::spawn;

/// The protocol version the calls are made at.
const VERSION: &str = "2025-06-18";

/// What the calls of `sigterm` got.
#[derive(Default)]
struct Answers {
    results: u64,
    errors: u64,
}

/// The answers of `sigterm`, counted already (HTTP) or by a thread reading stdout.
enum Reading {
    Done(Answers),
    Thread(thread::JoinHandle<Answers>),
}

/// The `slow_compute` call with JSON-RPC id `id` (legacy wire).
fn slow_call(id: u64, seconds: f64) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"slow_compute","arguments":{{"seconds":{seconds}}}}}}}"#
    )
}

/// Counts a JSON-RPC answer line (a result or an error for one of our ids).
fn count_answer(line: &str, answers: &mut Answers) {
    if !line.contains("\"id\":") {
        return;
    }
    if line.contains("\"result\":") {
        answers.results += 1;
    } else if line.contains("\"error\":") {
        answers.errors += 1;
    }
}

/// `sigterm`: slow calls in flight, then SIGTERM.
pub(super) fn sigterm(o: &Options) -> Result<f64, String> {
    let (mut server, addr) = if o.http {
        let (server, addr) = http::start(o, None)?;
        (server, Some(addr))
    } else {
        (spawn(&o.server, &[], true).map_err(|e| format!("cannot start the server: {e}"))?, None)
    };
    let pid = server.0.id();
    let mut curve = Curve::new(pid);
    let (reading, signalled) = if let Some(addr) = addr {
        let session = http::session_headers(&http::open_session(addr, VERSION)?, VERSION);
        let calls: Vec<_> = (1..=o.count)
            .map(|id| {
                let (session, call) = (session.clone(), slow_call(id, o.seconds));
                thread::spawn(move || http::post(addr, &call, &session))
            })
            .collect();
        thread::sleep(Duration::from_millis(500));
        curve.point(&format!("{} calls in flight", o.count));
        let signalled = Instant::now();
        // SAFETY: kill(2) with a pid we started and have not reaped; no memory is touched.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        let mut answers = Answers::default();
        for call in calls {
            match call.join() {
                Ok(Ok((200, _, body))) => body.lines().for_each(|l| count_answer(l, &mut answers)),
                Ok(Ok((status, _, _))) if status >= 500 => answers.errors += 1,
                _ => {}
            }
        }
        (Reading::Done(answers), signalled)
    } else {
        let mut stdin = server.0.stdin.take().ok_or("no stdin")?;
        let stdout = server.0.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        writeln!(stdin, "{}", http::initialize(VERSION)).map_err(|e| e.to_string())?;
        lines.next().ok_or("no answer to initialize")?.map_err(|e| e.to_string())?;
        writeln!(stdin, "{}", http::INITIALIZED).map_err(|e| e.to_string())?;
        for id in 1..=o.count {
            writeln!(stdin, "{}", slow_call(id, o.seconds)).map_err(|e| e.to_string())?;
        }
        stdin.flush().map_err(|e| e.to_string())?;
        thread::sleep(Duration::from_millis(500));
        curve.point(&format!("{} calls in flight", o.count));
        let signalled = Instant::now();
        // SAFETY: as above.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        // Read on a thread: the answers end with the server's output (EOF), which comes at
        // its exit, or when it is killed after the bound below.
        let reader = thread::spawn(move || {
            let mut answers = Answers::default();
            for line in lines {
                let Ok(line) = line else { break };
                count_answer(&line, &mut answers);
            }
            answers
        });
        drop(stdin);
        (Reading::Thread(reader), signalled)
    };
    let status = loop {
        if let Some(status) = server.0.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if signalled.elapsed() > Duration::from_secs(60) {
            return Err("the server was still running 60 s after SIGTERM".into());
        }
        thread::sleep(Duration::from_millis(10));
    };
    let exit_ms = signalled.elapsed().as_secs_f64() * 1000.0;
    let answers = match reading {
        Reading::Done(answers) => answers,
        Reading::Thread(reader) => reader.join().map_err(|_| "the reader panicked")?,
    };
    println!(
        "  {} calls: {} answered with a result, {} with an error, {} unanswered; exited {status} {exit_ms:.0} ms after SIGTERM",
        o.count,
        answers.results,
        answers.errors,
        o.count - answers.results - answers.errors
    );
    if answers.results + answers.errors != o.count {
        return Err("some calls were never answered".into());
    }
    if !status.success() {
        return Err(format!("the server did not exit cleanly: {status}"));
    }
    if exit_ms > o.limit_ms {
        return Err(format!("the server took {exit_ms:.0} ms to exit (limit {} ms)", o.limit_ms));
    }
    Ok(curve.peak)
}

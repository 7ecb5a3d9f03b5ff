//! The steady client of the scenarios with hostile traffic: one well-behaved client in a
//! legacy session of its own that calls one tool, one call at a time, until it is stopped,
//! and counts every call not answered with the tool's result (an HTTP error such as 503, a
//! JSON-RPC error such as a rate limit's -32029, no answer within the read timeout).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::http;

/// How many failures are kept word for word (the rest are only counted).
const KEPT_FAILURES: usize = 5;
/// How much of a failed answer is kept.
const KEPT_BYTES: usize = 300;

/// What the steady client calls.
pub(super) struct Call {
    /// The protocol version of its session.
    pub version: &'static str,
    /// Headers of every request besides the session's (an `Authorization`, say).
    pub headers: Vec<(String, String)>,
    /// The tool.
    pub tool: &'static str,
    /// The tool's arguments, as JSON text.
    pub arguments: String,
    /// Text the tool's result must contain.
    pub expect: String,
    /// The pause after each answer (zero: call again at once).
    pub pause: Duration,
}

/// The steady client's tally, read while it runs.
#[derive(Default)]
pub(super) struct Tally {
    sent: AtomicU64,
    answered: AtomicU64,
    failed: AtomicU64,
    first_failures: Mutex<Vec<String>>,
}

impl Tally {
    /// Calls sent and calls answered with the tool's result so far.
    pub(super) fn counts(&self) -> (u64, u64) {
        (self.sent.load(Ordering::Relaxed), self.answered.load(Ordering::Relaxed))
    }

    fn fail(&self, what: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.first_failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.len() < KEPT_FAILURES {
            kept.push(what.chars().take(KEPT_BYTES).collect());
        }
    }

    /// Ok when at least one call was made and every call was answered with the tool's result.
    pub(super) fn check(&self) -> Result<(), String> {
        let (sent, answered) = self.counts();
        let kept = self.first_failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if sent == 0 {
            return Err("the steady client made no call".into());
        }
        if answered != sent || !kept.is_empty() {
            return Err(format!(
                "the steady client lost {} of {sent} calls; the first: {:?}",
                self.failed.load(Ordering::Relaxed),
                *kept
            ));
        }
        Ok(())
    }
}

/// A running steady client.
pub(super) struct Steady {
    stop: Arc<AtomicBool>,
    tally: Arc<Tally>,
    thread: thread::JoinHandle<()>,
}

impl Steady {
    /// Opens the client's session and starts calling.
    pub(super) fn start(addr: SocketAddr, call: Call) -> Result<Steady, String> {
        let session = http::open_session_with(addr, call.version, &call.headers)?;
        let mut headers = http::session_headers(&session, call.version);
        headers.extend(call.headers.iter().cloned());
        let (stop, tally) = (Arc::new(AtomicBool::new(false)), Arc::new(Tally::default()));
        let thread = {
            let (stop, tally) = (stop.clone(), tally.clone());
            thread::spawn(move || {
                let mut id = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    id += 1;
                    tally.sent.fetch_add(1, Ordering::Relaxed);
                    let body = format!(
                        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"{}","arguments":{}}}}}"#,
                        call.tool, call.arguments
                    );
                    match http::post(addr, &body, &headers) {
                        Ok((200, _, answer)) if answer.contains("\"result\"") && answer.contains(&call.expect) => {
                            tally.answered.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok((status, _, answer)) => tally.fail(format!("{status}: {answer}")),
                        Err(e) => tally.fail(e.to_string()),
                    }
                    if !call.pause.is_zero() {
                        thread::sleep(call.pause);
                    }
                }
            })
        };
        Ok(Steady { stop, tally, thread })
    }

    /// The tally so far.
    pub(super) fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Stops the client (after its call in progress) and returns its tally.
    pub(super) fn finish(self) -> Result<Arc<Tally>, String> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().map_err(|_| "the steady client panicked")?;
        Ok(self.tally)
    }
}

//! The stdio driver: newline-delimited JSON-RPC on the server's stdin and stdout, one call
//! at a time or pipelined with N requests in flight.
//!
//! Pipelining splits the work between a writer thread and a reader thread. The writer
//! holds one permit per request in flight; each permit is a slot whose number is part of
//! the request id (`id = base + seq * (N + 1) + slot`), so the reader finds the slot of an
//! answer by arithmetic, checks that the slot is waiting for exactly that id (answers may
//! come in any order, but each id only once), records the latency, and hands the permit
//! back. Requests are written into one buffer that is flushed only when the writer has to
//! wait for a permit, so a burst goes out in few writes, as a real pipelining client sends it.

use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::process::{ChildStdin, ChildStdout};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::check::{self, Message, preview, shorten};
use crate::child::Killer;
use crate::cli::{Stop, WireChoice};
use crate::monitor::Progress;
use crate::stats::Recorder;
use crate::wire::{self, CallTemplate, MODERN_VERSION, Negotiated, Wire};

/// Buffer sizes for the pipes: a 100 KiB message takes a few syscalls each way.
const BUF_CAPACITY: usize = 256 * 1024;
/// How long `--wire auto` waits for an answer to `server/discover` before it tries
/// `initialize` (a server that knows only the older versions may ignore the probe).
const PROBE_WAIT: Duration = Duration::from_secs(10);

/// Our ends of one server's stdin and stdout.
pub struct StdioClient {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Reused buffers: outgoing requests, the incoming line.
    out: Vec<u8>,
    line: Vec<u8>,
    /// The next id; ids are never reused in one session.
    next_id: u64,
}

impl StdioClient {
    /// Wraps the pipes of a freshly started server.
    pub fn new(stdin: ChildStdin, stdout: ChildStdout) -> Self {
        StdioClient {
            stdin,
            stdout: BufReader::with_capacity(BUF_CAPACITY, stdout),
            out: Vec::with_capacity(BUF_CAPACITY),
            line: Vec::with_capacity(BUF_CAPACITY),
            next_id: 1,
        }
    }

    /// The handshake `choice` asks for, all of it before `deadline`.
    pub fn handshake(&mut self, choice: WireChoice, deadline: Instant) -> Result<Negotiated, String> {
        if choice != WireChoice::Legacy {
            let probe_deadline = match choice {
                WireChoice::Auto => deadline.min(Instant::now() + PROBE_WAIT),
                _ => deadline,
            };
            let id = self.take_id();
            match self.request(&wire::discover(id), id, probe_deadline) {
                Ok(reply) => match reply.get("result") {
                    Some(result) if wire::discover_supports_modern(result) => {
                        return Ok(Negotiated::from_result(Wire::Modern, result));
                    }
                    _ if choice == WireChoice::Modern => {
                        return Err(format!(
                            "the server does not speak {MODERN_VERSION}: server/discover answered {}",
                            shorten(&reply.to_string())
                        ));
                    }
                    _ => {}
                },
                Err(e) if choice == WireChoice::Modern => return Err(e),
                // Auto: no answer to the probe; a late one is skipped below by its id.
                Err(_) => {}
            }
        }
        let id = self.take_id();
        let reply = self.request(&wire::initialize(id), id, deadline)?;
        let Some(result) = reply.get("result") else {
            return Err(format!("initialize failed: {}", shorten(&reply.to_string())));
        };
        let version = result["protocolVersion"].as_str().unwrap_or(wire::LEGACY_VERSION).to_owned();
        let negotiated = Negotiated::from_result(Wire::Legacy(version), result);
        self.send(&wire::initialized())?;
        Ok(negotiated)
    }

    /// One call, then its answer, `stop` permitting, over and over: the latency of each is
    /// the round trip a client sees. Returns the calls and the measured time.
    pub fn run_sequential(
        &mut self,
        call: &CallTemplate,
        stop: Stop,
        interval: Option<Duration>,
        progress: &Progress,
    ) -> Result<(Recorder, Duration), String> {
        let expect = call.expect.as_deref();
        let start = Instant::now();
        let mut recorder = Recorder::with_capacity(stop.capacity_hint()).with_series(interval, start);
        let mut done = 0;
        while !stop.reached(done, start) {
            let id = self.take_id();
            self.out.clear();
            call.write_to(&mut self.out, id);
            self.out.push(b'\n');
            let sent = Instant::now();
            self.stdin.write_all(&self.out).map_err(|e| write_error(&e, progress))?;
            let outcome = loop {
                match read_message(&mut self.stdout, &mut self.line, expect, progress)? {
                    Message::Reply(Some(got), outcome) if got == id => break outcome,
                    Message::Reply(got, _) => return Err(unexpected_id(got, &self.line)),
                    Message::Notification | Message::ServerRequest => {}
                }
            };
            recorder.record(sent.elapsed(), outcome);
            progress.tick();
            done += 1;
        }
        Ok((recorder, start.elapsed()))
    }

    /// `in_flight` requests outstanding at all times until `stop`; see the module docs. On a
    /// failure the server is killed with `killer`, which unblocks a writer stuck on a full pipe.
    pub fn run_pipelined(
        &mut self,
        call: &CallTemplate,
        stop: Stop,
        interval: Option<Duration>,
        in_flight: usize,
        progress: &Progress,
        killer: Killer,
    ) -> Result<(Recorder, Duration), String> {
        let stride = in_flight as u64 + 1;
        let sentinel = in_flight;
        let base = self.next_id;
        // Per slot: the id it waits for plus one (0 = free), and when that request was written.
        let waiting: Vec<AtomicU64> = (0..stride).map(|_| AtomicU64::new(0)).collect();
        let sent_at: Vec<AtomicU64> = (0..stride).map(|_| AtomicU64::new(0)).collect();
        let total_sent = AtomicU64::new(u64::MAX);
        let (permit_tx, permit_rx) = mpsc::sync_channel::<usize>(in_flight);
        for slot in 0..in_flight {
            permit_tx.send(slot).expect("the channel has room for every permit");
        }
        let epoch = Instant::now();
        let expect = call.expect.as_deref();
        let StdioClient { stdin, stdout, out, line, .. } = self;
        out.clear();
        let (waiting, sent_at, total_sent) = (&waiting, &sent_at, &total_sent);

        let (writer, reader) = thread::scope(|scope| {
            let writer = scope.spawn(move || -> Result<u64, String> {
                let mut seq = 0u64;
                let mut sent = 0u64;
                let result = loop {
                    if stop.reached(sent, epoch) {
                        break Ok(());
                    }
                    let slot = match permit_rx.try_recv() {
                        Ok(slot) => slot,
                        Err(TryRecvError::Empty) => {
                            if let Err(e) = flush(stdin, out) {
                                break Err(write_error(&e, progress));
                            }
                            match permit_rx.recv() {
                                Ok(slot) => slot,
                                // The reader gave up; it says why.
                                Err(_) => break Ok(()),
                            }
                        }
                        Err(TryRecvError::Disconnected) => break Ok(()),
                    };
                    let id = base + seq * stride + slot as u64;
                    seq += 1;
                    sent_at[slot].store(nanos_since(epoch), Ordering::Relaxed);
                    waiting[slot].store(id + 1, Ordering::Release);
                    call.write_to(out, id);
                    out.push(b'\n');
                    sent += 1;
                    if out.len() >= BUF_CAPACITY {
                        if let Err(e) = flush(stdin, out) {
                            break Err(write_error(&e, progress));
                        }
                    }
                };
                // The total first, then one uncounted request whose answer tells the reader
                // that nothing more is coming once it has the total.
                total_sent.store(sent, Ordering::Release);
                let id = base + seq * stride + sentinel as u64;
                waiting[sentinel].store(id + 1, Ordering::Release);
                call.write_to(out, id);
                out.push(b'\n');
                let flushed = flush(stdin, out).map_err(|e| write_error(&e, progress));
                result.and(flushed).map(|()| seq + 1)
            });

            let reader = scope.spawn(move || -> Result<(Recorder, Instant), String> {
                let mut recorder = Recorder::with_capacity(stop.capacity_hint()).with_series(interval, epoch);
                let mut received = 0u64;
                let mut sentinel_seen = false;
                let mut last = epoch;
                let result = loop {
                    if sentinel_seen && received == total_sent.load(Ordering::Acquire) {
                        break Ok(());
                    }
                    let (id, outcome) = match read_message(stdout, line, expect, progress) {
                        Ok(Message::Reply(Some(id), outcome)) => (id, outcome),
                        Ok(Message::Reply(None, _)) => break Err(unexpected_id(None, line)),
                        Ok(Message::Notification | Message::ServerRequest) => continue,
                        Err(e) => break Err(e),
                    };
                    let slot = (id.wrapping_sub(base) % stride) as usize;
                    if id < base || waiting[slot].swap(0, Ordering::AcqRel) != id + 1 {
                        break Err(unexpected_id(Some(id), line));
                    }
                    if slot == sentinel {
                        sentinel_seen = true;
                        continue;
                    }
                    let now = Instant::now();
                    let sent = Duration::from_nanos(sent_at[slot].load(Ordering::Relaxed));
                    recorder.record(now.duration_since(epoch).saturating_sub(sent), outcome);
                    progress.tick();
                    received += 1;
                    last = now;
                    // The writer may have finished; then the permit is not needed.
                    let _ = permit_tx.send(slot);
                };
                if result.is_err() {
                    // The writer may be blocked on a full pipe; a dead server frees it.
                    killer.kill();
                }
                result.map(|()| (recorder, last))
            });
            (writer.join(), reader.join())
        });
        let reader = reader.map_err(|_| "the reader thread panicked".to_owned())?;
        let writer = writer.map_err(|_| "the writer thread panicked".to_owned())?;
        // A reader error explains a writer error (a dead server breaks both), so it wins.
        let (recorder, last) = reader?;
        let seqs = writer?;
        self.next_id = base + seqs * stride;
        Ok((recorder, last.duration_since(epoch)))
    }

    /// Writes one message and waits for the answer to `id`, before `deadline`.
    fn request(&mut self, message: &Value, id: u64, deadline: Instant) -> Result<Value, String> {
        self.send(message)?;
        loop {
            wait_readable(&self.stdout, deadline)?;
            self.line.clear();
            match self.stdout.read_until(b'\n', &mut self.line) {
                Ok(0) => return Err("the server closed its stdout (did it exit?)".into()),
                Ok(_) => {}
                Err(e) => return Err(format!("reading the server's stdout: {e}")),
            }
            if self.line.trim_ascii().is_empty() {
                continue;
            }
            let reply: Value = serde_json::from_slice(&self.line)
                .map_err(|e| format!("the server wrote a line that is not JSON ({e}): {}", preview(&self.line)))?;
            if reply.get("method").is_none() && reply.get("id") == Some(&Value::from(id)) {
                return Ok(reply);
            }
        }
    }

    /// Writes one message and a newline.
    fn send(&mut self, message: &Value) -> Result<(), String> {
        self.out.clear();
        serde_json::to_writer(&mut self.out, message).expect("a Value always serializes");
        self.out.push(b'\n');
        self.stdin.write_all(&self.out).map_err(|e| format!("writing to the server's stdin: {e}"))
    }

    fn take_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id - 1
    }
}

/// Reads and classifies the next non-empty line.
fn read_message(
    stdout: &mut BufReader<ChildStdout>,
    line: &mut Vec<u8>,
    expect: Option<&str>,
    progress: &Progress,
) -> Result<Message, String> {
    loop {
        line.clear();
        match stdout.read_until(b'\n', line) {
            Ok(0) if progress.stalled() => return Err(stalled()),
            Ok(0) => return Err("the server closed its stdout while answers were due (did it crash?)".into()),
            Ok(_) => {}
            Err(e) => return Err(format!("reading the server's stdout: {e}")),
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        return check::classify(line, expect).map_err(|e| format!("the server wrote {e}"));
    }
}

/// Waits until `stdout` has something to read, or fails at `deadline`.
fn wait_readable(stdout: &BufReader<ChildStdout>, deadline: Instant) -> Result<(), String> {
    if !stdout.buffer().is_empty() {
        return Ok(());
    }
    let mut pollfd = libc::pollfd { fd: stdout.get_ref().as_raw_fd(), events: libc::POLLIN, revents: 0 };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err("the server did not answer in time".into());
        }
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
        // SAFETY: one valid pollfd, and the count says one.
        let ready = unsafe { libc::poll(&mut pollfd, 1, ms) };
        if ready > 0 {
            return Ok(());
        }
        if ready < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return Err(format!("waiting for the server: {}", io::Error::last_os_error()));
        }
    }
}

/// Writes and empties `out`.
fn flush(stdin: &mut ChildStdin, out: &mut Vec<u8>) -> io::Result<()> {
    let written = stdin.write_all(out);
    out.clear();
    written
}

fn write_error(e: &io::Error, progress: &Progress) -> String {
    if progress.stalled() { stalled() } else { format!("writing to the server's stdin: {e} (did it exit?)") }
}

fn stalled() -> String {
    "no answer within the --timeout; the server was stopped".into()
}

fn unexpected_id(id: Option<u64>, line: &[u8]) -> String {
    match id {
        Some(id) => format!("an answer with id {id}, which is not a request in flight: {}", preview(line)),
        None => format!("an answer without a numeric id: {}", preview(line)),
    }
}

fn nanos_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

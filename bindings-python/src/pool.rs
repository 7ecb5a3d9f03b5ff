//! The worker pool of synchronous Python handlers: at most `max_workers` long-lived threads,
//! started on demand and ended after [`IDLE`] without work, take calls from one queue.
//!
//! A worker takes the interpreter (the GIL) *before* it takes a call, and then runs queued
//! calls back to back while it holds it. Under load one thread thus runs call after call
//! with no thread switch and no GIL handoff per call, and no call waits inside a thread that
//! is itself waiting for the GIL. A handler that blocks releases the GIL (sleep, I/O, a
//! client-input ask), which lets the next worker in to take the next call, so blocking
//! handlers overlap up to the pool's size.
//!
//! Waking is economical: one worker at a time is "searching" (woken or started, not yet
//! holding a call). A new call wakes or starts a worker only when none is searching, and a
//! worker that takes a call while more are queued passes the baton on. The engine's threads
//! only push to the queue and never wait for the interpreter.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use pyo3::Python;

/// How long a worker waits for work before its thread ends.
const IDLE: Duration = Duration::from_secs(10);
/// Calls one worker runs in a row before it lets go of the interpreter once.
const BATCH: usize = 1024;

/// Why a call could not run (its answer then says so).
pub type Refused = &'static str;

/// One call: run with the interpreter attached, or told why it cannot run.
pub type Job = Box<dyn for<'py> FnOnce(Result<Python<'py>, Refused>) + Send>;

/// The answer of calls that arrive while the interpreter exits.
pub const EXITING: Refused = "the Python interpreter is exiting";
const NO_THREAD: Refused = "no worker thread could be started for the handler";

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    /// Live worker threads.
    threads: usize,
    /// Workers waiting for work.
    idle: usize,
    /// Idle workers told to wake that have not woken yet.
    wakeups: usize,
    /// Workers woken or started that have not looked at the queue yet.
    searching: usize,
    /// The pool was dropped: workers finish the queue and end.
    closed: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    max: usize,
}

/// What a caller must do after updating the state (outside the lock).
enum Wake {
    Nothing,
    Notify,
    Spawn,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// With calls queued and no worker searching: wakes an idle worker or starts one (the
    /// pool's size permitting). The caller acts on the answer after unlocking.
    fn wake_one(s: &mut State, max: usize) -> Wake {
        if s.queue.is_empty() || s.searching > 0 {
            return Wake::Nothing;
        }
        if s.idle > s.wakeups {
            s.wakeups += 1;
            s.searching += 1;
            Wake::Notify
        } else if s.threads < max {
            s.threads += 1;
            s.searching += 1;
            Wake::Spawn
        } else {
            Wake::Nothing
        }
    }

    fn act(self: &Arc<Self>, wake: Wake) {
        match wake {
            Wake::Nothing => {}
            Wake::Notify => self.wake.notify_one(),
            Wake::Spawn => {
                let shared = self.clone();
                let started = std::thread::Builder::new().name("mcpforge-python".into()).spawn(move || shared.work());
                if started.is_err() {
                    self.spawn_failed();
                }
            }
        }
    }

    /// A worker thread could not be started: with no worker left, the queued calls are
    /// answered with an error rather than left waiting.
    fn spawn_failed(&self) {
        let orphans = {
            let mut s = self.lock();
            s.threads -= 1;
            s.searching -= 1;
            if s.threads == 0 { std::mem::take(&mut s.queue) } else { VecDeque::new() }
        };
        for job in orphans {
            job(Err(NO_THREAD));
        }
    }

    /// Takes the next call; `first` for a searching worker's first look. Passes the baton:
    /// when calls remain and nobody searches, another worker is woken.
    fn next(self: &Arc<Self>, first: bool) -> Option<Job> {
        let (job, wake) = {
            let mut s = self.lock();
            if first {
                s.searching -= 1;
            }
            let job = s.queue.pop_front();
            let wake = Self::wake_one(&mut s, self.max);
            (job, wake)
        };
        self.act(wake);
        job
    }

    /// A worker thread: take the interpreter, run calls while any are queued, let go, wait.
    fn work(self: Arc<Self>) {
        loop {
            let mut pending = None;
            let attached = crate::attach(|py| {
                let mut first = true;
                for _ in 0..BATCH {
                    let Some(job) = self.next(std::mem::take(&mut first)) else { break };
                    if crate::is_exiting() {
                        pending = Some(job);
                        break;
                    }
                    // A panic ends only this call: its answer channel is dropped, which the
                    // waiting request reports as an internal error.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(Ok(py))));
                }
            });
            if attached.is_none() {
                // The interpreter is exiting: answer everything queued instead of running it.
                self.lock().searching -= 1;
                let queued = std::mem::take(&mut self.lock().queue);
                for job in pending.into_iter().chain(queued) {
                    job(Err(EXITING));
                }
            } else if let Some(job) = pending {
                job(Err(EXITING));
            }
            if !self.wait() {
                return;
            }
        }
    }

    /// Waits for work; false when the thread should end (idle too long, or the pool closed
    /// with nothing left to do).
    fn wait(&self) -> bool {
        let mut s = self.lock();
        if !s.queue.is_empty() && !crate::is_exiting() {
            s.searching += 1;
            return true;
        }
        s.idle += 1;
        loop {
            if s.wakeups > 0 {
                s.wakeups -= 1;
                s.idle -= 1;
                return true;
            }
            if s.closed || crate::is_exiting() {
                s.idle -= 1;
                s.threads -= 1;
                return false;
            }
            let (guard, timeout) = self.wake.wait_timeout(s, IDLE).unwrap_or_else(|p| p.into_inner());
            s = guard;
            if timeout.timed_out() && s.wakeups == 0 {
                s.idle -= 1;
                s.threads -= 1;
                return false;
            }
        }
    }
}

/// A bounded pool of worker threads for synchronous Python calls (one per server).
pub struct Pool {
    shared: Arc<Shared>,
}

impl Pool {
    /// A pool of at most `max` threads (at least one); none is started before the first call.
    pub fn new(max: usize) -> Pool {
        Pool { shared: Arc::new(Shared { state: Mutex::default(), wake: Condvar::new(), max: max.max(1) }) }
    }

    /// Queues `job`; a worker runs it with the interpreter attached.
    pub fn submit(&self, job: Job) {
        let wake = {
            let mut s = self.shared.lock();
            s.queue.push_back(job);
            Shared::wake_one(&mut s, self.shared.max)
        };
        self.shared.act(wake);
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_all();
    }
}

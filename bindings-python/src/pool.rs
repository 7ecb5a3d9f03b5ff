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
//! only push to the queue and never wait for the interpreter for a queued call.
//!
//! Quick calls may instead run inline on an engine thread (`inline.rs`), one at a time, in
//! a [`Place`] of the pool taken when the pool is quiet: the place counts against
//! `max_workers` like a busy worker, and its running call is watched for being stuck like a
//! worker's.
//!
//! Python cannot stop a running thread, so a handler that ignores its request's
//! cancellation keeps its worker. When calls wait and every worker is busy, a watchdog
//! looks for calls whose request was abandoned [`STUCK_AFTER`] ago or more: each is logged
//! and counted, its worker is set aside, and the pool grows by one in its place (by at most
//! `max` in all). Past that, waiting calls are refused with a clear error instead of
//! hanging.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// The default size of the worker pool for synchronous handlers: 64, whatever the number of
/// CPUs. Sync tools mostly wait on I/O (HTTP, databases, files, subprocesses) with the GIL
/// released, so a pool sized by CPUs (`ThreadPoolExecutor`'s `min(32, cpus + 4)`, 6 on two
/// cores) would queue calls that could overlap; the official SDK runs sync tools on anyio's
/// 40 threads. Workers start on demand and end after 10 s idle, so the size costs nothing
/// at rest, and it stays a bound: a flood of calls queues rather than starting threads
/// without end.
pub(crate) const DEFAULT_MAX_WORKERS: usize = 64;

/// The default size of the worker pool for synchronous handlers ([`DEFAULT_MAX_WORKERS`]).
#[pyfunction]
pub(crate) fn default_max_workers() -> usize {
    DEFAULT_MAX_WORKERS
}

/// How long a worker waits for work before its thread ends.
const IDLE: Duration = Duration::from_secs(10);
/// Calls one worker runs in a row before it lets go of the interpreter once.
const BATCH: usize = 1024;

/// Why a call could not run (its answer then says so).
pub type Refused = &'static str;

/// One call: run with the interpreter attached, or told why it cannot run.
pub type Job = Box<dyn for<'py> FnOnce(Result<Python<'py>, Refused>) + Send>;

/// Tells whether a running call's request was abandoned (cancelled, timed out).
pub type Abandoned = Box<dyn Fn() -> bool + Send>;

/// The answer of calls that arrive while the interpreter exits.
pub const EXITING: Refused = "the Python interpreter is exiting";
const NO_THREAD: Refused = "no worker thread could be started for the handler";
const HELD: Refused = "every worker thread is held by a synchronous handler whose request was cancelled but \
                      that never returned (see max_workers); the call was refused";

/// The key of the pool's inline place in `running` (workers count from 1).
const INLINE: u64 = 0;

/// A call still running this long after its request was abandoned holds its worker.
const STUCK_AFTER: Duration = Duration::from_secs(2);
/// How often a saturated pool looks for stuck calls.
const WATCH_EVERY: Duration = Duration::from_millis(250);

/// A call a worker is running, with what tells whether its request was abandoned.
struct Running {
    since: Instant,
    abandoned: Abandoned,
    /// Counted as stuck: the pool grew past it.
    set_aside: bool,
}

/// The call a worker is running, when its request can be abandoned. Each worker has its
/// own lock, so starting and ending a call does not take the pool's (which the engine's
/// threads take to queue calls); only the watchdog looks at every worker's.
type Current = Arc<Mutex<Option<Running>>>;

/// Figures of the pool, for `Server.worker_stats()`.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Live worker threads.
    pub workers: usize,
    /// Workers waiting for work.
    pub idle: usize,
    /// Calls waiting for a worker.
    pub queued: usize,
    /// Workers held by stuck calls now.
    pub stuck: usize,
    /// Calls found stuck since the pool started.
    pub stuck_total: u64,
    /// Calls refused because stuck calls held every worker.
    pub refused: u64,
}

#[derive(Default)]
struct State {
    queue: VecDeque<(Job, Option<Abandoned>)>,
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
    /// Every live worker's current call.
    running: HashMap<u64, Current>,
    next_worker: u64,
    /// Workers set aside (held by stuck calls); the pool may grow by as many.
    set_aside: usize,
    stuck_total: u64,
    refused: u64,
    /// A watchdog thread is looking for stuck calls.
    watching: bool,
    /// Calls running on an engine thread in a place of this pool ([`Place`]).
    inline: usize,
}

impl State {
    /// Calls that may run at once now: workers not idle (or woken) plus inline calls.
    fn active(&self) -> usize {
        self.threads - self.idle + self.wakeups + self.inline
    }
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    max: usize,
    /// The call running in the pool's one place for a call outside it ([`Place`]), listed
    /// in `running` under [`INLINE`] for good.
    inline: Current,
}

/// What a caller must do after updating the state (outside the lock).
enum Wake {
    Nothing,
    Notify,
    Spawn,
    Watch,
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
        let room = s.active() < max + s.set_aside;
        if room && s.idle > s.wakeups {
            s.wakeups += 1;
            s.searching += 1;
            Wake::Notify
        } else if room && s.threads + s.inline < max + s.set_aside {
            s.threads += 1;
            s.searching += 1;
            Wake::Spawn
        } else if !s.watching && !s.closed {
            s.watching = true;
            Wake::Watch
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
            Wake::Watch => {
                let shared = self.clone();
                let started =
                    std::thread::Builder::new().name("mcpforge-python-watch".into()).spawn(move || shared.watch());
                if started.is_err() {
                    self.lock().watching = false;
                }
            }
        }
    }

    /// The watchdog: while calls wait and no worker is free, sets aside the workers of stuck
    /// calls (the pool grows in their place) and, when it may grow no more, refuses the
    /// waiting calls.
    fn watch(self: Arc<Self>) {
        loop {
            std::thread::sleep(WATCH_EVERY);
            let (wake, refused) = {
                let mut s = self.lock();
                if s.queue.is_empty() || s.closed || (s.idle > s.wakeups && s.active() < self.max + s.set_aside) {
                    s.watching = false;
                    return;
                }
                let mut found = 0;
                let mut held = false;
                let room = self.max.saturating_sub(s.set_aside);
                for current in s.running.values() {
                    let mut current = current.lock().unwrap_or_else(|p| p.into_inner());
                    let Some(r) = current.as_mut() else { continue };
                    if r.set_aside || r.since.elapsed() < STUCK_AFTER || !(r.abandoned)() {
                        continue;
                    }
                    if found < room {
                        r.set_aside = true;
                        found += 1;
                    } else {
                        held = true;
                    }
                }
                s.set_aside += found;
                s.stuck_total += found as u64;
                if found > 0 {
                    tracing::warn!(
                        stuck = s.set_aside,
                        max_workers = self.max,
                        "a synchronous handler still runs after its request was cancelled; Python cannot stop \
                         it, so its worker is set aside and another takes its place"
                    );
                }
                let all_held = s.set_aside >= self.max && s.threads + s.inline >= self.max + s.set_aside;
                let refused = if held && all_held {
                    s.refused += s.queue.len() as u64;
                    std::mem::take(&mut s.queue)
                } else {
                    VecDeque::new()
                };
                (Self::wake_one(&mut s, self.max), refused)
            };
            if !refused.is_empty() {
                tracing::error!(refused = refused.len(), "{HELD}");
            }
            for (job, _) in refused {
                job(Err(HELD));
            }
            self.act(wake);
        }
    }

    /// Queues a call ([`Pool::submit`]).
    fn submit(self: &Arc<Self>, job: Job, abandoned: Option<Abandoned>) {
        let wake = {
            let mut s = self.lock();
            s.queue.push_back((job, abandoned));
            Self::wake_one(&mut s, self.max)
        };
        self.act(wake);
    }

    /// A worker starts `abandoned`'s call.
    fn started(current: &Current, abandoned: Abandoned) {
        let running = Running { since: Instant::now(), abandoned, set_aside: false };
        *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(running);
    }

    /// A worker's call returned.
    fn returned(&self, current: &Current) {
        let ended = current.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(r) = ended.filter(|r| r.set_aside) {
            self.lock().set_aside -= 1;
            tracing::info!(after = ?r.since.elapsed(), "a synchronous handler set aside as stuck returned");
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
        for (job, _) in orphans {
            job(Err(NO_THREAD));
        }
    }

    /// Takes the next call; `first` for a searching worker's first look. Passes the baton:
    /// when calls remain and nobody searches, another worker is woken.
    fn next(self: &Arc<Self>, first: bool) -> Option<(Job, Option<Abandoned>)> {
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
        let current = Current::default();
        let worker = {
            let mut s = self.lock();
            s.next_worker += 1;
            let worker = s.next_worker;
            s.running.insert(worker, current.clone());
            worker
        };
        loop {
            let mut pending = None;
            let attached = crate::interpreter::attach(|py| {
                let _counted = crate::pace::Counted::now();
                let mut first = true;
                for _ in 0..BATCH {
                    let Some((job, abandoned)) = self.next(std::mem::take(&mut first)) else { break };
                    if crate::interpreter::is_exiting() {
                        pending = Some(job);
                        break;
                    }
                    let watched = abandoned.map(|a| Self::started(&current, a)).is_some();
                    // A panic ends only this call: its answer channel is dropped, which the
                    // waiting request reports as an internal error.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(Ok(py))));
                    if watched {
                        self.returned(&current);
                    }
                }
            });
            if attached.is_none() {
                // The interpreter is exiting: answer everything queued instead of running it.
                self.lock().searching -= 1;
                let queued = std::mem::take(&mut self.lock().queue);
                for job in pending.into_iter().chain(queued.into_iter().map(|(job, _)| job)) {
                    job(Err(EXITING));
                }
            } else if let Some(job) = pending {
                job(Err(EXITING));
            }
            if !self.wait() {
                self.lock().running.remove(&worker);
                return;
            }
        }
    }

    /// Waits for work; false when the thread should end (idle too long, or the pool closed
    /// with nothing left to do).
    fn wait(&self) -> bool {
        let mut s = self.lock();
        if !s.queue.is_empty() && !crate::interpreter::is_exiting() {
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
            if s.closed || crate::interpreter::is_exiting() {
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
        let inline = Current::default();
        let mut state = State::default();
        state.running.insert(INLINE, inline.clone());
        Pool { shared: Arc::new(Shared { state: Mutex::new(state), wake: Condvar::new(), max: max.max(1), inline }) }
    }

    /// Queues `job`; a worker runs it with the interpreter attached. `abandoned` tells,
    /// while it runs, whether its request was abandoned (for calls that have one).
    pub fn submit(&self, job: Job, abandoned: Option<Abandoned>) {
        self.shared.submit(job, abandoned);
    }

    /// A place for calls run one at a time outside the pool (by the inline runner), taken
    /// only when the pool is quiet: no call queued, no worker running one, no other such
    /// place. While the place is held it counts against `max_workers` like a busy worker, and
    /// the watchdog treats a call running in it whose request was abandoned like a worker's.
    pub fn claim(&self) -> Option<Place> {
        let mut s = self.shared.lock();
        if !s.queue.is_empty() || s.inline > 0 || s.closed || s.active() > 0 || s.searching > 0 {
            return None;
        }
        s.inline += 1;
        Some(Place { shared: self.shared.clone() })
    }

    /// The pool's figures now.
    pub fn stats(&self) -> Stats {
        let s = self.shared.lock();
        Stats {
            workers: s.threads,
            idle: s.idle,
            queued: s.queue.len(),
            stuck: s.set_aside,
            stuck_total: s.stuck_total,
            refused: s.refused,
        }
    }
}

/// A pool place held by calls running one at a time outside the pool ([`Pool::claim`],
/// watched in the pool's `inline` slot); given back when dropped, which lets a call that
/// waited for room start.
pub struct Place {
    shared: Arc<Shared>,
}

impl Place {
    /// Whether this is a place of `pool`.
    pub fn of(&self, pool: &Pool) -> bool {
        Arc::ptr_eq(&self.shared, &pool.shared)
    }

    /// A call whose request can be abandoned starts in the place.
    pub fn started(&self, abandoned: Abandoned) {
        Shared::started(&self.shared.inline, abandoned);
    }

    /// The call running in the place returned.
    pub fn returned(&self) {
        self.shared.returned(&self.shared.inline);
    }

    /// Queues a call on the place's pool instead ([`Pool::submit`]).
    pub fn submit(&self, job: Job, abandoned: Option<Abandoned>) {
        self.shared.submit(job, abandoned);
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.shared.returned(&self.shared.inline);
        let wake = {
            let mut s = self.shared.lock();
            s.inline -= 1;
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

//! Quick synchronous calls run inline: on the engine thread that took the request, in a
//! task of its own (one [`Runner`] for the process, woken for each call), instead of on the
//! worker pool. A call that arrives, runs a short Python
//! function and answers then wakes one thread once, as in the Rust engine; through the pool
//! it wakes three (the reader hands the call to a worker, the worker hands the answer back).
//!
//! A call runs inline only when the interpreter is likely free and the engine keeps a
//! thread to spare:
//!
//! - its handler has always been quick: one that once blocked for [`SLOW`] or longer (it ran
//!   that long and its thread slept or waited meanwhile: a thread merely preempted by another
//!   process does not count, where the system tells them apart; [`Counted`] says when it
//!   may), or called back into the engine from an inline run (progress, logs, client input,
//!   its own server's requests, ...), goes to the pool from then on;
//! - it is the server's only synchronous call in progress (with more, as under pipelined
//!   load, the pool runs them back to back under one GIL acquisition, which costs less than
//!   handing the GIL between an engine thread and a worker), no other call runs inline in
//!   the process (the runtime has at least two threads, so at least one stays free), and the
//!   server's pool is quiet: no call queued, no worker running one ([`Pool::claim`], which
//!   also counts the inline call against `max_workers`);
//! - taking the interpreter did not have to wait recently: an inline call that waited
//!   [`GIL_WAIT`] or more for it (another thread was running Python; again, preemption does
//!   not count where it can be told apart) sends every call to the pool for [`BACK_OFF`].
//!
//! Everything else goes to the pool as before. The guarantees of the pool hold for inline
//! calls too. The request waits for the inline task's answer like for a worker's, so a
//! timeout or a cancellation answers or frees the caller while the Python function runs on.
//! If an inline call blocks (sleep, I/O), the engine's other threads keep serving: a watch
//! thread that sees one run for a [`TICK`] wakes a parked engine thread, which then takes
//! over the I/O driver (a woken engine thread only takes it when it parks again), and
//! Python code that calls back into the engine from an inline call does so through
//! [`leave_worker`], which hands the thread's queued engine work to another thread first.

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::pool::{Abandoned, EXITING, Job, Place, Pool};
use crate::{attach, is_exiting, runtime};

/// A handler that once ran this long (or longer) and blocked meanwhile goes to the pool from
/// then on.
const SLOW: Duration = Duration::from_millis(1);
/// Waiting this long for the interpreter means another thread runs Python...
const GIL_WAIT: Duration = Duration::from_micros(500);
/// ...and calls go to the pool for this long.
const BACK_OFF: Duration = Duration::from_secs(1);
/// How often the watch thread looks at the inline call while calls arrive.
const TICK: Duration = Duration::from_millis(10);
/// Ticks without an inline call after which the watch thread sleeps until the next one.
const IDLE_TICKS: u32 = 10;
/// Taking the interpreter faster than this did not wait for it (a free interpreter takes well
/// under a microsecond; a wait for another thread's hand-over takes far longer).
const QUICK_ATTACH: Duration = Duration::from_micros(20);

/// Whether one handler may run inline: cleared for good when it proves slow or calls back
/// into the engine.
#[derive(Default)]
pub struct Pace {
    pooled: AtomicBool,
}

impl Pace {
    fn is_quick(&self) -> bool {
        !self.pooled.load(Ordering::Relaxed)
    }

    /// Records one run of the handler (inline or on the pool), timed by `run`.
    pub fn ran(&self, run: &Run) {
        if run.began.elapsed() < SLOW {
            return;
        }
        let now = waits();
        if now.is_none_or(|now| Some(now) > run.waits) {
            self.to_pool();
        }
        // Fresher for the runs that follow on this thread.
        if KNOWN.get().is_some() {
            KNOWN.set(now);
        }
    }

    fn to_pool(&self) {
        self.pooled.store(true, Ordering::Relaxed);
    }
}

/// The start of one run of a handler, on the thread that runs it.
pub struct Run {
    began: Instant,
    waits: Option<u64>,
}

impl Run {
    /// A run starting now.
    pub fn start() -> Run {
        let known = KNOWN.get();
        Run { began: Instant::now(), waits: known.or_else(waits) }
    }
}

thread_local! {
    /// A count of this thread's [`waits`] read earlier, while [`Counted`] holds it: a run
    /// takes it as its start instead of asking the system.
    static KNOWN: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Holds a count of this thread's [`waits`] for the runs it starts until dropped, so that a
/// run does not ask the system again (a system call of about 0.4 µs here): an inline call's,
/// read before it took the interpreter (one system call per call instead of two), or a pool
/// worker's, read when it took the interpreter (one per batch of calls instead of one per
/// call). Read early, a count can only be lower than the run's own, never higher: a run that
/// blocked is always seen to, and a slow run that did not may at worst be taken for one that
/// did when its thread waited between the read and the run, which sends its handler to the
/// pool, the safe side.
pub struct Counted;

impl Counted {
    /// Holds `count`, read on this thread.
    fn holding(count: Option<u64>) -> Counted {
        KNOWN.set(count);
        Counted
    }

    /// Holds the count now.
    pub fn now() -> Counted {
        Counted::holding(waits())
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        KNOWN.set(None);
    }
}

/// How many times the calling thread gave up its CPU of its own accord so far (slept, waited
/// for I/O, a lock or the GIL), where the system counts it.
fn waits() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage fills the struct for the calling thread; it is read only on success.
        if unsafe { libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) } == 0 {
            // SAFETY: initialized by the successful call above.
            return Some(unsafe { usage.assume_init() }.ru_nvcsw as u64);
        }
    }
    None
}

/// A call runs inline in the process.
static BUSY: AtomicBool = AtomicBool::new(false);
/// Until when (nanoseconds since [`epoch`]) calls go to the pool after a wait for the GIL.
static CONTENDED_UNTIL: AtomicU64 = AtomicU64::new(0);

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn nanos(at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(epoch()).as_nanos()).unwrap_or(u64::MAX)
}

/// Whether an inline call waited for the interpreter less than [`BACK_OFF`] ago (the clock
/// is read only after one did).
fn contended() -> bool {
    let until = CONTENDED_UNTIL.load(Ordering::Relaxed);
    until != 0 && nanos(Instant::now()) < until
}

/// Whether the calling thread runs the engine's multi-threaded runtime.
fn on_engine() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

thread_local! {
    /// The pace of the handler this thread runs inline right now.
    static RUNNING: RefCell<Option<Arc<Pace>>> = const { RefCell::new(None) };
}

/// Starts `job` inline when it may run so (see the module documentation); otherwise gives
/// it back for the pool. Called from the request's task, on an engine thread.
pub fn start(
    pool: &Pool,
    pace: &Arc<Pace>,
    job: Job,
    abandoned: Option<Abandoned>,
) -> Result<(), (Job, Option<Abandoned>)> {
    // The cheap checks first: under load `alone` is false for most calls.
    if !pace.is_quick()
        || !pool.alone()
        || is_exiting()
        || contended()
        || !on_engine()
        || BUSY.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err()
    {
        return Err((job, abandoned));
    }
    let place = match pool.claim(abandoned) {
        Ok(place) => place,
        Err(abandoned) => {
            BUSY.store(false, Ordering::Release);
            return Err((job, abandoned));
        }
    };
    runner().hand(Inline { job, pace: pace.clone(), place });
    Ok(())
}

/// One call handed to the runner.
struct Inline {
    job: Job,
    pace: Arc<Pace>,
    place: Place,
}

impl Inline {
    /// Runs the call on this thread, attached to the interpreter.
    fn run(self) {
        let Inline { job, pace, place } = self;
        let _watched = Watch::begin();
        let (asked, waited) = (Instant::now(), waits());
        let mut job = Some(job);
        RUNNING.with(|r| *r.borrow_mut() = Some(pace));
        let attached = attach(|py| {
            keep_thread_state(py);
            let took = asked.elapsed();
            // Only a real wait counts, not a thread preempted by another process meanwhile.
            if took >= GIL_WAIT && waits().is_none_or(|now| Some(now) > waited) {
                CONTENDED_UNTIL.store(nanos(Instant::now() + BACK_OFF), Ordering::Relaxed);
            }
            // A wait for the interpreter would leave the count read before it behind.
            let _counted = if took < QUICK_ATTACH { Counted::holding(waited) } else { Counted::now() };
            if let Some(job) = job.take() {
                // A panic ends only this call: its answer channel is dropped, which the
                // waiting request reports as an internal error.
                let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(Ok(py))));
            }
        });
        RUNNING.with(|r| r.borrow_mut().take());
        if attached.is_none() {
            if let Some(job) = job.take() {
                job(Err(EXITING));
            }
        }
        drop(place);
        BUSY.store(false, Ordering::Release);
    }
}

/// Keeps the calling engine thread's Python thread state from one inline call to the next.
/// Attaching a thread that has none makes one and detaching deletes it again (1,500
/// instructions of the interpreter per call, against 500 with the state kept: attaching then
/// only takes the GIL). One state per engine thread that ever ran an inline call, freed with the interpreter.
fn keep_thread_state(_attached: pyo3::Python<'_>) {
    thread_local! {
        static KEPT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if !KEPT.get() {
        // SAFETY: the thread is attached (`_attached`), so the interpreter is initialized,
        // and PyGILState_Ensure may be nested on an attached thread. The count it adds is
        // never given back, so detaching keeps the state; it lives until the interpreter
        // finalizes, and the thread never enters Python again once the interpreter starts to
        // exit (`attach` checks `is_exiting`).
        unsafe {
            pyo3::ffi::PyGILState_Ensure();
        }
        KEPT.set(true);
    }
}

/// The task that runs inline calls: one for the process (one inline call at a time), alive
/// as long as the runtime, waiting for the next call. Woken from the request's task, it
/// runs next on that same thread, as a task spawned there would, without the allocation and
/// the bookkeeping of a task per call.
struct Runner {
    slot: Mutex<Slot>,
}

/// What the runner shares with the requests that hand it calls.
#[derive(Default)]
struct Slot {
    /// The call to run next.
    next: Option<Inline>,
    /// The runner's task, once it has waited.
    waker: Option<std::task::Waker>,
}

/// The runner, started with the first inline call.
fn runner() -> &'static Runner {
    static RUNNER: OnceLock<&'static Runner> = OnceLock::new();
    RUNNER.get_or_init(|| {
        let r: &'static Runner = Box::leak(Box::new(Runner { slot: Mutex::default() }));
        drop(runtime().spawn(r.serve()));
        r
    })
}

impl Runner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Gives the runner its next call and wakes it.
    fn hand(&self, call: Inline) {
        let mut slot = self.lock();
        slot.next = Some(call);
        if let Some(waker) = &slot.waker {
            waker.wake_by_ref();
        }
    }

    /// The runner's task: runs each call handed to it, then ends the chain of tasks handed
    /// over on this thread ([`end_chain`]).
    async fn serve(&'static self) {
        loop {
            let call = std::future::poll_fn(|cx| {
                let mut slot = self.lock();
                match slot.next.take() {
                    Some(call) => std::task::Poll::Ready(call),
                    None => {
                        if !slot.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                            slot.waker = Some(cx.waker().clone());
                        }
                        std::task::Poll::Pending
                    }
                }
            })
            .await;
            // Nothing in a run unwinds past it (the call's own panic is caught inside); the
            // runner must outlive every call.
            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| call.run()));
            end_chain();
        }
    }
}

/// Spends what is left of this task's cooperative budget. The answer woke the request's
/// task, which the scheduler would run next on this thread as the third task in a row handed
/// over directly (reader or connection, request, this call): past that the scheduler stops
/// handing over and makes every task the request wakes (the writer, the HTTP exchange) wake
/// another thread. Without budget the woken task is queued on this thread instead, and
/// starts a fresh chain when the scheduler picks it next: one thread runs the whole call.
fn end_chain() {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    // One unit per step (the budget holds 128), never past the last: asking with none left
    // would register the waker for a wake-up after an extra turn of the I/O driver. Bounded:
    // a task without a budget (unconstrained) always has some left.
    for _ in 0..256 {
        if !tokio::task::coop::has_budget_remaining() {
            break;
        }
        match tokio::task::coop::poll_proceed(&mut cx) {
            std::task::Poll::Ready(spent) => spent.made_progress(),
            std::task::Poll::Pending => break,
        }
    }
}

/// Runs `op`, Python code calling into the engine. On a thread running an inline call, the
/// thread's engine work is first handed to another engine thread (and `op` runs outside
/// the scheduler of this one), so that what `op` wakes or spawns never waits behind Python
/// code that then blocks; the handler goes to the pool from then on. Anywhere else `op`
/// just runs.
pub fn leave_worker<R>(op: impl FnOnce() -> R) -> R {
    match RUNNING.with(|r| r.borrow().clone()) {
        Some(pace) => {
            pace.to_pool();
            tokio::task::block_in_place(op)
        }
        None => op(),
    }
}

/// The watch over inline calls: a sequence number that is odd while one runs, looked at by
/// one thread every [`TICK`] while calls arrive. A call seen running at two looks in a row
/// has run a tick or more: a parked engine thread is woken, so that one is ready for I/O
/// while the call holds its own.
struct Watch;

struct Watcher {
    seq: AtomicU64,
    /// The watch thread sleeps until the next inline call (guarded by `sleeping`).
    sleeping: Mutex<bool>,
    /// `sleeping` as a flag a call reads without the lock.
    asleep: AtomicBool,
    wake: Condvar,
}

fn watcher() -> &'static Watcher {
    static WATCHER: OnceLock<&'static Watcher> = OnceLock::new();
    WATCHER.get_or_init(|| {
        let w: &'static Watcher = Box::leak(Box::new(Watcher {
            seq: AtomicU64::new(0),
            sleeping: Mutex::new(true),
            asleep: AtomicBool::new(true),
            wake: Condvar::new(),
        }));
        let started = std::thread::Builder::new().name("mcpforge-inline-watch".into()).spawn(move || w.run());
        if started.is_err() {
            tracing::warn!("the watch thread of inline calls could not be started");
        }
        w
    })
}

impl Watch {
    fn begin() -> Watch {
        let w = watcher();
        w.seq.fetch_add(1, Ordering::SeqCst);
        // The lock only when the watch thread sleeps: it sets the flag before it looks at
        // `seq` a last time, so either it sees this call or this call sees the flag.
        if w.asleep.load(Ordering::SeqCst) {
            let mut sleeping = w.sleeping.lock().unwrap_or_else(|p| p.into_inner());
            if *sleeping {
                *sleeping = false;
                w.asleep.store(false, Ordering::SeqCst);
                w.wake.notify_one();
            }
        }
        Watch
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        watcher().seq.fetch_add(1, Ordering::SeqCst);
    }
}

impl Watcher {
    fn run(&self) {
        let mut last = self.seq.load(Ordering::SeqCst);
        let mut nudged = u64::MAX;
        let mut idle = 0;
        loop {
            std::thread::sleep(TICK);
            let now = self.seq.load(Ordering::SeqCst);
            if now != last {
                idle = 0;
            } else if now % 2 == 1 {
                if nudged != now {
                    nudged = now;
                    // A task from outside the runtime wakes a parked engine thread.
                    drop(runtime().spawn(async {}));
                }
            } else {
                idle += 1;
                if idle >= IDLE_TICKS {
                    idle = 0;
                    let mut sleeping = self.sleeping.lock().unwrap_or_else(|p| p.into_inner());
                    *sleeping = true;
                    self.asleep.store(true, Ordering::SeqCst);
                    if self.seq.load(Ordering::SeqCst) != now {
                        // A call began meanwhile: stay awake.
                        *sleeping = false;
                        self.asleep.store(false, Ordering::SeqCst);
                    }
                    while *sleeping {
                        sleeping = self.wake.wait(sleeping).unwrap_or_else(|p| p.into_inner());
                    }
                }
            }
            last = self.seq.load(Ordering::SeqCst);
        }
    }
}

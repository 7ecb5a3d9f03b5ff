//! Quick synchronous calls run inline: on an engine thread instead of on the worker pool.
//! A call that arrives, runs a short Python function and answers then wakes one thread once,
//! as in the Rust engine; through the pool it wakes three (the reader hands the call to a
//! worker, the worker hands the answer back). When nothing else runs inline and no other
//! call is waited for ([`Waiting`]), the call runs at once in its request's own poll
//! ([`Runner::run_here`]: no task between the request and the call, no timer armed);
//! otherwise it is queued for the [`Runner`], one task for the process that runs the calls
//! queued for it one per turn. Under pipelined load the runner
//! takes call after call with no hand-over between threads: the engine thread that runs one
//! call's Python encodes its answer next, while the other engine threads read, route and
//! write.
//!
//! A call runs in its request's poll only when that request's timeout can still be answered
//! while the poll is held ([`RequestContext::may_hold_thread`]: its connection queues its
//! answer, as on stdio; not an HTTP exchange, a batch or a token verification, whose calls
//! go to the runner). On stdio that poll is the first one, in the task that read the
//! request (`server.rs` serves it with `requests_in_reader`). When the watch thread sees
//! such a call hold its thread past a tick, it tells the engine
//! ([`RequestContext::holding_thread`]): the connection answers the client and trips the
//! call's cancellation at the deadline as the request's own timer would have, and, when the
//! held thread is the one that read the request, another task reads on and another writes.
//!
//! A call is queued for the runner only when the interpreter is likely free and the engine
//! keeps a thread to spare:
//!
//! - its handler has always been quick: one that once blocked for [`SLOW`] or longer (it ran
//!   that long and its thread slept or waited meanwhile: a thread merely preempted by another
//!   process does not count, where the system tells them apart; [`Counted`] says when it
//!   may), or called back into the engine from an inline run (progress, logs, client input,
//!   its own server's requests, ...), goes to the pool from then on;
//! - the runner's own call is not blocking: it has run less than [`SLOW`] and the watch
//!   thread has not seen it run past a [`TICK`]; the queue holds fewer than [`QUEUED`] calls;
//! - the runner holds a place of the server's pool, taken when its queue was empty and the
//!   pool quiet (no call queued, no worker running one: [`Pool::claim`]) and kept until its
//!   queue runs empty again. The place counts against `max_workers` as one busy worker (the
//!   runner runs one call at a time), and a call of another server's pool meanwhile goes to
//!   its own pool;
//! - taking the interpreter did not have to wait recently: an inline call that waited
//!   [`GIL_WAIT`] or more for it (another thread was running Python; again, preemption does
//!   not count where it can be told apart) sends every call to the pool for [`BACK_OFF`].
//!
//! Everything else goes to the pool as before. The guarantees of the pool hold for inline
//! calls too. A request waits for the runner's answer like for a worker's, and one whose call
//! runs in its poll has its deadline watched from outside, so a timeout or a cancellation
//! answers or frees the caller while the Python function runs on, and a call whose request
//! was abandoned while it was queued does not run. If an inline call blocks
//! (sleep, I/O), the engine's other threads keep serving: a watch thread that sees one run
//! for a [`TICK`] moves the calls queued behind it to the pool and wakes a parked engine
//! thread, which then takes over the I/O driver (a woken engine thread only takes it when it
//! parks again); after each call the runner ends its turn ([`Turn`]), so no answer is left
//! where only the blocked thread could pick it up. Python code that calls back into the
//! engine from an inline call does so through [`leave_worker`], which hands the thread's
//! queued engine work to another thread first.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use mcpforge::{HeldThread, RequestContext};
use pyo3::Python;

use crate::interpreter::{attach, is_exiting};
use crate::pace::{Counted, Pace, SLOW, waits};
use crate::pool::{Abandoned, EXITING, Job, Place, Pool};
use crate::runtime::runtime;

/// Waiting this long for the interpreter means another thread runs Python...
const GIL_WAIT: Duration = Duration::from_micros(500);
/// ...and calls go to the pool for this long.
const BACK_OFF: Duration = Duration::from_secs(1);
/// How often the watch thread looks at the inline call while calls arrive.
const TICK: Duration = Duration::from_millis(10);
/// The most calls queued for the runner; more go to the pool.
const QUEUED: usize = 1024;
/// Ticks without an inline call after which the watch thread sleeps until the next one.
const IDLE_TICKS: u32 = 10;
/// Taking the interpreter faster than this did not wait for it (a free interpreter takes well
/// under a microsecond; a wait for another thread's hand-over takes far longer).
const QUICK_ATTACH: Duration = Duration::from_micros(20);

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

/// Runs `job` inline when it may (see the module documentation): at once, in the poll of
/// the request `ctx` that called it, when the runner is idle, no other call is waited for
/// ([`Waiting`]) and the request's timeout can be answered while its poll is held
/// ([`RequestContext::may_hold_thread`]); else queued for the runner when `queue` says it
/// may be. Otherwise gives it back to the caller. Called from the request's task, on an
/// engine thread.
pub fn start(
    pool: &Pool,
    pace: &Arc<Pace>,
    job: Job,
    abandoned: Option<Abandoned>,
    ctx: Option<&RequestContext>,
    queue: bool,
) -> Result<(), (Job, Option<Abandoned>)> {
    if !pace.is_quick() || is_exiting() || contended() || !on_engine() {
        return Err((job, abandoned));
    }
    let call = Inline { job, pace: pace.clone(), abandoned };
    let call = match ctx.filter(|c| Waiting::alone() && c.may_hold_thread()) {
        Some(ctx) => match runner().run_here(pool, call, ctx) {
            Ok(()) => return Ok(()),
            Err(call) => call,
        },
        None => call,
    };
    if !queue {
        return Err((call.job, call.abandoned));
    }
    runner().queue(pool, call)
}

/// Counts the synchronous calls whose requests wait for them, and the async calls whose
/// coroutines are starting or running, in the process: a call runs in its request's poll
/// only when it is the only one (calls arriving one at a time, the case it makes faster).
/// Under pipelined load the runner takes them all: a call run in place there made the
/// runner wait behind it with the calls queued meanwhile.
pub struct Waiting;

static WAITING: AtomicU64 = AtomicU64::new(0);

impl Waiting {
    /// One more call waited for, until dropped.
    pub fn begin() -> Waiting {
        WAITING.fetch_add(1, Ordering::Relaxed);
        Waiting
    }

    /// Whether the calling request's call is the only one waited for.
    fn alone() -> bool {
        WAITING.load(Ordering::Relaxed) == 1
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One call queued for the runner.
struct Inline {
    job: Job,
    pace: Arc<Pace>,
    /// Tells the pool's watchdog whether the call's request was abandoned, while it runs.
    abandoned: Option<Abandoned>,
}

impl Inline {
    /// Runs the call on this thread, attached to the interpreter.
    fn run(job: Job, pace: Arc<Pace>) {
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

/// The task that runs inline calls: one for the process, alive as long as the runtime. It
/// runs the calls queued for it one per turn, in order, each on the engine thread that polls
/// it (woken by the request that queued a call, it runs next on that request's thread, as a
/// task spawned there would, without the allocation and the bookkeeping of a task per call).
struct Runner {
    slot: Mutex<Slot>,
}

/// What the runner shares with the requests that queue calls and with the watch thread.
#[derive(Default)]
struct Slot {
    /// The calls to run, in order.
    calls: VecDeque<Inline>,
    /// The pool place the queued and running calls hold (one, of one server's pool, from the
    /// first call queued to the turn that leaves the queue empty).
    place: Option<Place>,
    /// When the running call began (none between calls).
    began: Option<Instant>,
    /// The watch thread saw the running call run past a tick and moved the queue to the
    /// pool: calls go there until it returns.
    stalled: bool,
    /// The runner's task, once it has waited.
    waker: Option<std::task::Waker>,
    /// The runner waits for a call (it is woken by the next one queued).
    waiting: bool,
    /// A call runs in its request's own poll ([`Runner::run_here`]): the runner waits for it
    /// to return before it runs the calls queued meanwhile.
    in_place: bool,
    /// That call's request, until the watch thread sees the call hold its thread past a tick
    /// and hands the request's timeout to its connection...
    held: Option<RequestContext>,
    /// ...which watches the deadline until the call returns.
    watch: Option<HeldThread>,
}

/// The runner, started with the first inline call.
fn runner() -> &'static Runner {
    RUNNER.get_or_init(|| {
        let r: &'static Runner = Box::leak(Box::new(Runner { slot: Mutex::default() }));
        drop(runtime().spawn(r.serve()));
        r
    })
}

static RUNNER: OnceLock<&'static Runner> = OnceLock::new();

impl Runner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `call` and wakes the runner, unless the call should go to the pool: the
    /// runner's call blocks (it has run [`SLOW`] or past a tick), the queue holds
    /// [`QUEUED`] calls, or it runs calls of another server, or `pool` is busy.
    fn queue(&self, pool: &Pool, call: Inline) -> Result<(), (Job, Option<Abandoned>)> {
        let mut slot = self.lock();
        let refused = slot.stalled
            || slot.calls.len() >= QUEUED
            || slot.began.is_some_and(|began| began.elapsed() >= SLOW)
            || match &slot.place {
                Some(place) => !place.of(pool),
                None => match pool.claim() {
                    Some(place) => {
                        slot.place = Some(place);
                        false
                    }
                    None => true,
                },
            };
        if refused {
            return Err((call.job, call.abandoned));
        }
        slot.calls.push_back(call);
        if std::mem::take(&mut slot.waiting) {
            if let Some(waker) = &slot.waker {
                waker.wake_by_ref();
            }
        }
        Ok(())
    }

    /// Runs `call` here, in the poll of its request (`ctx`), when the runner is idle: no call
    /// queued or running, and the pool quiet. The call holds the pool's place like a runner's
    /// call, and the watch thread watches it the same way; when it holds its thread past a
    /// tick, its request's timeout is handed to the connection. Gives the call back when
    /// the runner is not idle.
    fn run_here(&self, pool: &Pool, call: Inline, ctx: &RequestContext) -> Result<(), Inline> {
        {
            let mut slot = self.lock();
            if slot.in_place || slot.began.is_some() || slot.place.is_some() || !slot.calls.is_empty() {
                return Err(call);
            }
            let Some(place) = pool.claim() else {
                return Err(call);
            };
            if let Some(abandoned) = call.abandoned {
                place.started(abandoned);
            }
            slot.place = Some(place);
            slot.began = Some(Instant::now());
            slot.in_place = true;
            slot.held = Some(ctx.clone());
        }
        let Inline { job, pace, .. } = call;
        // Nothing in a run unwinds past it (the call's own panic is caught inside).
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| Inline::run(job, pace)));
        let (place, _watch) = {
            let mut slot = self.lock();
            slot.in_place = false;
            slot.held = None;
            let watch = slot.watch.take();
            let place = if self.ended(&mut slot) {
                // Calls queued meanwhile: the runner takes them, with the place.
                if std::mem::take(&mut slot.waiting) {
                    if let Some(waker) = &slot.waker {
                        waker.wake_by_ref();
                    }
                }
                None
            } else {
                slot.place.take()
            };
            (place, watch)
        };
        drop(place);
        Ok(())
    }

    /// The runner's task: runs the next queued call, then lets the thread's other tasks run
    /// when more are queued (the answer just woken among them), or ends the chain of tasks
    /// handed over on this thread ([`end_chain`]) when none is.
    async fn serve(&'static self) {
        loop {
            let (job, pace) = std::future::poll_fn(|cx| self.next(cx)).await;
            // Nothing in a run unwinds past it (the call's own panic is caught inside); the
            // runner must outlive every call.
            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| Inline::run(job, pace)));
            if self.ran() {
                Turn::default().await;
            } else {
                end_chain();
            }
        }
    }

    /// The next call, marked running in the pool's place; the task waits when none is queued.
    fn next(&self, cx: &mut std::task::Context<'_>) -> std::task::Poll<(Job, Arc<Pace>)> {
        let mut slot = self.lock();
        let next = if slot.in_place { None } else { slot.calls.pop_front() };
        match next {
            Some(Inline { job, pace, abandoned }) => {
                if let (Some(place), Some(abandoned)) = (&slot.place, abandoned) {
                    place.started(abandoned);
                }
                slot.began = Some(Instant::now());
                std::task::Poll::Ready((job, pace))
            }
            None => {
                if !slot.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    slot.waker = Some(cx.waker().clone());
                }
                slot.waiting = true;
                std::task::Poll::Pending
            }
        }
    }

    /// The running call returned: true when more calls are queued; else the place is given
    /// back.
    fn ran(&self) -> bool {
        let place = {
            let mut slot = self.lock();
            if self.ended(&mut slot) {
                return true;
            }
            slot.place.take()
        };
        drop(place);
        false
    }

    /// The running call returned: true when more calls are queued.
    fn ended(&self, slot: &mut Slot) -> bool {
        slot.began = None;
        slot.stalled = false;
        if let Some(place) = &slot.place {
            place.returned();
        }
        !slot.calls.is_empty()
    }

    /// The running call has run past a tick: the queued calls go to the pool, and so do new
    /// ones until it returns.
    fn stall(&self) {
        let mut slot = self.lock();
        let Some(began) = slot.began else {
            return;
        };
        slot.stalled = true;
        let calls = std::mem::take(&mut slot.calls);
        if let Some(place) = &slot.place {
            for call in calls {
                place.submit(call.job, call.abandoned);
            }
        }
        if let Some(ctx) = slot.held.take() {
            // The request's own timer cannot fire while its poll is held. Under the lock, so
            // the call cannot return between the watch's start and its keeping (arming it
            // only queues a task).
            let _entered = runtime().enter();
            slot.watch = Some(ctx.holding_thread(began));
        }
    }
}

/// Ends the task's turn and wakes it at once. The wake takes the scheduler's slot for the
/// next task on this thread, which moves the task the last call's answer woke (the request)
/// from that slot, where no other thread could take it, to the thread's queue, where other
/// threads steal from: so a next call that blocks holds up no answer.
#[derive(Default)]
struct Turn {
    yielded: bool,
}

impl std::future::Future for Turn {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.yielded {
            return std::task::Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
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

/// Waits for `work` on the engine with the interpreter released, from Python code on any
/// thread (an engine thread running an inline call hands its engine work to another first).
pub(crate) fn block_on<F>(py: Python<'_>, work: F) -> F::Output
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    leave_worker(|| py.detach(|| runtime().block_on(work)))
}

/// The watch over inline calls: a sequence number that is odd while one runs, looked at by
/// one thread every [`TICK`] while calls arrive. A call seen running at two looks in a row
/// has run a tick or more: the calls queued behind it go to the pool ([`Runner::stall`]), and
/// a parked engine thread is woken, so that one is ready for I/O while the call holds its own.
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
                    if let Some(runner) = RUNNER.get() {
                        runner.stall();
                    }
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

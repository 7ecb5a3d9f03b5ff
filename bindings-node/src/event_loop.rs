//! Node's event loop as the engine's executor ([`mcpforge::Executor`]): the tasks of a stdio
//! connection (its reader, writer and requests), and of each HTTP connection (hyper's
//! connection, its requests and streams), are polled on the JavaScript thread, so a call is
//! read, handed to its JavaScript handler, answered and written without waking any other
//! thread. One executor per JavaScript thread (the main thread, each worker). When a
//! thread's environment is torn down (a worker ends or is terminated), the tasks still on
//! its executor are dropped there and its handles closed: a worker's loop must have none
//! left open.
//!
//! A task woken on the loop's thread is queued and polled in the same turn: after the libuv
//! callback that woke it (stdin turning readable) returns from its own work, or, when
//! JavaScript woke it (a handler's answer), by a check handle after the turn's callbacks, so
//! the answers of a batch of calls are written together; never inside a waker (a waker may
//! be called with a lock held).
//! A task woken from another thread (a tokio timer, a cancellation) is queued and the loop is
//! woken through a libuv async handle. Each turn polls at most [`TURN_BUDGET`] tasks, so a task
//! that keeps waking itself (a reader yielding while every in-flight slot is taken) lets
//! JavaScript, which frees those slots, run in between.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll, Wake, Waker};

use mcpforge::{Executor, Task};
use napi::Env;

use crate::uv;

/// The most tasks polled in one turn of the loop.
const TURN_BUDGET: usize = 256;

/// The fewest tasks kept track of before the finished ones are swept out of the list.
const LIVE_SWEEP: usize = 64;

/// The executor of one JavaScript thread.
pub(crate) struct LoopExecutor {
    /// Tasks woken from other threads.
    remote: Mutex<VecDeque<Arc<Job>>>,
    /// Set while `remote` may hold tasks (read without the lock).
    remote_pending: AtomicBool,
    wake_loop: uv::Async,
    /// Started while tasks woken on the loop's thread wait for the check handle.
    pending: uv::Idle,
    /// Runs the tasks woken by a turn's callbacks.
    check: uv::Check,
    /// Every task not known to be finished, and the length at which the list is next swept
    /// (the tasks dropped when the environment is torn down).
    live: Mutex<(Vec<Weak<Job>>, usize)>,
    event_loop: LoopPtr,
    runtime: tokio::runtime::Handle,
}

/// The thread's libuv loop, which only the thread itself uses.
#[derive(Clone, Copy)]
pub(crate) struct LoopPtr(pub *mut uv::Loop);

// SAFETY: the pointer is only dereferenced (by libuv) on the loop's own thread.
unsafe impl Send for LoopPtr {}
// SAFETY: as above.
unsafe impl Sync for LoopPtr {}

/// One task and whether it is queued.
struct Job {
    task: Mutex<Option<Task>>,
    queued: AtomicBool,
    executor: Arc<LoopExecutor>,
}

thread_local! {
    /// This thread's executor, once made.
    static EXECUTOR: RefCell<Option<Arc<LoopExecutor>>> = const { RefCell::new(None) };
    /// Tasks woken on this thread.
    static LOCAL: RefCell<VecDeque<Arc<Job>>> = const { RefCell::new(VecDeque::new()) };
    /// Set while this thread polls tasks, or runs code after which it will (see `then_run`).
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

impl LoopExecutor {
    /// The executor of the calling JavaScript thread (made on first use).
    pub fn of(env: &Env) -> napi::Result<Arc<LoopExecutor>> {
        if let Some(existing) = EXECUTOR.with(|e| e.borrow().clone()) {
            return Ok(existing);
        }
        let event_loop = LoopPtr(env.get_uv_event_loop()?.cast());
        let wake_loop = uv::Async::new(event_loop.0, on_async).map_err(crate::error::js_error)?;
        let check = uv::Check::start(event_loop.0, on_async).map_err(crate::error::js_error)?;
        let pending = uv::Idle::new(event_loop.0).map_err(crate::error::js_error)?;
        let runtime = napi::bindgen_prelude::within_runtime_if_available(tokio::runtime::Handle::try_current)
            .map_err(|e| crate::error::js_error(format!("no tokio runtime: {e}")))?;
        let executor = Arc::new(LoopExecutor {
            remote: Mutex::new(VecDeque::new()),
            remote_pending: AtomicBool::new(false),
            wake_loop,
            pending,
            check,
            live: Mutex::new((Vec::new(), LIVE_SWEEP)),
            event_loop,
            runtime,
        });
        EXECUTOR.with(|e| *e.borrow_mut() = Some(executor.clone()));
        // A worker's loop is closed with its environment, and must have no handle of ours
        // left open then: neither the executor's nor those of its tasks' descriptors.
        env.add_env_cleanup_hook((), |()| {
            if let Some(executor) = EXECUTOR.with(|e| e.borrow_mut().take()) {
                executor.drop_tasks();
                executor.wake_loop.close();
                executor.pending.close();
                executor.check.close();
            }
        })?;
        Ok(executor)
    }

    /// The loop this executor runs on.
    pub fn event_loop(&self) -> LoopPtr {
        self.event_loop
    }

    /// Keeps track of `job` (until it is found finished), for [`LoopExecutor::drop_tasks`].
    fn track(&self, job: &Arc<Job>) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let (jobs, sweep_at) = &mut *live;
        if jobs.len() >= *sweep_at {
            jobs.retain(unfinished);
            *sweep_at = (jobs.len() * 2).max(LIVE_SWEEP);
        }
        jobs.push(Arc::downgrade(job));
    }

    /// Drops every task not finished (on the loop's thread, as the environment is torn
    /// down): their descriptors' handles close with them. A dropped task may start or wake
    /// others; those go too, a bounded number of rounds.
    fn drop_tasks(&self) {
        for _ in 0..8 {
            let jobs = std::mem::take(&mut self.live.lock().unwrap_or_else(|e| e.into_inner()).0);
            if jobs.is_empty() {
                break;
            }
            for job in jobs.iter().filter_map(Weak::upgrade) {
                // Taken out first: dropping it may wake this job again.
                let task = job.task.lock().unwrap_or_else(|e| e.into_inner()).take();
                drop(task);
            }
        }
        LOCAL.with(|q| q.borrow_mut().clear());
        self.remote.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Whether the calling thread is this executor's.
    fn is_home(self: &Arc<Self>) -> bool {
        EXECUTOR.with(|e| e.borrow().as_ref().is_some_and(|mine| Arc::ptr_eq(mine, self)))
    }

    fn schedule(self: &Arc<Self>, job: Arc<Job>) {
        if self.is_home() {
            // Woken on the loop's thread: by the code of a callback (JavaScript answering, a
            // log line, a shutdown), after which the check handle runs it in this same turn
            // (the idle handle keeps the loop from blocking before it).
            let first = LOCAL.with(|q| {
                let mut q = q.borrow_mut();
                q.push_back(job);
                q.len() == 1
            });
            if first && !BUSY.get() {
                self.pending.start();
            }
        } else {
            self.remote.lock().unwrap_or_else(|e| e.into_inner()).push_back(job);
            self.remote_pending.store(true, Ordering::Release);
            self.wake_loop.send();
        }
    }

    fn next(&self) -> Option<Arc<Job>> {
        if let Some(job) = LOCAL.with(|q| q.borrow_mut().pop_front()) {
            return Some(job);
        }
        if !self.remote_pending.load(Ordering::Acquire) {
            return None;
        }
        let mut remote = self.remote.lock().unwrap_or_else(|e| e.into_inner());
        let job = remote.pop_front();
        if remote.is_empty() {
            self.remote_pending.store(false, Ordering::Release);
        }
        job
    }

    /// Polls the queued tasks (at most a turn's budget; the rest in a later turn).
    fn run_queued(self: &Arc<Self>) {
        self.pending.stop();
        let _runtime = self.runtime.enter();
        for _ in 0..TURN_BUDGET {
            let Some(job) = self.next() else { return };
            job.queued.store(false, Ordering::Release);
            let waker = Waker::from(job.clone());
            let mut cx = Context::from_waker(&waker);
            let mut slot = job.task.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(task) = slot.as_mut() {
                // A panic ends the task, not the loop (handler panics are caught inside).
                match std::panic::catch_unwind(AssertUnwindSafe(|| task.as_mut().poll(&mut cx))) {
                    Ok(Poll::Pending) => {}
                    Ok(Poll::Ready(())) | Err(_) => *slot = None,
                }
            }
        }
        if LOCAL.with(|q| !q.borrow().is_empty()) || self.remote_pending.load(Ordering::Acquire) {
            self.wake_loop.send();
        }
    }
}

/// Whether a tracked task may still be unfinished: not gone, and not found done (a task
/// being polled, which may be the one spawning, counts as unfinished).
fn unfinished(job: &Weak<Job>) -> bool {
    job.upgrade().is_some_and(|job| job.task.try_lock().map_or(true, |task| task.is_some()))
}

/// The engine's handle on a thread's executor.
pub(crate) struct OnLoop(pub Arc<LoopExecutor>);

impl Executor for OnLoop {
    fn spawn(&self, task: Task) {
        let job =
            Arc::new(Job { task: Mutex::new(Some(task)), queued: AtomicBool::new(true), executor: self.0.clone() });
        self.0.track(&job);
        self.0.schedule(job);
    }
}

impl Wake for Job {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            self.executor.schedule(self.clone());
        }
    }
}

/// Whether this thread is in one of the executor's libuv callbacks (polling its tasks, or
/// about to), with no JavaScript on its stack.
pub(crate) fn polling() -> bool {
    BUSY.get()
}

/// Runs `f` on the loop's thread, then the tasks it woke, in this same turn: what a libuv
/// callback or a native call that may wake tasks does. Nested calls run the tasks once, at
/// the outermost.
pub(crate) fn then_run<R>(f: impl FnOnce() -> R) -> R {
    if BUSY.replace(true) {
        return f();
    }
    let result = f();
    if let Some(executor) = EXECUTOR.with(|e| e.borrow().clone()) {
        executor.run_queued();
    }
    BUSY.set(false);
    result
}

/// The callback of the async handle (tasks were woken from another thread, or left for a
/// later turn) and of the check handle (tasks woken by this turn's callbacks: every handler
/// that answered in this turn, so their responses go out in one write).
extern "C" fn on_async(_handle: *mut uv::Handle) {
    if LOCAL.with(|q| !q.borrow().is_empty())
        || EXECUTOR.with(|e| e.borrow().as_ref().is_some_and(|x| x.remote_pending.load(Ordering::Acquire)))
    {
        then_run(|| ());
    }
}

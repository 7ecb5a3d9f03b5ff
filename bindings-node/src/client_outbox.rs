//! `Outbox`: what a `NativeClient` hands JavaScript, in the order it happened: each call's
//! outcome, each notification of the server, each request of the server the application
//! answers. Items wait in one queue, joined into one text; JavaScript gets the whole queue
//! in one call of its `deliver(count, items)` function, so a burst of answers crosses in one
//! go rather than one promise each, as one string rather than an array of them.
//!
//! When the items come from tasks on the JavaScript thread's own event loop (a client on
//! stdio, whose pipes and calls run there), the first item of an empty queue starts a task
//! of that loop that delivers the queue once the tasks woken in this turn have run, calling
//! `deliver` at once (`direct.rs`): the answers a read brought are handed over together,
//! without waking any thread. Items from other threads (the client thread of HTTP and
//! in-process clients, a timer) wake JavaScript once through a weak thread-safe function,
//! which takes the queue when it runs.
//!
//! Items are separated by `\n` (JSON text never holds one), each one's first character its
//! kind: `r<seq> <result JSON>` (call `seq` succeeded), `e<seq> <error JSON>` (it failed),
//! `n<method> <params JSON>` (a notification), `a<key> <method> <params JSON>` (a server
//! request, answered with `NativeClient.answer(key, ...)`). `lib/mcp-client/outcomes.js`
//! reads them. Results and server requests are bounded by the calls JavaScript made and the
//! requests the engine answers at once; notifications past [`MAX_NOTIFICATIONS`] waiting
//! are dropped (and counted), so a server flooding them cannot grow the queue.

use std::fmt::{Display, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use mcpforge::Executor;
use napi::Status;
use napi::bindgen_prelude::FnArgs;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

use crate::direct::{DirectFn, DispatchFn};
use crate::event_loop::OnLoop;

/// The most notifications waiting for JavaScript; one more is dropped.
pub(crate) const MAX_NOTIFICATIONS: usize = 1024;

/// The JavaScript function given the queue (weak: it never keeps Node running).
type DeliverFn = ThreadsafeFunction<(), (), FnArgs<(u32, String, u32)>, Status, false, true>;

#[derive(Default)]
struct Queue {
    /// The items, each followed by `\n`.
    text: String,
    count: u32,
    notifications: usize,
    /// A delivery is on its way and has not taken the queue yet.
    woken: bool,
}

impl Queue {
    /// The items (without the last `\n`) and their count; the next item wakes JavaScript again.
    fn take(&mut self) -> (u32, String) {
        let mut text = std::mem::take(&mut self.text);
        text.pop();
        let count = std::mem::take(&mut self.count);
        self.notifications = 0;
        self.woken = false;
        (count, text)
    }
}

/// The kinds of item (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    Result,
    Error,
    Notification,
    Ask,
}

impl Item {
    fn tag(self) -> char {
        match self {
            Item::Result => 'r',
            Item::Error => 'e',
            Item::Notification => 'n',
            Item::Ask => 'a',
        }
    }
}

/// The queue of items for JavaScript (see the module docs).
pub(crate) struct Outbox {
    queue: Arc<Mutex<Queue>>,
    deliver: DeliverFn,
    direct: DirectFn,
    on_loop: Arc<OnLoop>,
    dropped: AtomicU64,
}

fn lock(queue: &Mutex<Queue>) -> std::sync::MutexGuard<'_, Queue> {
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Outbox {
    /// An outbox handing items to `deliver(count, items, 0)`, its loop tasks run by `on_loop`
    /// (the calling thread's).
    pub(crate) fn new(deliver: &DispatchFn<'_>, on_loop: Arc<OnLoop>) -> napi::Result<Arc<Outbox>> {
        let direct = DirectFn::new(deliver)?;
        let queue = Arc::new(Mutex::new(Queue::default()));
        let taken = queue.clone();
        let deliver =
            deliver.build_threadsafe_function::<()>().weak::<true>().callee_handled::<false>().build_callback(
                move |_| {
                    let (count, text) = lock(&taken).take();
                    Ok(FnArgs::from((count, text, 0)))
                },
            )?;
        Ok(Arc::new(Outbox { queue, deliver, direct, on_loop, dropped: AtomicU64::new(0) }))
    }

    /// Queues item `<kind><head> <body>`, waking JavaScript when the queue was waiting for
    /// nothing. A notification past [`MAX_NOTIFICATIONS`] waiting is dropped.
    pub(crate) fn push(self: &Arc<Self>, kind: Item, head: impl Display, body: impl Display) {
        let wake = {
            let mut queue = lock(&self.queue);
            if kind == Item::Notification {
                if queue.notifications >= MAX_NOTIFICATIONS {
                    drop(queue);
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                queue.notifications += 1;
            }
            let _ = writeln!(queue.text, "{}{head} {body}", kind.tag());
            queue.count += 1;
            !std::mem::replace(&mut queue.woken, true)
        };
        if !wake {
            return;
        }
        if self.direct.here() {
            // After the tasks this turn woke (the other answers of the same read).
            let outbox = self.clone();
            self.on_loop.spawn(Box::pin(async move { outbox.deliver_here() }));
        } else {
            self.wake();
        }
    }

    /// Hands the queue to JavaScript now (on the loop's thread, polling its tasks).
    fn deliver_here(&self) {
        if !self.direct.here() {
            self.wake();
            return;
        }
        let (count, text) = lock(&self.queue).take();
        if count == 0 {
            return;
        }
        // It fails only when the function or its environment is gone: nobody is left to tell.
        let _ = self.direct.call((count, text, 0));
    }

    fn wake(&self) {
        // The environment may be gone (the process ending): nobody is left to tell.
        let _ = self.deliver.call((), ThreadsafeFunctionCallMode::NonBlocking);
    }

    /// Every item queued, as `deliver` gets them (for a last look after the client closed).
    pub(crate) fn take(&self) -> String {
        lock(&self.queue).take().1
    }

    /// How many notifications were dropped because JavaScript did not take them.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

//! `Outbox`: what a `NativeClient` hands JavaScript, in the order it happened: each call's
//! outcome, each notification of the server, each request of the server the application
//! answers. Items wait in one queue; the first item of an empty queue wakes JavaScript once
//! (one weak thread-safe function call), and JavaScript takes the whole queue at once, so a
//! burst of answers crosses in one go rather than one promise each.
//!
//! Each item is one string, its first character its kind: `r<seq> <result JSON>` (call
//! `seq` succeeded), `e<seq> <error JSON>` (it failed), `n<method> <params JSON>` (a
//! notification), `a<key> <method> <params JSON>` (a server request, answered with
//! `NativeClient.answer(key, ...)`). `lib/mcp-client/outcomes.js` reads them.

use std::sync::Mutex;

use napi::Status;
use napi::bindgen_prelude::Function;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

/// The JavaScript function told that items wait (weak: it never keeps Node running).
type WakeFn = ThreadsafeFunction<(), (), (), Status, false, true>;

struct Queue {
    items: Vec<String>,
    /// JavaScript was woken and has not taken the queue since.
    woken: bool,
}

/// The queue of items for JavaScript (see the module docs).
pub(crate) struct Outbox {
    queue: Mutex<Queue>,
    wake: WakeFn,
}

impl Outbox {
    /// An outbox waking JavaScript through `wake()`.
    pub(crate) fn new(wake: &Function<'_, (), ()>) -> napi::Result<Outbox> {
        let wake = wake.build_threadsafe_function::<()>().weak::<true>().callee_handled::<false>().build()?;
        Ok(Outbox { queue: Mutex::new(Queue { items: Vec::new(), woken: false }), wake })
    }

    /// Queues one item, waking JavaScript when the queue was waiting for nothing.
    pub(crate) fn push(&self, item: String) {
        let wake = {
            let mut queue = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            queue.items.push(item);
            !std::mem::replace(&mut queue.woken, true)
        };
        if wake {
            // The environment may be gone (the process ending): nobody is left to tell.
            let _ = self.wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }

    /// Every item queued, oldest first; the next item wakes JavaScript again.
    pub(crate) fn take(&self) -> Vec<String> {
        let mut queue = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        queue.woken = false;
        std::mem::take(&mut queue.items)
    }
}

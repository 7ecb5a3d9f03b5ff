//! A connection's task that wakes itself while it is being polled is polled again at once,
//! instead of going back through the scheduler.
//!
//! Reading a request's body wakes the task that reads it: hyper's body channel tells its
//! sender (the connection's dispatcher, in the same task) that more is wanted. On the
//! multi-threaded runtime a task woken during its own poll is queued as a yield, and a
//! yield wakes a parked worker thread to come and steal it: one more thread wakes and
//! sleeps for every request of a kept-alive connection, which then costs about 3.5 context
//! switches instead of 2. [`Repoll`] catches such a wake (one that arrives while the task's
//! future is being polled) and polls the future again itself, at most [`MAX_REPOLLS`] times
//! in a row before it yields as before; any other wake goes to the task as usual.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use futures_util::task::AtomicWaker;

/// How many times in a row a future that keeps waking itself is polled again before the
/// task yields to the scheduler (hyper bounds its own loop by 16 too).
const MAX_REPOLLS: u32 = 16;

/// Not being polled: a wake goes to the task.
const IDLE: u8 = 0;
/// Being polled: a wake marks [`WOKEN`].
const POLLING: u8 = 1;
/// Being polled, and woken meanwhile: poll again.
const WOKEN: u8 = 2;

/// `inner`, polled again at once when it wakes itself while being polled.
pub(crate) struct Repoll<F> {
    inner: Pin<Box<F>>,
    state: Arc<State>,
    /// The waker handed to `inner`: [`State`], made once.
    waker: Waker,
}

/// What the waker handed to the future shares with its poller.
struct State {
    phase: AtomicU8,
    /// The task's own waker, registered at each poll.
    task: AtomicWaker,
}

impl<F: Future> Repoll<F> {
    /// Wraps `inner` (boxed: the wrapper stays movable, as a spawned task's future must be).
    pub(crate) fn new(inner: F) -> Repoll<F> {
        let state = Arc::new(State { phase: AtomicU8::new(IDLE), task: AtomicWaker::new() });
        let waker = Waker::from(state.clone());
        Repoll { inner: Box::pin(inner), state, waker }
    }
}

impl<F: Future> Future for Repoll<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        // Registered before a wake can be passed on to it (in `IDLE`).
        this.state.task.register(cx.waker());
        let mut inner_cx = Context::from_waker(&this.waker);
        for _ in 0..MAX_REPOLLS {
            this.state.phase.store(POLLING, Ordering::SeqCst);
            if let Poll::Ready(out) = this.inner.as_mut().poll(&mut inner_cx) {
                this.state.phase.store(IDLE, Ordering::SeqCst);
                return Poll::Ready(out);
            }
            // Woken while polled (the swap fails on `WOKEN`): poll again now.
            if this.state.phase.compare_exchange(POLLING, IDLE, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                return Poll::Pending;
            }
        }
        // Still waking itself: give the other tasks their turn.
        this.state.phase.store(IDLE, Ordering::SeqCst);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl Wake for State {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut phase = self.phase.load(Ordering::SeqCst);
        loop {
            match phase {
                WOKEN => return,
                POLLING => match self.phase.compare_exchange(POLLING, WOKEN, Ordering::SeqCst, Ordering::SeqCst) {
                    Ok(_) => return,
                    Err(now) => phase = now,
                },
                _ => {
                    self.task.wake();
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Wakes itself `times` times while polled (each poll once), then is ready; counts polls.
    struct SelfWaking {
        times: usize,
        polls: Arc<AtomicUsize>,
    }

    impl Future for SelfWaking {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            if self.times == 0 {
                return Poll::Ready(());
            }
            self.times -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    /// Counts the wakes the task itself receives.
    struct Counting(AtomicUsize);
    impl Wake for Counting {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn task_waker() -> (Arc<Counting>, Waker) {
        let counting = Arc::new(Counting(AtomicUsize::new(0)));
        (counting.clone(), Waker::from(counting))
    }

    #[test]
    fn a_self_wake_is_polled_again_without_waking_the_task() {
        let polls = Arc::new(AtomicUsize::new(0));
        let mut f = Repoll::new(SelfWaking { times: 3, polls: polls.clone() });
        let (woken, waker) = task_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut f).poll(&mut cx).is_ready());
        assert_eq!(polls.load(Ordering::SeqCst), 4);
        assert_eq!(woken.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_future_that_keeps_waking_itself_yields_after_the_bound() {
        let polls = Arc::new(AtomicUsize::new(0));
        let mut f = Repoll::new(SelfWaking { times: 100, polls: polls.clone() });
        let (woken, waker) = task_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut f).poll(&mut cx).is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), MAX_REPOLLS as usize);
        assert_eq!(woken.0.load(Ordering::SeqCst), 1, "the task is woken to be polled again later");
    }

    #[tokio::test]
    async fn a_wake_from_elsewhere_reaches_the_task() {
        let (tx, rx) = tokio::sync::oneshot::channel::<u8>();
        let task = tokio::spawn(Repoll::new(rx));
        tokio::task::yield_now().await;
        tx.send(7).expect("the receiver waits");
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), task).await;
        assert_eq!(got.expect("woken in time").expect("no panic").expect("sent"), 7);
    }
}

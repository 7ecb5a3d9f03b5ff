//! Where a byte-stream connection's tasks run (its reader, its writer, each request): on the
//! tokio runtime's workers, the default, or on an [`Executor`] a binding supplies, such as one
//! driven by a language's own event loop, so that a request is read, handled and answered on
//! that loop's thread without waking another thread on the way. A task running on a
//! binding's executor under [`on_executor`] (an HTTP connection the listener hands to the
//! binding) starts the tasks it spawns there too.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A task handed to an [`Executor`].
pub type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Runs a connection's tasks on a thread of the binding's choosing. The engine polls nothing
/// itself: it hands each task over once, and the executor polls it whenever its waker is
/// woken (from any thread) until it is finished. A task the executor drops unfinished (it
/// stopped, or the task panicked) counts as failed. While polling, the executor keeps the
/// tokio runtime the server was built in entered (`Handle::enter`): tasks use its timers.
pub trait Executor: Send + Sync + 'static {
    /// Takes `task` and runs it to completion.
    fn spawn(&self, task: Task);
}

tokio::task_local! {
    /// The binding's executor the task being polled runs on (see [`on_executor`]).
    static AMBIENT: Arc<dyn Executor>;
}

/// Runs `task` (polled by `executor`) so that what it spawns through [`Spawner::Tokio`]
/// (the requests of an HTTP connection, their SSE streams) runs on `executor` as well.
pub(crate) fn on_executor<F: Future>(executor: Arc<dyn Executor>, task: F) -> impl Future<Output = F::Output> {
    AMBIENT.scope(executor, task)
}

/// Where a connection spawns: on tokio, or on a binding's executor.
#[derive(Clone, Default)]
pub(crate) enum Spawner {
    /// `tokio::spawn`; from a task under [`on_executor`], that task's executor.
    #[default]
    Tokio,
    /// A binding's executor.
    Custom(Arc<dyn Executor>),
}

impl Spawner {
    /// Runs `task`, detached.
    pub fn spawn<F: Future<Output = ()> + Send + 'static>(&self, task: F) {
        match self {
            Spawner::Tokio => match AMBIENT.try_with(Arc::clone) {
                Ok(executor) => executor.spawn(Box::pin(task)),
                Err(_) => {
                    tokio::spawn(task);
                }
            },
            Spawner::Custom(executor) => executor.spawn(Box::pin(task)),
        }
    }

    /// Runs `task`; the handle waits for its output and can stop it.
    pub fn spawn_joinable<T, F>(&self, task: F) -> Joinable<T>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        match self {
            Spawner::Tokio => Joinable::Tokio(tokio::spawn(task)),
            Spawner::Custom(executor) => {
                let (tx, rx) = oneshot::channel();
                let stop = CancellationToken::new();
                let stopped = stop.clone();
                executor.spawn(Box::pin(async move {
                    tokio::select! {
                        biased;
                        () = stopped.cancelled() => {}
                        output = task => {
                            let _ = tx.send(output);
                        }
                    }
                }));
                Joinable::Custom(rx, stop)
            }
        }
    }
}

/// Why a joined task gave no output.
#[derive(Debug)]
pub(crate) enum Unjoined {
    /// It panicked (or its executor dropped it).
    Failed,
    /// It was stopped with [`Joinable::abort`].
    Aborted,
}

/// A task started by [`Spawner::spawn_joinable`].
pub(crate) enum Joinable<T> {
    Tokio(JoinHandle<T>),
    Custom(oneshot::Receiver<T>, CancellationToken),
}

impl<T> Joinable<T> {
    /// Stops the task where it is waiting.
    pub fn abort(&self) {
        match self {
            Joinable::Tokio(handle) => handle.abort(),
            Joinable::Custom(_, stop) => stop.cancel(),
        }
    }
}

impl<T> Future for Joinable<T> {
    type Output = Result<T, Unjoined>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Joinable::Tokio(handle) => Pin::new(handle)
                .poll(cx)
                .map(|r| r.map_err(|e| if e.is_panic() { Unjoined::Failed } else { Unjoined::Aborted })),
            Joinable::Custom(rx, stop) => Pin::new(rx)
                .poll(cx)
                .map(|r| r.map_err(|_| if stop.is_cancelled() { Unjoined::Aborted } else { Unjoined::Failed })),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Runs tasks on tokio, counting them.
    struct Counting(AtomicUsize);

    impl Executor for Counting {
        fn spawn(&self, task: Task) {
            self.0.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(task);
        }
    }

    #[tokio::test]
    async fn a_binding_executor_runs_the_tasks_and_gives_their_output() {
        let executor = Arc::new(Counting(AtomicUsize::new(0)));
        let spawner = Spawner::Custom(executor.clone());
        let (tx, rx) = oneshot::channel();
        spawner.spawn(async move {
            let _ = tx.send(1);
        });
        assert_eq!(rx.await.ok(), Some(1));
        assert!(matches!(spawner.spawn_joinable(async { 2 }).await, Ok(2)));
        assert_eq!(executor.0.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_task_on_a_binding_executor_spawns_there() {
        let executor = Arc::new(Counting(AtomicUsize::new(0)));
        let (tx, rx) = oneshot::channel();
        on_executor(executor.clone(), async move {
            Spawner::Tokio.spawn(async move {
                let _ = tx.send(3);
            });
        })
        .await;
        assert_eq!(rx.await.ok(), Some(3));
        assert_eq!(executor.0.load(Ordering::SeqCst), 1, "spawned on the ambient executor");
        // Outside the scope, tokio again.
        let (tx, rx) = oneshot::channel();
        Spawner::Tokio.spawn(async move {
            let _ = tx.send(4);
        });
        assert_eq!(rx.await.ok(), Some(4));
        assert_eq!(executor.0.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_aborted_task_on_a_binding_executor_ends_where_it_waits() {
        let spawner = Spawner::Custom(Arc::new(Counting(AtomicUsize::new(0))));
        let waiting = spawner.spawn_joinable(std::future::pending::<()>());
        waiting.abort();
        assert!(matches!(waiting.await, Err(Unjoined::Aborted)));
        let failed = spawner.spawn_joinable(async { panic!("a task that fails") });
        assert!(matches!(failed.await, Err(Unjoined::Failed)));
    }
}

//! A byte stream's output: the connection's writer takes its queued messages, one per line,
//! batches small ones and flushes when the queue runs dry. While a handler holds the thread
//! that read its request ([`reading`](super::reading)), the writer may be waiting to run on
//! that very thread, where no other can take it: a second writer then serves the queue too
//! ([`Output::relieve`]).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::dispatch::OutboxReader;
use crate::dispatch::executor::Spawner;
use crate::sync::lock;

/// Output is written in chunks of at most this many bytes between flushes.
const WRITE_BATCH: usize = 256 * 1024;
/// The batch buffer's capacity; a message at least this large is written on its own.
const WRITE_BUFFER: usize = 64 * 1024;

/// One connection's output: its queue and the stream it is written to.
pub(crate) struct Output<W> {
    rx: OutboxReader,
    /// The stream and the batch buffer, taken out by the writer that writes a batch
    /// (messages are taken from the queue only while it is out, so they go out in order).
    sink: Mutex<Option<Sink<W>>>,
    /// The sink was put back.
    returned: Notify,
    /// Whether other requests are still running (see [`Output::write_all`]).
    working: Box<dyn Fn() -> bool + Send + Sync>,
    /// How many times the connection's writer woke for messages: a second writer stops once
    /// it sees the first one run again.
    rounds: AtomicU64,
}

struct Sink<W> {
    writer: W,
    buf: Vec<u8>,
}

impl<W: AsyncWrite + Unpin + Send + 'static> Output<W> {
    /// The output of the messages `rx` takes, written to `writer`; `working` tells whether
    /// other requests are still running.
    pub fn new(writer: W, rx: OutboxReader, working: impl Fn() -> bool + Send + Sync + 'static) -> Arc<Output<W>> {
        Arc::new(Output {
            rx,
            sink: Mutex::new(Some(Sink { writer, buf: Vec::with_capacity(WRITE_BUFFER) })),
            returned: Notify::new(),
            working: Box::new(working),
            rounds: AtomicU64::new(0),
        })
    }

    /// The connection's writer, until the queue is closed and empty; then flushes and shuts
    /// the stream down. Trips `done` when it ends. When the queue runs dry while `working`
    /// says other requests are still running, it lets the tasks that are ready run once
    /// before it writes: answers that come back from other threads one at a time (a
    /// binding's worker pool) then go out in one write instead of one write each, and a lone
    /// request, with nothing else running, is written at once.
    pub async fn write_all(self: Arc<Self>, done: CancellationToken) -> io::Result<()> {
        let _done = done.drop_guard();
        self.serve(None).await?;
        let mut sink = self.take_sink().await;
        let writer = &mut sink.0.as_mut().expect("held").writer;
        writer.flush().await?;
        let _ = writer.shutdown().await;
        Ok(())
    }

    /// Starts a second writer, which serves the queue until the connection's writer runs
    /// again (or the queue closes, or writing fails: the first writer meets that failure
    /// too and reports it).
    pub fn relieve(self: &Arc<Self>, spawner: &Spawner) {
        let output = self.clone();
        let since = self.rounds.load(Ordering::Relaxed);
        spawner.spawn(async move {
            if let Err(e) = output.serve(Some(since)).await {
                tracing::debug!(error = %e, "the second writer stops");
            }
        });
    }

    /// Writes what is queued, in batches, flushing whenever the queue runs empty, until it
    /// is closed and empty. A second writer (`since`: the first writer's rounds when it was
    /// started) stops after a batch once the first one has run again.
    async fn serve(&self, since: Option<u64>) -> io::Result<()> {
        while self.rx.readable().await {
            if since.is_none() {
                self.rounds.fetch_add(1, Ordering::Relaxed);
            }
            let mut sink = self.take_sink().await;
            let Sink { writer, buf } = sink.0.as_mut().expect("held");
            let mut next = self.rx.take();
            while let Some(mut m) = next.take() {
                // Whether the queue was seen empty after this write's messages were taken.
                let mut drained = false;
                if m.len() >= WRITE_BUFFER {
                    // A large message goes out as it is: copying it into the batch would cost
                    // a pass over it and grow the buffer for every later batch. (Its encoder
                    // leaves room for the newline.)
                    m.push(b'\n');
                    writer.write_all(&m).await?;
                } else {
                    buf.extend_from_slice(&m);
                    buf.push(b'\n');
                    let mut waited = false;
                    while buf.len() < WRITE_BATCH {
                        match self.rx.take() {
                            Some(m) if m.len() < WRITE_BUFFER => {
                                buf.extend_from_slice(&m);
                                buf.push(b'\n');
                            }
                            // A large one waits for the batch before it to go out.
                            Some(m) => {
                                next = Some(m);
                                break;
                            }
                            None if !waited && (self.working)() => {
                                waited = true;
                                tokio::task::yield_now().await;
                            }
                            None => {
                                drained = true;
                                break;
                            }
                        }
                    }
                    writer.write_all(buf).await?;
                    buf.clear();
                }
                if next.is_none() && !drained {
                    next = self.rx.take();
                }
                if next.is_none() {
                    // Nothing more queued: what was written goes out now.
                    writer.flush().await?;
                }
            }
            drop(sink);
            if since.is_some_and(|since| self.rounds.load(Ordering::Relaxed) != since) {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Takes the sink out, waiting while the other writer has it.
    async fn take_sink(&self) -> HeldSink<'_, W> {
        // Almost always there: no waiting set up then.
        if let Some(taken) = lock(&self.sink).take() {
            return HeldSink(Some(taken), self);
        }
        loop {
            let returned = self.returned.notified();
            let mut returned = std::pin::pin!(returned);
            {
                let mut sink = lock(&self.sink);
                if let Some(taken) = sink.take() {
                    return HeldSink(Some(taken), self);
                }
                // Enabled under the lock: a sink put back after the check wakes it.
                returned.as_mut().enable();
            }
            returned.await;
        }
    }
}

/// The sink, taken out of its [`Output`]; put back when dropped (also when a write fails or
/// the writer's task is dropped mid-write).
struct HeldSink<'a, W>(Option<Sink<W>>, &'a Output<W>);

impl<W> Drop for HeldSink<'_, W> {
    fn drop(&mut self) {
        *lock(&self.1.sink) = self.0.take();
        self.1.returned.notify_one();
    }
}

//! A byte stream's output: the connection's writer takes its queued messages, one per line,
//! batches small ones and flushes when the queue runs dry. While a handler holds the thread
//! that read its request ([`reading`](super::reading)), the writer may be waiting to run on
//! that very thread, where no other can take it: a second writer then serves the queue too
//! ([`Output::relieve`]).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use crate::dispatch::OutboxReader;
use crate::dispatch::executor::Spawner;

/// Output is written in chunks of at most this many bytes between flushes.
const WRITE_BATCH: usize = 256 * 1024;
/// The batch buffer's capacity; a message at least this large is written on its own.
const WRITE_BUFFER: usize = 64 * 1024;

/// One connection's output: its queue and the stream it is written to.
pub(crate) struct Output<W> {
    rx: OutboxReader,
    /// The stream and the batch buffer, held by the writer that writes a batch (messages are
    /// taken from the queue only while it is held, so they go out in order).
    sink: tokio::sync::Mutex<Sink<W>>,
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
            sink: tokio::sync::Mutex::new(Sink { writer, buf: Vec::with_capacity(WRITE_BUFFER) }),
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
        while self.rx.readable().await {
            self.rounds.fetch_add(1, Ordering::Relaxed);
            self.write_queued().await?;
        }
        let mut sink = self.sink.lock().await;
        sink.writer.flush().await?;
        let _ = sink.writer.shutdown().await;
        Ok(())
    }

    /// Starts a second writer, which serves the queue until the connection's writer runs
    /// again (or the queue closes, or writing fails: the first writer meets that failure
    /// too and reports it).
    pub fn relieve(self: &Arc<Self>, spawner: &Spawner) {
        let output = self.clone();
        let since = self.rounds.load(Ordering::Relaxed);
        spawner.spawn(async move {
            while output.rx.readable().await {
                if let Err(e) = output.write_queued().await {
                    tracing::debug!(error = %e, "the second writer stops");
                    return;
                }
                if output.rounds.load(Ordering::Relaxed) != since {
                    return;
                }
            }
        });
    }

    /// Writes what is queued, in batches, and flushes once the queue is empty.
    async fn write_queued(&self) -> io::Result<()> {
        let mut sink = self.sink.lock().await;
        let Sink { writer, buf } = &mut *sink;
        let mut next = None;
        let mut unflushed = false;
        while let Some(mut m) = next.take().or_else(|| self.rx.take()) {
            unflushed = true;
            if m.len() >= WRITE_BUFFER {
                // A large message goes out as it is: copying it into the batch would cost a
                // pass over it and grow the buffer for every later batch. (Its encoder leaves
                // room for the newline.)
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
                        None => break,
                    }
                }
                writer.write_all(buf).await?;
                buf.clear();
            }
            if next.is_none() && self.rx.is_empty() {
                writer.flush().await?;
                unflushed = false;
            }
        }
        // The queue can also shrink by itself (a full queue drops its oldest notification).
        if unflushed {
            writer.flush().await?;
        }
        Ok(())
    }
}

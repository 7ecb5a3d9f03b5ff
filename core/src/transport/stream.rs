//! Serving MCP over one byte stream (stdio, a socket): newline framing in, one writer that
//! batches output, and a [`Connection`] in between that does everything else.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio_util::sync::CancellationToken;

use crate::dispatch::connection::{Connection, ConnectionOptions, oversized};
use crate::dispatch::executor::{Spawner, Unjoined};
use crate::dispatch::shared::ServerShared;
use crate::dispatch::{OutboxReader, outbox};
use crate::error::Error;
use crate::jsonrpc::{Frame, LineReader};

/// Output is written in chunks of at most this many bytes between flushes.
const WRITE_BATCH: usize = 256 * 1024;
/// The batch buffer's capacity; a message at least this large is written on its own.
const WRITE_BUFFER: usize = 64 * 1024;

/// Serves one connection until the reader ends, `stop` trips, the server shuts down, or
/// the writer fails. Returns after in-flight requests finished (or were cancelled after
/// the grace period) and output was flushed. Its tasks (the connection, its reader, its
/// writer, each request) run where `spawner` puts them.
pub(crate) async fn serve<R, W>(
    shared: Arc<ServerShared>,
    reader: R,
    writer: W,
    stop: CancellationToken,
    spawner: Spawner,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    // The connection runs as a task of its own, not inside the caller's future: a
    // `block_on` future is polled outside the scheduler's fair rotation (and, on a
    // multi-thread runtime, on another thread than the request tasks it spawns).
    spawner
        .spawn_joinable(run(shared, reader, writer, stop, spawner.clone()))
        .await
        .unwrap_or_else(|e| Err(Error::Io(std::io::Error::other(format!("the connection's task ended: {e:?}")))))
}

async fn run<R, W>(
    shared: Arc<ServerShared>,
    reader: R,
    writer: W,
    stop: CancellationToken,
    spawner: Spawner,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (out, rx) = outbox("connection output", shared.limits.max_queued_messages, queue_bytes(&shared));
    let writer_done = CancellationToken::new();
    let options = ConnectionOptions {
        inline_first_poll: true,
        spawner: spawner.clone(),
        ..ConnectionOptions::for_client(&shared)
    };
    let conn = Connection::new(shared.clone(), out.clone(), options);
    let working = {
        let conn = conn.clone();
        move || conn.is_working()
    };
    let writer_task = spawner.spawn_joinable(write_loop(writer, rx, writer_done.clone(), working));
    let lines = LineReader::new(BufReader::with_capacity(64 * 1024, reader), shared.limits.max_message_size);
    // Reading runs as a task of its own, and this one only waits for it or for a stop. In
    // one task, every wake-up of the reader (each message) would poll the three stop
    // signals again, and polling a cancellation token's future takes two locks.
    let mut reading = spawner.spawn_joinable(read_loop(conn.clone(), lines));
    let finished = tokio::select! {
        biased;
        r = &mut reading => Some(r),
        () = stop.cancelled() => None,
        () = shared.shutdown.cancelled() => None,
        () = writer_done.cancelled() => None,
    };
    let read_result = match finished {
        Some(r) => r,
        // Stopped while reading (or while waiting for room in the output queue, which a
        // client that does not read must not make last): the reader ends where it is.
        None => {
            reading.abort();
            reading.await
        }
    };
    let read_error = match read_result {
        Ok(r) => r.err(),
        Err(Unjoined::Failed) => Some(std::io::Error::other("the reader failed unexpectedly")),
        Err(Unjoined::Aborted) => None,
    };
    conn.shutdown().await;
    out.close();
    let write_result =
        writer_task.await.unwrap_or_else(|e| Err(std::io::Error::other(format!("the writer ended: {e:?}"))));
    if let Some(e) = read_error {
        return Err(e.into());
    }
    // A peer that closed its end while we wrote is a normal end of session, not an error.
    match write_result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Reads frames and hands them to the connection until the input ends or fails.
async fn read_loop<R: AsyncRead + Unpin>(
    conn: Arc<Connection>,
    mut lines: LineReader<BufReader<R>>,
) -> std::io::Result<()> {
    while let Some(frame) = lines.next_frame().await? {
        on_frame(&conn, frame).await;
    }
    Ok(())
}

/// Hands one frame to the connection, then lets the request tasks it spawned run.
pub(crate) async fn on_frame(conn: &Arc<Connection>, frame: Frame<'_>) {
    match frame {
        Frame::Line(line) => conn.receive(line).await,
        Frame::Oversized(n) => {
            let max = conn.shared().limits.max_message_size;
            tracing::warn!(bytes = n, max, "message over the size limit discarded");
            conn.reply_error(&oversized(n, max)).await;
        }
    }
    // A burst of buffered input must not starve the request tasks it spawns: yield to them
    // whenever this task's cooperative budget is spent, and before the next message
    // whenever every in-flight slot is taken, so only requests that are really still
    // running make the server busy.
    if conn.is_saturated() {
        tokio::task::yield_now().await;
    } else {
        tokio::task::consume_budget().await;
    }
}

/// About how many bytes may wait for one client: a few maximum-size messages.
pub(crate) fn queue_bytes(shared: &ServerShared) -> usize {
    shared.limits.max_message_size.max(1 << 20) * 2
}

/// The single writer: one message per line, small ones batched while more are queued,
/// flushed when the queue is empty. When the queue runs dry while `working` says other
/// requests are still running, the writer lets the tasks that are ready run once before it
/// writes: answers that come back from other threads one at a time (a binding's worker
/// pool) then go out in one write instead of one write each, and a lone request, with
/// nothing else running, is written at once.
async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    mut rx: OutboxReader,
    done: CancellationToken,
    working: impl Fn() -> bool,
) -> std::io::Result<()> {
    let _done = done.drop_guard();
    let mut buf = Vec::with_capacity(WRITE_BUFFER);
    let mut next = rx.recv().await;
    while let Some(mut m) = next.take() {
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
                match rx.try_recv() {
                    Some(m) if m.len() < WRITE_BUFFER => {
                        buf.extend_from_slice(&m);
                        buf.push(b'\n');
                    }
                    // A large one waits for the batch before it to go out.
                    Some(m) => {
                        next = Some(m);
                        break;
                    }
                    None if !waited && working() => {
                        waited = true;
                        tokio::task::yield_now().await;
                    }
                    None => break,
                }
            }
            writer.write_all(&buf).await?;
            buf.clear();
        }
        if next.is_none() && rx.is_empty() {
            writer.flush().await?;
        }
        if next.is_none() {
            next = rx.recv().await;
        }
    }
    writer.flush().await?;
    let _ = writer.shutdown().await;
    Ok(())
}

//! Serving MCP over one byte stream (stdio, a socket): newline framing in (`reading.rs`),
//! one writer that batches output (`writing.rs`), and a [`Connection`] in between that does
//! everything else.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio_util::sync::CancellationToken;

use super::reading::{Relieve, read_all};
use super::writing::Output;
use crate::dispatch::connection::{Connection, ConnectionOptions};
use crate::dispatch::executor::{Spawner, Unjoined};
use crate::dispatch::outbox;
use crate::dispatch::shared::ServerShared;
use crate::error::Error;
use crate::jsonrpc::LineReader;

/// Serves one connection until the reader ends, `stop` trips, the server shuts down, or
/// the writer fails. Returns after in-flight requests finished (or were cancelled after
/// the grace period) and output was flushed. Its tasks (the connection, its reader, its
/// writer, each request) run where `spawner` puts them. With `in_reader`, each request is
/// polled once in the task that read it, on any runtime ([`reading`](super::reading)).
pub(crate) async fn serve<R, W>(
    shared: Arc<ServerShared>,
    (reader, writer): (R, W),
    stop: CancellationToken,
    spawner: Spawner,
    in_reader: bool,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    // The connection runs as a task of its own, not inside the caller's future: a
    // `block_on` future is polled outside the scheduler's fair rotation (and, on a
    // multi-thread runtime, on another thread than the request tasks it spawns).
    spawner
        .spawn_joinable(run(shared, (reader, writer), stop, spawner.clone(), in_reader))
        .await
        .unwrap_or_else(|e| Err(Error::Io(std::io::Error::other(format!("the connection's task ended: {e:?}")))))
}

async fn run<R, W>(
    shared: Arc<ServerShared>,
    (reader, writer): (R, W),
    stop: CancellationToken,
    spawner: Spawner,
    in_reader: bool,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (out, rx) = outbox("connection output", shared.limits.max_queued_messages, shared.limits.queued_bytes());
    let writer_done = CancellationToken::new();
    let options = ConnectionOptions {
        inline_first_poll: true,
        in_reader,
        spawner: spawner.clone(),
        ..ConnectionOptions::for_client(&shared)
    };
    let conn = Connection::new(shared.clone(), out.clone(), options);
    let working = {
        let conn = conn.clone();
        move || conn.is_working()
    };
    let output = Output::new(writer, rx, working);
    let writer_task = spawner.spawn_joinable(output.clone().write_all(writer_done.clone()));
    let lines = LineReader::new(BufReader::with_capacity(64 * 1024, reader), shared.limits.max_message_size);
    // Reading runs as a task of its own, and this one only waits for it or for a stop. In
    // one task, every wake-up of the reader (each message) would poll the three stop
    // signals again, and polling a cancellation token's future takes two locks.
    // With requests polled where they arrive, a handler that holds the reader's thread has
    // another task read on and another write (see `reading`).
    let relieve: Option<Relieve> = in_reader.then(|| {
        let spawner = spawner.clone();
        Box::new(move || output.relieve(&spawner)) as Relieve
    });
    let mut reading = spawner.spawn_joinable(read_all(conn.clone(), lines, spawner.clone(), relieve));
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

//! Frames handed to a connection ([`on_frame`], for every transport that reads frames), and
//! a byte stream's input read by one task at a time. Where requests are polled in the task
//! that read them (a binding's quick synchronous callbacks run right there), a handler that
//! blocks would hold the reading too: the input then waits between two messages where
//! another task can take it over ([`HandOff`], asked for through
//! [`RequestContext::holding_thread`](crate::RequestContext::holding_thread)), and the
//! connection keeps reading while the handler runs on.

use std::io;
use std::sync::{Arc, Mutex, Weak};

use tokio::io::{AsyncRead, BufReader};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::deadline::HandOff;
use crate::dispatch::connection::{Connection, oversized};
use crate::dispatch::executor::Spawner;
use crate::jsonrpc::envelope::{self, Received};
use crate::jsonrpc::{Frame, LineReader};
use crate::sync::lock;

/// The framed input of one connection.
pub(crate) type Lines<R> = LineReader<BufReader<R>>;

/// What else a hand-over of the input does: start a second writer
/// ([`Output::relieve`](super::writing::Output::relieve)).
pub(crate) type Relieve = Box<dyn Fn() + Send + Sync>;

/// Reads frames and hands them to the connection until the input ends or fails. With
/// `relieve`, the input can be taken over by another task while a message is handled (see
/// the module documentation), which also calls `relieve`; the call still returns when the
/// input ends, whichever task read it last, and stops the tasks that took it over when it
/// is dropped.
pub(crate) async fn read_all<R>(
    conn: Arc<Connection>,
    mut lines: Lines<R>,
    spawner: Spawner,
    relieve: Option<Relieve>,
) -> io::Result<()>
where
    R: AsyncRead + Unpin + Send + 'static,
{
    let Some(relieve) = relieve else {
        while let Some(frame) = lines.next_frame().await? {
            on_frame(&conn, frame).await;
        }
        return Ok(());
    };
    let (ended, end) = oneshot::channel();
    let input = Arc::new(Input {
        conn: Arc::downgrade(&conn),
        lines: Mutex::new(None),
        spawner,
        relieve,
        ended: Mutex::new(Some(ended)),
        stop: CancellationToken::new(),
    });
    let _stop = input.stop.clone().drop_guard();
    conn.set_input(input.clone());
    match input.read(&conn, lines).await {
        Some(result) => result,
        // Another task read on; it says how the input ended.
        None => end.await.unwrap_or(Ok(())),
    }
}

/// An input that one task reads at a time.
struct Input<R> {
    /// The connection it feeds (which holds the input while it may hand it over).
    conn: Weak<Connection>,
    /// The input, left here while the task that read the last message handles it: whoever
    /// takes it reads next.
    lines: Mutex<Option<Lines<R>>>,
    /// Where a task that takes the input over runs.
    spawner: Spawner,
    /// Called with each hand-over: the connection's writer may wait for the held thread.
    relieve: Relieve,
    /// How the input ended, when a task that took it over saw the end.
    ended: Mutex<Option<oneshot::Sender<io::Result<()>>>>,
    /// Tripped when [`read_all`] ends (the input ended, or the connection stopped reading):
    /// the tasks that took the input over stop.
    stop: CancellationToken,
}

/// One frame, read and parsed: the input is not borrowed while it is handled.
enum Read {
    Message(Result<Received, serde_json::Error>),
    Oversized(usize),
}

impl<R: AsyncRead + Unpin + Send + 'static> Input<R> {
    /// Reads and handles messages until the input ends (its end) or another task takes it
    /// over while a message is handled (None).
    async fn read(&self, conn: &Arc<Connection>, mut lines: Lines<R>) -> Option<io::Result<()>> {
        loop {
            let read = match lines.next_frame().await {
                Ok(Some(Frame::Line(line))) => Read::Message(envelope::read(line)),
                Ok(Some(Frame::Oversized(n))) => Read::Oversized(n),
                Ok(None) => return Some(Ok(())),
                Err(e) => return Some(Err(e)),
            };
            *lock(&self.lines) = Some(lines);
            match read {
                Read::Message(read) => conn.receive(read).await,
                Read::Oversized(n) => discard(conn, n).await,
            }
            make_room(conn).await;
            lines = lock(&self.lines).take()?;
        }
    }
}

impl<R: AsyncRead + Unpin + Send + 'static> HandOff for Input<R> {
    fn hand_off(self: Arc<Self>) {
        let Some(conn) = self.conn.upgrade() else {
            return;
        };
        // Taken here, on the caller's thread: the task holding its thread finds it gone when
        // its handler returns, and only waits for the end from then on.
        let Some(lines) = lock(&self.lines).take() else {
            return;
        };
        tracing::debug!("a handler holds the thread that read its request: another task reads on");
        (self.relieve)();
        let input = self.clone();
        self.spawner.spawn(async move {
            let stop = input.stop.clone();
            tokio::select! {
                biased;
                () = stop.cancelled() => {}
                ended = input.read(&conn, lines) => {
                    // Only a task that saw the end takes the channel (one that handed the
                    // input on in turn leaves it to the next).
                    if let Some(result) = ended {
                        if let Some(tell) = lock(&input.ended).take() {
                            let _ = tell.send(result);
                        }
                    }
                }
            }
        });
    }
}

/// Hands one frame to the connection, then lets the request tasks it spawned run.
pub(crate) async fn on_frame(conn: &Arc<Connection>, frame: Frame<'_>) {
    match frame {
        Frame::Line(line) => conn.receive(envelope::read(line)).await,
        Frame::Oversized(n) => discard(conn, n).await,
    }
    make_room(conn).await;
}

/// Answers a message of `n` bytes, over the size limit, with an error (it was not kept).
async fn discard(conn: &Arc<Connection>, n: usize) {
    let max = conn.shared().limits.max_message_size;
    tracing::warn!(bytes = n, max, "message over the size limit discarded");
    conn.reply_error(&oversized(n, max)).await;
}

/// After a frame was handed to the connection, lets the request tasks it spawned run.
async fn make_room(conn: &Connection) {
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    use serde_json::{Value, json};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};
    use tokio::task::JoinHandle;

    use super::*;
    use crate::{Limits, RequestContext, Server, Tool, ToolError};

    /// A server on a duplex stream, with requests polled where they arrive. Its tool `hold`
    /// gives the test its context, then blocks its thread (the reader's, as a binding's
    /// synchronous callback would) until the test releases it.
    struct Held {
        contexts: Arc<Mutex<mpsc::Receiver<RequestContext>>>,
        release: mpsc::Sender<()>,
        to: WriteHalf<DuplexStream>,
        answers: tokio::io::Lines<tokio::io::BufReader<ReadHalf<DuplexStream>>>,
        serving: JoinHandle<Result<(), crate::Error>>,
    }

    impl Held {
        /// Serves and initializes a session.
        async fn start(limits: Limits) -> Held {
            let (started, contexts) = mpsc::channel::<RequestContext>();
            let (release, released) = mpsc::channel::<()>();
            let released = Mutex::new(released);
            let server = Server::builder("reading-test", "1.0.0")
                .limits(limits)
                .tool(Tool::new("hold"), move |ctx: RequestContext, _: Value| {
                    let _ = started.send(ctx);
                    let _ = lock(&released).recv_timeout(Duration::from_secs(30));
                    async { Ok::<_, ToolError>("released") }
                })
                .build()
                .expect("server builds");
            let (client, served) = tokio::io::duplex(64 * 1024);
            let serving = tokio::spawn(super::super::stream::serve(
                server.shared.clone(),
                tokio::io::split(served),
                CancellationToken::new(),
                Spawner::Tokio,
                true,
            ));
            let (from, to) = tokio::io::split(client);
            let contexts = Arc::new(Mutex::new(contexts));
            let answers = tokio::io::BufReader::new(from).lines();
            let mut held = Held { contexts, release, to, answers, serving };
            let init = json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
            held.send(&[json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init})]).await;
            assert_eq!(held.next().await["id"], json!(1));
            held.send(&[json!({"jsonrpc": "2.0", "method": "notifications/initialized"})]).await;
            held
        }

        /// Writes `messages` at once, so that the server reads them together.
        async fn send(&mut self, messages: &[Value]) {
            let text: String = messages.iter().map(|m| format!("{m}\n")).collect();
            self.to.write_all(text.as_bytes()).await.expect("written");
        }

        /// The next message the server sends.
        async fn next(&mut self) -> Value {
            let line = tokio::time::timeout(Duration::from_secs(10), self.answers.next_line()).await;
            serde_json::from_str(&line.expect("answered in time").expect("read").expect("a line")).expect("JSON")
        }

        /// The context of the `hold` call that started next.
        async fn started(&self) -> RequestContext {
            let contexts = self.contexts.clone();
            tokio::task::spawn_blocking(move || lock(&contexts).recv_timeout(Duration::from_secs(10)))
                .await
                .expect("joined")
                .expect("the handler started")
        }

        /// Lets the oldest blocked `hold` call return.
        fn release(&self) {
            self.release.send(()).expect("released");
        }

        /// Ends the input: the server must end too.
        async fn end(mut self) {
            self.to.shutdown().await.expect("EOF sent");
            let served = tokio::time::timeout(Duration::from_secs(10), self.serving).await.expect("ends at EOF");
            assert!(matches!(served, Ok(Ok(()))), "{served:?}");
        }
    }

    fn hold(id: i64) -> Value {
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": "hold", "arguments": {}}})
    }

    fn ping(id: i64) -> Value {
        json!({"jsonrpc": "2.0", "id": id, "method": "ping"})
    }

    async fn held_reader(limits: Limits) {
        let mut held = Held::start(limits).await;
        // Twice: the task that took the input over the first time hands it on in turn.
        for round in 1..=2 {
            let id = |n: i64| 10 * round + n;
            // Read together: the reader answers the ping, then holds its thread in `hold`.
            held.send(&[ping(id(1)), hold(id(0))]).await;
            let ctx = held.started().await;
            // The writer woken by the ping's answer may wait for the held thread; from the
            // hold on, a second writer serves the queue.
            let watch = ctx.holding_thread(Instant::now());
            assert_eq!(held.next().await["id"], id(1), "the answer read before the held call went out");
            held.send(&[ping(id(2))]).await;
            assert_eq!(held.next().await["id"], id(2), "answered while the reader's thread is held");
            held.release();
            let answer = held.next().await;
            assert_eq!(
                (answer["id"].clone(), answer["result"]["content"][0]["text"].clone()),
                (json!(id(0)), json!("released"))
            );
            drop(watch);
            held.send(&[ping(id(3))]).await;
            assert_eq!(held.next().await["id"], id(3), "read on after the handler returned");
        }
        held.end().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_handler_holding_the_reader_hands_the_input_on() {
        held_reader(Limits::default()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_input_is_handed_on_without_a_request_timeout() {
        held_reader(Limits { request_timeout: None, ..Limits::default() }).await;
    }

    /// Two held calls at once: the first read by the connection's reader, the second by the
    /// task that took the input over. When the first returns, its task takes up the input
    /// the second one's task left between two messages, and the connection reads on while
    /// the second call still holds its thread.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_held_call_returning_reads_on_while_the_next_one_holds() {
        let mut held = Held::start(Limits::default()).await;
        held.send(&[hold(10)]).await;
        let first = held.started().await;
        let first_watch = first.holding_thread(Instant::now());
        // Read by the task that took the input over, which now holds its own thread.
        held.send(&[hold(20)]).await;
        let second = held.started().await;
        held.release();
        assert_eq!(held.next().await["id"], json!(10), "the first call answered");
        drop(first_watch);
        let second_watch = second.holding_thread(Instant::now());
        held.send(&[ping(21)]).await;
        assert_eq!(held.next().await["id"], json!(21), "answered while the second call holds its reader");
        held.release();
        assert_eq!(held.next().await["id"], json!(20), "the second call answered");
        drop(second_watch);
        held.end().await;
    }
}

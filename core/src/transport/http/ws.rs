//! MCP over WebSocket: a `GET` of the MCP path with `Upgrade: websocket` on the HTTP
//! listener (after its `Host`/`Origin` checks and bearer authorization) becomes one
//! [`Connection`], as a stdio client is: both eras, one JSON-RPC message (or batch) per
//! text frame, the subprotocol `mcp` when the client offers it. Messages over the size
//! limit close the socket (status 1009); output waits in the connection's bounded queue, so
//! a client that stops reading stops being read.
//!
//! The bearer token is verified again on every message: once it is refused (expired,
//! revoked, scopes gone), the message's requests are answered with an error and the socket
//! is closed with 1008. On the engine's listener a socket keeps its connection's place: busy
//! while a message is being read in or a request runs, idle otherwise, so it is closed
//! with 1001 after `idle_timeout` without a message, or sooner when the listener is full
//! and it is the connection idle the longest. Ping and pong frames are not messages: they
//! keep no socket open.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt as _, StreamExt as _};

use super::auth::{Caller, HeldToken};
use super::listener::{Closed, ConnectionSlot};
use super::state::App;
use crate::auth::AuthCell;
use crate::dispatch::connection::{Connection, ConnectionOptions};
use crate::dispatch::{OutboxReader, outbox};
use crate::error::ProtocolError;
use crate::jsonrpc::Frame;
use crate::transport::reading::on_frame;

/// The subprotocol MCP clients ask for.
const SUBPROTOCOL: &str = "mcp";

/// The close frame of a socket whose bearer token is no longer accepted.
const TOKEN_REFUSED: &str = "bearer token no longer accepted";

/// The close frame of a socket the listener closed.
fn closed_frame(why: Closed) -> CloseFrame {
    let reason = match why {
        Closed::Idle => "idle timeout",
        Closed::Evicted => "connection limit reached",
        Closed::Stopping => "server stopping",
    };
    CloseFrame { code: close_code::AWAY, reason: reason.into() }
}

/// True when `parts` ask for a WebSocket upgrade.
pub(crate) fn is_upgrade(parts: &Parts) -> bool {
    parts
        .headers
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Accepts the upgrade and serves the socket.
pub(crate) async fn upgrade(app: Arc<App>, caller: Caller, mut parts: Parts) -> Response {
    let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    // Kept to verify again on every message (the middleware verified it for the upgrade).
    let token = app.options.auth.as_ref().and_then(|_| HeldToken::from_headers(&parts.headers));
    // Served by our listener: the socket keeps its connection's place for as long as it is
    // open. Busy until the socket starts, so it is never evicted between the 101 answer and
    // then.
    let slot = parts.extensions.get::<ConnectionSlot>().cloned();
    let busy = slot.as_ref().map(ConnectionSlot::busy);
    let max = app.shared.limits.max_message_size;
    ws.protocols([SUBPROTOCOL]).max_message_size(max).max_frame_size(max).on_upgrade(move |socket| async move {
        serve(app, caller, token, slot, busy, socket).await;
    })
}

async fn serve(
    app: Arc<App>,
    caller: Caller,
    token: Option<HeldToken>,
    slot: Option<ConnectionSlot>,
    starting: Option<impl Send>,
    socket: WebSocket,
) {
    let shared = app.shared.clone();
    let (out, rx) = outbox("WebSocket output", shared.limits.max_queued_messages, shared.limits.queued_bytes());
    let mut options = ConnectionOptions::for_client(&shared);
    options.auth = caller.0.map(|a| Arc::new(AuthCell::new(a)));
    let conn = Connection::new(shared.clone(), out.clone(), options);
    // From here on the socket is busy only while its requests run (or a message is read in).
    if let Some(slot) = &slot {
        let working = conn.clone();
        slot.upgraded(move || working.is_working());
    }
    drop(starting);
    let closed = async {
        match &slot {
            Some(slot) => slot.closed().await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(closed);
    let (sink, mut stream) = socket.split();
    let (close_tx, close_rx) = tokio::sync::oneshot::channel();
    let mut writer = tokio::spawn(write_loop(sink, rx, close_rx));
    let mut close: Option<CloseFrame> = None;
    loop {
        let message = tokio::select! {
            biased;
            m = stream.next() => m,
            () = shared.shutdown.cancelled() => break,
            why = &mut closed => {
                tracing::debug!(?why, "WebSocket closed by the listener");
                close = Some(closed_frame(why));
                break;
            }
            _ = &mut writer => break,
        };
        let text = match message {
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Binary(b))) => match Utf8Bytes::try_from(b) {
                Ok(t) => t,
                Err(_) => {
                    conn.reply_error(&ProtocolError::parse_error("a binary frame that is not UTF-8 text")).await;
                    continue;
                }
            },
            // Pings are answered by the socket itself. They are not messages: the socket's
            // idle time goes on (a client keeps a socket with JSON-RPC `ping` requests).
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(_))) | None => break,
            Some(Err(e)) => {
                // The socket's own error text is the only place the size limit shows.
                if e.to_string().contains("too long") {
                    tracing::warn!(max = shared.limits.max_message_size, "WebSocket message over the size limit");
                    close = Some(CloseFrame { code: close_code::SIZE, reason: "message too large".into() });
                } else {
                    tracing::debug!(error = %e, "WebSocket read failed");
                }
                break;
            }
        };
        // Busy while the message is read in: its requests then keep the socket busy.
        let _busy = slot.as_ref().map(ConnectionSlot::busy);
        let handled = async {
            if let (Some(auth), Some(token)) = (&app.options.auth, &token) {
                match token.verify(auth).await {
                    Ok(info) => {
                        if let Some(cell) = conn.auth_cell() {
                            cell.set(Arc::new(info));
                        }
                    }
                    Err(e) => {
                        tracing::debug!("WebSocket message refused: the bearer token is no longer accepted");
                        conn.refuse_frame(text.as_bytes(), &e).await;
                        return false;
                    }
                }
            }
            on_frame(&conn, Frame::Line(text.as_str().as_bytes())).await;
            true
        };
        let go_on = tokio::select! {
            biased;
            go_on = handled => go_on,
            () = shared.shutdown.cancelled() => break,
        };
        if !go_on {
            close = Some(CloseFrame { code: close_code::POLICY, reason: TOKEN_REFUSED.into() });
            break;
        }
    }
    conn.shutdown().await;
    out.close();
    let _ = close_tx.send(close);
    let _ = writer.await;
}

/// Sends the connection's output, one text frame per message, then closes the socket.
async fn write_loop(
    mut sink: futures_util::stream::SplitSink<WebSocket, Message>,
    mut rx: OutboxReader,
    close: tokio::sync::oneshot::Receiver<Option<CloseFrame>>,
) -> Result<(), axum::Error> {
    while let Some(m) = rx.recv().await {
        let text = String::from_utf8(m).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        sink.feed(Message::Text(text.into())).await?;
        // Flush when nothing else is waiting: batches writes like the stdio writer.
        if rx.is_empty() {
            sink.flush().await?;
        }
    }
    sink.send(Message::Close(close.await.ok().flatten())).await?;
    sink.close().await
}

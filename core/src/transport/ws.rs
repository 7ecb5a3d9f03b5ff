//! MCP over WebSocket: a `GET` of the MCP path with `Upgrade: websocket` on the HTTP
//! listener (after its `Host`/`Origin` checks and bearer authorization) becomes one
//! [`Connection`], as a stdio client is: both eras, one JSON-RPC message (or batch) per
//! text frame, the subprotocol `mcp` when the client offers it. Messages over the size
//! limit close the socket (status 1009); output waits in the connection's bounded queue, so
//! a client that stops reading stops being read.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt as _, StreamExt as _};

use super::http::auth::Caller;
use super::http::{App, ConnectionSlot};
use super::stream::{on_frame, queue_bytes};
use crate::auth::AuthCell;
use crate::dispatch::connection::{Connection, ConnectionOptions};
use crate::dispatch::{OutboxReader, outbox};
use crate::error::ProtocolError;
use crate::jsonrpc::Frame;

/// The subprotocol MCP clients ask for.
const SUBPROTOCOL: &str = "mcp";

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
    // Served by our listener: the socket keeps its connection's place (and marks it busy)
    // for as long as it is open. Busy from here on, so it is never evicted as idle between
    // the 101 answer and the socket's start.
    let slot = parts.extensions.get::<ConnectionSlot>().cloned();
    let busy = slot.as_ref().map(ConnectionSlot::busy);
    let max = app.shared.limits.max_message_size;
    ws.protocols([SUBPROTOCOL]).max_message_size(max).max_frame_size(max).on_upgrade(move |socket| async move {
        let held = (slot, busy);
        serve(app, caller, socket).await;
        drop(held);
    })
}

async fn serve(app: Arc<App>, caller: Caller, socket: WebSocket) {
    let shared = app.shared.clone();
    let (out, rx) = outbox("WebSocket output", shared.limits.max_queued_messages, queue_bytes(&shared));
    let mut options = ConnectionOptions::for_client(&shared);
    options.auth = caller.0.map(|a| Arc::new(AuthCell::new(a)));
    let conn = Connection::new(shared.clone(), out.clone(), options);
    let (sink, mut stream) = socket.split();
    let (close_tx, close_rx) = tokio::sync::oneshot::channel();
    let mut writer = tokio::spawn(write_loop(sink, rx, close_rx));
    let mut close: Option<CloseFrame> = None;
    loop {
        let message = tokio::select! {
            biased;
            m = stream.next() => m,
            () = shared.shutdown.cancelled() => break,
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
            // Pings are answered by the socket itself.
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
        let stopped = tokio::select! {
            biased;
            () = on_frame(&conn, Frame::Line(text.as_str().as_bytes())) => false,
            () = shared.shutdown.cancelled() => true,
        };
        if stopped {
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

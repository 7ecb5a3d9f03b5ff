//! The WebSocket transport: the client opens one socket to a `ws://` or `wss://` URL, asking
//! for the `mcp` subprotocol, and carries one JSON-RPC message (or batch) per text frame
//! each way. `wss://` goes over TLS with the trust the HTTP transport uses ([`Trust`]).
//! Pings are answered by the socket; a binary frame, or a message over the size limit,
//! closes the socket (1003 and 1009); closing sends a close frame and waits a moment for
//! the server's. The socket is one long-lived stream, as a child's pipes are: the client
//! negotiates over it as over stdio, and when it drops, every call in flight fails at once
//! with [`ClientError::Closed`]. It is not reopened.

use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_util::sync::CancellationToken;

use super::{Closer, Transport, Trust, Wire};
use crate::client::error::ClientError;
use crate::dial::{Connection, Target};

/// The subprotocol the client asks for (and requires the server to choose).
pub const SUBPROTOCOL: &str = "mcp";
/// The largest message the client takes from the server by default (as over stdio and HTTP).
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// How long connecting (TCP, TLS, the upgrade) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a graceful close waits for the server's close frame.
pub const CLOSE_GRACE: Duration = Duration::from_secs(5);

type Socket = WebSocketStream<Connection>;

/// A server reached over WebSocket at one URL.
#[derive(Debug, Clone)]
pub struct WebSocketTransport {
    url: String,
    headers: Vec<(String, String)>,
    trust: Trust,
    max_message: usize,
    connect_timeout: Duration,
}

impl WebSocketTransport {
    /// The server at `url` (`ws://host:port/path` or `wss://…`).
    pub fn new(url: impl Into<String>) -> WebSocketTransport {
        WebSocketTransport {
            url: url.into(),
            headers: Vec::new(),
            trust: Trust::default(),
            max_message: MAX_MESSAGE,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// Adds a header to the upgrade request (an `Authorization` the application obtained).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The certificates a `wss://` server is trusted by (default: the system's store).
    #[must_use]
    pub fn trust(mut self, trust: Trust) -> Self {
        self.trust = trust;
        self
    }

    /// The largest message taken from the server (default [`MAX_MESSAGE`]); a longer one
    /// closes the socket with 1009.
    #[must_use]
    pub fn max_message(mut self, bytes: usize) -> Self {
        self.max_message = bytes;
        self
    }

    /// How long connecting may take (default [`DEFAULT_CONNECT_TIMEOUT`]).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Opens the socket: TCP, TLS for `wss`, the upgrade with the `mcp` subprotocol.
    async fn dial(&self) -> Result<Socket, ClientError> {
        let url = &self.url;
        let failed = |e: String| ClientError::Transport(format!("{url}: {e}"));
        let target = target(url).map_err(ClientError::Transport)?;
        let mut request = url.as_str().into_client_request().map_err(|e| failed(e.to_string()))?;
        let headers = request.headers_mut();
        headers.insert("sec-websocket-protocol", HeaderValue::from_static(SUBPROTOCOL));
        for (name, value) in &self.headers {
            let name = HeaderName::try_from(name.as_str()).map_err(|e| failed(format!("header {name:?}: {e}")))?;
            let value = HeaderValue::try_from(value.as_str()).map_err(|e| failed(format!("header {name}: {e}")))?;
            headers.append(name, value);
        }
        let config =
            WebSocketConfig::default().max_message_size(Some(self.max_message)).max_frame_size(Some(self.max_message));
        let connecting = async {
            let stream = self.trust.connect(&target, None).await.map_err(ClientError::Transport)?;
            match tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await {
                Ok((socket, _)) => Ok(socket),
                Err(e) => Err(failed(refusal(&e))),
            }
        };
        match tokio::time::timeout(self.connect_timeout, connecting).await {
            Ok(socket) => socket,
            Err(_) => Err(failed(format!("not connected within {:?}", self.connect_timeout))),
        }
    }
}

/// Where a `ws://` or `wss://` URL points (as the `http`/`https` URL of the same host).
fn target(url: &str) -> Result<Target, String> {
    let http = if let Some(rest) = url.strip_prefix("ws://") {
        format!("http://{rest}")
    } else if let Some(rest) = url.strip_prefix("wss://") {
        format!("https://{rest}")
    } else {
        return Err(format!("{url}: a WebSocket URL starts with ws:// or wss://"));
    };
    Target::parse(&http)
}

/// What a failed upgrade says to the user.
fn refusal(e: &WsError) -> String {
    use tokio_tungstenite::tungstenite::error::ProtocolError;
    match e {
        WsError::Protocol(ProtocolError::SecWebSocketSubProtocolError(_)) => {
            format!("the server did not accept the {SUBPROTOCOL:?} subprotocol ({e})")
        }
        WsError::Http(response) => format!("the server refused the WebSocket upgrade with {}", response.status()),
        _ => format!("WebSocket upgrade failed: {e}"),
    }
}

impl Transport for WebSocketTransport {
    fn open(self: Box<Self>, queue: usize) -> BoxFuture<'static, Result<Wire, ClientError>> {
        Box::pin(async move {
            let socket = self.dial().await?;
            let (sink, stream) = socket.split();
            let (outgoing, to_server) = mpsc::channel(queue);
            let (to_client, incoming) = mpsc::channel(queue);
            // Tripped when the reading ends (the server closed, the socket broke, or a frame
            // was refused): the writer then stops.
            let ended = CancellationToken::new();
            // A close frame for the writer to send (the client's, or a refusal's).
            let (close_tx, close_rx) = mpsc::channel::<CloseFrame>(1);
            let writer = tokio::spawn(write_loop(sink, to_server, close_rx, ended.clone()));
            let reader = tokio::spawn(read_loop(stream, to_client, close_tx.clone(), ended.clone()));
            let tasks = [writer.abort_handle(), reader.abort_handle()];
            let closer: Closer = Box::new(move || {
                Box::pin(async move {
                    let normal = CloseFrame { code: CloseCode::Normal, reason: "".into() };
                    // The server answers with its own close frame and the reading ends; a
                    // writer stuck on a server that reads nothing is not waited for longer.
                    let handshake = async {
                        if close_tx.send(normal).await.is_ok() {
                            ended.cancelled().await;
                        }
                    };
                    let _ = tokio::time::timeout(CLOSE_GRACE, handshake).await;
                    tasks.iter().for_each(AbortHandle::abort);
                })
            });
            let guard = Stop([writer.abort_handle(), reader.abort_handle()]);
            Ok(Wire { outgoing, incoming, closer, guard: Box::new(guard) })
        })
    }
}

/// Stops the transport's tasks (and so drops the socket) when the client goes away.
struct Stop([AbortHandle; 2]);

impl Drop for Stop {
    fn drop(&mut self) {
        self.0.iter().for_each(AbortHandle::abort);
    }
}

/// Sends each message as a text frame (flushing when no other is waiting), then a close
/// frame when one is asked for.
async fn write_loop(
    mut sink: SplitSink<Socket, Message>,
    mut messages: mpsc::Receiver<Vec<u8>>,
    mut close: mpsc::Receiver<CloseFrame>,
    ended: CancellationToken,
) {
    let frame = loop {
        let message = tokio::select! {
            biased;
            () = ended.cancelled() => return,
            frame = close.recv() => break frame,
            m = messages.recv() => m,
        };
        // The client went away: close normally.
        let Some(message) = message else { break None };
        let text = String::from_utf8(message).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        if sink.feed(Message::Text(text.into())).await.is_err() {
            return;
        }
        if messages.is_empty() && sink.flush().await.is_err() {
            return;
        }
    };
    let frame = frame.unwrap_or(CloseFrame { code: CloseCode::Normal, reason: "".into() });
    if let Err(e) = sink.send(Message::Close(Some(frame))).await {
        tracing::debug!(error = %e, "the WebSocket close frame was not sent");
    }
}

/// Hands each text frame to the client; ends at the server's close frame, a broken socket,
/// or a frame the client refuses (closing the socket with the reason).
async fn read_loop(
    mut stream: SplitStream<Socket>,
    to_client: mpsc::Sender<Vec<u8>>,
    close: mpsc::Sender<CloseFrame>,
    ended: CancellationToken,
) {
    let refused = loop {
        let message = match stream.next().await {
            Some(Ok(Message::Text(text))) => Vec::from(bytes::Bytes::from(text)),
            // Pongs are sent by the socket itself while it is read.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            Some(Ok(Message::Binary(b))) => {
                tracing::warn!(bytes = b.len(), "the server sent a binary WebSocket frame; MCP messages are text");
                break Some(CloseFrame { code: CloseCode::Unsupported, reason: "MCP messages are text frames".into() });
            }
            Some(Ok(Message::Close(frame))) => {
                tracing::debug!(?frame, "the server closed the WebSocket");
                break None;
            }
            None => break None,
            Some(Err(WsError::Capacity(e))) => {
                tracing::warn!(error = %e, "the server sent a WebSocket message over the size limit");
                break Some(CloseFrame { code: CloseCode::Size, reason: "message too large".into() });
            }
            Some(Err(e)) => {
                tracing::debug!(error = %e, "the WebSocket broke");
                break None;
            }
        };
        if to_client.send(message).await.is_err() {
            break None;
        }
    };
    // The client sees the end at once: every call in flight fails.
    drop(to_client);
    // The writer sends a refusal's close frame (unless it is stuck, then the socket just
    // drops); reading on a moment sends the answer to a close frame of the server's and
    // reads the server's answer to ours.
    if let Some(frame) = refused {
        let _ = close.try_send(frame);
    }
    let _ = tokio::time::timeout(CLOSE_GRACE, async { while let Some(Ok(_)) = stream.next().await {} }).await;
    ended.cancel();
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn websocket_urls_point_where_their_http_twins_do() {
        let t = target("wss://example.com/mcp").unwrap();
        assert!(t.tls && t.port == 443 && t.path == "/mcp");
        let t = target("ws://127.0.0.1:9/x?a=1").unwrap();
        assert!(!t.tls && t.port == 9 && t.path == "/x?a=1");
        assert!(target("http://127.0.0.1/mcp").is_err());
    }
}

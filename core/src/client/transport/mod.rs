//! How a [`Client`](crate::client::Client) reaches a server: each transport turns its medium
//! (an in-process server, a child's pipes, Streamable HTTP, a WebSocket) into a [`Wire`], a
//! duplex of JSON-RPC messages over two bounded queues, so the client engine never sees the
//! medium. [`for_url`] picks the transport a URL's scheme names.

pub mod child;
pub mod http;
pub mod memory;
mod sse;
pub mod websocket;

pub use crate::dial::Trust;
pub use child::ChildTransport;
pub use http::{HttpTransport, SessionId};
pub use memory::MemoryTransport;
pub use websocket::WebSocketTransport;

pub use super::wire::{Closer, Transport, Wire};
use crate::client::error::ClientError;

/// The transport for a server URL: WebSocket for `ws://` and `wss://`, Streamable HTTP for
/// `http://` and `https://`, each sending `headers` (on every HTTP request, on the WebSocket
/// upgrade) and trusting `trust` for TLS.
pub fn for_url(url: &str, headers: &[(String, String)], trust: Trust) -> Result<Box<dyn Transport>, ClientError> {
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme).to_ascii_lowercase();
    let transport: Box<dyn Transport> = match scheme.as_str() {
        "ws" | "wss" => {
            Box::new(headers.iter().fold(WebSocketTransport::new(url), |t, (k, v)| t.header(k, v)).trust(trust))
        }
        "http" | "https" => {
            Box::new(headers.iter().fold(HttpTransport::new(url), |t, (k, v)| t.header(k, v)).trust(trust))
        }
        _ => {
            return Err(ClientError::Transport(format!(
                "{url}: a server URL starts with http://, https://, ws:// or wss://"
            )));
        }
    };
    Ok(transport)
}

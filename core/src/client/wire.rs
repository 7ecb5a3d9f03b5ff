//! The duplex a transport hands the client engine ([`Wire`]): JSON-RPC messages over two
//! bounded queues, and what ends it. The transports themselves live in
//! [`transport`](super::transport), a floor above the engine.

use futures_util::future::BoxFuture;
use tokio::sync::mpsc;

use super::error::ClientError;

/// Ends a transport gracefully (closes the child's input and waits for it, sends the HTTP
/// `DELETE`, ends the in-process connection).
pub type Closer = Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>;

/// An open transport: one JSON-RPC message (or batch) per item, without framing.
pub struct Wire {
    /// Messages for the server. Bounded: a server that stops reading stops the client's sends.
    pub outgoing: mpsc::Sender<Vec<u8>>,
    /// Messages from the server. Bounded: a client that stops reading stops being read.
    pub incoming: mpsc::Receiver<Vec<u8>>,
    /// The graceful end.
    pub closer: Closer,
    /// Held as long as the client lives; dropping it ends the transport at once (kills the
    /// child's process group).
    pub guard: Box<dyn Send + Sync>,
}

impl std::fmt::Debug for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wire").finish_non_exhaustive()
    }
}

/// A way to reach a server; [`ClientBuilder::connect`](crate::client::ClientBuilder::connect) opens it.
pub trait Transport: Send + 'static {
    /// Opens the transport with queues of `queue` messages each way.
    fn open(self: Box<Self>, queue: usize) -> BoxFuture<'static, Result<Wire, ClientError>>;
}

impl Transport for Box<dyn Transport> {
    fn open(self: Box<Self>, queue: usize) -> BoxFuture<'static, Result<Wire, ClientError>> {
        (*self).open(queue)
    }
}

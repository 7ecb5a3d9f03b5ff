//! Dispatch: from a classified JSON-RPC request to a serialized response. Era
//! classification, capability gates, the per-method logic, the request context handed to
//! handlers, cancellation, limits and the notification hub live here; transports only move
//! bytes in and out.

pub mod cancel;
pub mod context;
pub(crate) mod guard;
pub mod handshake;
pub mod limits;
pub mod mrtr;
pub mod notify;
pub mod router;

/// Where a connection's (or a request's) outgoing messages go: serialized JSON-RPC
/// messages, one per item, written in order by the transport's single writer.
pub(crate) type Outbox = tokio::sync::mpsc::UnboundedSender<Vec<u8>>;

//! How a [`Client`](crate::client::Client) reaches a server: each transport turns its medium
//! (an in-process server, a child's pipes, Streamable HTTP) into a [`Wire`], a duplex of
//! JSON-RPC messages over two bounded queues, so the client engine never sees the medium.

pub mod child;
pub mod http;
pub mod memory;
mod sse;

pub use crate::dial::Trust;
pub use child::ChildTransport;
pub use http::{HttpTransport, SessionId};
pub use memory::MemoryTransport;

pub use super::wire::{Closer, Transport, Wire};

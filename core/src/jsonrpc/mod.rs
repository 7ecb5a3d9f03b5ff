//! JSON-RPC 2.0: message ids, the incoming-message envelope, outgoing encoding and the
//! newline framing used by stdio and other byte streams.

pub mod codec;
pub mod envelope;
pub mod id;
pub mod message;

pub use codec::{Frame, LineReader};
pub use id::RequestId;
pub use message::{Incoming, IncomingRequest, encode};

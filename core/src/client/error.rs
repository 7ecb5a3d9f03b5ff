//! What a client call can fail with: the server's JSON-RPC error, a timeout, a closed
//! connection, a transport failure, or an answer the client cannot accept.

use crate::error::ProtocolError;

/// Why a client request (or connecting) failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with a JSON-RPC error.
    #[error("server error {}: {}", .0.code, .0.message)]
    Server(ProtocolError),
    /// No answer came in time (the request was cancelled on the server with
    /// `notifications/cancelled`).
    #[error("{method}: no answer within {after:?}")]
    Timeout {
        /// The method of the request.
        method: String,
        /// How long the client waited in all.
        after: std::time::Duration,
    },
    /// The connection ended before the answer came.
    #[error("the connection is closed")]
    Closed,
    /// The transport failed (spawning the child, the HTTP exchange, ...).
    #[error("transport: {0}")]
    Transport(String),
    /// The server's answer breaks the protocol (an unsupported version, a result of the
    /// wrong shape, too many pages or rounds).
    #[error("protocol: {0}")]
    Protocol(String),
    /// A tool's `structuredContent` does not match the tool's `outputSchema`.
    #[error("tool {tool}: structured content does not match its output schema: {detail}")]
    OutputSchema {
        /// The tool's name.
        tool: String,
        /// What is wrong.
        detail: String,
    },
}

impl ClientError {
    /// The server's JSON-RPC error, when that is what this is.
    #[must_use]
    pub fn server_error(&self) -> Option<&ProtocolError> {
        match self {
            ClientError::Server(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for ClientError {
    fn from(e: std::io::Error) -> Self {
        ClientError::Transport(e.to_string())
    }
}

//! The state every HTTP request of one application shares ([`App`]): the server, the
//! options, the legacy and HTTP+SSE sessions, the stateless connection and the tokens that
//! stop it. The routes reach it as their axum state.

use std::sync::Arc;

use tokio_util::sync::{CancellationToken, DropGuard};

use super::options::HttpOptions;
use super::sessions::SessionStore;
use super::sse_sessions::SseSessions;
use crate::dispatch::connection::Connection;
use crate::dispatch::shared::ServerShared;

/// State shared by every HTTP request of one application.
pub(crate) struct App {
    pub shared: Arc<ServerShared>,
    pub options: HttpOptions,
    pub sessions: SessionStore,
    /// 2024-11-05 HTTP+SSE sessions.
    pub sse: SseSessions,
    /// Tripped when shutdown starts: streams end, listen subscriptions get their final result.
    pub stopping: CancellationToken,
    /// Tripped by [`HttpApp::close`](super::HttpApp::close): this application stops as on
    /// shutdown, the server and its other transports go on.
    pub closing: CancellationToken,
    /// The connection of the stateless 2026 wire: every such request runs on it, bounded by
    /// the server-wide in-flight limit; a client cancels by going away.
    pub stateless: Arc<Connection>,
    /// Trips when the application is dropped, ending its shutdown task.
    pub _gone: DropGuard,
    /// Why the shared store the environment names could not be used (readiness fails).
    pub store_error: Option<String>,
    /// The address the engine's listener bound, when it serves the application (the
    /// server card's remote without a public URL).
    pub local_addr: std::sync::OnceLock<std::net::SocketAddr>,
}

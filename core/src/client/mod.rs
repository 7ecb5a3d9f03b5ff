//! The client engine: a Rust MCP client ([`Client`]) built on the server's own codec
//! (`jsonrpc`), protocol vocabulary (`protocol`) and error types, over three transports
//! ([`transport`]): a server in the same process, a child process on stdio, and
//! Streamable HTTP. It speaks the handshake versions 2024-11-05 … 2025-11-25 and the
//! stateless 2026-07-28 wire, and answers what servers ask of clients (sampling,
//! elicitation, roots) with handlers the application registers. Over HTTP it authorizes with
//! OAuth when the server asks ([`auth`]).
//!
//! ```no_run
//! use mcpforge::client::{Client, transport::ChildTransport};
//! use serde_json::json;
//!
//! # async fn run() -> Result<(), mcpforge::client::ClientError> {
//! let client = Client::builder("my-app", "1.0.0").connect(ChildTransport::new("my-server")).await?;
//! let tools = client.list_tools().await?;
//! let result = client.call_tool("echo", json!({ "text": "hi" })).await?;
//! client.close().await;
//! # Ok(()) }
//! ```

mod answer;
pub mod auth;
mod error;
mod handshake;
mod listen;
mod notifications;
mod options;
mod peer;
mod requests;
mod subscriptions;
mod task_meta;
mod task_poll;
mod tasks;
pub mod transport;
mod wire;

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::mpsc;

pub use answer::RequestHandler;
pub use error::ClientError;
pub use handshake::ServerSession;
pub use notifications::{Notification, NotificationHandler};
pub use options::{ClientBuilder, ClientLimits, Protocol};
pub(crate) use peer::with_meta;
pub use peer::{CallOptions, CancelReason};
pub use subscriptions::{Listening, Subscriptions};
pub use task_meta::TaskStart;
pub use task_poll::{DEFAULT_POLL, NEXT_TASK_STATE, POLL_BOUNDS, TaskStates, is_terminal, poll_interval};

use crate::dispatch::executor::{Joinable, Spawner};
use crate::protocol::meta::LogLevel;
use crate::protocol::method::Method;
use crate::schema::CompiledSchema;
use crate::sync::lock;
use handshake::Introduction;
use peer::Peer;
use wire::{Closer, Transport, Wire};

/// A connection to one MCP server. Dropping it ends the connection at once (a child
/// process is killed with its process group); [`Client::close`] ends it gracefully.
pub struct Client {
    peer: Arc<Peer>,
    reader: Joinable<()>,
    /// Taken by [`Client::close`] (in a mutex, so the client is `Sync`).
    closer: Mutex<Option<Closer>>,
    /// Ends the transport when the client is dropped.
    _guard: Box<dyn Send + Sync>,
    session: ServerSession,
    info: Value,
    capabilities: Value,
    call: CallOptions,
    limits: ClientLimits,
    notifications: Mutex<Option<mpsc::Receiver<Notification>>>,
    /// The compiled `outputSchema` of each tool seen in `tools/list`.
    output_schemas: Mutex<std::collections::HashMap<String, Arc<CompiledSchema>>>,
    /// The log level asked for with [`Client::set_logging_level`] (sent in every 2026-07-28
    /// request's `_meta`).
    log_level: Mutex<Option<LogLevel>>,
    /// The capabilities with the Tasks extension, for the 2026-07-28 requests about tasks.
    task_capabilities: Value,
    /// Where the client's own tasks (listen streams) run.
    spawner: Spawner,
    /// The listen stream of the resources [`Client::subscribe`] subscribed to (2026-07-28).
    subscribed: tokio::sync::Mutex<Option<Listening>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("session", &self.session).finish_non_exhaustive()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl ClientBuilder {
    /// Opens `transport` and connects (handshake or discovery, as [`Protocol`] says).
    pub async fn connect(self, transport: impl Transport) -> Result<Client, ClientError> {
        let ClientBuilder { info, protocol, call, limits, answers, handlers, spawner } = self;
        let Wire { outgoing, incoming, closer, guard } = Box::new(transport).open(limits.queue.max(1)).await?;
        let capabilities = answers.capabilities();
        let (notifications, receiver) = notifications::Notifications::new(handlers, limits.notifications);
        let (peer, reader) = Peer::start(outgoing, incoming, answers, notifications, limits.queue, &spawner);
        let task_capabilities = task_meta::with_extension(&capabilities);
        let probe =
            CallOptions { timeout: limits.probe_timeout, reset_on_progress: false, max_total: limits.probe_timeout };
        let me = Introduction { info: &info, capabilities: &capabilities };
        let session = match handshake::connect(&peer, &me, protocol, call, probe).await {
            Ok(session) => session,
            Err(e) => {
                reader.abort();
                closer().await;
                drop(guard);
                return Err(e);
            }
        };
        Ok(Client {
            peer,
            reader,
            closer: Mutex::new(Some(closer)),
            _guard: guard,
            session,
            info,
            capabilities,
            call,
            limits,
            notifications: Mutex::new(Some(receiver)),
            output_schemas: Mutex::default(),
            log_level: Mutex::default(),
            task_capabilities,
            spawner,
            subscribed: tokio::sync::Mutex::default(),
        })
    }
}

impl Client {
    /// Sets a client up (see [`ClientBuilder`]).
    pub fn builder(name: &str, version: &str) -> ClientBuilder {
        ClientBuilder::new(name, version)
    }

    /// What the client learnt of the server when it connected.
    pub fn session(&self) -> &ServerSession {
        &self.session
    }

    /// Whether the connection speaks the stateless 2026-07-28 wire.
    pub fn is_stateless(&self) -> bool {
        self.session.protocol_version.is_modern()
    }

    /// Takes the channel of the server's notifications (once; later calls get `None`).
    /// It keeps [`ClientLimits::notifications`]; past that, notifications are dropped
    /// from it (see [`Client::dropped_notifications`]).
    pub fn notifications(&self) -> Option<mpsc::Receiver<Notification>> {
        lock(&self.notifications).take()
    }

    /// Whether the server's side has ended (the child exited, the HTTP stream ended): every
    /// call then fails with [`ClientError::Closed`].
    pub fn is_closed(&self) -> bool {
        self.peer.closed().is_cancelled()
    }

    /// Waits until the server's side ends (returns at once when it has).
    pub async fn closed(&self) {
        self.peer.closed().cancelled_owned().await;
    }

    /// How many notifications the full channel refused.
    pub fn dropped_notifications(&self) -> u64 {
        self.peer.notifications.dropped()
    }

    /// Sends a request with the client's call options; returns its result.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        self.request_with(method, params, self.call).await
    }

    /// Sends a request with these call options. On the 2026-07-28 wire the request carries
    /// the per-request `_meta`, and an `input_required` result is answered with the
    /// client's handlers and the request sent again (at most
    /// [`ClientLimits::max_input_rounds`] times); a method that wire removed (`ping`,
    /// `resources/subscribe`, `logging/setLevel`, ...) fails without being sent.
    pub async fn request_with(&self, method: &str, params: Value, call: CallOptions) -> Result<Value, ClientError> {
        self.request_cancellable(method, params, call, &CancelReason::new()).await
    }

    /// [`Client::request_with`], for a caller that may give up: when its future is dropped the
    /// server gets `notifications/cancelled` with the reason set on `reason` (the default one
    /// when none was set).
    pub async fn request_cancellable(
        &self,
        method: &str,
        mut params: Value,
        call: CallOptions,
        reason: &CancelReason,
    ) -> Result<Value, ClientError> {
        if !self.is_stateless() {
            return self.peer.request_as(method, params, call, Some(reason)).await;
        }
        if Method::from_wire(method).is_some_and(Method::is_legacy_only) {
            return Err(ClientError::Protocol(format!("{method} does not exist on the 2026-07-28 wire")));
        }
        let tasks = task_meta::wants_extension(method, &mut params);
        self.stamp(&mut params, tasks);
        if method == Method::SubscriptionsListen.as_str() {
            return self.listen_request(params, call, reason).await;
        }
        for _ in 0..self.limits.max_input_rounds {
            let mut result = handshake::send_stateless(&self.peer, method, params.clone(), call, Some(reason)).await?;
            if result.get("resultType").and_then(Value::as_str) != Some("input_required") {
                return Ok(result);
            }
            let asks = match result.get_mut("inputRequests").map(Value::take) {
                Some(Value::Object(asks)) => asks,
                _ => serde_json::Map::new(),
            };
            let answers = answer::answer_inputs(&self.peer.answers, asks).await.map_err(ClientError::Server)?;
            params["inputResponses"] = Value::Object(answers);
            match result.get_mut("requestState").map(Value::take) {
                Some(state) => params["requestState"] = state,
                None => _ = params.as_object_mut().map(|p| p.remove("requestState")),
            }
        }
        Err(ClientError::Protocol(format!("{method}: more than {} rounds of input", self.limits.max_input_rounds)))
    }

    /// Adds the 2026-07-28 per-request `_meta` to `params` (the client capabilities with the
    /// Tasks extension when `tasks`).
    pub(crate) fn stamp(&self, params: &mut Value, tasks: bool) {
        let level = lock(&self.log_level).map(LogLevel::as_str);
        let capabilities = if tasks { &self.task_capabilities } else { &self.capabilities };
        Introduction { info: &self.info, capabilities }.stamp(params, level);
    }

    /// Sends a notification.
    pub async fn notify(&self, method: &str, params: Option<Value>) -> Result<(), ClientError> {
        self.peer.notify(method, params).await
    }

    /// Replaces the client's roots and tells the server (`notifications/roots/list_changed`
    /// on the handshake wire). Fails when the client declared no roots.
    pub async fn set_roots(&self, roots: Vec<Value>) -> Result<(), ClientError> {
        if !self.peer.answers.replace_roots(roots) {
            return Err(ClientError::Protocol("the client declared no roots (ClientBuilder::roots)".into()));
        }
        if self.is_stateless() {
            return Ok(());
        }
        self.notify(Method::RootsListChanged.as_str(), None).await
    }

    /// Ends the connection gracefully: the transport closes (the child's stdin is closed and
    /// the child waited for, then killed; the HTTP session is deleted).
    pub async fn close(self) {
        let closer = lock(&self.closer).take();
        if let Some(closer) = closer {
            closer().await;
        }
    }
}

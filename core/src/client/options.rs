//! How a client is set up before it connects ([`ClientBuilder`]): its name, the protocol it
//! speaks, its timeouts and queue sizes, the handlers that answer the server's requests, its
//! roots, and the handlers of the server's notifications.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::answer::Answers;
use super::notifications::{Notification, NotificationHandler};
use super::peer::CallOptions;
use crate::dispatch::executor::{Executor, Spawner};
use crate::error::ProtocolError;
use crate::protocol::ProtocolVersion;
use crate::protocol::method::Method;

/// Which wire the client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// The handshake (`initialize`), offering this version; the client goes on with the
    /// version the server answers if it is one the client knows, else fails.
    Handshake(ProtocolVersion),
    /// The stateless 2026-07-28 wire: `server/discover`, then `_meta` on every request.
    Stateless,
    /// `server/discover` first; the handshake (newest version) when the server does not
    /// speak the 2026-07-28 wire.
    Auto,
}

/// Queue sizes and bounds of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientLimits {
    /// Messages waiting each way in the transport's queues (default 64); also how many of
    /// the server's requests the client answers at once (one more is refused with an error).
    pub queue: usize,
    /// Notifications kept for [`Client::notifications`](super::Client::notifications) (default 256).
    pub notifications: usize,
    /// Pages a list request follows before it fails (default 100).
    pub max_pages: usize,
    /// Rounds of 2026-07-28 `input_required` answers for one request (default 16).
    pub max_input_rounds: usize,
    /// How long [`Protocol::Auto`]'s `server/discover` probe waits (default 5 s).
    pub probe_timeout: Duration,
}

impl Default for ClientLimits {
    fn default() -> Self {
        ClientLimits {
            queue: 64,
            notifications: 256,
            max_pages: 100,
            max_input_rounds: 16,
            probe_timeout: Duration::from_secs(5),
        }
    }
}

/// Sets a client up; [`ClientBuilder::connect`] connects it.
pub struct ClientBuilder {
    pub(crate) info: Value,
    pub(crate) protocol: Protocol,
    pub(crate) call: CallOptions,
    pub(crate) limits: ClientLimits,
    pub(crate) answers: Answers,
    pub(crate) handlers: HashMap<String, Vec<NotificationHandler>>,
    /// Where the connection's reading task runs.
    pub(crate) spawner: Spawner,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder").field("info", &self.info).field("protocol", &self.protocol).finish()
    }
}

impl ClientBuilder {
    /// A client called `name`, at `version`, speaking the handshake at the newest version.
    pub fn new(name: &str, version: &str) -> ClientBuilder {
        ClientBuilder {
            info: json!({ "name": name, "version": version }),
            protocol: Protocol::Handshake(ProtocolVersion::LATEST_LEGACY),
            call: CallOptions::default(),
            limits: ClientLimits::default(),
            answers: Answers::default(),
            handlers: HashMap::new(),
            spawner: Spawner::default(),
        }
    }

    /// The wire to speak.
    #[must_use]
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// How every call waits for its answer, unless the call says otherwise.
    #[must_use]
    pub fn call_options(mut self, call: CallOptions) -> Self {
        self.call = call;
        self
    }

    /// The default timeout of a call (restarted by progress unless the call options say not).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.call.timeout = timeout;
        self
    }

    /// Runs the connection's reading task (which hands each answer to its call) on
    /// `executor` instead of the tokio runtime's workers: a binding whose calls run on its
    /// own event loop, with a transport read on that loop too
    /// ([`ChildTransport::driver`](super::transport::ChildTransport::driver)), then has an
    /// answer read, correlated and handed to its caller without waking another thread.
    #[must_use]
    pub fn executor(mut self, executor: Arc<dyn Executor>) -> Self {
        self.spawner = Spawner::Custom(executor);
        self
    }

    /// Queue sizes and bounds.
    #[must_use]
    pub fn limits(mut self, limits: ClientLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Answers the server's `method` requests with `handler` (its params in, its result
    /// out). Without a handler a request is answered with -32601.
    #[must_use]
    pub fn on_request<F, Fut>(mut self, method: &str, handler: F) -> Self
    where
        F: Fn(Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, ProtocolError>> + Send + 'static,
    {
        self.answers.handle(method, Arc::new(move |params| Box::pin(handler(params))));
        self
    }

    /// Answers `sampling/createMessage` (declares the `sampling` capability).
    #[must_use]
    pub fn on_sampling<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, ProtocolError>> + Send + 'static,
    {
        self.on_request(Method::SamplingCreateMessage.as_str(), handler)
    }

    /// Answers `elicitation/create`, in form and URL mode (declares the `elicitation`
    /// capability with both).
    #[must_use]
    pub fn on_elicitation<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, ProtocolError>> + Send + 'static,
    {
        self.on_request(Method::ElicitationCreate.as_str(), handler)
    }

    /// Declares roots (`{"uri": "file:///…", "name": …}` objects), answering `roots/list`
    /// with them; [`Client::set_roots`](super::Client::set_roots) changes them later.
    #[must_use]
    pub fn roots(mut self, roots: Vec<Value>) -> Self {
        self.answers.set_roots(roots);
        self
    }

    /// Declares `capabilities` (an object) as they are given, each top-level key replacing
    /// what the registered handlers would declare for it (e.g. `{"elicitation": {}}` for form
    /// mode only, or `{"roots": {"listChanged": true}}` with a `roots/list` handler of
    /// [`ClientBuilder::on_request`]); keys not given stay as the handlers declare them.
    #[must_use]
    pub fn capabilities(mut self, capabilities: Value) -> Self {
        self.answers.declare(capabilities);
        self
    }

    /// Calls `handler` for each notification of `method` (e.g. `notifications/message`).
    #[must_use]
    pub fn on_notification(mut self, method: &str, handler: impl Fn(&Notification) + Send + Sync + 'static) -> Self {
        self.handlers.entry(method.to_owned()).or_default().push(Arc::new(handler));
        self
    }
}

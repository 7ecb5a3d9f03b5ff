//! The request vocabulary every method speaks: where a request came from ([`Peer`]), the
//! era it is served in ([`Era`]), what a method answers ([`Reply`]), what a finished request
//! is ([`Outcome`]), and the one [`Call`] value every method receives. Methods import this
//! module, never the router.

use std::sync::Arc;

use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::auth::AuthInfo;
use crate::context::{Client, ContextInner, InputState, RequestContext, TaskMode};
use crate::deadline::Deadline;
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::metrics::Reveal;
use crate::dispatch::rate_limit::ClientKey;
use crate::dispatch::shared::ServerShared;
use crate::dispatch::visibility::Sight;
use crate::error::ProtocolError;
use crate::jsonrpc::{IncomingRequest, RequestId};
use crate::middleware::Request;
use crate::outbox::Outbox;
use crate::protocol::ProtocolVersion;
use crate::protocol::meta::{self, RequestMeta};
use crate::registry::Snapshot;
use crate::request_info::HttpRequestInfo;
use crate::session::Session;

/// Where a request came from.
#[derive(Clone)]
pub(crate) struct Peer {
    /// The legacy session of the connection, once `initialize` happened.
    pub session: Option<Arc<Session>>,
    /// Where request-scoped messages (progress, logs, server->client requests) go.
    pub out: Outbox,
    /// Tripped when the connection or server starts shutting down (ends listen streams).
    /// Shared, not cloned: cloning a token locks it, and a peer is made for every request.
    pub stopping: Arc<CancellationToken>,
    /// The verified caller (HTTP bearer authorization), handed to handlers.
    pub auth: Option<Arc<AuthInfo>>,
    /// The HTTP request that carried the message, handed to handlers.
    pub http: Option<Arc<HttpRequestInfo>>,
    /// Who an HTTP request without a session of its own counts against for rate limits when
    /// it carries no verified subject (see [`Peer::client_key`]).
    pub client: Option<ClientKey>,
    /// The connection's serial number (0 for work that runs detached from one, such as a
    /// task): the client of last resort for rate limits.
    pub conn: u64,
    /// Under a catalogue hook with metrics on: tells the request's metrics that it was shown
    /// the item it names (see [`Peer::reveal`]).
    pub revealed: Option<Arc<Reveal>>,
    /// What answers the request at its deadline if its handler holds its thread.
    pub deadline: Deadline,
}

impl Peer {
    /// The request was shown the registered item it names, labelled `name` in the metrics
    /// (a tool or prompt name, a resource URI or the template a URI matched): until then a
    /// request under a catalogue hook counts as `unknown`, so metrics never name what the
    /// hook hides.
    pub(crate) fn reveal(&self, name: &str) {
        if let Some(r) = &self.revealed {
            r.reveal(name);
        }
    }

    /// The authenticated subject: 2026 `requestState` is bound to it.
    pub(crate) fn subject(&self) -> Option<&str> {
        self.auth.as_deref().and_then(|a| a.subject.as_deref())
    }

    /// Who the request counts against for rate limits: the verified subject (its
    /// fingerprint), else an HTTP request's own client (its address, when it has no
    /// session), else the legacy session, else the connection. Never an address in memory:
    /// a client that comes later never inherits another's buckets.
    pub(crate) fn client_key(&self) -> ClientKey {
        match (self.subject(), self.client, &self.session) {
            (Some(subject), _, _) => ClientKey::subject(subject),
            (None, Some(client), _) => client,
            (None, None, Some(session)) => ClientKey::Session(session.serial()),
            (None, None, None) => ClientKey::Connection(self.conn),
        }
    }

    /// The id of the legacy session the request came in, if it has one.
    pub(crate) fn session_id(&self) -> Option<String> {
        self.session.as_ref().and_then(|s| s.id()).map(str::to_owned)
    }
}

/// The era a request is served in, decided once per request by the router.
#[derive(Clone)]
pub(crate) enum Era {
    /// A legacy session.
    Legacy(Arc<Session>),
    /// The stateless 2026-07-28 wire, with the request's `_meta`.
    Modern(Arc<RequestMeta>),
}

impl Era {
    /// The protocol version the request is served in.
    pub(crate) fn version(&self) -> ProtocolVersion {
        match self {
            Era::Legacy(s) => s.version,
            Era::Modern(_) => ProtocolVersion::V2026_07_28,
        }
    }

    /// True on the stateless 2026-07-28 wire.
    pub(crate) fn is_modern(&self) -> bool {
        matches!(self, Era::Modern(_))
    }

    /// The client's `Implementation`: from `initialize` in a legacy session, from `_meta` on
    /// the 2026-07-28 wire.
    pub(crate) fn client_info(&self) -> Option<Value> {
        match self {
            Era::Legacy(s) => Some(s.client_info.clone()).filter(|v| !v.is_null()),
            Era::Modern(m) => m.client_info.clone(),
        }
    }

    /// The legacy session a session-only method (`logging/setLevel`, subscriptions) needs;
    /// on the 2026 wire the method does not exist.
    pub(crate) fn legacy_session(&self, method: &str) -> Result<Arc<Session>, ProtocolError> {
        match self {
            Era::Legacy(s) => Ok(s.clone()),
            Era::Modern(_) => Err(ProtocolError::method_not_found(method)),
        }
    }
}

/// A finished request: the response line, and messages to send right after it.
pub(crate) struct Outcome {
    /// The serialized JSON-RPC response.
    pub response: Vec<u8>,
    /// Messages that follow the response (a listen stream's closing notice).
    pub trailing: Option<Vec<u8>>,
    /// The JSON-RPC error code when the response is an error (HTTP maps it to a status).
    pub error_code: Option<i64>,
    /// The request was refused because the server was too busy or stopping (HTTP: 503).
    pub busy: bool,
}

impl Outcome {
    /// A successful response with nothing after it.
    pub fn ok(response: Vec<u8>) -> Outcome {
        Outcome { response, trailing: None, error_code: None, busy: false }
    }
}

/// What the method logic produced: a serialized result object, or an error.
pub(crate) type Reply = Result<Vec<u8>, ProtocolError>;

/// One classified request as every method receives it: the server's shared state, who sent
/// it, its era, the request itself, its cancellation, the registry as it was when the
/// request arrived, and what the request may see of it.
pub(crate) struct Call<'a> {
    /// The state every connection of the server shares.
    pub shared: &'a Arc<ServerShared>,
    /// Where the request came from.
    pub peer: &'a Peer,
    /// The era it is served in.
    pub era: Era,
    /// The request (its params are the method's to take).
    pub req: IncomingRequest,
    /// The request's token: tripped by the client, a timeout or shutdown.
    pub cancel: &'a RequestToken,
    /// The registry when the request arrived.
    pub snap: Arc<Snapshot>,
    /// What the request may see of the registry.
    pub sight: Sight,
    /// What to send right after the response (a listen stream's closing notice).
    pub trailing: &'a mut Option<Vec<u8>>,
}

impl<'a> Call<'a> {
    /// The call of `req`, asking the catalogue hook (if any) about the request as
    /// middleware sees it: its `_meta` and what it names, never its arguments.
    pub(crate) fn new(
        shared: &'a Arc<ServerShared>,
        peer: &'a Peer,
        era: Era,
        req: IncomingRequest,
        cancel: &'a RequestToken,
        snap: Arc<Snapshot>,
        trailing: &'a mut Option<Vec<u8>>,
    ) -> Call<'a> {
        let sight = Sight::new(&snap, peer.auth.as_ref(), || {
            let params = req.params.as_ref().map(|p| {
                ["_meta", "name", "uri", "ref"]
                    .into_iter()
                    .filter_map(|k| p.get(k).map(|v| (k.to_owned(), v.clone())))
                    .collect::<Map<String, Value>>()
            });
            Request {
                id: req.id.clone(),
                method: req.method.clone(),
                params,
                version: era.version(),
                auth: peer.auth.clone(),
                client_info: era.client_info(),
                session_id: peer.session_id(),
                context: context(shared, peer, &era, &req.id, req.params.as_ref(), cancel, InputState::default()),
            }
        });
        Call { shared, peer, era, req, cancel, snap, sight, trailing }
    }

    /// Takes the request's params (an empty object when it had none).
    pub(crate) fn take_params(&mut self) -> Map<String, Value> {
        self.req.params.take().unwrap_or_default()
    }
}

/// Builds a handler's context.
pub(crate) fn context(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: &Era,
    id: &RequestId,
    params: Option<&Map<String, Value>>,
    cancel: &RequestToken,
    input: InputState,
) -> RequestContext {
    let client = match era {
        Era::Legacy(s) => Client::Session(s.clone()),
        Era::Modern(m) => Client::Request(m.clone()),
    };
    RequestContext {
        inner: Arc::new(ContextInner {
            id: id.clone(),
            version: era.version(),
            client,
            meta: params.and_then(|p| p.get("_meta")).cloned(),
            progress_token: meta::progress_token(params),
            last_progress: std::sync::Mutex::new(None),
            logging_enabled: shared.logging,
            cancel: cancel.clone(),
            done: std::sync::Mutex::new(false),
            out: peer.out.clone(),
            input,
            host: shared.clone(),
            auth: peer.auth.clone(),
            http: peer.http.clone(),
            task: TaskMode::Off,
            trace: crate::span_link::position(&tracing::Span::current()),
            deadline: peer.deadline.clone(),
        }),
    }
}

//! The incoming side of a connection: a frame, a parsed value or a classified message
//! handed to it, refused whole, or sorted into request, notification or response, with
//! `initialize` answered inline.

use crate::protocol::method::Method;
use std::sync::Arc;

use serde_json::Value;

use crate::auth::AuthInfo;
use crate::dispatch::call::Outcome;
use crate::dispatch::handshake;
use crate::dispatch::metrics::Ended;
use crate::dispatch::trace::RequestSpan;
use crate::error::ProtocolError;
use crate::initialize_hook::Handshake;
use crate::jsonrpc::envelope::Received;
use crate::jsonrpc::message::EnvelopeError;
use crate::jsonrpc::{Incoming, IncomingRequest, RequestId, encode};
use crate::protocol::meta::{self, RequestMeta};
use crate::protocol::params::InitializeParams;

use super::{Connection, Route, Submitted, refusal_outcome};

impl Connection {
    /// Sends an error that answers no request in particular (a parse error, an oversized
    /// message) on the default route, waiting for room: a client that floods bad input and
    /// never reads stops being read.
    pub async fn reply_error(&self, e: &ProtocolError) {
        self.out.send(encode::error(None, e, self.null_ids())).await;
    }

    /// Refuses a whole frame without running any of it: every request in it (one message,
    /// or a batch, answered as one array) gets `e`; notifications and responses are dropped.
    pub async fn refuse_frame(&self, frame: &[u8], e: &ProtocolError) {
        let request_id = |v: &Value| {
            let m = v.as_object().filter(|m| m.get("method").is_some_and(Value::is_string))?;
            RequestId::from_value(m.get("id")?)
        };
        let null_ids = self.null_ids();
        match serde_json::from_slice::<Value>(frame) {
            Ok(Value::Array(items)) => {
                let errors: Vec<Vec<u8>> =
                    items.iter().filter_map(request_id).map(|id| encode::error(Some(&id), e, null_ids)).collect();
                if !errors.is_empty() {
                    let mut array = b"[".to_vec();
                    array.extend_from_slice(&errors.join(&b","[..]));
                    array.push(b']');
                    self.out.send(array).await;
                }
            }
            Ok(v) => {
                if let Some(id) = request_id(&v) {
                    self.out.send(encode::error(Some(&id), e, null_ids)).await;
                }
            }
            Err(_) => {}
        }
    }

    /// One frame of a byte-stream transport (JSON text: a message or a batch), parsed by
    /// [`envelope::read`](crate::jsonrpc::envelope::read).
    pub async fn receive(self: &Arc<Self>, read: Result<Received, serde_json::Error>) {
        match read {
            Ok(received) => {
                self.receive_parsed(received, self.route()).await;
            }
            Err(e) => self.reply_error(&ProtocolError::parse_error(e)).await,
        }
    }

    /// A parsed JSON value: one message, or a batch (an array).
    pub async fn receive_value(self: &Arc<Self>, value: Value, route: Route) -> Submitted {
        self.receive_parsed(Received::from_value(value), route).await
    }

    /// A frame's top level: one message, or a batch.
    async fn receive_parsed(self: &Arc<Self>, received: Received, route: Route) -> Submitted {
        let classified = match received {
            Received::Batch(items) => return Box::pin(self.batch(items, route, false)).await,
            Received::One(members) => Incoming::from_members(members),
            Received::NotObject => Err(EnvelopeError::not_object()),
        };
        match classified {
            Ok(m) => self.submit(m, None, route).await,
            Err(EnvelopeError { id, error }) => {
                let null_ids = self.null_ids();
                let outcome = refusal_outcome(encode::error(id.as_ref(), &error, null_ids), &error);
                Box::pin(route.answer.deliver(outcome)).await;
                Submitted::Answered
            }
        }
    }

    /// One message. `meta` is the request's `_meta` when the transport already read it (the
    /// HTTP 2026 wire checks it against its headers first), so it is parsed once.
    pub async fn submit(self: &Arc<Self>, msg: Incoming, meta: Option<Arc<RequestMeta>>, route: Route) -> Submitted {
        match msg {
            Incoming::Request(req) => {
                if req.method == Method::Initialize.as_str()
                    && meta.is_none()
                    && !meta::is_modern_shaped(req.params.as_ref())
                {
                    let auth = route.auth.clone().or_else(|| self.auth.as_ref().map(|a| a.get()));
                    let outcome = self.initialize(&req, auth).await;
                    Box::pin(route.answer.deliver(outcome)).await;
                    return Submitted::Answered;
                }
                self.start(req, meta, route).await
            }
            Incoming::Notification { method, params } => {
                match Method::from_wire(&method) {
                    Some(Method::Cancelled) if self.own_ids => {
                        let id = params.as_ref().and_then(|p| p.get("requestId")).and_then(RequestId::from_value);
                        let reason = params.as_ref().and_then(|p| p.get("reason")).and_then(Value::as_str);
                        if let Some(id) = id {
                            self.in_flight.cancel(&id, reason);
                        }
                    }
                    Some(Method::Initialized) => {
                        if let Some(s) = self.session.get() {
                            s.mark_initialized();
                            if s.is_mirrored() {
                                let s = s.clone();
                                tokio::spawn(async move {
                                    if let Err(e) = s.persist(crate::session::StateChange::Initialized).await {
                                        tracing::warn!(error = %e.message, "the session's initialized state was not shared");
                                    }
                                });
                            }
                        }
                    }
                    _ => tracing::trace!(method = method.as_str(), "notification ignored"),
                }
                Submitted::Accepted
            }
            Incoming::Response { id, result } => {
                let known = self.session.get().is_some_and(|s| s.resolve(&id, result));
                if !known {
                    tracing::debug!(%id, "response to an unknown request ignored");
                }
                Submitted::Accepted
            }
        }
    }

    /// Gives the connection the session a legacy request without a handshake of its own is
    /// served in (see [`handshake::assumed`]); a connection that has one keeps it.
    pub(crate) fn assume_session(&self, header_version: Option<&str>) -> Result<(), ProtocolError> {
        if self.session.get().is_none() {
            let session = handshake::assumed(&self.shared, header_version, self.out.clone())?;
            let _ = self.session.set(session);
        }
        Ok(())
    }

    /// `initialize` runs inline, in order, so the requests after it see the session. `auth`
    /// is the caller's grant, for the initialize hook.
    pub(super) async fn initialize(&self, req: &IncomingRequest, auth: Option<Arc<AuthInfo>>) -> Outcome {
        let probe =
            self.metrics.as_ref().map(|m| m.start(&self.shared.registry.snapshot(), &req.method, req.params.as_ref()));
        let span = RequestSpan::start(req, None, None);
        let repeated = self.session.get().is_some();
        let outcome = match self.handshake(req, auth).await {
            Ok(result) => Outcome::ok(encode::response_raw(&req.id, &result)),
            Err(e) => refusal_outcome(encode::error(Some(&req.id), &e, !repeated || self.null_ids()), &e),
        };
        let ended = Ended {
            response: &outcome.response,
            error_code: outcome.error_code,
            answered: true,
            token_tripped: false,
            timeout: None,
        };
        span.finish(&ended);
        if let Some(p) = probe {
            p.settle(&ended);
        }
        outcome
    }

    /// The answer to `initialize`: the engine's (see [`handshake`]), shaped by the
    /// application's initialize hook when it set one ([`crate::initialize_hook`]); a first
    /// one opens the session, at the version the answer names when this server serves it.
    async fn handshake(&self, req: &IncomingRequest, auth: Option<Arc<AuthInfo>>) -> Result<Vec<u8>, ProtocolError> {
        let params = InitializeParams::read(req.params.as_ref());
        let hook = self.shared.registry.snapshot().initialize_hook.clone();
        let shaped = |answer: Value, repeated: bool| async move {
            let Some(hook) = hook else { return Ok(answer) };
            let params = req.params.clone().unwrap_or_default();
            let auth = auth.map(|a| (*a).clone());
            let answer = hook.initialize(Handshake { params, answer, auth, repeated }).await?;
            if !answer.is_object() {
                return Err(ProtocolError::internal("the initialize hook answered something other than an object"));
            }
            Ok(answer)
        };
        if let Some(session) = self.session.get() {
            let answer = handshake::repeated(&self.shared, &params, session)?;
            return handshake::serialize(&shaped(answer, true).await?);
        }
        let (negotiated, answer) = handshake::propose(&self.shared, &params)?;
        let answer = shaped(answer, false).await?;
        let version = handshake::answered_version(&self.shared, &answer).unwrap_or(negotiated);
        let _ = self.session.set(handshake::open(&self.shared, &params, version, self.out.clone()));
        handshake::serialize(&answer)
    }
}

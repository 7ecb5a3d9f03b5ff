//! A JSON-RPC batch: its requests run concurrently and answer together as one array.

use crate::protocol::method::Method;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::oneshot;

use crate::dispatch::call::Outcome;
use crate::error::ProtocolError;
use crate::jsonrpc::message::EnvelopeError;
use crate::jsonrpc::{Incoming, encode};

use super::{Answer, Connection, Route, Submitted, refusal_outcome};

impl Connection {
    /// A JSON-RPC batch (2025-03-26 sessions only, or sessions of every version with
    /// `any_version`): its requests run concurrently, and their responses go out together as
    /// one array once all are done.
    pub async fn batch(self: &Arc<Self>, items: Vec<Value>, route: Route, any_version: bool) -> Submitted {
        let refuse = |message: &str| {
            let e = ProtocolError::invalid_request(message);
            refusal_outcome(encode::error(None, &e, self.null_ids()), &e)
        };
        if !self.session.get().is_some_and(|s| any_version || s.version.accepts_batches()) {
            route.answer.deliver(refuse("batches are only accepted on protocol 2025-03-26 sessions")).await;
            return Submitted::Answered;
        }
        if items.is_empty() {
            route.answer.deliver(refuse("empty batch")).await;
            return Submitted::Answered;
        }
        let Route { notes, answer, auth, http, client } = route;
        let mut ready = Vec::new();
        let mut running = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in items {
            match Incoming::from_value(item) {
                Ok(Incoming::Request(r)) if r.method == Method::Initialize.as_str() => {
                    let e = ProtocolError::invalid_request("initialize must not be batched");
                    ready.push(encode::error(Some(&r.id), &e, true));
                }
                Ok(Incoming::Request(r)) if !seen.insert(r.id.clone()) => {
                    let e = ProtocolError::invalid_request(format!("request id {} appears twice in the batch", r.id));
                    ready.push(encode::error(Some(&r.id), &e, true));
                }
                Ok(Incoming::Request(r)) => {
                    let (tx, rx) = oneshot::channel();
                    let sub = Route {
                        notes: notes.clone(),
                        answer: Answer::Once(tx),
                        auth: auth.clone(),
                        http: http.clone(),
                        client,
                    };
                    self.start(r, None, sub).await;
                    running.push(rx);
                }
                Ok(m) => {
                    self.submit(m, None, self.route()).await;
                }
                Err(EnvelopeError { id, error }) => ready.push(encode::error(id.as_ref(), &error, true)),
            }
        }
        if ready.is_empty() && running.is_empty() {
            return Submitted::Accepted;
        }
        // Room for the batch's response is held here, on the reading side: a client that
        // sends batches without reading the answers stops being read once its queue is full.
        let answer = answer.hold().await;
        self.tasks.spawn(async move {
            // Every response of the batch (cancelled requests send none).
            let mut responses = ready;
            for rx in running {
                if let Ok(outcome) = rx.await {
                    responses.push(outcome.response);
                }
            }
            if responses.is_empty() {
                return;
            }
            let mut array = b"[".to_vec();
            for (i, r) in responses.iter().enumerate() {
                if i > 0 {
                    array.push(b',');
                }
                array.extend_from_slice(r);
            }
            array.push(b']');
            answer.deliver(Outcome::ok(array)).await;
        });
        Submitted::Running(None)
    }
}

//! Running the application's middleware chain around the router: the request handed to the
//! first middleware, the router as the end of the chain, and the answer finished for its
//! era.

use std::sync::{Arc, Mutex};

use crate::dispatch::cancel::RequestToken;
use crate::dispatch::reply::{finish, finish_value};
use crate::dispatch::router::{Era, Peer, Reply, route};
use crate::dispatch::shared::ServerShared;
use crate::jsonrpc::IncomingRequest;
use crate::middleware::{Answer, Body, Chain, Next, Request, Terminal};
use crate::protocol::CallToolResult;
use crate::registry::Snapshot;
use crate::sync::lock;

/// Serves `req` through `chain`, then the router. What the router leaves to send after the
/// response (a listen stream's closing notice) lands in `trailing`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn run(
    chain: Chain,
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: Era,
    req: IncomingRequest,
    cancel: &RequestToken,
    trailing: &mut Option<Vec<u8>>,
    snap: Arc<Snapshot>,
) -> Reply {
    let modern = era.is_modern();
    let IncomingRequest { id, method, params } = req;
    let request = Request {
        id: id.clone(),
        method,
        params,
        version: era.version(),
        auth: peer.auth.clone(),
        client_info: client_info(&era),
        session_id: peer.session.as_ref().and_then(|s| s.id()).map(str::to_owned),
    };
    let end = Arc::new(End {
        shared: shared.clone(),
        peer: peer.clone(),
        era,
        cancel: cancel.clone(),
        snap,
        trailing: Mutex::new(None),
    });
    let terminal: Terminal = {
        let end = end.clone();
        Arc::new(move |r: Request| {
            let end = end.clone();
            let id = id.clone();
            Box::pin(async move {
                let req = IncomingRequest { id, method: r.method, params: r.params };
                let mut trailing = None;
                let reply =
                    route(&end.shared, &end.peer, end.era.clone(), req, &end.cancel, &mut trailing, &end.snap).await;
                if trailing.is_some() {
                    *lock(&end.trailing) = trailing;
                }
                reply.map(Answer::serialized)
            })
        })
    };
    let answer = Next::start(chain, terminal).run(request).await;
    *trailing = lock(&end.trailing).take();
    match answer?.into_body() {
        Body::Serialized(bytes) => Ok(bytes),
        Body::Value(value) => finish_value(shared, modern, false, value),
        Body::ToolError(message) => finish(shared, modern, false, &CallToolResult::error(message)),
    }
}

/// What the end of the chain needs to route the request.
struct End {
    shared: Arc<ServerShared>,
    peer: Peer,
    era: Era,
    cancel: RequestToken,
    snap: Arc<Snapshot>,
    trailing: Mutex<Option<Vec<u8>>>,
}

/// The client's `Implementation`: from `initialize` in a legacy session, from `_meta` on
/// the 2026-07-28 wire.
pub(crate) fn client_info(era: &Era) -> Option<serde_json::Value> {
    match era {
        Era::Legacy(s) => Some(s.client_info.clone()).filter(|v| !v.is_null()),
        Era::Modern(m) => m.client_info.clone(),
    }
}

//! Running the application's middleware chain around the router: the request handed to the
//! first middleware, the router as the end of the chain, and the answer finished for its
//! era.

use std::sync::{Arc, Mutex};

use crate::context::InputState;
use crate::dispatch::call::{Call, Era, Peer, Reply};
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::reply::{finish, finish_value};
use crate::dispatch::rounds;
use crate::dispatch::router::route;
use crate::dispatch::shared::ServerShared;
use crate::jsonrpc::IncomingRequest;
use crate::middleware::{Answer, Body, Chain, Next, Request, Terminal};
use crate::protocol::CallToolResult;
use crate::protocol::method::Method;
use crate::registry::Snapshot;
use crate::sync::lock;

/// Serves `call` through `chain`, then the router. What the router leaves to send after the
/// response (a listen stream's closing notice) lands in the call's `trailing`.
pub(crate) async fn run(chain: Chain, call: Call<'_>) -> Reply {
    let Call { shared, peer, era, req, cancel, snap, sight: _, trailing } = call;
    let modern = era.is_modern();
    let IncomingRequest { id, method, params } = req;
    // A middleware that answers a list or a read itself gets the cache fields added too.
    let cacheable = Method::from_wire(&method).is_some_and(Method::is_cacheable);
    let context = rounds::context(shared, peer, &era, &id, params.as_ref(), cancel, InputState::default());
    let request = Request {
        id: id.clone(),
        method,
        params,
        version: era.version(),
        auth: peer.auth.clone(),
        client_info: era.client_info(),
        session_id: peer.session_id(),
        context: context.clone(),
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
                let call = Call::new(
                    &end.shared,
                    &end.peer,
                    end.era.clone(),
                    req,
                    &end.cancel,
                    end.snap.clone(),
                    &mut trailing,
                );
                let reply = route(call).await;
                if trailing.is_some() {
                    *lock(&end.trailing) = trailing;
                }
                reply.map(Answer::serialized)
            })
        })
    };
    let answer = Next::start(chain, terminal).run(request).await;
    // Nothing the middleware's context sends may follow the response.
    context.finish();
    *trailing = lock(&end.trailing).take();
    match answer?.into_body() {
        Body::Serialized(bytes) => Ok(bytes),
        Body::Value(value) => finish_value(shared, modern, cacheable, value),
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

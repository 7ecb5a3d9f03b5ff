//! `subscriptions/listen` (2026): acknowledge, then stream what the client opted into (and
//! may see) until it cancels or the server stops.

use crate::protocol::method::Method;
use serde_json::{Map, json};

use super::subscriptions;
use crate::dispatch::call::{Call, Reply};
use crate::dispatch::notify::ListenFilter;
use crate::error::ProtocolError;
use crate::jsonrpc::encode;
use crate::protocol::meta::{self, SUBSCRIPTION_ID_KEY};
use crate::protocol::params::ListenParams;

/// `subscriptions/listen`: acknowledge, then stream what the client opted into until it
/// cancels or the server stops.
pub(crate) async fn listen(mut call: Call<'_>) -> Reply {
    let params = call.take_params();
    let Call { shared, peer, ref snap, ref sight, ref req, cancel, trailing, .. } = call;
    let wanted = ListenParams::read(&params);
    let task_ids = crate::tasks::listen_task_ids(shared, snap, &params, &wanted, peer.subject()).await?;
    let resource_uris = if shared.has_resources(snap) {
        subscriptions::listened(wanted.resource_subscriptions, sight, snap).await?
    } else {
        Vec::new()
    };
    let filter = ListenFilter {
        task_ids,
        tools: wanted.tools_list_changed && shared.has_tools(snap),
        prompts: wanted.prompts_list_changed && shared.has_prompts(snap),
        resources: wanted.resources_list_changed && shared.has_resources(snap),
        resource_uris,
    };
    let ack = json!({ "_meta": { SUBSCRIPTION_ID_KEY: req.id }, "notifications": filter.to_json() });
    let ack = encode::notification(Method::SubscriptionsAcknowledged.as_str(), &ack);
    let _guard = shared.hub.add_listener(req.id.clone(), filter, peer.out.clone(), cancel.clone(), ack);
    tokio::select! {
        () = cancel.cancelled() => Err(ProtocolError::internal("subscription cancelled")),
        () = peer.stopping.cancelled() => {
            *trailing = Some(encode::notification(
                Method::Cancelled.as_str(),
                &json!({ "requestId": req.id, "reason": "server shutting down" }),
            ));
            let mut meta = Map::new();
            meta.insert(SUBSCRIPTION_ID_KEY.into(), req.id.to_value());
            meta.insert(meta::SERVER_INFO_KEY.into(), shared.info.clone());
            serde_json::to_vec(&json!({ "resultType": "complete", "_meta": meta })).map_err(ProtocolError::internal)
        }
    }
}

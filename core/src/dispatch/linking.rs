//! A server joined to its shared store: the link started with the server's shutdown, the
//! server's hub publishing on the bus, and a reader delivering what the other instances
//! publish to this server (its hub, its sessions, its tasks) until the server stops.

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::bus::{BusMessage, Envelope};
use super::shared::ServerShared;
use super::shared_state::StoreLink;
use crate::store::SharedStore;
use crate::tasks::instances;

/// Links `shared` to `store` (see [`StoreLink::start`]): its hub publishes on the bus, and a
/// task delivers what the other instances publish. Must run inside a tokio runtime.
pub(crate) fn start(shared: &Arc<ServerShared>, store: SharedStore, ttl: Duration) -> Arc<StoreLink> {
    let bus = store.bus().subscribe();
    let link = StoreLink::start(store, ttl, &shared.shutdown);
    shared.hub.publish_to(link.publisher().clone());
    let me = link.publisher().from;
    spawn_reader(Arc::downgrade(shared), Arc::downgrade(&link), me, bus, shared.shutdown.clone());
    link
}

/// Delivers what the other instances publish, until the server stops.
fn spawn_reader(
    shared: Weak<ServerShared>,
    link: Weak<StoreLink>,
    me: u64,
    mut rx: mpsc::Receiver<Vec<u8>>,
    stop: CancellationToken,
) {
    tokio::spawn(async move {
        loop {
            let bytes = tokio::select! {
                () = stop.cancelled() => return,
                m = rx.recv() => match m {
                    Some(m) => m,
                    None => return,
                },
            };
            let envelope: Envelope = match serde_json::from_slice(&bytes) {
                Ok(e) => e,
                Err(e) => {
                    tracing::warn!(error = %e, "shared store: an unreadable bus message was skipped");
                    continue;
                }
            };
            if envelope.from == me {
                continue;
            }
            let (Some(shared), Some(link)) = (shared.upgrade(), link.upgrade()) else { return };
            deliver(&shared, &link, envelope.message);
        }
    });
}

/// Delivers one message another instance published.
fn deliver(shared: &ServerShared, link: &StoreLink, message: BusMessage) {
    match message {
        BusMessage::ResourceUpdated { uri } => shared.hub.deliver_resource_updated(&uri),
        BusMessage::ListChanged { list } => shared.hub.deliver_list_changed(list),
        BusMessage::Log { level, params } => shared.hub.deliver_log(level, &params),
        BusMessage::SessionChanged { session, change } => {
            if let Some(s) = link.local(&session) {
                s.apply_change(&change);
            }
        }
        BusMessage::SessionEnded { session } => link.ended_elsewhere(&session),
        BusMessage::Answer { session, id, result, error } => {
            if let Some(s) = link.local(&session) {
                let result = error.map_or_else(|| Ok(result.unwrap_or(Value::Null)), Err);
                s.resolve_here(&id, result);
            }
        }
        BusMessage::TaskChanged { task, view } => {
            if let Some(view) = view {
                shared.hub.task_changed(&task, || view);
            }
            link.task_changed_elsewhere();
        }
        BusMessage::TaskCommand { task, command } => instances::deliver_command(shared, &task, &command),
    }
}

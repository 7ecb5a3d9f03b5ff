//! The notification hub: who hears about registry changes and resource updates. Legacy
//! sessions get `notifications/*/list_changed` and `notifications/resources/updated` for
//! their subscriptions; 2026 `subscriptions/listen` streams get only what they opted into,
//! tagged with their subscription id. Log messages sent outside any request go to every
//! legacy session whose log level lets them through. When instances share a store, each
//! change is also published on its bus, and changes published by the other instances are
//! delivered here as if they were made here.

use crate::protocol::method::Method;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, Weak};

use super::cancel::RequestToken;
use serde_json::{Value, json};

use super::Outbox;
use super::bus::{BusMessage, Publisher};
use crate::jsonrpc::{RequestId, encode};
use crate::protocol::ListKind;
use crate::protocol::LogLevel;
use crate::protocol::meta::SUBSCRIPTION_ID_KEY;
use crate::session::Session;
use crate::sync::lock;

/// What a `subscriptions/listen` stream opted into (after the server dropped what it does
/// not support).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ListenFilter {
    pub tools: bool,
    pub prompts: bool,
    pub resources: bool,
    pub resource_uris: Vec<String>,
    /// Tasks extension: the tasks whose `notifications/tasks` this stream receives.
    pub task_ids: Vec<String>,
}

impl ListenFilter {
    fn wants(&self, kind: ListKind) -> bool {
        match kind {
            ListKind::Tools => self.tools,
            ListKind::Prompts => self.prompts,
            ListKind::Resources => self.resources,
        }
    }

    /// A subscribed URI matches itself and its sub-resources (`uri/...`).
    fn wants_uri(&self, uri: &str) -> bool {
        self.resource_uris
            .iter()
            .any(|s| uri == s || (uri.starts_with(s.as_str()) && (s.ends_with('/') || uri[s.len()..].starts_with('/'))))
    }

    /// The honored subset as the acknowledgement's `notifications` object.
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        if self.tools {
            m.insert("toolsListChanged".into(), json!(true));
        }
        if self.prompts {
            m.insert("promptsListChanged".into(), json!(true));
        }
        if self.resources {
            m.insert("resourcesListChanged".into(), json!(true));
        }
        if !self.resource_uris.is_empty() {
            m.insert("resourceSubscriptions".into(), json!(self.resource_uris));
        }
        if !self.task_ids.is_empty() {
            m.insert("taskIds".into(), json!(self.task_ids));
        }
        Value::Object(m)
    }
}

struct Listener {
    id: RequestId,
    filter: ListenFilter,
    out: Outbox,
    /// The listen request's token: once the client cancelled it, nothing more is sent,
    /// even before the listen task has woken up and dropped its guard.
    cancel: RequestToken,
}

impl Listener {
    fn live(&self) -> bool {
        !self.cancel.is_cancelled()
    }
}

#[derive(Default)]
pub(crate) struct Hub {
    sessions: Mutex<Vec<Weak<Session>>>,
    listeners: Mutex<HashMap<u64, Listener>>,
    next: AtomicU64,
    /// The shared store's bus, when instances share one.
    bus: OnceLock<Publisher>,
    /// Log messages also go to sessions not initialized yet
    /// (`ServerBuilder::log_before_initialized`).
    log_uninitialized: bool,
    /// Per list (in `ListKind::ALL` order), whether legacy sessions are told of its changes
    /// (`ServerBuilder::legacy_list_changed`, `ServerBuilder::quiet_lists`,
    /// `Server::tell_list_changes`); their capabilities claim `listChanged` only for those.
    told: [AtomicBool; 3],
    /// The lists told once per change, not once for the changes made while one notice is
    /// still waiting to be written (`ServerBuilder::coalesced_list_changed`).
    per_change: Vec<ListKind>,
    /// Changes held back while the application makes several as one (`Server::hold_list_changes`).
    held: Mutex<Held>,
}

/// How many holds are open, and the lists that changed meanwhile (each once, in order).
#[derive(Default)]
struct Held {
    depth: u32,
    pending: Vec<ListKind>,
}

/// Removes a listener when dropped.
pub(crate) struct ListenGuard<'a> {
    hub: &'a Hub,
    key: u64,
}

impl Drop for ListenGuard<'_> {
    fn drop(&mut self) {
        lock(&self.hub.listeners).remove(&self.key);
    }
}

fn tagged(id: &RequestId, mut params: Value) -> Value {
    params["_meta"] = json!({ SUBSCRIPTION_ID_KEY: id });
    params
}

impl Hub {
    /// A hub whose log messages also reach sessions not initialized yet when
    /// `log_uninitialized`, whose list changes reach legacy sessions only for the lists in
    /// `told` (2026 listeners hear them either way), and which tells of a change of a list
    /// in `coalesced` once for all the changes made while its notice waits to be written
    /// (of any other list, once per change).
    pub fn new(log_uninitialized: bool, told: &[ListKind], coalesced: &[ListKind]) -> Hub {
        let per_change = ListKind::ALL.into_iter().filter(|k| !coalesced.contains(k)).collect();
        let hub = Hub { log_uninitialized, per_change, ..Hub::default() };
        for kind in told {
            hub.set_told(*kind, true);
        }
        hub
    }

    /// The slot of `kind` in `told`.
    fn told_slot(&self, kind: ListKind) -> &AtomicBool {
        let index = ListKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        &self.told[index]
    }

    /// Whether legacy sessions are told of changes of `kind` (and their capabilities claim
    /// `listChanged` for it).
    pub fn tells(&self, kind: ListKind) -> bool {
        self.told_slot(kind).load(Ordering::Relaxed)
    }

    /// From now on, legacy sessions are told of changes of `kind` (`on`) or not.
    pub fn set_told(&self, kind: ListKind, on: bool) {
        self.told_slot(kind).store(on, Ordering::Relaxed);
    }

    /// From now on, every change is also published on a shared store's bus (once; later
    /// calls change nothing).
    pub fn publish_to(&self, bus: Publisher) {
        let _ = self.bus.set(bus);
    }

    fn publish(&self, message: impl FnOnce() -> BusMessage) {
        if let Some(bus) = self.bus.get() {
            bus.send(&message());
        }
    }

    /// A legacy session starts hearing about changes.
    pub fn add_session(&self, session: Weak<Session>) {
        let mut s = lock(&self.sessions);
        s.retain(|w| w.strong_count() > 0);
        s.push(session);
    }

    /// A listen stream starts: `ack` (its acknowledgement) is queued, then it hears changes
    /// until the guard is dropped. Both happen under the listeners lock, so no change
    /// notification can overtake the acknowledgement.
    pub fn add_listener(
        &self,
        id: RequestId,
        filter: ListenFilter,
        out: Outbox,
        cancel: RequestToken,
        ack: Vec<u8>,
    ) -> ListenGuard<'_> {
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        let mut listeners = lock(&self.listeners);
        out.notify(ack);
        listeners.insert(key, Listener { id, filter, out, cancel });
        drop(listeners);
        ListenGuard { hub: self, key }
    }

    /// Every live session here, initialized or not.
    fn sessions_here(&self) -> Vec<std::sync::Arc<Session>> {
        let mut s = lock(&self.sessions);
        s.retain(|w| w.strong_count() > 0);
        s.iter().filter_map(Weak::upgrade).collect()
    }

    fn live_sessions(&self) -> Vec<std::sync::Arc<Session>> {
        let mut s = lock(&self.sessions);
        s.retain(|w| w.strong_count() > 0);
        s.iter().filter_map(Weak::upgrade).filter(|s| s.is_initialized()).collect()
    }

    /// A list changed: its listeners here hear of it, and the other instances'.
    pub fn list_changed(&self, kind: ListKind) {
        {
            let mut held = lock(&self.held);
            if held.depth > 0 {
                if !held.pending.contains(&kind) {
                    held.pending.push(kind);
                }
                return;
            }
        }
        self.deliver_list_changed(kind);
        self.publish(|| BusMessage::ListChanged { list: kind });
    }

    /// Holds the list changes made from now on until the matching [`Hub::release_lists`].
    pub fn hold_lists(&self) {
        lock(&self.held).depth += 1;
    }

    /// Ends one hold; once none is left, each list that changed meanwhile is told once.
    pub fn release_lists(&self) {
        let pending = {
            let mut held = lock(&self.held);
            held.depth = held.depth.saturating_sub(1);
            if held.depth > 0 {
                return;
            }
            std::mem::take(&mut held.pending)
        };
        for kind in pending {
            self.list_changed(kind);
        }
    }

    /// A list changed: its listeners here hear of it.
    pub fn deliver_list_changed(&self, kind: ListKind) {
        // No params, as the official SDKs send it; a 2026 listener's carries its tag.
        let once = !self.per_change.contains(&kind);
        let send = |out: &Outbox, bytes: Vec<u8>| if once { out.notify_once(bytes) } else { out.notify(bytes) };
        if self.tells(kind) {
            let plain = encode::bare_notification(kind.method());
            for s in self.live_sessions() {
                send(&s.out, plain.clone());
            }
        }
        for l in lock(&self.listeners).values().filter(|l| l.live() && l.filter.wants(kind)) {
            send(&l.out, encode::notification(kind.method(), &tagged(&l.id, json!({}))));
        }
    }

    /// A resource changed: its subscribers here hear of it, and the other instances'.
    pub fn resource_updated(&self, uri: &str) {
        self.deliver_resource_updated(uri);
        self.publish(|| BusMessage::ResourceUpdated { uri: uri.to_owned() });
    }

    /// A resource changed: its subscribers here hear of it.
    pub fn deliver_resource_updated(&self, uri: &str) {
        const METHOD: &str = Method::ResourceUpdated.as_str();
        let plain = encode::notification(METHOD, &json!({ "uri": uri }));
        for s in self.live_sessions().into_iter().filter(|s| s.is_subscribed(uri)) {
            s.out.notify_once(plain.clone());
        }
        for l in lock(&self.listeners).values().filter(|l| l.live() && l.filter.wants_uri(uri)) {
            l.out.notify_once(encode::notification(METHOD, &tagged(&l.id, json!({ "uri": uri }))));
        }
    }

    /// A log message for every legacy session whose level lets it through
    /// (`notifications/message` outside any request; the 2026 wire carries log messages
    /// only inside the requests that asked for them).
    pub fn log(&self, level: LogLevel, params: &Value) {
        self.deliver_log(level, params);
        self.publish(|| BusMessage::Log { level, params: params.clone() });
    }

    /// A log message for the legacy sessions here whose level lets it through.
    pub fn deliver_log(&self, level: LogLevel, params: &Value) {
        let message = encode::notification(Method::LogMessage.as_str(), params);
        let sessions = if self.log_uninitialized { self.sessions_here() } else { self.live_sessions() };
        for s in sessions.into_iter().filter(|s| s.log_allows(level)) {
            s.out.notify(message.clone());
        }
    }

    /// A notification (`message`, encoded) for the session of this instance whose id is
    /// `session_id`, initialized or not (an application names it); false when no live
    /// session has that id or its outbox is closed.
    pub fn notify_session(&self, session_id: &str, message: Vec<u8>) -> bool {
        let target = self.sessions_here().into_iter().find(|s| s.id() == Some(session_id));
        target.is_some_and(|s| s.out.notify(message))
    }

    /// A task changed (Tasks extension): `notifications/tasks` with the task as `params()`
    /// (built only when some listen stream listed the task) to the streams that listed it.
    pub fn task_changed(&self, task_id: &str, params: impl FnOnce() -> Value) {
        const METHOD: &str = Method::TaskChanged.as_str();
        let listeners = lock(&self.listeners);
        let mut wanted = listeners.values().filter(|l| l.live() && l.filter.task_ids.iter().any(|t| t == task_id));
        let Some(first) = wanted.next() else { return };
        let params = params();
        for l in std::iter::once(first).chain(wanted) {
            l.out.notify(encode::notification(METHOD, &tagged(&l.id, params.clone())));
        }
    }
}

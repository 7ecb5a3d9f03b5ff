//! The proxy's catalogue as the upstream's: its tools, prompts, resources and templates
//! listed when a connection opens and listed again when the upstream says a list changed
//! (debounced: the changes of `DEBOUNCE` are listed once), each registered on the proxy's
//! server with a handler that forwards to it; only the items that changed are replaced, so
//! the server's own `list_changed` reaches downstream clients once per change. Items are
//! registered under their names on the proxy (an upstream's prefix, `naming.rs`), their
//! handlers forwarding under the upstream's own. The upstream's resource updates and log
//! messages go out through the server as its own.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::conn::{Audience, AudienceEvents, Conn, Events};
use super::forward;
use super::linked::{Known, Linked};
use super::naming::Naming;
use crate::client::{ClientError, Notification};
use crate::error::Error;
use crate::handler::{PromptHandler, ResourceHandler, ToolHandler};
use crate::protocol::meta::LogLevel;
use crate::protocol::method::Method;
use crate::protocol::{ListKind, Prompt, Resource, ResourceTemplate, Tool};
use crate::server::Server;
use crate::sync::lock;

/// How long list changes are gathered before the lists are read again.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// The lists, in the order of [`Linked::dirty`].
const LISTS: [ListKind; 3] = [ListKind::Tools, ListKind::Prompts, ListKind::Resources];

/// One kind of registered item.
#[derive(Debug, Clone, Copy)]
enum Item {
    Tool,
    Prompt,
    Resource,
    Template,
}

impl Item {
    /// The member naming an item of this kind.
    fn key(self) -> &'static str {
        match self {
            Item::Tool | Item::Prompt => "name",
            Item::Resource => "uri",
            Item::Template => "uriTemplate",
        }
    }

    fn known(self, known: &mut Known) -> &mut HashMap<String, Value> {
        match self {
            Item::Tool => &mut known.tools,
            Item::Prompt => &mut known.prompts,
            Item::Resource => &mut known.resources,
            Item::Template => &mut known.templates,
        }
    }

    fn remove(self, server: &Server, name: &str) {
        match self {
            Item::Tool => server.remove_tool(name),
            Item::Prompt => server.remove_prompt(name),
            Item::Resource => server.remove_resource(name),
            Item::Template => server.remove_resource_template(name),
        };
    }

    /// Registers the item `definition` of `linked` (named `name` on the proxy), forwarded
    /// to it under its own name.
    fn add(self, server: &Server, linked: &Arc<Linked>, name: &str, definition: Value) -> Result<(), String> {
        let inner = linked.naming.inner_name(name).unwrap_or(name).to_owned();
        let linked = linked.clone();
        let added = match self {
            Item::Tool => {
                let tool: Tool = serde_json::from_value(definition).map_err(|e| e.to_string())?;
                let handler: Arc<dyn ToolHandler> = Arc::new(forward::Tool { linked, name: inner });
                server.add_tool(tool, handler)
            }
            Item::Prompt => {
                let prompt: Prompt = serde_json::from_value(definition).map_err(|e| e.to_string())?;
                let handler: Arc<dyn PromptHandler> = Arc::new(forward::Prompt { linked, name: inner });
                server.add_prompt(prompt, handler)
            }
            Item::Resource => {
                let resource: Resource = serde_json::from_value(definition).map_err(|e| e.to_string())?;
                let handler: Arc<dyn ResourceHandler> = Arc::new(forward::Resource { linked });
                server.add_resource(resource, handler)
            }
            Item::Template => {
                let template: ResourceTemplate = serde_json::from_value(definition).map_err(|e| e.to_string())?;
                let handler: Arc<dyn ResourceHandler> = Arc::new(forward::Resource { linked });
                server.add_resource_template(template, handler)
            }
        };
        added.map_err(|e: Error| e.to_string())
    }
}

/// Replaces the registered items of one kind with `listed`, changing only what changed.
/// New items are registered in the upstream's order, so the proxy lists them in it (a
/// client may take the first item listed as the upstream's first).
fn sync(server: &Server, linked: &Arc<Linked>, item: Item, listed: Vec<Value>) {
    let key = item.key();
    // A detached upstream serves nothing, whatever a listing still in flight says.
    let listed = if linked.detached.load(Ordering::Acquire) { Vec::new() } else { listed };
    let listed: Vec<(String, Value)> = listed
        .into_iter()
        .map(|d| linked.naming.outer_definition(key, d))
        .filter_map(|d| Some((d.get(key)?.as_str()?.to_owned(), d)))
        .collect();
    let wanted: HashMap<&str, &Value> = listed.iter().map(|(name, d)| (name.as_str(), d)).collect();
    let mut known = lock(&linked.known);
    let old = item.known(&mut known);
    server.hold_list_changes();
    for (name, definition) in old.iter() {
        if wanted.get(name.as_str()) != Some(&definition) {
            item.remove(server, name);
        }
    }
    let mut fresh = HashMap::with_capacity(listed.len());
    for (name, definition) in listed {
        // A name listed twice is served once, as listed first.
        if fresh.contains_key(&name) {
            continue;
        }
        if old.get(&name) != Some(&definition) {
            if let Err(e) = item.add(server, linked, &name, definition.clone()) {
                tracing::warn!(upstream = %linked.upstream.name, "{item:?} {name} not served: {e}");
                continue;
            }
        }
        fresh.insert(name, definition);
    }
    *old = fresh;
    server.release_list_changes();
}

/// Unregisters every item of `linked`, detached (see [`sync`]): the server's clients are
/// told of each list that changed.
pub(crate) fn forget(server: &Server, linked: &Arc<Linked>) {
    for item in [Item::Tool, Item::Prompt, Item::Resource, Item::Template] {
        sync(server, linked, item, Vec::new());
    }
}

/// Lists `list` of the upstream again over `conn` and registers what changed. A list the
/// upstream does not declare, or fails to list, is left as it is.
async fn refresh(server: &Server, linked: &Arc<Linked>, conn: &Conn, list: ListKind) {
    let client = &conn.client;
    let capability = match list {
        ListKind::Tools => "tools",
        ListKind::Prompts => "prompts",
        ListKind::Resources => "resources",
    };
    // A list the upstream did not declare is not asked for (it may not answer at all).
    if client.session().capabilities.get(capability).is_none() {
        return;
    }
    let listed = |r: Result<Vec<Value>, ClientError>| {
        r.map_err(|e| tracing::warn!(upstream = %linked.upstream.name, "listing {list:?}: {e}")).ok()
    };
    match list {
        ListKind::Tools => {
            if let Some(tools) = listed(client.list_tools().await) {
                sync(server, linked, Item::Tool, tools);
            }
        }
        ListKind::Prompts => {
            if let Some(prompts) = listed(client.list_prompts().await) {
                sync(server, linked, Item::Prompt, prompts);
            }
        }
        ListKind::Resources => {
            let resources = listed(client.list_resources().await);
            // Templates are optional in the spec: an upstream without them has none.
            let templates = client.list_resource_templates().await.unwrap_or_default();
            if let Some(resources) = resources {
                server.hold_list_changes();
                sync(server, linked, Item::Resource, resources);
                sync(server, linked, Item::Template, templates);
                server.release_list_changes();
            }
        }
    }
}

/// Lists every list of the upstream over a connection just opened.
pub(crate) async fn refresh_all(server: &Server, linked: &Arc<Linked>, conn: &Conn) {
    server.hold_list_changes();
    for list in LISTS {
        refresh(server, linked, conn, list).await;
    }
    server.release_list_changes();
}

/// Lists again, `DEBOUNCE` after the upstream said so, the lists that changed, until `stop`.
pub(crate) async fn follow_changes(server: Server, linked: Weak<Linked>, stop: CancellationToken) {
    loop {
        let Some(wake) = linked.upgrade() else { return };
        tokio::select! {
            () = stop.cancelled() => return,
            () = wake.wake.notified() => {}
        }
        drop(wake);
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(DEBOUNCE) => {}
        }
        let Some(linked) = linked.upgrade() else { return };
        // Without a connection now, the next one lists everything when it opens.
        let Some(conn) = linked.main_now() else { continue };
        for (i, list) in LISTS.into_iter().enumerate() {
            if linked.dirty[i].swap(false, Ordering::AcqRel) {
                refresh(&server, &linked, &conn, list).await;
            }
        }
    }
}

/// Sends an upstream's `notifications/message` as the server's own log message, to the
/// session `session` only when given.
fn log(server: &Server, session: Option<&str>, notification: &Notification) {
    if let Some(session) = session {
        server.notify_session(session, &notification.method, Some(&notification.params));
        return;
    }
    let params = &notification.params;
    let level = params.get("level").and_then(Value::as_str).and_then(LogLevel::parse).unwrap_or(LogLevel::Info);
    let data = params.get("data").cloned().unwrap_or(Value::Null);
    server.log(level, data, params.get("logger").and_then(Value::as_str));
}

/// Where the shared connection's notifications go: list changes mark the list and wake
/// [`follow_changes`]; resource updates reach the subscribed sessions; log messages every
/// session that asked for them.
pub(crate) fn shared_events(server: Server, linked: Weak<Linked>) -> Events {
    Arc::new(move |n: &Notification| match Method::from_wire(&n.method) {
        Some(Method::ToolListChanged | Method::PromptListChanged | Method::ResourceListChanged) => {
            let Some(linked) = linked.upgrade() else { return };
            let i = LISTS.iter().position(|l| l.method() == n.method).unwrap_or(0);
            linked.dirty[i].store(true, Ordering::Release);
            linked.wake.notify_one();
        }
        Some(Method::ResourceUpdated) => {
            let Some(linked) = linked.upgrade() else { return };
            if let Some(uri) = n.params.get("uri").and_then(Value::as_str) {
                server.notify_resource_updated(&linked.naming.outer_uri(uri));
            }
        }
        Some(Method::LogMessage) => log(&server, None, n),
        _ => {}
    })
}

/// Where a per-session or per-user connection's notifications go: its resource updates and
/// log messages to the sessions it serves only (every session when a per-session one serves
/// none by id: a stdio or in-process client); its list changes are not the catalogue's.
pub(crate) fn session_events(server: Server, naming: Naming) -> AudienceEvents {
    Arc::new(move |audience: Audience| {
        let (server, naming) = (server.clone(), naming.clone());
        let events: Events = Arc::new(move |n: &Notification| {
            let everyone = audience.is_everyone();
            match Method::from_wire(&n.method) {
                Some(Method::ResourceUpdated) if everyone => {
                    if let Some(uri) = n.params.get("uri").and_then(Value::as_str) {
                        server.notify_resource_updated(&naming.outer_uri(uri));
                    }
                }
                Some(Method::ResourceUpdated) => {
                    let params = naming.outer_uri_params(&n.params);
                    let sessions = audience.sessions();
                    sessions.iter().for_each(|id| _ = server.notify_session(id, &n.method, Some(&params)));
                }
                Some(Method::LogMessage) if everyone => log(&server, None, n),
                Some(Method::LogMessage) => audience.sessions().iter().for_each(|id| log(&server, Some(id), n)),
                _ => {}
            }
        });
        events
    })
}

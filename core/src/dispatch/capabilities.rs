//! The server capabilities advertised for a protocol version, following what is registered.

use serde_json::{Map, Value, json};

use crate::dispatch::shared::ServerShared;
use crate::protocol::{ListKind, ProtocolVersion};
use crate::registry::Snapshot;
use crate::skills::SKILLS_EXTENSION;
use crate::sync::lock;

/// The server capabilities for `version`, following what is registered.
pub(crate) fn capabilities(shared: &ServerShared, snap: &Snapshot, version: ProtocolVersion) -> Value {
    let mut caps = Map::new();
    // Whether change notices of a list are claimed: on 2026-07-28 they come only on
    // `subscriptions/listen` streams, so they follow whether that method is served.
    let changes_of = |kind| if version.is_modern() { shared.listen } else { shared.hub.tells(kind) };
    // Resource subscriptions: `resources/subscribe` on the handshake versions, the listen
    // stream's `resourceSubscriptions` on 2026-07-28.
    let subscribe = if version.is_modern() { shared.listen } else { shared.serves_subscriptions() };
    if shared.has_tools(snap) {
        caps.insert("tools".into(), json!({ "listChanged": changes_of(ListKind::Tools) }));
    }
    if shared.has_resources(snap) {
        let changes = changes_of(ListKind::Resources);
        let resources = if subscribe && changes {
            json!({ "subscribe": true, "listChanged": true })
        } else if changes {
            json!({ "listChanged": true })
        } else {
            json!({ "subscribe": subscribe, "listChanged": false })
        };
        caps.insert("resources".into(), resources);
    }
    if shared.has_prompts(snap) {
        caps.insert("prompts".into(), json!({ "listChanged": changes_of(ListKind::Prompts) }));
    }
    if shared.logging {
        caps.insert("logging".into(), json!({}));
    }
    if version.has_annotations_and_audio() && !snap.completions.is_empty() {
        caps.insert("completions".into(), json!({}));
    }
    if let Some(e) = &shared.experimental {
        caps.insert("experimental".into(), e.clone());
    }
    if version.is_modern() || shared.extensions_on_every_version {
        let mut extensions = lock(&shared.extensions).clone();
        if !snap.skills.is_empty() {
            extensions.entry(SKILLS_EXTENSION).or_insert_with(|| json!({ "directoryRead": true }));
        }
        if !extensions.is_empty() {
            caps.insert("extensions".into(), Value::Object(extensions));
        }
    }
    crate::tasks::advertise(shared, snap, version, &mut caps);
    Value::Object(caps)
}

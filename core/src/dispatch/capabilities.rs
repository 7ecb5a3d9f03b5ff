//! The server capabilities advertised for a protocol version, following what is registered.

use serde_json::{Map, Value, json};

use crate::dispatch::shared::ServerShared;
use crate::protocol::ProtocolVersion;
use crate::registry::Snapshot;
use crate::sync::lock;

/// The server capabilities for `version`, following what is registered.
pub(crate) fn capabilities(shared: &ServerShared, snap: &Snapshot, version: ProtocolVersion) -> Value {
    let mut caps = Map::new();
    if shared.has_tools(snap) {
        caps.insert("tools".into(), json!({ "listChanged": true }));
    }
    if shared.has_resources(snap) {
        let resources = if shared.serves_subscriptions() {
            json!({ "subscribe": true, "listChanged": true })
        } else {
            json!({ "listChanged": true })
        };
        caps.insert("resources".into(), resources);
    }
    if shared.has_prompts(snap) {
        caps.insert("prompts".into(), json!({ "listChanged": true }));
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
        let extensions = lock(&shared.extensions);
        if !extensions.is_empty() {
            caps.insert("extensions".into(), Value::Object(extensions.clone()));
        }
    }
    crate::tasks::advertise(shared, snap, version, &mut caps);
    Value::Object(caps)
}

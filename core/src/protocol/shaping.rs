//! Version shaping: the engine keeps one definition of each tool, resource, prompt and
//! result, and trims it here to what the negotiated protocol version can carry.

use serde_json::{Map, Value};

use super::content::{CallToolResult, Content};
use super::version::ProtocolVersion;

fn strip(obj: &mut Map<String, Value>, keys: &[&str]) {
    for k in keys {
        obj.remove(*k);
    }
}

/// Fields of definitions (tools, resources, templates, prompts, prompt arguments) that
/// `v` does not know.
fn strip_definition(obj: &mut Map<String, Value>, v: ProtocolVersion) {
    if !v.has_structured_output() {
        strip(obj, &["title", "_meta"]);
    }
    if !v.has_icons() {
        strip(obj, &["icons"]);
    }
}

/// Shapes a serialized tool definition for `v`.
pub fn tool(obj: &mut Map<String, Value>, v: ProtocolVersion) {
    strip_definition(obj, v);
    if !v.has_annotations_and_audio() {
        strip(obj, &["annotations"]);
    }
    if !v.has_structured_output() {
        strip(obj, &["outputSchema"]);
    }
    // `execution.taskSupport` belongs to the experimental core tasks of 2025-11-25; the
    // 2026-07-28 Tasks extension negotiates per request instead of per tool.
    if v != ProtocolVersion::V2025_11_25 {
        strip(obj, &["execution"]);
    }
}

/// Shapes a serialized resource or resource template for `v`.
pub fn resource(obj: &mut Map<String, Value>, v: ProtocolVersion) {
    strip_definition(obj, v);
}

/// Shapes a serialized prompt for `v`.
pub fn prompt(obj: &mut Map<String, Value>, v: ProtocolVersion) {
    strip_definition(obj, v);
    if let Some(Value::Array(args)) = obj.get_mut("arguments") {
        for a in args.iter_mut().filter_map(Value::as_object_mut) {
            strip_definition(a, v);
        }
    }
}

/// Shapes the server `Implementation` object for `v`.
pub fn implementation(obj: &mut Map<String, Value>, v: ProtocolVersion) {
    if !v.has_structured_output() {
        strip(obj, &["title"]);
    }
    if !v.has_icons() {
        strip(obj, &["description", "icons", "websiteUrl"]);
    }
}

/// Shapes a content block for `v`: audio before 2025-03-26 and resource links before
/// 2025-06-18 become text blocks that say what they were; `_meta` is dropped where unknown.
pub fn content(c: &mut Content, v: ProtocolVersion) {
    if v.has_structured_output() {
        return;
    }
    let replacement = match c {
        Content::Audio { mime_type, .. } if !v.has_annotations_and_audio() => {
            Some(Content::text(format!("[audio content ({mime_type}) not supported by protocol {v}]")))
        }
        Content::ResourceLink { uri, name, .. } => Some(Content::text(format!("{name}: {uri}"))),
        _ => None,
    };
    if let Some(r) = replacement {
        *c = r;
    }
    match c {
        Content::Text { meta, .. }
        | Content::Image { meta, .. }
        | Content::Audio { meta, .. }
        | Content::ResourceLink { meta, .. }
        | Content::Resource { meta, .. } => *meta = None,
    }
    if let Content::Resource { resource, .. } = c {
        resource.meta = None;
    }
}

/// Shapes a tool result for `v` (structured content exists from 2025-06-18).
pub fn call_result(r: &mut CallToolResult, v: ProtocolVersion) {
    if v.has_structured_output() {
        // 2025 schemas allow only object `structuredContent` (any value from 2026-07-28); the
        // text mirror carries other values.
        if !v.is_modern() && r.structured_content.as_ref().is_some_and(|s| !s.is_object()) {
            r.structured_content = None;
        }
        return;
    }
    r.structured_content = None;
    r.meta = None;
    for c in &mut r.content {
        content(c, v);
    }
}

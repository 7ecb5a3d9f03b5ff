//! The skills extension's methods: `skills/list` (every served skill's entry, paginated, an
//! entry never split), `skills/get` (one entry, by the URI of its `SKILL.md`) and
//! `resources/directory/read` (the direct children of a skill's directory). The files
//! themselves are ordinary resources, read with `resources/read`.

use serde_json::{Map, Value, json};

use crate::dispatch::call::{Call, Reply};
use crate::dispatch::reply::finish;
use crate::error::ProtocolError;
use crate::protocol::params::{ListParams, SubscribeParams};
use crate::registry::page;

/// The `uri` a method is asked about, or -32602.
fn uri<'a>(call: &'a Call<'_>) -> Result<&'a str, ProtocolError> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    let params = call.req.params.as_ref().unwrap_or_else(|| EMPTY.get_or_init(Map::new));
    Ok(SubscribeParams::read(params)?.uri)
}

/// A page of `items` at `cursor`, under `field`, with `nextCursor` when more follow.
fn paged(call: &Call<'_>, field: &str, items: Vec<Value>, cursor: Option<&str>) -> Reply {
    let total = items.len();
    let offset = match cursor {
        None => 0,
        Some(c) => page::decode(c, total)?,
    };
    let end = offset.saturating_add(call.shared.limits.page_size).min(total);
    let mut result = Map::new();
    let next = (end < total).then_some(end);
    result
        .insert(field.into(), Value::Array(items.into_iter().skip(offset).take(end.saturating_sub(offset)).collect()));
    if let Some(n) = next {
        result.insert("nextCursor".into(), json!(page::encode(n)));
    }
    finish(call.shared, call.era.is_modern(), true, &result)
}

/// Answers `skills/list`.
pub(crate) fn list(call: &Call<'_>) -> Reply {
    let ListParams { cursor } = ListParams::read(call.req.params.as_ref())?;
    let entries = call.snap.skills.iter().map(|s| s.entry()).collect();
    paged(call, "skills", entries, cursor)
}

/// Answers `skills/get`: -32602 for a URI that names no served skill.
pub(crate) fn get(call: &Call<'_>) -> Reply {
    let uri = uri(call)?;
    let skill = call
        .snap
        .skills
        .by_uri(uri)
        .ok_or_else(|| ProtocolError::invalid_params(format!("no skill is served at {uri}")))?;
    finish(call.shared, call.era.is_modern(), true, &json!({ "skill": skill.entry() }))
}

/// Answers `resources/directory/read`: -32602 for a URI that is no directory of a skill.
pub(crate) fn directory(call: &Call<'_>) -> Reply {
    let uri = uri(call)?;
    let children = call
        .snap
        .skills
        .directory(uri)
        .ok_or_else(|| ProtocolError::invalid_params(format!("{uri} is not a directory of a served skill")))?;
    let ListParams { cursor } = ListParams::read(call.req.params.as_ref())?;
    paged(call, "resources", children, cursor)
}

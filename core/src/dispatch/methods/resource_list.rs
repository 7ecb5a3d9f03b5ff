//! `resources/list`: the concrete resources, then what each resource template's lister
//! returns at the time of the request (templates without a lister add nothing), paginated
//! over the whole; under a catalogue hook only the visible resources and the listers of
//! visible templates. A page that holds concrete resources only is the catalog's page
//! (cached when all are visible); the listers run only for a page that reaches past them.

use serde_json::{Map, Value, json};

use crate::catalogue::Kind;
use crate::context::InputState;
use crate::dispatch::call::{Call, Reply};
use crate::dispatch::methods::lists;
use crate::dispatch::reply::finish;
use crate::dispatch::rounds::{context, non_tool_error};
use crate::error::ProtocolError;
use crate::protocol::params::ListParams;
use crate::registry::catalog::Listed;
use crate::registry::page;

/// Answers `resources/list`.
pub(crate) async fn list_resources(call: Call<'_>) -> Reply {
    let Call { shared, peer, ref era, ref req, cancel, ref snap, ref sight, .. } = call;
    let params = req.params.as_ref();
    let templates = sight.of(Kind::ResourceTemplates).await;
    let listers: Vec<_> = snap.templates.iter().filter(|t| t.lister.is_some() && templates.contains(t.key())).collect();
    let shown = sight.of(Kind::Resources).await;
    let resources: Vec<_> = snap.resources.iter().filter(|r| shown.contains(r.key())).collect();
    let ListParams { cursor } = ListParams::read(params)?;
    let offset = match cursor {
        None => 0,
        Some(c) => page::decode(c, usize::MAX)?,
    };
    let page_size = shared.limits.page_size;
    let concrete = resources.len();
    // The offset is the client's: any number a cursor can hold, so no sum may overflow.
    if listers.is_empty() || offset.saturating_add(page_size) < concrete {
        return lists::page_at(&call, cursor, &snap.resources, "resources", &shown);
    }
    let version = era.version();
    let mut all: Vec<Value> = resources.iter().skip(offset).map(|r| r.list_json(version)).collect();
    let mut listed = 0;
    for template in listers {
        let Some(lister) = &template.lister else { continue };
        let ctx = context(shared, peer, era, &req.id, params, cancel, InputState::default());
        let resources = lister.list(ctx.clone()).await;
        ctx.finish();
        for r in resources.map_err(non_tool_error)? {
            listed += 1;
            all.push(template.listed_json(r, version));
        }
    }
    let total = concrete + listed;
    if offset > total {
        let cursor = cursor.unwrap_or_default();
        return Err(ProtocolError::invalid_params(format!("invalid cursor `{cursor}`")));
    }
    // `all` starts at `offset` within the concrete resources, or holds every listed one.
    let skip = offset.saturating_sub(concrete);
    let end = offset.saturating_add(page_size).min(total);
    let items: Vec<Value> = all.into_iter().skip(skip).take(end - offset).collect();
    let mut result = Map::new();
    result.insert("resources".into(), Value::Array(items));
    if end < total {
        result.insert("nextCursor".into(), json!(page::encode(end)));
    }
    finish(shared, era.is_modern(), true, &result)
}

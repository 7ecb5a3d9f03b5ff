//! The paginated `*/list` results: served from the catalogs' page caches, or built for the
//! request when a catalogue hook decides what it may see.

use serde_json::{Map, Value, json};

use crate::catalogue::Visible;
use crate::dispatch::call::{Call, Reply};
use crate::dispatch::reply::finish;
use crate::protocol::params::ListParams;
use crate::registry::Catalog;
use crate::registry::catalog::Listed;
use crate::registry::page;

/// A paginated `*/list` result of the entries of `catalog` that `visible` holds, at the
/// request's cursor.
pub(crate) fn list<T: Listed>(call: &Call<'_>, catalog: &Catalog<T>, field: &str, visible: &Visible) -> Reply {
    let ListParams { cursor } = ListParams::read(call.req.params.as_ref())?;
    page_at(call, cursor, catalog, field, visible)
}

/// The page at `cursor` (`None`: the first) of the entries of `catalog` that `visible`
/// holds: the catalog's cached page when all are visible, else a page built over the
/// visible ones.
pub(crate) fn page_at<T: Listed>(
    call: &Call<'_>,
    cursor: Option<&str>,
    catalog: &Catalog<T>,
    field: &str,
    visible: &Visible,
) -> Reply {
    let (shared, era) = (call.shared, &call.era);
    let shown: Option<Vec<_>> = match visible {
        Visible::All => None,
        Visible::Only(_) => Some(catalog.iter().filter(|t| visible.contains(t.key())).collect()),
    };
    let total = shown.as_ref().map_or(catalog.len(), Vec::len);
    let offset = match cursor {
        None => 0,
        Some(c) => page::decode(c, total)?,
    };
    let modern = era.is_modern();
    let result = |items: Vec<Value>, next: Option<usize>| {
        let mut result = Map::new();
        result.insert(field.into(), Value::Array(items));
        if let Some(n) = next {
            result.insert("nextCursor".into(), json!(page::encode(n)));
        }
        finish(shared, modern, true, &result)
    };
    let Some(shown) = shown else {
        let mut failed = None;
        let bytes = catalog.page(era.version(), offset, shared.limits.page_size, |items, next| {
            result(items, next).unwrap_or_else(|e| {
                failed = Some(e);
                Vec::new()
            })
        });
        return match failed {
            Some(e) => Err(e),
            None => Ok(bytes.as_ref().clone()),
        };
    };
    let end = offset.saturating_add(shared.limits.page_size).min(total);
    let items = shown[offset.min(end)..end].iter().map(|t| t.list_json(era.version())).collect();
    result(items, (end < total).then_some(end))
}

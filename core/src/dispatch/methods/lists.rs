//! The paginated `*/list` results, served from the catalogs' page caches.

use serde_json::{Map, Value, json};

use crate::dispatch::reply::finish;
use crate::dispatch::router::{Era, Reply};
use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::registry::page;

/// A paginated `*/list` result, served from the catalog's page cache.
pub(crate) fn list<T: crate::registry::catalog::Listed>(
    shared: &ServerShared,
    era: &Era,
    params: Option<&Map<String, Value>>,
    catalog: &crate::registry::Catalog<T>,
    field: &str,
) -> Reply {
    let offset = match params.and_then(|p| p.get("cursor")) {
        None | Some(Value::Null) => 0,
        Some(Value::String(c)) => page::decode(c, catalog.len())?,
        Some(_) => return Err(ProtocolError::invalid_params("`cursor` must be a string")),
    };
    let modern = era.is_modern();
    let mut failed = None;
    let bytes = catalog.page(era.version(), offset, shared.limits.page_size, |items, next| {
        let mut result = Map::new();
        result.insert(field.into(), Value::Array(items));
        if let Some(n) = next {
            result.insert("nextCursor".into(), json!(page::encode(n)));
        }
        finish(shared, modern, true, &result).unwrap_or_else(|e| {
            failed = Some(e);
            Vec::new()
        })
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(bytes.as_ref().clone()),
    }
}

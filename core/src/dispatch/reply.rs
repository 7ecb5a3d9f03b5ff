//! Serializing a result for its era: on the 2026 wire every result carries `resultType` and
//! the server's identity in `_meta`, and cacheable ones `ttlMs`/`cacheScope`.

use serde::Serialize;
use serde_json::{Value, json};

use crate::dispatch::call::Reply;
use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::protocol::meta::{self};

/// Serializes a result object; on the 2026 wire adds `resultType`, the server's identity in
/// `_meta`, and (for cacheable results) `ttlMs`/`cacheScope`.
pub(crate) fn finish<T: Serialize>(shared: &ServerShared, modern: bool, cacheable: bool, result: &T) -> Reply {
    finish_sized(shared, modern, cacheable, result, 128)
}

/// [`finish`] into a buffer of `capacity` bytes at first: a caller that knows about how
/// large the result is (a tool's text) saves the buffer's regrowth, a copy of it each time.
pub(crate) fn finish_sized<T: Serialize>(
    shared: &ServerShared,
    modern: bool,
    cacheable: bool,
    result: &T,
    capacity: usize,
) -> Reply {
    let mut bytes = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut bytes, result).map_err(ProtocolError::internal)?;
    if !modern {
        return Ok(bytes);
    }
    if bytes.last() != Some(&b'}') {
        return Err(ProtocolError::internal("result is not an object"));
    }
    bytes.pop();
    if bytes.len() > 1 {
        bytes.push(b',');
    }
    bytes.extend_from_slice(&shared.modern_suffix);
    if cacheable {
        bytes.push(b',');
        bytes.extend_from_slice(&shared.cache_suffix);
    }
    bytes.push(b'}');
    Ok(bytes)
}

/// Like [`finish`] for a result built as a JSON value, which may carry its own `_meta`
/// (merged with the server's) or its own `resultType` (kept).
pub(crate) fn finish_value(shared: &ServerShared, modern: bool, cacheable: bool, mut result: Value) -> Reply {
    if let (true, Some(obj)) = (modern, result.as_object_mut()) {
        obj.entry("resultType").or_insert_with(|| json!("complete"));
        let meta = obj.entry("_meta").or_insert_with(|| json!({}));
        if let Some(m) = meta.as_object_mut() {
            m.insert(meta::SERVER_INFO_KEY.into(), shared.info.clone());
        }
        if cacheable {
            obj.insert("ttlMs".into(), json!(shared.cache_ttl_ms));
            obj.insert("cacheScope".into(), json!(shared.cache_scope));
        }
    }
    serde_json::to_vec(&result).map_err(ProtocolError::internal)
}

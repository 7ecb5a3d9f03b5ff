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
    seal(shared, modern, cacheable, bytes)
}

/// The start of a result that is one text block, up to the text's JSON string.
const TEXT_HEAD: &[u8] = br#"{"content":[{"type":"text","text":"#;

/// The result of a tool that answered `text` alone, `{"content":[{"type":"text","text":…}]}`:
/// the bytes [`finish`] writes for `CallToolResult::text(text)`, written without building
/// that result, its content list and its serializer state (the most common answer of all).
pub(crate) fn finish_text(shared: &ServerShared, modern: bool, text: &str) -> Reply {
    let capacity = TEXT_HEAD.len() + text.len() + text.len() / 16 + 8 + shared.modern_suffix.len();
    let mut bytes = Vec::with_capacity(capacity);
    bytes.extend_from_slice(TEXT_HEAD);
    serde_json::to_writer(&mut bytes, text).map_err(ProtocolError::internal)?;
    bytes.extend_from_slice(b"}]}");
    seal(shared, modern, false, bytes)
}

/// Ends a serialized result object for its era: on the 2026 wire, `resultType` and the
/// server's identity (and the cache fields when `cacheable`) go in before its closing brace.
fn seal(shared: &ServerShared, modern: bool, cacheable: bool, mut bytes: Vec<u8>) -> Reply {
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
/// (merged with the server's) or its own `resultType`, `ttlMs` and `cacheScope` (kept).
pub(crate) fn finish_value(shared: &ServerShared, modern: bool, cacheable: bool, mut result: Value) -> Reply {
    if let (true, Some(obj)) = (modern, result.as_object_mut()) {
        obj.entry("resultType").or_insert_with(|| json!("complete"));
        let meta = obj.entry("_meta").or_insert_with(|| json!({}));
        if let Some(m) = meta.as_object_mut() {
            m.insert(meta::SERVER_INFO_KEY.into(), shared.info.clone());
        }
        if cacheable {
            obj.entry("ttlMs").or_insert_with(|| json!(shared.cache_ttl_ms));
            obj.entry("cacheScope").or_insert_with(|| json!(shared.cache_scope));
        }
    }
    serde_json::to_vec(&result).map_err(ProtocolError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::CallToolResult;

    /// The text fast path writes, byte for byte, what the general path writes for the same
    /// one-block result, on both wires, whatever the text holds.
    #[test]
    fn a_text_result_has_the_bytes_of_the_general_path() {
        let server = crate::Server::builder("reply-test", "1.0.0").build().expect("a server");
        let shared = &server.shared;
        let texts = [
            "",
            "hello",
            "quote \" backslash \\ slash /",
            "line\nbreak\ttab\r\u{1}\u{1f}",
            "é 日本 🦀",
            "{\"json\":[1,2]}",
        ];
        for modern in [false, true] {
            for text in texts {
                let general = finish(shared, modern, false, &CallToolResult::text(text)).expect("general");
                let fast = finish_text(shared, modern, text).expect("fast");
                assert_eq!(
                    String::from_utf8(fast).unwrap(),
                    String::from_utf8(general).unwrap(),
                    "{text:?}, modern {modern}"
                );
            }
        }
    }
}

//! What a handler can learn about the transport request that carried its message: for
//! Streamable HTTP (and the 2024-11-05 HTTP+SSE transport's POSTs), the HTTP request's
//! headers, the transport's own map moved (not copied) behind an `Arc` and shared by the
//! engine's checks and every context of the request.

use std::fmt;

use axum::http::header::{AUTHORIZATION, COOKIE, HeaderName, PROXY_AUTHORIZATION};
use axum::http::{HeaderMap, HeaderValue};

/// The HTTP request that carried a message to the server. Its `Debug` form shows the
/// credentials it carries (`Authorization`, `Proxy-Authorization`, `Cookie`, and
/// `Mcp-Session-Id`, the only key of a session without bearer tokens) as `Sensitive`,
/// so logging it leaks no token; [`HttpRequestInfo::header`] still reads them.
///
/// The values are slices of the connection's read buffer: a context kept past its request
/// keeps that buffer too (the engine gives what outlives a request, a task's run, a copy
/// of its own). Copy out what a handler needs to keep.
#[derive(Default)]
pub struct HttpRequestInfo {
    headers: HeaderMap,
}

impl HttpRequestInfo {
    /// The headers of a request, taken over from the transport (no copy).
    pub(crate) fn new(headers: HeaderMap) -> HttpRequestInfo {
        HttpRequestInfo { headers }
    }

    /// The transport's map, for the engine's own checks.
    pub(crate) fn map(&self) -> &HeaderMap {
        &self.headers
    }

    /// A copy whose values own their bytes, for a holder that outlives the request (a
    /// task's run): it keeps nothing of the connection's read buffer.
    pub(crate) fn detached(&self) -> HttpRequestInfo {
        let mut headers = HeaderMap::with_capacity(self.headers.len());
        for (name, value) in &self.headers {
            // `HeaderName`s are copied by the transport when it parses them; values are not.
            let mut copy = HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| HeaderValue::from_static(""));
            copy.set_sensitive(value.is_sensitive());
            headers.append(name.clone(), copy);
        }
        HttpRequestInfo { headers }
    }

    /// Every header, names lowercase, values as bytes (a name sent several times appears
    /// once per value, its values together, in the order they came).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes()))
    }

    /// The first value of the header `name` (any case) when it is visible ASCII text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

impl fmt::Debug for HttpRequestInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.headers {
            if value.is_sensitive() || is_credential(name) {
                map.entry(&name.as_str(), &format_args!("Sensitive"));
            } else {
                map.entry(&name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
            }
        }
        map.finish()
    }
}

/// Whether a header carries a credential: `Authorization`, `Proxy-Authorization`, `Cookie`,
/// or `Mcp-Session-Id`.
fn is_credential(name: &HeaderName) -> bool {
    name == AUTHORIZATION || name == PROXY_AUTHORIZATION || name == COOKIE || name.as_str() == "mcp-session-id"
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};
    use bytes::Bytes;

    use super::HttpRequestInfo;

    #[test]
    fn credentials_are_hidden_from_debug_and_every_header_is_kept_in_order() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        headers.append("cookie", HeaderValue::from_static("a=1"));
        headers.append("cookie", HeaderValue::from_static("b=2"));
        headers.insert("proxy-authorization", HeaderValue::from_static("Basic p"));
        headers.insert("mcp-session-id", HeaderValue::from_static("s1"));
        headers.insert("user-agent", HeaderValue::from_static("test"));
        let info = HttpRequestInfo::new(headers);
        let shown = format!("{info:?}");
        for secret in ["Bearer t", "a=1", "b=2", "Basic p", "s1"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("\"user-agent\": \"test\""), "{shown}");
        let all: Vec<_> = info.headers().collect();
        assert_eq!(all.len(), 6);
        assert_eq!(all[1], ("cookie", &b"a=1"[..]));
        assert_eq!(all[2], ("cookie", &b"b=2"[..]));
        assert_eq!(info.header("Cookie"), Some("a=1"));
        assert_eq!(info.header("MCP-Session-Id"), Some("s1"));
        assert_eq!(info.header("x-absent"), None);
    }

    #[test]
    fn a_detached_copy_keeps_nothing_of_the_transport_buffer() {
        let read_buffer = Bytes::from(b"Bearer token\xffbinary".to_vec());
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_maybe_shared(read_buffer.slice(0..12)).unwrap());
        headers.insert("x-binary", HeaderValue::from_maybe_shared(read_buffer.slice(12..)).unwrap());
        let shared = HttpRequestInfo::new(headers);
        assert!(!read_buffer.is_unique(), "the request's own map shares the transport buffer");
        let info = shared.detached();
        drop(shared);
        assert!(read_buffer.is_unique(), "a detached copy must not keep the read buffer alive");
        assert_eq!(info.header("authorization"), Some("Bearer token"));
        // Not visible ASCII: listed, but not readable as text.
        assert_eq!(info.header("x-binary"), None);
        assert_eq!(info.headers().nth(1), Some(("x-binary", &b"\xffbinary"[..])));
    }
}

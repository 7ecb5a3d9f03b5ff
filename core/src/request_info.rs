//! What a handler can learn about the transport request that carried its message: for
//! Streamable HTTP (and the 2024-11-05 HTTP+SSE transport's POSTs), the HTTP request's
//! headers, copied once into a compact form held by `Arc` and shared by every context of
//! the request.

use std::fmt;

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE, HeaderName, PROXY_AUTHORIZATION};

/// The HTTP request that carried a message to the server. Its `Debug` form shows the
/// credentials it carries (`Authorization`, `Proxy-Authorization`, `Cookie`, and
/// `Mcp-Session-Id`, the only key of a session without bearer tokens) as `Sensitive`,
/// so logging it leaks no token; [`HttpRequestInfo::header`] still reads them.
#[derive(Default)]
pub struct HttpRequestInfo {
    /// Every header's name and value, one after another.
    text: Box<[u8]>,
    entries: Box<[Entry]>,
}

/// Where one header sits in [`HttpRequestInfo::text`].
struct Entry {
    name_end: u32,
    start: u32,
    end: u32,
    sensitive: bool,
}

impl HttpRequestInfo {
    /// Copies the headers of a request, its credentials marked sensitive. A copy, in two
    /// allocations, rather than the transport's map: its values are slices of the
    /// connection's read buffer, and a context kept alive (by a language's garbage collector,
    /// or by a task) would pin that whole buffer and make the connection allocate a new
    /// one for every request.
    pub(crate) fn new(headers: &HeaderMap) -> HttpRequestInfo {
        let size = headers.iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
        let mut text = Vec::with_capacity(size);
        let mut entries = Vec::with_capacity(headers.len());
        for (name, value) in headers {
            let start = text.len();
            text.extend_from_slice(name.as_str().as_bytes());
            let name_end = text.len();
            text.extend_from_slice(value.as_bytes());
            // Header blocks are bounded far below 4 GiB by the transport.
            entries.push(Entry {
                start: start as u32,
                name_end: name_end as u32,
                end: text.len() as u32,
                sensitive: value.is_sensitive() || is_credential(name),
            });
        }
        HttpRequestInfo { text: text.into_boxed_slice(), entries: entries.into_boxed_slice() }
    }

    fn name(&self, e: &Entry) -> &str {
        // Header names are ASCII: the copy of a `HeaderName` is valid UTF-8.
        std::str::from_utf8(&self.text[e.start as usize..e.name_end as usize]).unwrap_or_default()
    }

    fn value(&self, e: &Entry) -> &[u8] {
        &self.text[e.name_end as usize..e.end as usize]
    }

    /// Every header in order, names lowercase, values as bytes (a name sent several times
    /// appears several times).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.entries.iter().map(|e| (self.name(e), self.value(e)))
    }

    /// The first value of the header `name` (any case) when it is visible ASCII text.
    pub fn header(&self, name: &str) -> Option<&str> {
        let e = self.entries.iter().find(|e| self.name(e).eq_ignore_ascii_case(name))?;
        let value = self.value(e);
        if value.iter().all(|b| (0x20..0x7f).contains(b) || *b == b'\t') {
            std::str::from_utf8(value).ok()
        } else {
            None
        }
    }
}

impl fmt::Debug for HttpRequestInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for e in self.entries.iter() {
            if e.sensitive {
                map.entry(&self.name(e), &format_args!("Sensitive"));
            } else {
                map.entry(&self.name(e), &String::from_utf8_lossy(self.value(e)));
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
        let info = HttpRequestInfo::new(&headers);
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
    fn values_are_copied_out_of_the_transport_buffer() {
        let read_buffer = Bytes::from(b"Bearer token\xffbinary".to_vec());
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_maybe_shared(read_buffer.slice(0..12)).unwrap());
        headers.insert("x-binary", HeaderValue::from_maybe_shared(read_buffer.slice(12..)).unwrap());
        let info = HttpRequestInfo::new(&headers);
        drop(headers);
        assert!(read_buffer.is_unique(), "the request's info must not keep the read buffer alive");
        assert_eq!(info.header("authorization"), Some("Bearer token"));
        // Not visible ASCII: listed, but not readable as text.
        assert_eq!(info.header("x-binary"), None);
        assert_eq!(info.headers().nth(1), Some(("x-binary", &b"\xffbinary"[..])));
    }
}

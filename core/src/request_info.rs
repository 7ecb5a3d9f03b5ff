//! What a handler can learn about the transport request that carried its message: for
//! Streamable HTTP (and the 2024-11-05 HTTP+SSE transport's POSTs), the HTTP request's
//! headers. Held by `Arc` and shared by every context of the request, never copied.

use axum::http::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION};
use axum::http::{HeaderMap, HeaderName};

/// The HTTP request that carried a message to the server. Its `Debug` form shows the
/// credentials it carries (`Authorization`, `Proxy-Authorization`, `Cookie`, and
/// `Mcp-Session-Id`, the only key of a session without bearer tokens) as `Sensitive`,
/// so logging it leaks no token; [`HttpRequestInfo::header`] still reads them.
#[derive(Debug, Default)]
pub struct HttpRequestInfo {
    headers: HeaderMap,
}

impl HttpRequestInfo {
    /// Wraps the headers of a request (moved, not copied), its credentials marked sensitive.
    /// One pass over the headers: looking each credential up by name would hash it, and
    /// [`HeaderMap::entry`] may grow the map even when the name is absent.
    pub(crate) fn new(mut headers: HeaderMap) -> HttpRequestInfo {
        for (name, value) in headers.iter_mut() {
            if is_credential(name) {
                value.set_sensitive(true);
            }
        }
        HttpRequestInfo { headers }
    }

    /// The headers as the transport read them.
    pub(crate) fn header_map(&self) -> &HeaderMap {
        &self.headers
    }

    /// Every header in order, names lowercase, values as bytes (a name sent several times
    /// appears several times).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.headers.iter().map(|(name, value)| (name.as_str(), value.as_bytes()))
    }

    /// The first value of the header `name` (any case) when it is visible ASCII text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
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

    use super::HttpRequestInfo;

    #[test]
    fn credentials_are_sensitive_and_other_headers_are_not() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        headers.append("cookie", HeaderValue::from_static("a=1"));
        headers.append("cookie", HeaderValue::from_static("b=2"));
        headers.insert("proxy-authorization", HeaderValue::from_static("Basic p"));
        headers.insert("mcp-session-id", HeaderValue::from_static("s1"));
        headers.insert("user-agent", HeaderValue::from_static("test"));
        let info = HttpRequestInfo::new(headers);
        for (name, value) in info.header_map() {
            assert_eq!(value.is_sensitive(), name.as_str() != "user-agent", "{name}");
        }
        assert_eq!(info.header_map().len(), 6);
        assert_eq!(info.header("Cookie"), Some("a=1"));
    }
}

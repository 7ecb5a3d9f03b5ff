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
    pub(crate) fn new(mut headers: HeaderMap) -> HttpRequestInfo {
        let session = HeaderName::from_static("mcp-session-id");
        for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE, session] {
            if let axum::http::header::Entry::Occupied(mut entry) = headers.entry(name) {
                for value in entry.iter_mut() {
                    value.set_sensitive(true);
                }
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

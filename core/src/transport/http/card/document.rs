//! The server card document (SEP-2127): the identity `serverInfo` gives, the remotes a
//! client connects to with the protocol versions each serves, and the card's reverse-DNS
//! name, derived when the options give none. The values the card schema bounds (name,
//! description, title, version) are clipped to its bounds, so the card always validates.

use std::net::SocketAddr;

use serde_json::{Map, Value, json};

use super::super::options::HttpOptions;
use crate::protocol::ProtocolVersion;

/// The `$schema` every card names: the v1 card schema.
pub(crate) const SCHEMA_URL: &str = "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json";

/// What a card is made from, besides the catalogue.
pub(crate) struct Facts<'a> {
    /// The server's `serverInfo` (name, version, title, description, websiteUrl, icons).
    pub info: &'a Value,
    /// The protocol versions the server serves.
    pub versions: &'a [ProtocolVersion],
    pub options: &'a HttpOptions,
    /// The listener's bound address, when the engine's listener serves the application.
    pub bound: Option<SocketAddr>,
}

impl Facts<'_> {
    /// The URL of the MCP endpoint clients connect to: the configured public URL, the
    /// `auth` resource, or the bound address (not a wildcard one) and path.
    pub(crate) fn endpoint_url(&self) -> Option<String> {
        let o = self.options;
        if let Some(u) = &o.server_card.public_url {
            return Some(u.clone());
        }
        if let Some(a) = &o.auth {
            return Some(a.resource.clone());
        }
        let scheme = if o.tls.is_some() { "https" } else { "http" };
        self.bound.filter(|b| !b.ip().is_unspecified()).map(|b| format!("{scheme}://{b}{}", o.path))
    }

    /// The card without the catalogue: `$schema`, identity, `repository` and `remotes`.
    pub(crate) fn card(&self) -> Map<String, Value> {
        let info = self.info;
        let text = |key: &str| info.get(key).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
        let server = text("name").unwrap_or("server");
        let url = self.endpoint_url();
        let name = self.options.server_card.name.clone().unwrap_or_else(|| derived_name(server, url.as_deref()));
        let description =
            text("description").or(text("title")).map_or_else(|| format!("MCP server {server}"), str::to_owned);
        let mut card = Map::new();
        card.insert("$schema".into(), json!(SCHEMA_URL));
        card.insert("name".into(), json!(name));
        card.insert("version".into(), json!(clip(text("version").unwrap_or("0.0.0"), 255)));
        card.insert("description".into(), json!(clip(&description, 100)));
        if let Some(t) = text("title") {
            card.insert("title".into(), json!(clip(t, 100)));
        }
        if let Some(w) = text("websiteUrl") {
            card.insert("websiteUrl".into(), json!(w));
        }
        if let Some(r) = &self.options.server_card.repository {
            card.insert("repository".into(), r.clone());
        }
        if let Some(icons) = info.get("icons").filter(|i| i.as_array().is_some_and(|a| !a.is_empty())) {
            card.insert("icons".into(), icons.clone());
        }
        if let Some(url) = url {
            card.insert("remotes".into(), Value::Array(self.remotes(&url)));
        }
        card
    }

    /// The Streamable HTTP remote at `url`, and the HTTP+SSE one beside it when served.
    fn remotes(&self, url: &str) -> Vec<Value> {
        let o = self.options;
        let served = |legacy: bool| -> Vec<&'static str> {
            self.versions.iter().filter(|v| v.is_modern() != legacy).map(|v| v.as_str()).collect()
        };
        let mut streamable = served(false);
        if o.legacy_sessions {
            streamable.extend(served(true));
        }
        let mut remotes = vec![self.remote("streamable-http", url.to_owned(), &streamable)];
        let legacy = served(true);
        if o.legacy_sse && !legacy.is_empty() {
            let prefix = url.strip_suffix(o.path.as_str()).unwrap_or_else(|| origin(url));
            remotes.push(self.remote("sse", format!("{prefix}{}", o.sse_path), &legacy));
        }
        remotes
    }

    /// One remote: its type, URL and versions; the `Authorization` header it needs when
    /// bearer authorization is on; with the catalogue, its `authentication` too.
    fn remote(&self, kind: &str, url: String, versions: &[&str]) -> Value {
        let mut remote = json!({ "type": kind, "url": url, "supportedProtocolVersions": versions });
        let auth = self.options.auth.as_ref();
        if auth.is_some() {
            remote["headers"] = json!([{
                "name": "Authorization",
                "description": "Bearer token (OAuth 2.1); see /.well-known/oauth-protected-resource",
                "isRequired": true,
                "isSecret": true,
            }]);
        }
        if self.options.server_card.catalogue {
            let mut schemes = Vec::new();
            if let Some(a) = auth {
                schemes.push("bearer");
                if !a.authorization_servers.is_empty() {
                    schemes.push("oauth2");
                }
            }
            remote["authentication"] = json!({ "required": auth.is_some(), "schemes": schemes });
        }
        remote
    }
}

/// `scheme://authority` of `url` (all of it when it has no path).
fn origin(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    url[start..].find('/').map_or(url, |i| &url[..start + i])
}

/// The host of `url`, without port or IPv6 brackets.
fn host(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let authority = &origin(url)[start..];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split_once(']').map(|(h, _)| h);
    }
    Some(authority.split_once(':').map_or(authority, |(h, _)| h))
}

/// The reverse-DNS card name for the server called `server` at `url` (see
/// [`super::ServerCardOptions::name`]).
pub(crate) fn derived_name(server: &str, url: Option<&str>) -> String {
    let domain = url.and_then(host).filter(|h| {
        h.contains('.')
            && h.parse::<std::net::IpAddr>().is_err()
            && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    });
    let namespace = domain.map_or_else(|| "localhost".to_owned(), |d| d.split('.').rev().collect::<Vec<_>>().join("."));
    let local: String =
        server.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' }).collect();
    let room = 200usize.saturating_sub(namespace.len() + 1).max(1);
    format!("{}/{}", clip(&namespace, 199), clip(&local, room))
}

/// The first `max` characters of `s`.
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::super::options::is_card_name;
    use super::*;

    #[test]
    fn names_are_derived_from_the_host_and_the_server() {
        assert_eq!(derived_name("weather", Some("https://mcp.example.com/mcp")), "com.example.mcp/weather");
        assert_eq!(derived_name("my server!", Some("http://127.0.0.1:3000/mcp")), "localhost/my-server-");
        assert_eq!(derived_name("w", Some("http://[::1]:80/mcp")), "localhost/w");
        assert_eq!(derived_name("w", None), "localhost/w");
        assert!(is_card_name(&derived_name(&"x".repeat(500), Some("https://a.b/mcp"))));
        assert!(is_card_name("com.example/weather_v2") && !is_card_name("a/b/c") && !is_card_name("nos"));
        assert!(!is_card_name("ex_ample/x"));
    }
}

//! How a mounted upstream's items are named on the proxy ([`Naming`]): with a prefix, its
//! tools and prompts are served as `PREFIX_NAME`, and its resource URIs and templates as
//! `SCHEME://PREFIX/REST` for `SCHEME://REST` (a URI without `://` as `PREFIX+URI`), so that
//! several servers can be mounted side by side without their names meeting. Every rewrite is
//! reversible: what a client sends back (a tool's name, a URI read or subscribed, a
//! completion's reference) is turned back into the upstream's own name before it is
//! forwarded, and what the upstream sends about its resources is renamed on its way out.

use serde_json::Value;

/// The names of one upstream on the proxy: its own, or prefixed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Naming {
    prefix: Option<String>,
}

/// What separates a prefix from a tool's or prompt's name.
const NAME_SEPARATOR: char = '_';
/// What separates a prefix from a URI that has no `://`.
const OPAQUE_SEPARATOR: char = '+';

impl Naming {
    /// The names of an upstream mounted under `prefix` (none: its own names).
    pub(crate) fn new(prefix: Option<String>) -> Naming {
        Naming { prefix: prefix.filter(|p| !p.is_empty()) }
    }

    /// A tool's or prompt's name on the proxy.
    pub(crate) fn outer_name(&self, name: &str) -> String {
        match &self.prefix {
            Some(prefix) => format!("{prefix}{NAME_SEPARATOR}{name}"),
            None => name.to_owned(),
        }
    }

    /// The upstream's own name of a tool or prompt named `outer` on the proxy; `None` when
    /// `outer` is not one of this upstream's names.
    pub(crate) fn inner_name<'a>(&self, outer: &'a str) -> Option<&'a str> {
        match &self.prefix {
            Some(prefix) => outer.strip_prefix(prefix.as_str())?.strip_prefix(NAME_SEPARATOR),
            None => Some(outer),
        }
    }

    /// A resource URI (or URI template) on the proxy.
    pub(crate) fn outer_uri(&self, uri: &str) -> String {
        let Some(prefix) = &self.prefix else { return uri.to_owned() };
        match uri.split_once("://") {
            Some((scheme, rest)) => format!("{scheme}://{prefix}/{rest}"),
            None => format!("{prefix}{OPAQUE_SEPARATOR}{uri}"),
        }
    }

    /// The upstream's own URI of `outer`; `None` when `outer` is not one of this upstream's.
    pub(crate) fn inner_uri(&self, outer: &str) -> Option<String> {
        let Some(prefix) = &self.prefix else { return Some(outer.to_owned()) };
        match outer.split_once("://") {
            Some((scheme, rest)) => {
                let rest = rest.strip_prefix(prefix.as_str())?.strip_prefix('/')?;
                Some(format!("{scheme}://{rest}"))
            }
            None => Some(outer.strip_prefix(prefix.as_str())?.strip_prefix(OPAQUE_SEPARATOR)?.to_owned()),
        }
    }

    /// `definition` (a listed item) as the proxy lists it: its member `key` (`name`, `uri`
    /// or `uriTemplate`) renamed.
    pub(crate) fn outer_definition(&self, key: &str, mut definition: Value) -> Value {
        if self.prefix.is_none() {
            return definition;
        }
        let renamed = definition.get(key).and_then(Value::as_str).map(|inner| match key {
            "name" => self.outer_name(inner),
            _ => self.outer_uri(inner),
        });
        if let Some(renamed) = renamed {
            definition[key] = Value::String(renamed);
        }
        definition
    }

    /// `params` (of a request naming a resource) with its `uri` turned back into the
    /// upstream's own.
    pub(crate) fn inner_uri_params(&self, mut params: Value) -> Value {
        if let Some(inner) = params.get("uri").and_then(Value::as_str).and_then(|u| self.inner_uri(u)) {
            params["uri"] = Value::String(inner);
        }
        params
    }

    /// `params` (of the upstream's notification about a resource) with its `uri` renamed.
    pub(crate) fn outer_uri_params(&self, params: &Value) -> Value {
        let mut params = params.clone();
        if let Some(outer) = params.get("uri").and_then(Value::as_str).map(|u| self.outer_uri(u)) {
            params["uri"] = Value::String(outer);
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_uris_round_trip_under_a_prefix() {
        let naming = Naming::new(Some("weather".into()));
        assert_eq!(naming.outer_name("forecast"), "weather_forecast");
        assert_eq!(naming.inner_name("weather_forecast"), Some("forecast"));
        assert_eq!(naming.inner_name("news_forecast"), None);
        for uri in ["file:///etc/hosts", "data://city/{name}", "urn:isbn:1", "ui://app"] {
            let outer = naming.outer_uri(uri);
            assert_ne!(outer, uri);
            assert_eq!(naming.inner_uri(&outer).as_deref(), Some(uri), "{uri} -> {outer}");
        }
        assert_eq!(naming.outer_uri("data://city/{name}"), "data://weather/city/{name}");
        assert_eq!(naming.inner_uri("data://news/city/x"), None);
    }

    #[test]
    fn no_prefix_changes_nothing() {
        let naming = Naming::new(None);
        assert_eq!(naming.outer_name("a"), "a");
        assert_eq!(naming.inner_uri("x://y").as_deref(), Some("x://y"));
        let tool = json!({ "name": "a", "inputSchema": {} });
        assert_eq!(naming.outer_definition("name", tool.clone()), tool);
        assert_eq!(Naming::new(Some(String::new())), naming);
    }

    #[test]
    fn definitions_and_params_are_renamed() {
        let naming = Naming::new(Some("m".into()));
        let tool = naming.outer_definition("name", json!({ "name": "echo", "title": "Echo" }));
        assert_eq!(tool, json!({ "name": "m_echo", "title": "Echo" }));
        let template = naming.outer_definition("uriTemplate", json!({ "uriTemplate": "x://{id}", "name": "n" }));
        assert_eq!(template["uriTemplate"], "x://m/{id}");
        assert_eq!(naming.inner_uri_params(json!({ "uri": "x://m/1" })), json!({ "uri": "x://1" }));
        assert_eq!(naming.outer_uri_params(&json!({ "uri": "x://1" })), json!({ "uri": "x://m/1" }));
    }
}

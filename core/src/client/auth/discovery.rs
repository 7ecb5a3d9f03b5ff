//! Finding the authorization server of an MCP endpoint: its protected-resource metadata
//! (RFC 9728; the challenge's `resource_metadata`, else the path-inserted then the root
//! well-known URL) and the authorization server's metadata (RFC 8414, then OpenID Connect
//! discovery, in the order the MCP authorization spec gives), each checked against what it
//! was looked up for (the `resource`, the `issuer`).

use hyper::Uri;
use serde_json::Value;

use super::address::{origin, parse, resolve};
use super::fetch::{Payload, fetch};
use crate::dial::Trust;

/// The protected-resource metadata the client uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMetadata {
    /// The resource identifier (the `resource` parameter of authorization and token requests).
    pub resource: String,
    /// The authorization servers' issuers.
    pub authorization_servers: Vec<String>,
    /// The scopes the resource says basic use needs.
    pub scopes_supported: Option<Vec<String>>,
}

/// The authorization server's metadata the client uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerMetadata {
    /// The issuer, exactly as the metadata says (and as it was looked up).
    pub issuer: String,
    /// Where the user authorizes.
    pub authorization_endpoint: String,
    /// Where codes and refresh tokens become tokens.
    pub token_endpoint: String,
    /// Where a client registers (RFC 7591), if it can.
    pub registration_endpoint: Option<String>,
    /// The scopes the server knows (`offline_access` among them, or not).
    pub scopes_supported: Option<Vec<String>>,
    /// How clients may authenticate at the token endpoint.
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// The PKCE methods (none: not advertised).
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// Whether a Client ID Metadata Document URL may be the client id.
    pub client_id_metadata_document_supported: bool,
    /// Whether the authorization response carries `iss` (RFC 9207).
    pub iss_parameter_supported: bool,
}

impl ServerMetadata {
    /// Whether PKCE with S256 may be used: advertised, or no metadata at all (the 2025-03-26
    /// default endpoints).
    pub fn supports_s256(&self) -> bool {
        self.code_challenge_methods_supported.as_ref().is_none_or(|m| m.iter().any(|m| m == "S256"))
    }

    /// Whether `scope` is among the server's scopes.
    pub fn knows_scope(&self, scope: &str) -> bool {
        self.scopes_supported.as_ref().is_some_and(|s| s.iter().any(|s| s == scope))
    }

    /// The 2025-03-26 defaults for a server that publishes no metadata: `/authorize`,
    /// `/token` and `/register` at the origin.
    pub fn defaults(endpoint: &Uri) -> ServerMetadata {
        let base = origin(endpoint);
        let at = |path: &str| format!("{base}{path}");
        ServerMetadata {
            issuer: base.clone(),
            authorization_endpoint: at("/authorize"),
            token_endpoint: at("/token"),
            registration_endpoint: Some(at("/register")),
            ..ServerMetadata::default()
        }
    }
}

/// Where to look for the protected-resource metadata of `endpoint`, in order.
pub fn resource_metadata_urls(endpoint: &Uri, hinted: Option<&str>) -> Vec<Uri> {
    let mut urls: Vec<Uri> = hinted.and_then(|h| resolve(endpoint, h).ok()).into_iter().collect();
    let path = endpoint.path().trim_end_matches('/');
    if !path.is_empty() {
        urls.extend(resolve(endpoint, &format!("/.well-known/oauth-protected-resource{path}")).ok());
    }
    urls.extend(resolve(endpoint, "/.well-known/oauth-protected-resource").ok());
    urls
}

/// Where to look for an issuer's metadata, in order: RFC 8414 then OpenID Connect discovery,
/// the well-known segment inserted before the issuer's path, then (OpenID Connect) appended
/// to it.
pub fn server_metadata_urls(issuer: &str) -> Result<Vec<Uri>, String> {
    let url = parse(issuer)?;
    if url.query().is_some() {
        return Err(format!("the issuer {issuer} has a query"));
    }
    let path = url.path().trim_end_matches('/');
    let at = |p: String| resolve(&url, &p);
    if path.is_empty() {
        return Ok(vec![
            at("/.well-known/oauth-authorization-server".into())?,
            at("/.well-known/openid-configuration".into())?,
        ]);
    }
    Ok(vec![
        at(format!("/.well-known/oauth-authorization-server{path}"))?,
        at(format!("/.well-known/openid-configuration{path}"))?,
        at(format!("{path}/.well-known/openid-configuration"))?,
    ])
}

/// Whether a metadata document's `resource` may stand for `endpoint`: the same origin, and a
/// path that is the endpoint's or one of its parents.
pub fn resource_covers(resource: &str, endpoint: &Uri) -> bool {
    let Ok(parsed) = parse(resource) else { return false };
    if origin(&parsed) != origin(endpoint) || resource.contains('#') {
        return false;
    }
    let resource = parsed;
    let parent = resource.path().trim_end_matches('/');
    let path = endpoint.path();
    parent.is_empty()
        || path == parent
        || path.trim_end_matches('/') == parent
        || path.starts_with(&format!("{parent}/"))
}

/// The protected-resource metadata of `endpoint` (none when no location has it). A document
/// whose `resource` does not cover the endpoint is refused: a token asked for it could be
/// presented elsewhere.
pub async fn protected_resource(
    trust: &Trust,
    endpoint: &Uri,
    hinted: Option<&str>,
) -> Result<Option<ResourceMetadata>, String> {
    for url in resource_metadata_urls(endpoint, hinted) {
        let Ok(answer) = fetch(trust, &url, Payload::None, &[]).await else { continue };
        let Ok(document) = answer.json(&url) else { continue };
        let resource = document.get("resource").and_then(Value::as_str).unwrap_or_default();
        if !resource_covers(resource, endpoint) {
            return Err(format!(
                "the protected-resource metadata at {url} names the resource {resource:?}, not {endpoint}: refused"
            ));
        }
        let authorization_servers = strings(&document, "authorization_servers").unwrap_or_default();
        if authorization_servers.is_empty() {
            return Err(format!("the protected-resource metadata at {url} names no authorization server"));
        }
        return Ok(Some(ResourceMetadata {
            resource: resource.to_owned(),
            authorization_servers,
            scopes_supported: strings(&document, "scopes_supported"),
        }));
    }
    Ok(None)
}

/// The metadata of the authorization server `issuer`; none when no location has it. A
/// document whose `issuer` is not `issuer` exactly is refused (RFC 8414 §3.3).
pub async fn authorization_server(trust: &Trust, issuer: &str) -> Result<Option<ServerMetadata>, String> {
    for url in server_metadata_urls(issuer)? {
        let Ok(answer) = fetch(trust, &url, Payload::None, &[]).await else { continue };
        let Ok(document) = answer.json(&url) else { continue };
        let text = |key: &str| document.get(key).and_then(Value::as_str).map(str::to_owned);
        let named = text("issuer").unwrap_or_default();
        if named != issuer {
            return Err(format!("the metadata at {url} names the issuer {named:?}, not {issuer:?}: refused"));
        }
        let (Some(authorization_endpoint), Some(token_endpoint)) =
            (text("authorization_endpoint"), text("token_endpoint"))
        else {
            return Err(format!("the metadata at {url} lacks its authorization or token endpoint"));
        };
        return Ok(Some(ServerMetadata {
            issuer: named,
            authorization_endpoint,
            token_endpoint,
            registration_endpoint: text("registration_endpoint"),
            scopes_supported: strings(&document, "scopes_supported"),
            token_endpoint_auth_methods_supported: strings(&document, "token_endpoint_auth_methods_supported"),
            code_challenge_methods_supported: Some(
                strings(&document, "code_challenge_methods_supported").unwrap_or_default(),
            ),
            client_id_metadata_document_supported: flag(&document, "client_id_metadata_document_supported"),
            iss_parameter_supported: flag(&document, "authorization_response_iss_parameter_supported"),
        }));
    }
    Ok(None)
}

fn strings(document: &Value, key: &str) -> Option<Vec<String>> {
    let list = document.get(key)?.as_array()?;
    Some(list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
}

fn flag(document: &Value, key: &str) -> bool {
    document.get(key).and_then(Value::as_bool).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Uri {
        parse(s).unwrap()
    }

    #[test]
    fn resource_metadata_is_looked_for_in_the_spec_order() {
        let found = resource_metadata_urls(&url("http://h:1/public/mcp"), Some("http://h:1/custom.json"));
        let found: Vec<String> = found.into_iter().map(|u| u.to_string()).collect();
        assert_eq!(
            found,
            [
                "http://h:1/custom.json",
                "http://h:1/.well-known/oauth-protected-resource/public/mcp",
                "http://h:1/.well-known/oauth-protected-resource"
            ]
        );
        assert_eq!(resource_metadata_urls(&url("http://h/"), None).len(), 1);
    }

    #[test]
    fn server_metadata_is_looked_for_in_the_spec_order() {
        let plain: Vec<String> = server_metadata_urls("http://a:2").unwrap().iter().map(Uri::to_string).collect();
        assert_eq!(
            plain,
            ["http://a:2/.well-known/oauth-authorization-server", "http://a:2/.well-known/openid-configuration"]
        );
        let tenant: Vec<String> =
            server_metadata_urls("http://a:2/tenant1").unwrap().iter().map(Uri::to_string).collect();
        assert_eq!(
            tenant,
            [
                "http://a:2/.well-known/oauth-authorization-server/tenant1",
                "http://a:2/.well-known/openid-configuration/tenant1",
                "http://a:2/tenant1/.well-known/openid-configuration"
            ]
        );
    }

    #[test]
    fn a_resource_covers_its_own_path_and_below_on_its_origin_only() {
        let endpoint = url("http://h:1/mcp");
        assert!(resource_covers("http://h:1/mcp", &endpoint));
        assert!(resource_covers("http://h:1", &endpoint));
        assert!(resource_covers("http://H:1/", &endpoint));
        assert!(!resource_covers("http://h:2/mcp", &endpoint));
        assert!(!resource_covers("https://evil.example.com/mcp", &endpoint));
        assert!(!resource_covers("http://h:1/mc", &endpoint));
        assert!(!resource_covers("http://h:1/mcp/x", &endpoint));
        assert!(!resource_covers("not a url", &endpoint));
    }
}

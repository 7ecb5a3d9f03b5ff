//! Who the client is at an authorization server, in the order the MCP authorization spec
//! gives: pre-registered credentials, else a Client ID Metadata Document URL when the server
//! accepts one, else dynamic registration (RFC 7591), done once per issuer. Credentials are
//! never carried from one issuer to another.

use serde_json::{Value, json};

use super::address::parse;
use super::discovery::ServerMetadata;
use super::fetch::{Payload, fetch};
use crate::dial::Trust;

/// The client's credentials at one authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The client id.
    pub client_id: String,
    /// The secret of a confidential client.
    pub client_secret: Option<String>,
    /// How it authenticates at the token endpoint.
    pub auth_method: String,
}

/// Credentials the application registered beforehand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreRegistered {
    /// The client id.
    pub client_id: String,
    /// The secret, for a confidential client.
    pub client_secret: Option<String>,
    /// The issuer they belong to (none: whichever the resource names).
    pub issuer: Option<String>,
}

/// What the client says of itself when it registers.
#[derive(Debug, Clone)]
pub struct Profile {
    /// `client_name`.
    pub name: String,
    /// The redirect URI of the authorization code flow.
    pub redirect_uri: String,
    /// The Client ID Metadata Document URL, if the application publishes one.
    pub metadata_url: Option<String>,
}

/// How a client with (`secret`) or without a secret authenticates at `server`'s token
/// endpoint: `client_secret_basic` unless the server only takes `client_secret_post`.
pub fn auth_method(server: &ServerMetadata, secret: bool) -> String {
    let supported = server.token_endpoint_auth_methods_supported.as_deref().unwrap_or_default();
    let takes = |m: &str| supported.iter().any(|s| s == m);
    match (secret, supported.is_empty()) {
        (false, _) => "none",
        (true, true) => "client_secret_basic",
        (true, false) if takes("client_secret_basic") || !takes("client_secret_post") => "client_secret_basic",
        (true, false) => "client_secret_post",
    }
    .to_owned()
}

/// The pre-registered or metadata-document identity at `server`, if one applies (no request).
pub fn known(profile: &Profile, registered: Option<&PreRegistered>, server: &ServerMetadata) -> Option<Identity> {
    if let Some(r) = registered.filter(|r| r.issuer.as_ref().is_none_or(|i| *i == server.issuer)) {
        return Some(Identity {
            client_id: r.client_id.clone(),
            client_secret: r.client_secret.clone(),
            auth_method: auth_method(server, r.client_secret.is_some()),
        });
    }
    let url = profile.metadata_url.as_ref().filter(|_| server.client_id_metadata_document_supported)?;
    Some(Identity { client_id: url.clone(), client_secret: None, auth_method: "none".into() })
}

/// Registers the client at `server` (RFC 7591): a public client when the server allows
/// one, else a confidential one with the method the server takes.
pub async fn register(trust: &Trust, profile: &Profile, server: &ServerMetadata) -> Result<Identity, String> {
    let endpoint = server
        .registration_endpoint
        .as_deref()
        .ok_or_else(|| format!("{} offers no registration, and the client has no credentials there", server.issuer))?;
    let url = parse(endpoint)?;
    let supported = server.token_endpoint_auth_methods_supported.as_deref().unwrap_or_default();
    let wanted = if supported.iter().any(|m| m == "none") { "none".to_owned() } else { auth_method(server, true) };
    let body = json!({
        "client_name": profile.name,
        "redirect_uris": [profile.redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": wanted,
        "application_type": "native",
    });
    let answer = fetch(trust, &url, Payload::Json(body), &[]).await?;
    let document = answer.json(&url)?;
    let text = |key: &str| document.get(key).and_then(Value::as_str).map(str::to_owned);
    let client_id = text("client_id").ok_or_else(|| format!("{url}: the registration gave no client_id"))?;
    let client_secret = text("client_secret");
    let auth_method = match text("token_endpoint_auth_method") {
        Some(method) => method,
        None if client_secret.is_some() => auth_method(server, true),
        None => "none".to_owned(),
    };
    Ok(Identity { client_id, client_secret, auth_method })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(methods: Option<&[&str]>) -> ServerMetadata {
        ServerMetadata {
            issuer: "http://as".into(),
            token_endpoint_auth_methods_supported: methods.map(|m| m.iter().map(|s| (*s).to_owned()).collect()),
            client_id_metadata_document_supported: true,
            ..ServerMetadata::default()
        }
    }

    #[test]
    fn the_token_endpoint_method_follows_the_server() {
        assert_eq!(auth_method(&server(None), true), "client_secret_basic");
        assert_eq!(auth_method(&server(Some(&["client_secret_post"])), true), "client_secret_post");
        assert_eq!(
            auth_method(&server(Some(&["client_secret_post", "client_secret_basic"])), true),
            "client_secret_basic"
        );
        assert_eq!(auth_method(&server(Some(&["client_secret_basic"])), false), "none");
    }

    #[test]
    fn pre_registered_comes_first_then_the_metadata_document() {
        let profile = Profile {
            name: "c".into(),
            redirect_uri: "http://127.0.0.1/cb".into(),
            metadata_url: Some("https://c/doc".into()),
        };
        let mine = PreRegistered { client_id: "id".into(), client_secret: Some("s".into()), issuer: None };
        assert_eq!(known(&profile, Some(&mine), &server(None)).unwrap().client_id, "id");
        let elsewhere = PreRegistered { issuer: Some("http://other".into()), ..mine };
        assert_eq!(known(&profile, Some(&elsewhere), &server(None)).unwrap().client_id, "https://c/doc");
        let no_documents = ServerMetadata { client_id_metadata_document_supported: false, ..server(None) };
        assert_eq!(known(&profile, Some(&elsewhere), &no_documents), None);
    }
}

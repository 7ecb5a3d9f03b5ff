//! The authorization code grant with PKCE (S256) and the `resource` indicator (RFC 8707):
//! the authorization URL, the checks of the redirect (its `state`, its `iss` by RFC 9207),
//! the token request with the client's authentication, and the refresh grant.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use form_urlencoded::{Serializer, byte_serialize};
use hyper::Uri;
use hyper::header;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::address::{parse, query_param, with_query};
use super::discovery::ServerMetadata;
use super::fetch::{Answer, Payload, fetch};
use super::registration::Identity;
use super::store::Tokens;
use crate::dial::Trust;

/// What one authorization asks for.
pub struct Request<'a> {
    /// The certificates the authorization server's `https` endpoints are checked by.
    pub trust: &'a Trust,
    /// The authorization server.
    pub server: &'a ServerMetadata,
    /// The client there.
    pub client: &'a Identity,
    /// The resource the token is for.
    pub resource: &'a str,
    /// The scopes (none: the parameter is left out).
    pub scope: Option<String>,
    /// The redirect URI.
    pub redirect_uri: &'a str,
}

/// The PKCE verifier, its S256 challenge, and the `state` of one authorization.
pub struct Secrets {
    /// The code verifier (43 characters of base64url).
    pub verifier: String,
    /// `BASE64URL(SHA256(verifier))`.
    pub challenge: String,
    /// The opaque `state` the redirect must carry back.
    pub state: String,
}

impl Secrets {
    /// Fresh random secrets.
    pub fn new() -> Result<Secrets, String> {
        let random = |n: usize| {
            let mut bytes = vec![0u8; n];
            getrandom::fill(&mut bytes).map(|()| URL_SAFE_NO_PAD.encode(bytes)).map_err(|e| e.to_string())
        };
        let verifier = random(32)?;
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Ok(Secrets { verifier, challenge, state: random(16)? })
    }
}

/// The URL the user is sent to.
pub fn authorization_url(request: &Request<'_>, secrets: &Secrets) -> Result<String, String> {
    let endpoint = &request.server.authorization_endpoint;
    parse(endpoint)?;
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", request.client.client_id.as_str()),
        ("redirect_uri", request.redirect_uri),
        ("state", &secrets.state),
        ("code_challenge", &secrets.challenge),
        ("code_challenge_method", "S256"),
        ("resource", request.resource),
    ];
    if let Some(scope) = &request.scope {
        pairs.push(("scope", scope));
        // OpenID Connect grants `offline_access` only with consent asked for.
        if scope.split(' ').any(|s| s == "offline_access") {
            pairs.push(("prompt", "consent"));
        }
    }
    Ok(with_query(endpoint, &pairs))
}

/// The code of the redirect the authorization ended with, once its `state` and `iss` are
/// checked: `iss`, when present, must be the issuer exactly (no normalization), and must be
/// present when the server says it sends it.
pub fn code_of(redirect: &str, server: &ServerMetadata, secrets: &Secrets) -> Result<String, String> {
    let param = |name: &str| query_param(redirect, name);
    if let Some(error) = param("error") {
        let detail = param("error_description").map(|d| format!(" ({d})")).unwrap_or_default();
        return Err(format!("the authorization was refused: {error}{detail}"));
    }
    if param("state").as_deref() != Some(secrets.state.as_str()) {
        return Err("the authorization redirect does not carry the state sent".into());
    }
    match param("iss") {
        Some(iss) if iss != server.issuer => {
            return Err(format!("the authorization redirect comes from {iss:?}, not {:?}", server.issuer));
        }
        None if server.iss_parameter_supported => {
            return Err("the authorization redirect lacks the iss its server says it sends".into());
        }
        _ => {}
    }
    param("code").ok_or_else(|| "the authorization redirect carries no code".into())
}

/// Exchanges `code` for tokens.
pub async fn exchange_code(request: &Request<'_>, code: &str, secrets: &Secrets) -> Result<Tokens, String> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", request.redirect_uri),
        ("code_verifier", &secrets.verifier),
        ("resource", request.resource),
    ];
    let tokens = token_request(request.trust, request.server.token_endpoint.as_str(), request.client, &form).await?;
    tokens.into_tokens(request)
}

/// Refreshes `tokens` (the new ones keep the refresh token when the server gives none).
pub async fn refresh(trust: &Trust, tokens: &Tokens) -> Result<Tokens, String> {
    let refresh_token = tokens.refresh_token.as_deref().ok_or("no refresh token")?;
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("resource", &tokens.resource)];
    let client = Identity {
        client_id: tokens.client_id.clone(),
        client_secret: tokens.client_secret.clone(),
        auth_method: tokens.auth_method.clone(),
    };
    let answer = token_request(trust, &tokens.token_endpoint, &client, &form).await?;
    let mut fresh = answer.carry(tokens.clone())?;
    if fresh.refresh_token.is_none() {
        fresh.refresh_token = tokens.refresh_token.clone();
    }
    Ok(fresh)
}

/// A token endpoint's answer, read.
struct Issued {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: Option<u64>,
    scope: Option<String>,
}

impl Issued {
    fn expires_at(&self) -> Option<u64> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs();
        self.expires_in.map(|s| now.saturating_add(s))
    }

    /// The tokens of a first grant.
    fn into_tokens(self, request: &Request<'_>) -> Result<Tokens, String> {
        Ok(Tokens {
            expires_at: self.expires_at(),
            scope: request.scope.clone().or(self.scope),
            issuer: request.server.issuer.clone(),
            token_endpoint: request.server.token_endpoint.clone(),
            client_id: request.client.client_id.clone(),
            client_secret: request.client.client_secret.clone(),
            auth_method: request.client.auth_method.clone(),
            resource: request.resource.to_owned(),
            access_token: self.access_token,
            refresh_token: self.refresh_token,
        })
    }

    /// The tokens of a refresh: what the old ones said of the server and client.
    fn carry(self, old: Tokens) -> Result<Tokens, String> {
        Ok(Tokens {
            expires_at: self.expires_at(),
            scope: old.scope.or(self.scope),
            access_token: self.access_token,
            refresh_token: self.refresh_token,
            ..old
        })
    }
}

/// POSTs `pairs` to the token endpoint, with the client's authentication.
async fn token_request(
    trust: &Trust,
    endpoint: &str,
    client: &Identity,
    pairs: &[(&str, &str)],
) -> Result<Issued, String> {
    let url = parse(endpoint)?;
    let (headers, form) = authenticated(client, pairs);
    let answer = fetch(trust, &url, Payload::Form(form), &headers).await?;
    issued(&url, &answer)
}

/// Reads a token endpoint's answer.
fn issued(url: &Uri, answer: &Answer) -> Result<Issued, String> {
    let document = answer.json(url)?;
    let text = |key: &str| document.get(key).and_then(Value::as_str).map(str::to_owned);
    let access_token = text("access_token").ok_or_else(|| format!("{url}: the answer has no access_token"))?;
    match text("token_type") {
        Some(kind) if kind.eq_ignore_ascii_case("bearer") => {}
        other => return Err(format!("{url}: a token of type {other:?}, not Bearer")),
    }
    Ok(Issued {
        access_token,
        refresh_token: text("refresh_token"),
        expires_in: document.get("expires_in").and_then(Value::as_u64),
        scope: text("scope"),
    })
}

/// The headers and form of a token request by `client`: its authentication by its method.
fn authenticated(client: &Identity, pairs: &[(&str, &str)]) -> (Vec<(header::HeaderName, String)>, String) {
    let mut form = Serializer::new(String::new());
    form.extend_pairs(pairs);
    let mut headers = Vec::new();
    match (client.auth_method.as_str(), &client.client_secret) {
        ("client_secret_basic", Some(secret)) => {
            // RFC 6749 §2.3.1: each part form-encoded before the Base64.
            let pair = format!("{}:{}", encoded(&client.client_id), encoded(secret));
            headers.push((header::AUTHORIZATION, format!("Basic {}", STANDARD.encode(pair))));
        }
        ("client_secret_post", Some(secret)) => {
            form.append_pair("client_id", &client.client_id).append_pair("client_secret", secret);
        }
        _ => {
            form.append_pair("client_id", &client.client_id);
        }
    }
    (headers, form.finish())
}

fn encoded(s: &str) -> String {
    byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(iss: bool) -> ServerMetadata {
        ServerMetadata {
            issuer: "http://as:1".into(),
            authorization_endpoint: "http://as:1/authorize?x=1".into(),
            iss_parameter_supported: iss,
            ..ServerMetadata::default()
        }
    }

    fn secrets() -> Secrets {
        Secrets { verifier: "v".into(), challenge: "c".into(), state: "st".into() }
    }

    #[test]
    fn the_challenge_is_s256_of_the_verifier() {
        let s = Secrets::new().unwrap();
        assert_eq!(s.verifier.len(), 43);
        assert_eq!(s.challenge, URL_SAFE_NO_PAD.encode(Sha256::digest(s.verifier.as_bytes())));
        assert_ne!(s.state, Secrets::new().unwrap().state);
    }

    #[test]
    fn the_authorization_url_carries_pkce_resource_and_scope() {
        let client = Identity { client_id: "c id".into(), client_secret: None, auth_method: "none".into() };
        let server = server(true);
        let request = Request {
            trust: &Trust::default(),
            server: &server,
            client: &client,
            resource: "http://h/mcp",
            scope: Some("a offline_access".into()),
            redirect_uri: "http://127.0.0.1/cb",
        };
        let url = authorization_url(&request, &secrets()).unwrap();
        let get = |k: &str| query_param(&url, k);
        assert_eq!(get("x").as_deref(), Some("1"));
        assert_eq!(get("client_id").as_deref(), Some("c id"));
        assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
        assert_eq!(get("resource").as_deref(), Some("http://h/mcp"));
        assert_eq!(get("prompt").as_deref(), Some("consent"));
        let unscoped = Request { scope: None, ..request };
        assert!(!authorization_url(&unscoped, &secrets()).unwrap().contains("scope="));
    }

    #[test]
    fn the_redirect_is_checked_for_state_and_issuer() {
        let ok = "http://127.0.0.1/cb?code=k&state=st&iss=http%3A%2F%2Fas%3A1";
        assert_eq!(code_of(ok, &server(true), &secrets()).unwrap(), "k");
        assert!(code_of("http://127.0.0.1/cb?code=k&state=other", &server(false), &secrets()).is_err());
        assert!(code_of("http://127.0.0.1/cb?code=k&state=st", &server(true), &secrets()).is_err());
        assert_eq!(code_of("http://127.0.0.1/cb?code=k&state=st", &server(false), &secrets()).unwrap(), "k");
        let variant = "http://127.0.0.1/cb?code=k&state=st&iss=http%3A%2F%2Fas%3A1%2F";
        assert!(code_of(variant, &server(false), &secrets()).is_err());
        assert!(code_of("http://127.0.0.1/cb?error=access_denied&state=st", &server(false), &secrets()).is_err());
    }
}

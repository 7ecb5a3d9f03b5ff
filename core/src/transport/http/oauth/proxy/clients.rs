//! Client registration (RFC 7591) at `/register`, and client authentication at the token
//! endpoint. A registration is kept for 30 days; a confidential client's secret only as its
//! SHA-256. Redirect URIs must be `https`, or `http` on a loopback host, without a fragment,
//! and are later matched exactly.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::common::{
    MAX_BODY, Proxy, REGISTRATION_TTL, decode, error_page, no_store, oauth_error, random_token, same_secret, save,
    store_failed,
};
use crate::transport::http::oauth::fetch::is_loopback;

/// The token endpoint authentication methods a client may register with.
pub(super) const AUTH_METHODS: [&str; 3] = ["none", "client_secret_basic", "client_secret_post"];
/// Where registrations are kept.
pub(super) const SPACE: &str = "oauth-client";
/// The most redirect URIs of one client, and the longest one.
const MAX_REDIRECT_URIS: usize = 16;
const MAX_URI_LEN: usize = 2048;

/// A registered client as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct Client {
    pub redirect_uris: Vec<String>,
    pub auth_method: String,
    /// SHA-256 of the secret, base64 (confidential clients).
    pub secret_hash: Option<String>,
    /// The `client_name` it registered with (shown on the consent page).
    #[serde(default)]
    pub client_name: Option<String>,
}

/// The registration request fields read (others are ignored, as RFC 7591 §2 allows).
#[derive(Deserialize)]
struct Registration {
    redirect_uris: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    client_name: Option<String>,
    scope: Option<String>,
}

fn metadata_error(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_client_metadata", description)
}

/// Whether `uri` may be a redirect URI: absolute, `https` or loopback `http`, no fragment.
pub(super) fn acceptable_redirect(uri: &str) -> bool {
    let Ok(parsed) = uri.parse::<axum::http::Uri>() else { return false };
    let host = parsed.host().unwrap_or("").trim_matches(['[', ']']);
    let scheme_ok = match parsed.scheme_str() {
        Some("https") => !host.is_empty(),
        Some("http") => is_loopback(host),
        _ => false,
    };
    scheme_ok && !uri.contains('#') && uri.len() <= MAX_URI_LEN && !uri.contains(['\r', '\n', ' '])
}

/// `POST /register`: a JSON body of at most 16 KiB; 201 with the client's id (and secret).
pub(super) async fn register(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let Ok(body) = axum::body::to_bytes(request.into_body(), MAX_BODY).await else {
        return oauth_error(StatusCode::PAYLOAD_TOO_LARGE, "invalid_request", "registration over 16 KiB");
    };
    let Ok(r) = serde_json::from_slice::<Registration>(&body) else {
        return metadata_error("the body is not a JSON registration request");
    };
    let redirect_uris = r.redirect_uris.unwrap_or_default();
    if redirect_uris.is_empty() || redirect_uris.len() > MAX_REDIRECT_URIS {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_redirect_uri", "give 1 to 16 redirect_uris");
    }
    if let Some(bad) = redirect_uris.iter().find(|u| !acceptable_redirect(u)) {
        let bad: String = bad.chars().take(200).collect();
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            &format!("{bad}: redirect URIs must be https, or http on a loopback host, without a fragment"),
        );
    }
    let auth_method = r.token_endpoint_auth_method.unwrap_or_else(|| "client_secret_basic".to_owned());
    if !AUTH_METHODS.contains(&auth_method.as_str()) {
        return metadata_error("token_endpoint_auth_method must be none, client_secret_basic or client_secret_post");
    }
    let grant_types = r.grant_types.unwrap_or_else(|| vec!["authorization_code".to_owned()]);
    if grant_types.iter().any(|g| g != "authorization_code" && g != "refresh_token") {
        return metadata_error("grant_types may be authorization_code and refresh_token only");
    }
    let response_types = r.response_types.unwrap_or_else(|| vec!["code".to_owned()]);
    if response_types.iter().any(|t| t != "code") {
        return metadata_error("response_types may be code only");
    }
    if let Some(scope) = &r.scope
        && let Err(e) = proxy.scopes(Some(scope))
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client_metadata", &e);
    }
    let client_id = random_token();
    let secret = (auth_method != "none").then(random_token);
    let client = Client {
        redirect_uris: redirect_uris.clone(),
        auth_method: auth_method.clone(),
        secret_hash: secret.as_deref().map(hash_secret),
        client_name: r.client_name.clone(),
    };
    if let Err(r) = save(&proxy, SPACE, &client_id, &client, REGISTRATION_TTL).await {
        return r;
    }
    let issued = super::super::claims::now();
    let mut answer = json!({
        "client_id": client_id,
        "client_id_issued_at": issued,
        "redirect_uris": redirect_uris,
        "token_endpoint_auth_method": auth_method,
        "grant_types": grant_types,
        "response_types": response_types,
    });
    if let Some(secret) = secret {
        answer["client_secret"] = json!(secret);
        answer["client_secret_expires_at"] = json!(issued + REGISTRATION_TTL.as_secs());
    }
    for (name, value) in [("client_name", r.client_name), ("scope", r.scope)] {
        if let Some(v) = value {
            answer[name] = Value::String(v);
        }
    }
    no_store(super::super::super::exchange::json(StatusCode::CREATED, answer.to_string().into_bytes()))
}

/// SHA-256 of a client secret, base64.
fn hash_secret(secret: &str) -> String {
    STANDARD.encode(Sha256::digest(secret.as_bytes()))
}

/// The registered client `client_id`, if any (or the answer when the store fails); for a
/// `client_id` that is a metadata document URL, the client its document describes (or a 400
/// page saying why it is refused).
pub(super) async fn find(proxy: &Proxy, client_id: &str) -> Result<Option<Client>, Response> {
    if proxy.documents.is_document(client_id) {
        return from_document(proxy, client_id).await.map(Some).map_err(|e| error_page(&e));
    }
    if client_id.is_empty() || client_id.len() > 128 {
        return Ok(None);
    }
    match proxy.values().get(SPACE, client_id).await {
        Ok(bytes) => Ok(decode(bytes)),
        Err(e) => Err(store_failed(&e)),
    }
}

/// The client a metadata document describes: public (no secret), so it uses PKCE.
async fn from_document(proxy: &Proxy, client_id: &str) -> Result<Client, String> {
    let document = proxy.documents.document(client_id).await?;
    let (redirect_uris, client_name) = (document.redirect_uris, document.client_name);
    Ok(Client { redirect_uris, auth_method: "none".to_owned(), secret_hash: None, client_name })
}

/// The credentials of a token request: HTTP Basic (RFC 6749 §2.3.1, form-encoded id and
/// secret), or `client_id` (and `client_secret`) in the form.
fn credentials(
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> Result<(String, Option<String>, &'static str), ()> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| ())?;
        let (scheme, encoded) = value.trim().split_once(' ').ok_or(())?;
        if !scheme.eq_ignore_ascii_case("basic") || form.contains_key("client_secret") {
            return Err(());
        }
        let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).map_err(|_| ())?).map_err(|_| ())?;
        let (id, secret) = decoded.split_once(':').ok_or(())?;
        let unescape =
            |s: &str| percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8().map(|c| c.into_owned());
        let (id, secret) = (unescape(id).map_err(|_| ())?, unescape(secret).map_err(|_| ())?);
        if form.get("client_id").is_some_and(|f| *f != id) {
            return Err(());
        }
        return Ok((id, Some(secret), "client_secret_basic"));
    }
    let id = form.get("client_id").ok_or(())?.clone();
    match form.get("client_secret") {
        Some(secret) => Ok((id, Some(secret.clone()), "client_secret_post")),
        None => Ok((id, None, "none")),
    }
}

/// Authenticates the client of a token request: its id, or the `invalid_client` answer (401).
pub(super) async fn authenticate(
    proxy: &Proxy,
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> Result<String, Response> {
    let refuse = |basic: bool| {
        let mut r = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client authentication failed");
        if basic {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Basic"));
        }
        r
    };
    let basic = headers.contains_key(header::AUTHORIZATION);
    let Ok((id, secret, method)) = credentials(headers, form) else { return Err(refuse(basic)) };
    let found =
        if proxy.documents.is_document(&id) { from_document(proxy, &id).await.ok() } else { find(proxy, &id).await? };
    let Some(client) = found else { return Err(refuse(basic)) };
    let ok = match (&client.secret_hash, secret) {
        (None, None) => client.auth_method == "none",
        // A confidential client may use either secret method, whichever it registered.
        (Some(hash), Some(secret)) => method != "none" && same_secret(hash.as_bytes(), hash_secret(&secret).as_bytes()),
        _ => false,
    };
    if ok { Ok(id) } else { Err(refuse(basic)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_https_or_loopback_http() {
        assert!(acceptable_redirect("https://app.example/cb"));
        assert!(acceptable_redirect("http://127.0.0.1:33418/callback"));
        assert!(acceptable_redirect("http://localhost/cb?x=1"));
        assert!(!acceptable_redirect("http://app.example/cb"));
        assert!(!acceptable_redirect("https://app.example/cb#frag"));
        assert!(!acceptable_redirect("javascript:alert(1)"));
        assert!(!acceptable_redirect("/relative"));
    }
}

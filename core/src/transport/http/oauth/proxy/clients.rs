//! Client registration (RFC 7591) at `/register`, and client authentication at the token
//! endpoint. A registration no user has logged in through is kept 6 hours, among the
//! anonymous kinds; the first code issued to it moves it to the used registrations, kept 30
//! days after its last login or refresh. A confidential client's secret is kept only as its
//! SHA-256; a `client_name` is at most 256 bytes and the redirect URIs 4 KiB together. Redirect URIs must be `https`, or `http` on a loopback host, without a fragment,
//! and are later matched exactly.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::client_flows::unserved_flow;
use super::common::{
    MAX_BODY, Proxy, REGISTRATION_TTL, decode, error_page, no_store, oauth_error, params, random_token, same_secret,
    store_failed,
};
use super::kinds::{CLIENTS, NEW_CLIENTS, NEW_REGISTRATION_TTL, keep};
use super::sources::{Source, over_rate};
use crate::transport::http::oauth::fetch::is_loopback;

/// The token endpoint authentication methods a client may register with.
pub(super) const AUTH_METHODS: [&str; 3] = ["none", "client_secret_basic", "client_secret_post"];
/// The most redirect URIs of one client, and the longest one.
const MAX_REDIRECT_URIS: usize = 16;
const MAX_URI_LEN: usize = 2048;
/// The most bytes of all the redirect URIs of one client together.
const MAX_URIS_BYTES: usize = 4096;
/// The longest `client_name`, in bytes.
const MAX_NAME_BYTES: usize = 256;

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

/// Whether `uri` may be a redirect URI: absolute, `https` or loopback `http`, no userinfo
/// (`user@` before the host: a page naming the destination would show the wrong part), a
/// host of DNS name or IP literal characters only, no fragment.
pub(super) fn acceptable_redirect(uri: &str) -> bool {
    let Ok(parsed) = uri.parse::<axum::http::Uri>() else { return false };
    let host = parsed.host().unwrap_or("");
    let plain_host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ip6) => ip6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.'),
        None => host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
    };
    let userinfo = parsed.authority().is_some_and(|a| a.as_str().contains('@'));
    let host = host.trim_matches(['[', ']']);
    let scheme_ok = match parsed.scheme_str() {
        Some("https") => !host.is_empty(),
        Some("http") => is_loopback(host),
        _ => false,
    };
    scheme_ok
        && plain_host
        && !userinfo
        && !uri.contains('#')
        && uri.len() <= MAX_URI_LEN
        && !uri.contains(['\r', '\n', ' '])
}

/// Where an acceptable redirect URI sends the answer, as a user can judge it:
/// `scheme://host[:port]`, read by the same parser as the check (`None` for a URI that
/// is not acceptable).
pub(super) fn redirect_origin(uri: &str) -> Option<String> {
    if !acceptable_redirect(uri) {
        return None;
    }
    let parsed = uri.parse::<axum::http::Uri>().ok()?;
    let port = parsed.port_u16().map_or_else(String::new, |p| format!(":{p}"));
    Some(format!("{}://{}{port}", parsed.scheme_str()?, parsed.host()?.to_ascii_lowercase()))
}

/// `POST /register`: a JSON body of at most 16 KiB; 201 with the client's id (and secret).
pub(super) async fn register(State(proxy): State<Arc<Proxy>>, source: Source, request: Request) -> Response {
    if let Some(r) = over_rate(proxy.limiter.as_ref(), &source) {
        return r;
    }
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
    if redirect_uris.iter().map(String::len).sum::<usize>() > MAX_URIS_BYTES {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_redirect_uri", "redirect_uris are over 4 KiB together");
    }
    if r.client_name.as_ref().is_some_and(|n| n.len() > MAX_NAME_BYTES) {
        return metadata_error("client_name is over 256 bytes");
    }
    let auth_method = r.token_endpoint_auth_method.unwrap_or_else(|| "client_secret_basic".to_owned());
    if !AUTH_METHODS.contains(&auth_method.as_str()) {
        return metadata_error("token_endpoint_auth_method must be none, client_secret_basic or client_secret_post");
    }
    let grant_types = r.grant_types.unwrap_or_else(|| vec!["authorization_code".to_owned()]);
    let response_types = r.response_types.unwrap_or_else(|| vec!["code".to_owned()]);
    if let Some(problem) = unserved_flow(&grant_types, &response_types) {
        return metadata_error(problem);
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
    if let Err(r) = keep(&proxy, &NEW_CLIENTS, &client_id, &client, NEW_REGISTRATION_TTL, &source.key).await {
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

/// The registered client `client_id`, used or new, if any (or the answer when the store
/// fails); for a `client_id` that is a metadata document URL, the client its document
/// describes (or a 400 page saying why it is refused).
pub(super) async fn find(proxy: &Proxy, client_id: &str) -> Result<Option<Client>, Response> {
    if proxy.documents.is_document(client_id) {
        return from_document(proxy, client_id).await.map(Some).map_err(|e| error_page(&e));
    }
    if client_id.is_empty() || client_id.len() > 128 {
        return Ok(None);
    }
    for kind in [&CLIENTS, &NEW_CLIENTS] {
        match proxy.values().get(kind.space, client_id).await {
            Ok(None) => {}
            Ok(bytes) => return Ok(decode(bytes)),
            Err(e) => return Err(store_failed(&e)),
        }
    }
    Ok(None)
}

/// Keeps `client` among the used registrations for [`REGISTRATION_TTL`] from now (a user,
/// `subject`, logged in or refreshed through it), and out of the new ones; a client
/// identified by its metadata document is not stored.
pub(super) async fn keep_used(proxy: &Proxy, client_id: &str, client: &Client, subject: &str) -> Result<(), Response> {
    if proxy.documents.is_document(client_id) {
        // Its metadata document describes it: nothing of it is stored here.
        return Ok(());
    }
    keep(proxy, &CLIENTS, client_id, client, REGISTRATION_TTL, subject).await?;
    proxy.values().take(NEW_CLIENTS.space, client_id).await.map(drop).map_err(|e| store_failed(&e))
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

/// The form of a client's request to `/token` or `/revoke`, once the source's rate admits
/// it: a body of at most 16 KiB, its parameters, and the client authenticated; the client's
/// id, its registration and the form, or the answer.
pub(super) async fn read_form(
    proxy: &Proxy,
    source: &Source,
    request: Request,
) -> Result<(String, Client, HashMap<String, String>), Response> {
    if let Some(r) = over_rate(proxy.limiter.as_ref(), source) {
        return Err(r);
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Err(oauth_error(StatusCode::PAYLOAD_TOO_LARGE, "invalid_request", "request over 16 KiB"));
    };
    let form = std::str::from_utf8(&body)
        .map_err(|e| e.to_string())
        .and_then(params)
        .map_err(|e| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e))?;
    let (id, client) = authenticate(proxy, &parts.headers, &form).await?;
    Ok((id, client, form))
}

/// Authenticates the client of a token request: its id and registration, or the
/// `invalid_client` answer (401).
pub(super) async fn authenticate(
    proxy: &Proxy,
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> Result<(String, Client), Response> {
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
    if ok { Ok((id, client)) } else { Err(refuse(basic)) }
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

    #[test]
    fn a_redirect_uri_with_userinfo_or_an_odd_host_is_refused() {
        assert!(!acceptable_redirect("https://mcp.example.com%2Fverified@attacker.example/cb"));
        assert!(!acceptable_redirect("https://user@app.example/cb"));
        assert!(!acceptable_redirect("https://app.example%2F.other.example/cb"));
        assert!(acceptable_redirect("http://[::1]:8080/cb"));
        assert_eq!(redirect_origin("https://App.Example:8443/cb?x=1").as_deref(), Some("https://app.example:8443"));
        assert_eq!(redirect_origin("https://mcp.example.com%2Fverified@attacker.example/cb"), None);
    }
}

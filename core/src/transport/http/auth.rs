//! Bearer-token authorization (the MCP server as an OAuth 2.1 resource server): the
//! application verifies tokens; this module takes them from `Authorization: Bearer`, answers
//! 401/403 with the `WWW-Authenticate` challenges clients follow, serves the RFC 9728
//! protected-resource metadata, and hands the verified grant to handlers
//! ([`crate::RequestContext::auth`]).
//!
//! Tokens are never logged, and kept only by an open WebSocket, which verifies its token
//! again on every message ([`HeldToken`]): nothing here implements `Debug` over a token.

use crate::protocol::method::Method;
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::exchange::json as json_response;
pub use crate::auth::{AuthError, AuthInfo, TokenVerifier};
use crate::error::ProtocolError;
use crate::registry::Registry;

/// Bearer authorization for the HTTP transport (see [`crate::HttpOptions::auth`]).
#[derive(Clone)]
pub struct AuthOptions {
    /// Verifies the tokens.
    pub verifier: Arc<dyn TokenVerifier>,
    /// This server's canonical URL as clients use it (e.g. `http://127.0.0.1:3000/mcp`): the
    /// metadata's `resource`, and where the metadata URL in challenges is derived from.
    pub resource: String,
    /// Issuer URLs of the authorization servers clients may get tokens from.
    pub authorization_servers: Vec<String>,
    /// Scopes advertised in the metadata.
    pub scopes_supported: Vec<String>,
    /// Scopes every request needs (403 without them; also in the 401 challenge's `scope`).
    pub required_scopes: Vec<String>,
    /// Human-readable name in the metadata.
    pub resource_name: Option<String>,
}

impl AuthOptions {
    /// Options for `resource` checked by `verifier`; the other fields empty.
    pub fn new(resource: impl Into<String>, verifier: impl TokenVerifier) -> AuthOptions {
        AuthOptions {
            verifier: Arc::new(verifier),
            resource: resource.into(),
            authorization_servers: Vec::new(),
            scopes_supported: Vec::new(),
            required_scopes: Vec::new(),
            resource_name: None,
        }
    }

    /// `scheme://authority` of the resource URL.
    fn origin(&self) -> &str {
        let r = self.resource.as_str();
        let start = r.find("://").map_or(0, |i| i + 3);
        let end = r[start..].find(['/', '?', '#']).map_or(r.len(), |i| start + i);
        &r[..end]
    }

    /// The resource URL's path without a trailing `/` (empty for the root).
    fn resource_path(&self) -> &str {
        let r = &self.resource[self.origin().len()..];
        let r = &r[..r.find(['?', '#']).unwrap_or(r.len())];
        r.trim_end_matches('/')
    }

    /// The URL of the protected-resource metadata (RFC 9728 §3.1: path-inserted).
    pub(crate) fn metadata_url(&self) -> String {
        format!("{}{WELL_KNOWN}{}", self.origin(), self.resource_path())
    }

    /// The metadata document.
    fn metadata(&self) -> Value {
        let mut doc = json!({
            "resource": self.resource,
            "authorization_servers": self.authorization_servers,
            "bearer_methods_supported": ["header"],
        });
        if !self.scopes_supported.is_empty() {
            doc["scopes_supported"] = json!(self.scopes_supported);
        }
        if let Some(name) = &self.resource_name {
            doc["resource_name"] = json!(name);
        }
        doc
    }
}

impl std::fmt::Debug for AuthOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthOptions")
            .field("resource", &self.resource)
            .field("authorization_servers", &self.authorization_servers)
            .field("scopes_supported", &self.scopes_supported)
            .field("required_scopes", &self.required_scopes)
            .field("resource_name", &self.resource_name)
            .finish_non_exhaustive()
    }
}

/// Where the protected-resource metadata lives (RFC 9728 §3).
const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// The routes serving the metadata: the root document, and the path-inserted one for the
/// resource's path (and for the endpoint path, if different).
pub(crate) fn metadata_paths(auth: &AuthOptions, endpoint_path: &str) -> Vec<String> {
    let mut paths = vec![WELL_KNOWN.to_owned()];
    for p in [auth.resource_path(), endpoint_path.trim_end_matches('/')] {
        let full = format!("{WELL_KNOWN}{p}");
        // Route syntax characters would be read as parameters: such paths get the root only.
        if !p.is_empty() && p.starts_with('/') && !p.contains(['{', '}', '*']) && !paths.contains(&full) {
            paths.push(full);
        }
    }
    paths
}

/// `GET /.well-known/oauth-protected-resource[/path]`: public, never authenticated; 404
/// when `auth` is off.
pub(crate) fn metadata(auth: Option<&AuthOptions>) -> Response {
    match auth {
        Some(auth) => json_response(StatusCode::OK, auth.metadata().to_string().into_bytes()),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The verified caller of a request (`None` when auth is off). Inserted by [`require`].
#[derive(Clone, Default)]
pub(crate) struct Caller(pub Option<Arc<AuthInfo>>);

impl Caller {
    /// Whom what this caller opens (a legacy session) belongs to: the whole identity of the
    /// grant, its issuer (the `iss` the verifier left in `extra`), subject and client id, so
    /// two callers share only when all three are the same (two service tokens without a
    /// subject, from two clients or two issuers, never do). `None` when auth is off.
    pub fn owner(&self) -> Option<String> {
        let grant = self.0.as_deref()?;
        let issuer = grant.extra.get("iss").and_then(Value::as_str);
        // A JSON array: no choice of the three strings makes two identities read the same.
        Some(json!([issuer, grant.subject, grant.client_id]).to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned().unwrap_or_default())
    }
}

/// Why a request was refused.
enum Refusal {
    /// No `Authorization: Bearer` credentials.
    Missing,
    /// A token was given and refused (with the verifier's description, if any).
    Invalid(Option<String>),
    /// The token lacks these scopes.
    Scope(Vec<String>),
    /// The token could not be checked now (the verifier's description).
    Unavailable(String),
}

/// Seconds a client is told to wait (`Retry-After`) when its token could not be checked: the
/// time bound of one exchange with the authorization server.
const RETRY_AFTER: &str = "5";

impl Refusal {
    /// The HTTP status, the RFC 6750 error code, and the description a client is told.
    fn describe(&self) -> (StatusCode, Option<&'static str>, String) {
        match self {
            Refusal::Missing => (StatusCode::UNAUTHORIZED, None, "Missing bearer token".to_owned()),
            Refusal::Invalid(d) => (
                StatusCode::UNAUTHORIZED,
                Some("invalid_token"),
                d.clone().unwrap_or_else(|| "Invalid token".to_owned()),
            ),
            Refusal::Scope(s) => {
                (StatusCode::FORBIDDEN, Some("insufficient_scope"), format!("Requires scopes: {}", s.join(" ")))
            }
            Refusal::Unavailable(d) => (StatusCode::SERVICE_UNAVAILABLE, Some("temporarily_unavailable"), d.clone()),
        }
    }
}

/// The bearer token of an open WebSocket, verified again on every message it carries (the
/// verifier decides expiry and revocation, as for each HTTP request). Never logged: no
/// `Debug`.
pub(crate) struct HeldToken(Box<str>);

impl HeldToken {
    /// The well-formed bearer token of `headers`, if any.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<HeldToken> {
        match bearer(headers)? {
            Ok(token) => Some(HeldToken(token.into())),
            Err(()) => None,
        }
    }

    /// Verifies the token again, with the same verifier and scope check as an HTTP request:
    /// the current grant, or the JSON-RPC error that refuses the message (`-32600`, the
    /// description the HTTP answer would give, and `data` with that answer's `httpStatus`
    /// and RFC 6750 `error`).
    pub(crate) async fn verify(&self, auth: &AuthOptions) -> Result<AuthInfo, ProtocolError> {
        check(auth, &self.0).await.map_err(|refusal| {
            let (status, error, description) = refusal.describe();
            let scope = match &refusal {
                Refusal::Scope(required) => Some(required.as_slice()),
                _ => None,
            };
            // The verifier's text, bounded as in a challenge.
            let description: String = description.chars().take(256).collect();
            ProtocolError::bearer_refused(
                format!("the bearer token is no longer accepted: {description}"),
                status.as_u16(),
                error.unwrap_or("invalid_request"),
                scope,
            )
        })
    }
}

/// The bearer token of `Authorization`: `None` without one, `Some(Err)` when malformed.
fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return Some(Err(()));
    }
    let Ok(value) = value.to_str() else { return Some(Err(())) };
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    // RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    let body = token.trim_end_matches('=');
    let ok = !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b));
    Some(if ok { Ok(token) } else { Err(()) })
}

/// Checks the request's token: the caller's grant, or why it was refused.
async fn authenticate(auth: &AuthOptions, headers: &HeaderMap) -> Result<AuthInfo, Refusal> {
    let token = match bearer(headers) {
        None => return Err(Refusal::Missing),
        Some(Err(())) => return Err(Refusal::Invalid(Some("malformed bearer token".to_owned()))),
        Some(Ok(t)) => t,
    };
    check(auth, token).await
}

/// Verifies `token` and checks the required scopes.
async fn check(auth: &AuthOptions, token: &str) -> Result<AuthInfo, Refusal> {
    let info = match auth.verifier.verify(token).await {
        Ok(info) => info,
        Err(AuthError::Invalid(reason)) => return Err(Refusal::Invalid(Some(reason).filter(|r| !r.is_empty()))),
        Err(AuthError::InsufficientScope { required }) => return Err(Refusal::Scope(required)),
        Err(AuthError::Unavailable(reason)) => return Err(Refusal::Unavailable(reason)),
    };
    if auth.required_scopes.iter().any(|s| !info.has_scope(s)) {
        return Err(Refusal::Scope(auth.required_scopes.clone()));
    }
    Ok(info)
}

/// A quoted-string parameter value: quotes, backslashes and anything outside visible ASCII
/// and space are dropped (keeps the header valid whatever the verifier said).
fn quoted(value: &str) -> String {
    value.chars().filter(|c| (c.is_ascii_graphic() || *c == ' ') && *c != '"' && *c != '\\').take(256).collect()
}

/// The `WWW-Authenticate` challenge: one `Bearer` challenge with quoted parameters.
fn challenge(auth: &AuthOptions, error: Option<&str>, scopes: &[String], description: Option<&str>) -> String {
    let mut params = Vec::with_capacity(4);
    if let Some(e) = error {
        params.push(format!("error=\"{e}\""));
    }
    if !scopes.is_empty() {
        params.push(format!("scope=\"{}\"", quoted(&scopes.join(" "))));
    }
    params.push(format!("resource_metadata=\"{}\"", quoted(&auth.metadata_url())));
    if let Some(d) = description {
        params.push(format!("error_description=\"{}\"", quoted(d)));
    }
    format!("Bearer {}", params.join(", "))
}

/// The answer refusing a request: 401/403 with the `WWW-Authenticate` challenge, or 503
/// with `Retry-After` and no challenge when the token could not be checked (the client is
/// to keep it and try again).
fn refuse(auth: &AuthOptions, refusal: Refusal) -> Response {
    let (status, error, description) = refusal.describe();
    let body = json!({ "error": error.unwrap_or("invalid_request"), "error_description": description });
    let mut r = json_response(status, body.to_string().into_bytes());
    let (scopes, description) = match &refusal {
        Refusal::Missing => (auth.required_scopes.as_slice(), None),
        Refusal::Invalid(d) => (auth.required_scopes.as_slice(), d.as_deref()),
        Refusal::Scope(required) => (required.as_slice(), None),
        Refusal::Unavailable(_) => {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER));
            return r;
        }
    };
    let value = challenge(auth, error, scopes, description);
    if let Ok(v) = HeaderValue::from_str(&value) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// The 403 refusing a POST whose `tools/call` (alone, or one in a batch) names a tool whose
/// required scopes the caller's grant lacks; `None` lets the POST through. Decided before
/// the request is dispatched, so before its answer (JSON, or a stream) begins, and before
/// the catalogue hook is asked: the challenge names every scope the calls need, the
/// server's `required_scopes` with each refused tool's. Nothing is checked without `auth`.
pub(crate) fn refuse_tool_calls(
    auth: Option<&AuthOptions>,
    caller: &Caller,
    registry: &Registry,
    body: &Value,
) -> Option<Response> {
    let (auth, grant) = (auth?, caller.0.as_deref()?);
    let messages = match body {
        Value::Array(items) => items.as_slice(),
        one => std::slice::from_ref(one),
    };
    let mut snap = None;
    // The refused tools' scopes (nothing allocated for a POST that is let through).
    let mut lacking: Vec<String> = Vec::new();
    for m in messages {
        if m.get("method").and_then(Value::as_str) != Some(Method::ToolsCall.as_str()) || m.get("id").is_none() {
            continue;
        }
        let Some(name) = m.get("params").and_then(|p| p.get("name")).and_then(Value::as_str) else { continue };
        let snap = snap.get_or_insert_with(|| registry.snapshot());
        let Some(tool) = snap.tools.get(name) else { continue };
        if !grant.has_scopes(&tool.def.required_scopes) {
            lacking.extend(tool.def.required_scopes.iter().cloned());
        }
    }
    if lacking.is_empty() {
        return None;
    }
    let mut needed = auth.required_scopes.clone();
    for s in lacking {
        if !needed.contains(&s) {
            needed.push(s);
        }
    }
    tracing::debug!(refusal = "insufficient scope", "tool call refused (bearer authorization)");
    Some(refuse(auth, Refusal::Scope(needed)))
}

/// Middleware on the MCP routes: 401/403 unless the request carries a token the verifier
/// accepts with the required scopes; otherwise the grant is attached for the handlers. Lets
/// every request through when `auth` is off.
pub(crate) async fn require(auth: Option<&AuthOptions>, mut request: Request, next: Next) -> Response {
    let Some(auth) = auth else { return next.run(request).await };
    match authenticate(auth, request.headers()).await {
        Ok(info) => {
            request.extensions_mut().insert(Caller(Some(Arc::new(info))));
            next.run(request).await
        }
        Err(refusal) => {
            let status = match refusal {
                Refusal::Missing => "missing",
                Refusal::Invalid(_) => "invalid",
                Refusal::Scope(_) => "insufficient scope",
                Refusal::Unavailable(_) => "token check unavailable",
            };
            tracing::debug!(refusal = status, "request refused (bearer authorization)");
            refuse(auth, refusal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(resource: &str) -> AuthOptions {
        AuthOptions::new(resource, |_t: String| async { Ok(AuthInfo::default()) })
    }

    #[test]
    fn metadata_url_is_path_inserted() {
        assert_eq!(
            options("http://127.0.0.1:3000/mcp").metadata_url(),
            "http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp"
        );
        assert_eq!(
            options("https://example.com/public/mcp/").metadata_url(),
            "https://example.com/.well-known/oauth-protected-resource/public/mcp"
        );
        assert_eq!(
            options("https://example.com").metadata_url(),
            "https://example.com/.well-known/oauth-protected-resource"
        );
        assert_eq!(
            options("https://example.com/?x=1").metadata_url(),
            "https://example.com/.well-known/oauth-protected-resource"
        );
    }

    #[test]
    fn metadata_routes() {
        assert_eq!(
            metadata_paths(&options("http://localhost/mcp"), "/mcp"),
            vec!["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]
        );
        assert_eq!(
            metadata_paths(&options("http://localhost/a"), "/b"),
            vec![
                "/.well-known/oauth-protected-resource",
                "/.well-known/oauth-protected-resource/a",
                "/.well-known/oauth-protected-resource/b"
            ]
        );
        assert_eq!(metadata_paths(&options("http://localhost"), "/"), vec!["/.well-known/oauth-protected-resource"]);
    }

    #[test]
    fn bearer_parsing() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            m
        };
        assert_eq!(bearer(&HeaderMap::new()), None);
        assert_eq!(bearer(&h("Bearer abc.DEF-_~+/==")), Some(Ok("abc.DEF-_~+/==")));
        assert_eq!(bearer(&h("bearer  tok ")), Some(Ok("tok")));
        assert_eq!(bearer(&h("Basic dXNlcjpwYXNz")), None);
        assert_eq!(bearer(&h("Bearer")), None);
        assert_eq!(bearer(&h("Bearer a b")), Some(Err(())));
        assert_eq!(bearer(&h("Bearer ===")), Some(Err(())));
        let mut two = h("Bearer a");
        two.append(header::AUTHORIZATION, HeaderValue::from_static("Bearer b"));
        assert_eq!(bearer(&two), Some(Err(())));
    }

    #[test]
    fn challenge_quotes_safely() {
        let o = options("http://localhost/mcp");
        assert_eq!(
            challenge(&o, Some("invalid_token"), &["a".into(), "b".into()], Some("bad \"x\"\n")),
            "Bearer error=\"invalid_token\", scope=\"a b\", \
             resource_metadata=\"http://localhost/.well-known/oauth-protected-resource/mcp\", \
             error_description=\"bad x\""
        );
    }
}

//! The built-in token verifiers (`auth.jwt`, `auth.introspection`), configured by the JSON
//! options alone, over real sockets: an authorization server started by the test on loopback
//! publishes its metadata and a key set of RSA, EC and Ed25519 keys made here, and answers
//! introspection. Every refusal is checked for its status and `WWW-Authenticate` challenge:
//! wrong audience or issuer, expired, not yet valid, unknown `kid` (fetched again once, then
//! refused; a flood of unknown kids fetches at most once per interval), tampered signature,
//! `alg: none`, HS256 signed with the public key as secret, missing scope (403), a tool's
//! own scope missing (hidden from the list, its call 403), inactive and revoked opaque
//! tokens; and a tool sees the subject, scopes and client id of an accepted one.

mod http_client;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use http_client::{Request, Response, WAIT, send};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mcpforge::{HttpOptions, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};

const RESOURCE: &str = "http://localhost:3000/mcp";
const METADATA_URL: &str = "http://localhost:3000/.well-known/oauth-protected-resource/mcp";
const CLIENT_SECRET: &str = "introspection-secret";
/// The client id the server introspects as: form-encoded in the Basic credentials (`:` and
/// `+` become `%3A` and `%2B`, RFC 6749 §2.3.1).
const CLIENT_ID: &str = "mcp:server+1";

/// A signing key of the test's authorization server, with its public JWK.
struct SigningKey {
    alg: Algorithm,
    kid: String,
    encoding: EncodingKey,
    jwk: Value,
    /// The public key's DER bytes (what a confused verifier would take as an HMAC secret).
    public_der: Vec<u8>,
}

fn rsa_key(kid: &str) -> SigningKey {
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    use rsa::traits::PublicKeyParts;
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("an RSA key");
    let public = private.to_public_key();
    SigningKey {
        alg: Algorithm::RS256,
        kid: kid.to_owned(),
        encoding: EncodingKey::from_rsa_der(private.to_pkcs1_der().expect("DER").as_bytes()),
        jwk: json!({ "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
            "n": B64.encode(public.n().to_bytes_be()), "e": B64.encode(public.e().to_bytes_be()) }),
        public_der: public.to_pkcs1_der().expect("DER").as_bytes().to_vec(),
    }
}

fn ec_key(kid: &str) -> SigningKey {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    use p256::pkcs8::EncodePrivateKey;
    let secret = p256::SecretKey::random(&mut rand::thread_rng());
    let point = secret.public_key().to_encoded_point(false);
    SigningKey {
        alg: Algorithm::ES256,
        kid: kid.to_owned(),
        encoding: EncodingKey::from_ec_der(secret.to_pkcs8_der().expect("DER").as_bytes()),
        jwk: json!({ "kty": "EC", "crv": "P-256", "kid": kid,
            "x": B64.encode(point.x().expect("x")), "y": B64.encode(point.y().expect("y")) }),
        public_der: point.as_bytes().to_vec(),
    }
}

fn ed_key(kid: &str) -> SigningKey {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let signing = ed25519_dalek::SigningKey::generate(&mut rand::thread_rng());
    let public = signing.verifying_key().to_bytes();
    SigningKey {
        alg: Algorithm::EdDSA,
        kid: kid.to_owned(),
        encoding: EncodingKey::from_ed_der(signing.to_pkcs8_der().expect("DER").as_bytes()),
        jwk: json!({ "kty": "OKP", "crv": "Ed25519", "kid": kid, "x": B64.encode(public) }),
        public_der: public.to_vec(),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The test's authorization server: metadata, key set and introspection, with counters.
#[derive(Clone)]
struct Idp {
    issuer: String,
    keys: Arc<Mutex<Vec<Value>>>,
    jwks_fetches: Arc<AtomicUsize>,
    /// While set, the key set answers 500.
    jwks_down: Arc<std::sync::atomic::AtomicBool>,
    /// Opaque token -> introspection answer.
    opaque: Arc<Mutex<HashMap<String, Value>>>,
    introspections: Arc<AtomicUsize>,
    /// Every introspection request body seen, to check what was sent.
    credentials_ok: Arc<AtomicUsize>,
}

impl Idp {
    async fn start() -> Idp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let idp = Idp {
            issuer: format!("http://127.0.0.1:{}", addr.port()),
            keys: Arc::default(),
            jwks_fetches: Arc::default(),
            jwks_down: Arc::default(),
            opaque: Arc::default(),
            introspections: Arc::default(),
            credentials_ok: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/.well-known/oauth-authorization-server", get(metadata))
            .route("/jwks", get(jwks))
            .route("/introspect", post(introspect))
            // Never answers: an authorization server overloaded past the fetch bound.
            .route("/introspect-stalled", post(std::future::pending::<()>))
            .with_state(idp.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        idp
    }

    fn publish(&self, key: &SigningKey) {
        self.keys.lock().unwrap().push(key.jwk.clone());
    }

    fn fetches(&self) -> usize {
        self.jwks_fetches.load(Ordering::SeqCst)
    }

    /// A token signed by `key` with the standard claims, `extra` overriding them.
    fn token(&self, key: &SigningKey, extra: Value) -> String {
        let mut claims = json!({
            "iss": self.issuer, "aud": RESOURCE, "sub": "alice", "client_id": "app-1",
            "scope": "mcp:tools files:read", "exp": now() + 300, "iat": now(), "tenant": "acme"
        });
        for (k, v) in extra.as_object().unwrap() {
            claims[k] = v.clone();
        }
        let header = Header { kid: Some(key.kid.clone()), ..Header::new(key.alg) };
        jsonwebtoken::encode(&header, &claims, &key.encoding).expect("signed")
    }
}

/// A JSON answer.
fn json_answer(status: StatusCode, body: Value) -> axum::response::Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn metadata(State(idp): State<Idp>) -> impl IntoResponse {
    json_answer(StatusCode::OK, json!({ "issuer": idp.issuer, "jwks_uri": format!("{}/jwks", idp.issuer) }))
}

async fn jwks(State(idp): State<Idp>) -> impl IntoResponse {
    idp.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    if idp.jwks_down.load(Ordering::SeqCst) {
        return json_answer(StatusCode::INTERNAL_SERVER_ERROR, json!({}));
    }
    let keys = idp.keys.lock().unwrap().clone();
    ([(header::CACHE_CONTROL, "public, max-age=3600")], json_answer(StatusCode::OK, json!({ "keys": keys })))
        .into_response()
}

async fn introspect(State(idp): State<Idp>, headers: HeaderMap, body: String) -> impl IntoResponse {
    idp.introspections.fetch_add(1, Ordering::SeqCst);
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("mcp%3Aserver%2B1:{CLIENT_SECRET}"))
    );
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return json_answer(StatusCode::UNAUTHORIZED, json!({ "error": "invalid_client" }));
    }
    idp.credentials_ok.fetch_add(1, Ordering::SeqCst);
    let token = body.split('&').find_map(|p| p.strip_prefix("token=")).map(percent_decode).unwrap_or_default();
    let answer = idp.opaque.lock().unwrap().get(&token).cloned().unwrap_or(json!({ "active": false }));
    json_answer(StatusCode::OK, answer)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// `whoami` answers with the grant it sees; `write_file` needs `files:write` too.
fn server() -> Server {
    Server::builder("oauth", "1.0.0")
        .tool(Tool::new("whoami"), |ctx: RequestContext, _: Value| async move {
            let a = ctx.auth().expect("a grant");
            let shown = json!({ "subject": a.subject, "scopes": a.scopes, "client_id": a.client_id, "extra": a.extra });
            Ok::<_, ToolError>(shown.to_string())
        })
        .tool(Tool::new("write_file").required_scopes(["files:write"]), |_: Value| async {
            Ok::<_, ToolError>("written")
        })
        .build()
        .expect("build")
}

struct Served {
    server: Server,
    addr: SocketAddr,
    run: tokio::task::JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    /// A server configured by the JSON options alone: `auth` with `extra` merged in.
    async fn start(extra: Value) -> Served {
        let mut auth = json!({ "resource": RESOURCE, "requiredScopes": ["mcp:tools"] });
        for (k, v) in extra.as_object().unwrap() {
            auth[k] = v.clone();
        }
        let options = HttpOptions::from_json(json!({ "bind": "127.0.0.1:0", "auth": auth }), None).expect("options");
        let server = server();
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("address");
        Served { server, addr, run: tokio::spawn(http.run()) }
    }

    async fn call(&self, token: &str) -> Response {
        self.request(token, "tools/call", json!({ "name": "whoami", "arguments": {} })).await
    }

    /// A 2026 request of `method` with `params`, carrying `token`.
    async fn request(&self, token: &str, method: &str, mut params: Value) -> Response {
        params["_meta"] = mcpforge::MemoryClient::modern_meta(json!({}));
        let mut request = Request::post_json(&json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }))
            .header("MCP-Protocol-Version", "2026-07-28")
            .header("Mcp-Method", method)
            .header("Authorization", &format!("Bearer {token}"));
        if let Some(name) = params["name"].as_str() {
            request = request.header("Mcp-Name", name);
        }
        send(self.addr, &request).await
    }

    async fn stop(self) {
        self.server.shutdown();
        tokio::time::timeout(WAIT, self.run).await.expect("stops").expect("task").expect("run");
    }
}

/// The grant the tool saw.
fn seen(r: &Response) -> Value {
    assert_eq!(r.status, 200, "{}", r.text());
    let message =
        if r.header("content-type") == Some("text/event-stream") { r.sse_messages().pop().unwrap() } else { r.json() };
    serde_json::from_str(message["result"]["content"][0]["text"].as_str().expect("text")).expect("JSON")
}

/// Asserts that `r` says the token could not be checked now: 503 with `Retry-After`, no
/// challenge (the token is not refused, so the client keeps it).
fn assert_unavailable(r: &Response) {
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("5"));
    assert!(r.header("www-authenticate").is_none(), "no challenge: the token is not refused");
    assert_eq!(r.json()["error"], "temporarily_unavailable");
}

/// A 401 `invalid_token` whose description contains `why`.
fn assert_invalid(r: &Response, why: &str) {
    assert_eq!(r.status, 401, "{}", r.text());
    let challenge = r.header("www-authenticate").expect("a challenge");
    assert!(challenge.starts_with("Bearer error=\"invalid_token\", scope=\"mcp:tools\""), "{challenge}");
    assert!(challenge.contains(&format!("resource_metadata=\"{METADATA_URL}\"")), "{challenge}");
    assert!(challenge.contains(why), "{challenge} should say {why:?}");
}

/// An authorization server publishing `keys`, and a server verifying its JWTs.
async fn started(keys: &[&SigningKey]) -> (Idp, Served) {
    let idp = Idp::start().await;
    for k in keys {
        idp.publish(k);
    }
    let served = Served::start(jwt_options(&idp)).await;
    (idp, served)
}

fn jwt_options(idp: &Idp) -> Value {
    json!({ "authorizationServers": [idp.issuer], "jwt": { "issuer": idp.issuer, "jwksRefetchInterval": 1 } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_keys_of_every_type_verify_and_the_tool_sees_the_grant() {
    let keys = [rsa_key("rsa-1"), ec_key("ec-1"), ed_key("ed-1")];
    let (idp, s) = started(&keys.iter().collect::<Vec<_>>()).await;
    for k in &keys {
        let grant = seen(&s.call(&idp.token(k, json!({ "sub": k.kid }))).await);
        assert_eq!(grant["subject"], k.kid);
        assert_eq!(grant["scopes"], json!(["mcp:tools", "files:read"]));
        assert_eq!(grant["client_id"], "app-1");
        assert_eq!(grant["extra"]["tenant"], "acme");
    }
    // `scp` arrays and `azp` are read too, and an audience array containing the resource.
    let token = idp.token(
        &keys[0],
        json!({ "scope": null, "scp": ["mcp:tools"], "client_id": null, "azp": "app-2",
        "aud": ["https://other.example", RESOURCE] }),
    );
    let grant = seen(&s.call(&token).await);
    assert_eq!((grant["scopes"].clone(), grant["client_id"].clone()), (json!(["mcp:tools"]), json!("app-2")));
    assert_eq!(idp.fetches(), 1, "one key set fetch, found through the issuer's metadata, serves every key");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_refusals_are_401_invalid_token_and_403_for_scope() {
    let key = ec_key("ec-1");
    let (idp, s) = started(&[&key]).await;
    assert_invalid(&s.call(&idp.token(&key, json!({ "aud": "http://localhost:3000/other" }))).await, "audience");
    assert_invalid(&s.call(&idp.token(&key, json!({ "iss": "http://127.0.0.1:1" }))).await, "issuer");
    assert_invalid(&s.call(&idp.token(&key, json!({ "exp": now() - 120 }))).await, "expired");
    assert_invalid(&s.call(&idp.token(&key, json!({ "nbf": now() + 600 }))).await, "not yet valid");
    assert_invalid(&s.call(&idp.token(&key, json!({ "exp": null }))).await, "no expiry");
    // A signature over other claims.
    let good = idp.token(&key, json!({}));
    let forged = idp.token(&key, json!({ "sub": "mallory" }));
    let mut parts: Vec<&str> = good.split('.').collect();
    parts[1] = forged.split('.').nth(1).unwrap();
    assert_invalid(&s.call(&parts.join(".")).await, "signature does not verify");
    // alg: none, with and without a signature part.
    let none_header = B64.encode(json!({ "alg": "none", "typ": "JWT", "kid": "ec-1" }).to_string());
    assert_invalid(&s.call(&format!("{none_header}.{}.", parts[1])).await, "malformed token");
    assert_invalid(&s.call(&format!("{none_header}.{}.{}", parts[1], parts[2])).await, "malformed token");
    // HS256 keyed with the public key's bytes.
    let hs =
        SigningKey { alg: Algorithm::HS256, encoding: EncodingKey::from_secret(&key.public_der), ..ec_key("ec-1") };
    assert_invalid(&s.call(&idp.token(&hs, json!({}))).await, "algorithm");
    // Valid, without the server-wide required scope: 403 with the step-up challenge.
    let r = s.call(&idp.token(&key, json!({ "scope": "files:read" }))).await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(
        r.header("www-authenticate"),
        Some(
            format!("Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=\"{METADATA_URL}\"")
                .as_str()
        )
    );
    // Refusals are not cached: the good token still passes.
    seen(&s.call(&good).await);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tools_own_scope_hides_it_and_refuses_its_call_with_403() {
    let key = rsa_key("rsa-1");
    let (idp, s) = started(&[&key]).await;
    let (reader, writer) = (idp.token(&key, json!({})), idp.token(&key, json!({ "scope": "mcp:tools files:write" })));
    let names = |r: Response| -> Vec<Value> {
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].clone()).collect()
    };
    assert_eq!(names(s.request(&reader, "tools/list", json!({})).await), [json!("whoami")]);
    assert_eq!(names(s.request(&writer, "tools/list", json!({})).await), [json!("whoami"), json!("write_file")]);
    let write = json!({ "name": "write_file", "arguments": {} });
    let r = s.request(&reader, "tools/call", write.clone()).await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(
        r.header("www-authenticate"),
        Some(
            format!(
                "Bearer error=\"insufficient_scope\", scope=\"mcp:tools files:write\", resource_metadata=\"{METADATA_URL}\""
            )
            .as_str()
        )
    );
    let r = s.request(&writer, "tools/call", write).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["result"]["content"][0]["text"], "written");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_kid_fetches_the_keys_again_at_most_once_per_interval() {
    let first = ed_key("ed-1");
    let (idp, s) = started(&[&first]).await;
    seen(&s.call(&idp.token(&first, json!({}))).await);
    assert_eq!(idp.fetches(), 1);
    // The server rotates in a new key; a token signed with it makes the keys fetched again.
    let rotated = ed_key("ed-2");
    idp.publish(&rotated);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    seen(&s.call(&idp.token(&rotated, json!({}))).await);
    assert_eq!(idp.fetches(), 2, "one fetch for the new kid");
    // A flood of unknown kids right after: refused, without another fetch within the interval.
    for i in 0..20 {
        let stranger = ed_key(&format!("random-{i}"));
        assert_invalid(&s.call(&idp.token(&stranger, json!({}))).await, "no signing key");
    }
    assert_eq!(idp.fetches(), 2, "unknown kids within the interval fetch nothing");
    // After the interval, one more unknown kid fetches once, and is still refused.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let calls = (0..5).map(|i| {
        let token = idp.token(&ed_key(&format!("late-{i}")), json!({}));
        let s = &s;
        async move { s.call(&token).await }
    });
    for r in futures_util::future::join_all(calls).await {
        assert_invalid(&r, "no signing key");
    }
    assert_eq!(idp.fetches(), 3, "concurrent unknown kids share one fetch");
    // Known keys keep working throughout.
    seen(&s.call(&idp.token(&first, json!({ "sub": "bob" }))).await);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_held_stay_in_use_when_a_fetch_fails() {
    let key = rsa_key("rsa-1");
    let (idp, s) = started(&[&key]).await;
    seen(&s.call(&idp.token(&key, json!({}))).await);
    idp.jwks_down.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_invalid(&s.call(&idp.token(&ec_key("ec-new"), json!({}))).await, "no signing key");
    assert_eq!(idp.fetches(), 2, "the unknown kid was looked for, and the fetch failed");
    // A token not seen before, signed by the key held: still verified.
    assert_eq!(seen(&s.call(&idp.token(&key, json!({ "sub": "dave" }))).await)["subject"], "dave");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_keys_never_fetched_answer_503_with_retry_after_not_401() {
    let key = rsa_key("rsa-1");
    let (idp, s) = started(&[&key]).await;
    // The key set is unreachable before any token came: no key is held.
    idp.jwks_down.store(true, Ordering::SeqCst);
    let r = s.call(&idp.token(&key, json!({}))).await;
    assert_unavailable(&r);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_accepts_active_tokens_and_refuses_inactive_and_revoked_ones() {
    let idp = Idp::start().await;
    let active = json!({ "active": true, "sub": "carol", "scope": "mcp:tools", "client_id": "app-3",
        "aud": RESOURCE, "iss": idp.issuer, "exp": now() + 300 });
    {
        let mut opaque = idp.opaque.lock().unwrap();
        opaque.insert("opaque-good".into(), active.clone());
        opaque.insert(
            "opaque-other-aud".into(),
            json!({ "active": true, "scope": "mcp:tools", "aud": "https://x.example" }),
        );
        opaque.insert(
            "opaque-expired".into(),
            json!({ "active": true, "scope": "mcp:tools", "aud": RESOURCE, "exp": now() - 300 }),
        );
        opaque.insert("opaque-to-revoke".into(), active.clone());
    }
    let s = Served::start(json!({ "introspection": {
        "endpoint": format!("{}/introspect", idp.issuer), "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET,
        "issuer": idp.issuer, "cacheTtl": 1 } }))
    .await;
    let grant = seen(&s.call("opaque-good").await);
    assert_eq!((grant["subject"].clone(), grant["client_id"].clone()), (json!("carol"), json!("app-3")));
    assert_invalid(&s.call("opaque-unknown").await, "not active");
    assert_invalid(&s.call("opaque-other-aud").await, "audience");
    assert_invalid(&s.call("opaque-expired").await, "expired");
    assert_eq!(
        idp.credentials_ok.load(Ordering::SeqCst),
        idp.introspections.load(Ordering::SeqCst),
        "Basic credentials"
    );
    // Accepted, then revoked at the server: the cached grant lasts at most the cache's 1 s.
    seen(&s.call("opaque-to-revoke").await);
    let asked = idp.introspections.load(Ordering::SeqCst);
    idp.opaque.lock().unwrap().insert("opaque-to-revoke".into(), json!({ "active": false }));
    seen(&s.call("opaque-to-revoke").await);
    assert_eq!(idp.introspections.load(Ordering::SeqCst), asked, "served from the cache");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_invalid(&s.call("opaque-to-revoke").await, "not active");
    // A refusal is not cached: asked again each time.
    let asked = idp.introspections.load(Ordering::SeqCst);
    assert_invalid(&s.call("opaque-unknown").await, "not active");
    assert_eq!(idp.introspections.load(Ordering::SeqCst), asked + 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_refuse_unsafe_or_incomplete_configurations() {
    let err = |auth: Value| {
        let mut a = json!({ "resource": RESOURCE });
        for (k, v) in auth.as_object().unwrap() {
            a[k] = v.clone();
        }
        HttpOptions::from_json(json!({ "auth": a }), None).err().map(|e| e.to_string()).unwrap_or_default()
    };
    assert!(err(json!({ "jwt": { "issuer": "https://as", "algorithms": ["none"] } })).contains("never accepted"));
    assert!(err(json!({ "jwt": { "issuer": "https://as", "algorithms": ["HS256"] } })).contains("sharedSecret"));
    assert!(
        err(json!({ "jwt": { "issuer": "https://as", "sharedSecret": "x".repeat(40), "algorithms": ["RS256"] } }))
            .contains("only HS256")
    );
    assert!(err(json!({ "jwt": { "issuer": "https://as", "sharedSecret": "short" } })).contains("at least 32 bytes"));
    assert!(err(json!({ "jwt": { "issuer": "https://as", "jwksUrl": "x" } })).contains("unknown field"));
    assert!(err(json!({ "introspection": { "endpoint": "https://as/i", "clientId": "a" } })).contains("both"));
    assert!(
        err(json!({ "introspection": { "endpoint": "https://as/i", "jwksUri": "https://as/k" } }))
            .contains("not an option")
    );
    assert!(err(json!({ "jwt": { "jwksUri": "https://as/k" } })).contains("`issuer` is required"));
    assert!(err(json!({ "jwt": { "issuer": "http://as.example.com" } })).contains("loopback host only"));
    assert!(
        err(json!({ "introspection": { "endpoint": "http://as.example.com/introspect" } }))
            .contains("loopback host only")
    );
    assert!(err(json!({})).contains("no token verifier"));
    let shared = json!({ "jwt": { "issuer": "https://as", "shared_secret": "s".repeat(32), "clock_skew": 5 } });
    assert_eq!(err(shared), "", "snake_case spellings are accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_secret_verifies_hs256_and_nothing_else() {
    let secret = "a-shared-secret-of-at-least-32-bytes!";
    let s = Served::start(json!({ "jwt": { "issuer": "https://as.example", "sharedSecret": secret } })).await;
    let idp = Idp { issuer: "https://as.example".into(), ..Idp::start().await };
    let hs = SigningKey { alg: Algorithm::HS256, encoding: EncodingKey::from_secret(secret.as_bytes()), ..ed_key("k") };
    assert_eq!(seen(&s.call(&idp.token(&hs, json!({}))).await)["subject"], "alice");
    assert_invalid(&s.call(&idp.token(&ed_key("k"), json!({}))).await, "algorithm");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_refuses_a_refresh_token_and_an_answer_naming_no_audience() {
    let idp = Idp::start().await;
    // What a provider answers about a refresh token: active, no `aud`, no `token_type`.
    let refresh = json!({ "active": true, "sub": "carol", "client_id": "app-3", "iss": idp.issuer,
        "scope": "mcp:tools", "exp": now() + 3600 });
    let mut typed = refresh.clone();
    typed["aud"] = json!(RESOURCE);
    typed["token_type"] = json!("refresh_token");
    let mut access = typed.clone();
    access["token_type"] = json!("Bearer");
    {
        let mut opaque = idp.opaque.lock().unwrap();
        opaque.insert("opaque-refresh".into(), refresh);
        opaque.insert("opaque-typed-refresh".into(), typed);
        opaque.insert("opaque-access".into(), access);
    }
    let options = |allow: Option<bool>| {
        let mut introspection = json!({ "endpoint": format!("{}/introspect", idp.issuer),
            "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET });
        if let Some(allow) = allow {
            introspection["allowMissingAudience"] = json!(allow);
        }
        json!({ "introspection": introspection })
    };
    let s = Served::start(options(None)).await;
    assert_invalid(&s.call("opaque-refresh").await, "token names no audience (aud)");
    assert_invalid(&s.call("opaque-typed-refresh").await, "token is not an access token");
    assert_eq!(seen(&s.call("opaque-access").await)["subject"], "carol");
    s.stop().await;
    // Only when told to (unsafe): an answer without `aud` is taken; a refresh token never.
    let s = Served::start(options(Some(true))).await;
    assert_eq!(seen(&s.call("opaque-refresh").await)["subject"], "carol");
    assert_invalid(&s.call("opaque-typed-refresh").await, "token is not an access token");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jwt_naming_no_audience_is_refused() {
    let key = ec_key("ec-1");
    let (idp, s) = started(&[&key]).await;
    let claims = json!({ "iss": idp.issuer, "sub": "alice", "scope": "mcp:tools", "exp": now() + 300 });
    let header = Header { kid: Some(key.kid.clone()), ..Header::new(key.alg) };
    let token = jsonwebtoken::encode(&header, &claims, &key.encoding).expect("signed");
    assert_invalid(&s.call(&token).await, "token names no audience (aud)");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_that_cannot_answer_is_503_with_retry_after_not_401() {
    // A loopback port nothing listens on: each question fails at once.
    let s = Served::start(json!({ "introspection": { "endpoint": "http://127.0.0.1:1/introspect" } })).await;
    let r = s.call("opaque-anything").await;
    assert_unavailable(&r);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overloaded_introspection_is_503_for_every_request_waiting_on_it() {
    let idp = Idp::start().await;
    let endpoint = format!("{}/introspect-stalled", idp.issuer);
    let s = Arc::new(Served::start(json!({ "introspection": { "endpoint": endpoint } })).await);
    // One more than the questions in flight at once: the last waits for a turn that never
    // comes. Each is answered within the 5 s fetch bound (the client's own bound is 10 s).
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..33 {
        let s = s.clone();
        calls.spawn(async move { s.call(&format!("opaque-{i}")).await });
    }
    let mut answered = 0;
    while let Some(r) = calls.join_next().await {
        let r = r.expect("task");
        assert_eq!((r.status, r.header("retry-after")), (503, Some("5")), "{}", r.text());
        answered += 1;
    }
    assert_eq!(answered, 33);
    Arc::try_unwrap(s).ok().expect("the calls are done").stop().await;
}

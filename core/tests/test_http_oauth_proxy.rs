//! The OAuth proxy (`auth.proxy`), configured by the JSON options alone, over real sockets:
//! an upstream identity provider without registration, started by the test on loopback,
//! publishes its metadata and an EC key, and exchanges codes for ID tokens; the test plays
//! the browser between the two, approving on the proxy's consent page with its cookie.
//! Shown: the metadata, registration, the whole login through the upstream, tokens the server then accepts (subject and client id as a tool sees them),
//! refresh with rotation, and every refusal with its status or redirect: wrong PKCE
//! verifier, a code used twice, an unknown client, a redirect URI not registered (a 400
//! page, never a redirect), PKCE missing, another resource, an upstream login refused (the
//! upstream's error at the client's redirect URI), wrong client secret, a token replayed to
//! another resource, bad registrations, and options refused at start. And an upstream
//! without OpenID Connect (no issuer, no `id_token`): the user comes from its userinfo.
//! And the consent page: what it shows (escaped) and its headers, consent refused without
//! this browser's cookie and CSRF token, a denial, and the confused deputy: an upstream link
//! approved in one browser and opened in another gives nothing.

mod http_client;
mod proxy_requests;
#[cfg(feature = "redis")]
mod redis_server;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use http_client::{Request, Response, WAIT, send};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mcpforge::store::{ExpiringValues, StoreError, StoreFuture};
use mcpforge::{HttpOptions, RequestContext, Server, SharedStore, Tool, ToolError};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const RESOURCE: &str = "http://localhost:3000/mcp";
const ISSUER: &str = "http://localhost:3000";
const SECRET: &str = "a-signing-secret-of-at-least-32-bytes!";
const UP_CLIENT: &str = "proxy-client";
const UP_SECRET: &str = "proxy-secret";
const CLIENT_REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "a-pkce-code-verifier-of-forty-three-or-more-characters";

fn s256(v: &str) -> String {
    B64.encode(Sha256::digest(v.as_bytes()))
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// A login the upstream has seen: the PKCE challenge and nonce it was asked with.
#[derive(Clone)]
struct Login {
    challenge: String,
    nonce: String,
}

/// The upstream identity provider: metadata, key set, and a token endpoint answering ID tokens.
#[derive(Clone)]
struct Upstream {
    issuer: String,
    key: Arc<EncodingKey>,
    jwk: Value,
    logins: Arc<Mutex<HashMap<String, Login>>>,
}

impl Upstream {
    async fn start() -> Upstream {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        use p256::pkcs8::EncodePrivateKey;
        let secret = p256::SecretKey::random(&mut rand::thread_rng());
        let point = secret.public_key().to_encoded_point(false);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let up = Upstream {
            issuer: format!("http://127.0.0.1:{}", addr.port()),
            key: Arc::new(EncodingKey::from_ec_der(secret.to_pkcs8_der().unwrap().as_bytes())),
            jwk: json!({ "kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig",
                "x": B64.encode(point.x().unwrap()), "y": B64.encode(point.y().unwrap()) }),
            logins: Arc::default(),
        };
        let app = axum::Router::new()
            .route(
                "/.well-known/oauth-authorization-server",
                get(|State(u): State<Upstream>| async move {
                    json_answer(json!({ "issuer": u.issuer, "authorization_endpoint": format!("{}/auth", u.issuer),
                    "token_endpoint": format!("{}/token", u.issuer), "jwks_uri": format!("{}/jwks", u.issuer) }))
                }),
            )
            .route("/jwks", get(|State(u): State<Upstream>| async move { json_answer(json!({ "keys": [u.jwk] })) }))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(up.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        up
    }
}

/// The upstream token endpoint: its client's Basic credentials, a code it issued, and the
/// PKCE verifier of that login; answers an ID token for `alice`.
async fn token(State(u): State<Upstream>, headers: HeaderMap, body: String) -> axum::response::Response {
    let basic = format!("Basic {}", STANDARD.encode(format!("{UP_CLIENT}:{UP_SECRET}")));
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return (StatusCode::UNAUTHORIZED, json_answer(json!({ "error": "invalid_client" }))).into_response();
    }
    let form: HashMap<String, String> = serde_urlencoded::from_str(&body).unwrap();
    let login = u.logins.lock().unwrap().remove(&form["code"]);
    match login {
        // A login without a nonce is an OAuth-only one: no id_token.
        Some(l) if s256(&form["code_verifier"]) == l.challenge && l.nonce.is_empty() => {
            json_answer(json!({ "access_token": "upstream-access-token", "token_type": "Bearer" }))
        }
        Some(l) if s256(&form["code_verifier"]) == l.challenge => {
            let claims = json!({ "iss": u.issuer, "aud": UP_CLIENT, "sub": "alice", "nonce": l.nonce,
                "email": "alice@Example.com", "email_verified": true, "iat": now(), "exp": now() + 300 });
            let header = Header { kid: Some("k1".into()), ..Header::new(Algorithm::ES256) };
            let id_token = jsonwebtoken::encode(&header, &claims, &u.key).unwrap();
            json_answer(
                json!({ "access_token": "upstream-access-token", "token_type": "Bearer", "id_token": id_token }),
            )
            .into_response()
        }
        _ => (StatusCode::BAD_REQUEST, json_answer(json!({ "error": "invalid_grant" }))).into_response(),
    }
}

/// The userinfo of the upstream's access token: a numeric `id`, as GitHub's `/user` has.
async fn userinfo(headers: HeaderMap) -> axum::response::Response {
    match headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        Some("Bearer upstream-access-token") => json_answer(json!({ "id": 4242, "login": "alice" })),
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// A JSON answer.
fn json_answer(v: Value) -> axum::response::Response {
    ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

/// The query parameters of a `Location`.
fn query_of(location: &str) -> HashMap<String, String> {
    serde_urlencoded::from_str(location.split_once('?').map_or("", |(_, q)| q)).unwrap()
}

struct Served {
    server: Server,
    addr: SocketAddr,
    run: tokio::task::JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    /// A server for `resource` whose `auth.proxy` has `upstream` (found through its issuer).
    async fn start(resource: &str, upstream: &Upstream) -> Served {
        let options = json!({ "issuer": upstream.issuer, "clientId": UP_CLIENT, "clientSecret": UP_SECRET });
        Served::start_with(resource, options).await
    }

    /// A server for `resource` whose `auth.proxy.upstream` is `upstream`.
    async fn start_with(resource: &str, upstream: Value) -> Served {
        Served::start_sharing(resource, upstream, None).await
    }

    /// [`Served::start_with`], with `store` as the shared store when given.
    async fn start_sharing(resource: &str, upstream: Value, store: Option<SharedStore>) -> Served {
        Served::start_proxy(resource, upstream, store, json!({})).await
    }

    /// [`Served::start_sharing`], with `extra` members of `auth.proxy`.
    async fn start_proxy(resource: &str, upstream: Value, store: Option<SharedStore>, extra: Value) -> Served {
        let mut proxy = json!({ "signingSecret": SECRET, "upstream": upstream });
        for (k, v) in extra.as_object().expect("an object") {
            proxy[k] = v.clone();
        }
        let auth = json!({ "resource": resource, "scopesSupported": ["mcp:tools", "mcp:admin"],
            "requiredScopes": ["mcp:tools"], "proxy": proxy });
        Served::start_auth(auth, store).await
    }

    /// A server whose `auth` options are `auth`, with `store` as the shared store when given.
    async fn start_auth(auth: Value, store: Option<SharedStore>) -> Served {
        let mut options =
            HttpOptions::from_json(json!({ "bind": "127.0.0.1:0", "auth": auth }), None).expect("options");
        options.shared_store = store;
        let server = Server::builder("proxy-test", "1.0.0")
            .tool(Tool::new("whoami"), |ctx: RequestContext, _: Value| async move {
                let a = ctx.auth().expect("a grant");
                Ok::<_, ToolError>(
                    json!({ "subject": a.subject, "client_id": a.client_id, "scopes": a.scopes }).to_string(),
                )
            })
            .build()
            .expect("build");
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("address");
        Served { server, addr, run: tokio::spawn(http.run()) }
    }

    async fn get(&self, path: &str) -> Response {
        send(self.addr, &Request::new("GET", path)).await
    }

    async fn post_form(&self, path: &str, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> Response {
        let mut r = proxy_requests::form_post(path, form);
        if let Some((id, secret)) = basic {
            r = r.header("Authorization", &format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))));
        }
        send(self.addr, &r).await
    }

    async fn register(&self, body: Value) -> Response {
        let r = Request::new("POST", "/register").header("Content-Type", "application/json");
        send(self.addr, &r.body(body.to_string().into_bytes())).await
    }

    /// A public client registered with [`CLIENT_REDIRECT`]: its id.
    async fn public_client(&self) -> String {
        let r =
            self.register(json!({ "redirect_uris": [CLIENT_REDIRECT], "token_endpoint_auth_method": "none" })).await;
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["client_id"].as_str().unwrap().to_owned()
    }

    /// `/authorize` for `client_id` with `extra` parameters (PKCE of [`VERIFIER`] unless
    /// overridden).
    async fn authorize(&self, client_id: &str, extra: &[(&str, &str)]) -> Response {
        let challenge = s256(VERIFIER);
        let mut p: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", CLIENT_REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("state", "client-state"),
        ];
        for (k, v) in extra {
            p.retain(|(n, _)| n != k);
            if !v.is_empty() {
                p.push((k, v));
            }
        }
        self.get(&format!("/authorize?{}", serde_urlencoded::to_string(&p).unwrap())).await
    }

    /// `/authorize` for `client_id` answered with the consent page, approved (or denied) in
    /// the same browser: the proxy's answer to the form, and the browser's cookie.
    async fn consent(&self, client_id: &str, decision: &str) -> (Response, String) {
        let page = self.authorize(client_id, &[("resource", RESOURCE)]).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let cookie = cookie_of(&page);
        let (action, fields) = form_of(&page.text());
        assert_eq!(action, "/authorize/consent");
        let form = [("pending", fields["pending"].as_str()), ("csrf", &fields["csrf"]), ("decision", decision)];
        (self.post_consent(&action, &form, Some(&cookie)).await, cookie)
    }

    /// The consent form `form` posted to `action` with `cookie` (`name=value`), if any.
    async fn post_consent(&self, action: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response {
        let mut r = proxy_requests::form_post(action, form);
        if let Some(c) = cookie {
            r = r.header("Cookie", c);
        }
        send(self.addr, &r).await
    }

    /// The browser's way to the upstream: the consent page approved, the proxy's redirect to
    /// the upstream checked; its query and the browser's cookie.
    async fn to_upstream(&self, upstream: &Upstream, client_id: &str) -> (HashMap<String, String>, String) {
        let (r, cookie) = self.consent(client_id, "approve").await;
        assert_eq!(r.status, 302, "{}", r.text());
        let location = r.header("location").unwrap().to_owned();
        assert!(location.starts_with(&format!("{}/auth?", upstream.issuer)), "{location}");
        let q = query_of(&location);
        assert_eq!((q["client_id"].as_str(), q["code_challenge_method"].as_str()), (UP_CLIENT, "S256"));
        assert_eq!(q["redirect_uri"], format!("{ISSUER}/oauth/callback"));
        assert_ne!(q["code_challenge"], s256(VERIFIER), "the proxy's own PKCE upstream");
        (q, cookie)
    }

    /// The upstream's answer to the login `q` asked for: it "logs the user in" (or answers
    /// `upstream_error`); the query of its redirect to the callback.
    fn upstream_answer(upstream: &Upstream, q: &HashMap<String, String>, upstream_error: Option<&str>) -> String {
        match upstream_error {
            Some(e) => format!("error={e}&state={}", q["state"]),
            None => {
                let code = format!("up-{}", q["state"]);
                let nonce = q.get("nonce").cloned().unwrap_or_default();
                let login = Login { challenge: q["code_challenge"].clone(), nonce };
                upstream.logins.lock().unwrap().insert(code.clone(), login);
                format!("code={code}&state={}", q["state"])
            }
        }
    }

    /// The callback the upstream sends the browser to, with `cookie` (if any).
    async fn callback(&self, back: &str, cookie: Option<&str>) -> Response {
        let mut r = Request::new("GET", &format!("/oauth/callback?{back}"));
        if let Some(c) = cookie {
            r = r.header("Cookie", c);
        }
        send(self.addr, &r).await
    }

    /// The browser's whole way: consent, the upstream, and the proxy's callback; the query of
    /// its redirect to the client.
    async fn login(
        &self,
        upstream: &Upstream,
        client_id: &str,
        upstream_error: Option<&str>,
    ) -> HashMap<String, String> {
        let (q, cookie) = self.to_upstream(upstream, client_id).await;
        let back = Served::upstream_answer(upstream, &q, upstream_error);
        let r = self.callback(&back, Some(&cookie)).await;
        assert_eq!(r.status, 302, "{}", r.text());
        assert!(r.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")), "the cookie is cleared");
        let location = r.header("location").unwrap();
        assert!(location.starts_with(&format!("{CLIENT_REDIRECT}?")), "{location}");
        query_of(location)
    }

    async fn exchange(&self, client_id: &str, code: &str, verifier: &str) -> Response {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", CLIENT_REDIRECT),
            ("resource", RESOURCE),
        ];
        self.post_form("/token", &form, None).await
    }

    /// The `refresh_token` grant of `token` for the public client `client_id`.
    async fn refresh(&self, client_id: &str, token: &str) -> Response {
        let form = [("grant_type", "refresh_token"), ("client_id", client_id), ("refresh_token", token)];
        self.post_form("/token", &form, None).await
    }

    async fn call(&self, token: &str) -> Response {
        send(self.addr, &proxy_requests::tool_call("whoami", token)).await
    }

    async fn stop(self) {
        self.server.shutdown();
        tokio::time::timeout(WAIT, self.run).await.expect("stops").expect("task").expect("run");
    }
}

/// The `name=value` of the cookie a response sets.
fn cookie_of(r: &Response) -> String {
    let line = r.header("set-cookie").expect("a cookie");
    line.split(';').next().unwrap().to_owned()
}

/// The action and hidden fields of the one form of a page.
fn form_of(page: &str) -> (String, HashMap<String, String>) {
    let attribute = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\"")).map(|i| i + name.len() + 2)?;
        tag[start..].split('"').next().map(str::to_owned)
    };
    let form = page.split("<form").nth(1).expect("a form");
    let action = attribute(form.split('>').next().unwrap(), "action").expect("an action");
    let fields = form
        .split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next()?;
            let hidden = attribute(tag, "type")? == "hidden";
            hidden.then_some((attribute(tag, "name")?, attribute(tag, "value")?))
        })
        .collect();
    (action, fields)
}

fn error_of(r: &Response) -> String {
    r.json()["error"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn metadata_names_the_proxy_as_the_authorization_server() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let prm = s.get("/.well-known/oauth-protected-resource/mcp").await.json();
    assert_eq!(prm["authorization_servers"], json!([ISSUER]));
    let r = s.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(r.status, 200);
    let m = r.json();
    assert_eq!(m["issuer"], ISSUER);
    for (field, path) in
        [("authorization_endpoint", "/authorize"), ("token_endpoint", "/token"), ("registration_endpoint", "/register")]
    {
        assert_eq!(m[field], format!("{ISSUER}{path}"));
    }
    assert_eq!(m["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(m["authorization_response_iss_parameter_supported"], true);
    assert_eq!(m["scopes_supported"], json!(["mcp:tools", "mcp:admin"]));
    s.stop().await;
}

#[tokio::test]
async fn the_whole_flow_gives_a_token_the_server_accepts_and_refresh_rotates() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let client = s.public_client().await;
    let q = s.login(&up, &client, None).await;
    assert_eq!(q["state"], "client-state");
    assert_eq!(q["iss"], ISSUER);
    let r = s.exchange(&client, &q["code"], VERIFIER).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(!r.text().contains("upstream-access-token"), "the upstream token is never handed out");
    let t = r.json();
    assert_eq!((t["token_type"].as_str(), t["expires_in"].as_u64()), (Some("Bearer"), Some(3600)));
    assert_eq!(t["scope"], "mcp:tools mcp:admin", "no scope asked: every advertised one");
    let access = t["access_token"].as_str().unwrap();
    let called = s.call(access).await;
    assert_eq!(called.status, 200, "{}", called.text());
    let shown: Value = serde_json::from_str(called.json()["result"]["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(shown["subject"], "alice");
    assert_eq!(shown["client_id"], client.as_str());

    // The code is single-use.
    let again = s.exchange(&client, &q["code"], VERIFIER).await;
    assert_eq!((again.status, error_of(&again)), (400, "invalid_grant".to_owned()));

    // Refresh, narrowing the scope; the refresh token is rotated.
    let refresh = t["refresh_token"].as_str().unwrap();
    let form =
        [("grant_type", "refresh_token"), ("client_id", &client), ("refresh_token", refresh), ("scope", "mcp:tools")];
    let r = s.post_form("/token", &form, None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["scope"], "mcp:tools");
    assert_ne!(r.json()["refresh_token"].as_str(), Some(refresh));
    assert_eq!(s.call(r.json()["access_token"].as_str().unwrap()).await.status, 200);
    let rotated = r.json()["refresh_token"].as_str().unwrap().to_owned();
    let wider = [
        ("grant_type", "refresh_token"),
        ("client_id", &client),
        ("refresh_token", &rotated),
        ("scope", "mcp:tools mcp:admin"),
    ];
    assert_eq!(error_of(&s.post_form("/token", &wider, None).await), "invalid_scope");
    s.stop().await;
}

/// A refresh token of a fresh login of `client`.
async fn refreshed(s: &Served, up: &Upstream, client: &str) -> String {
    let q = s.login(up, client, None).await;
    let r = s.exchange(client, &q["code"], VERIFIER).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["refresh_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_refresh_token_used_twice_revokes_its_login_and_no_other() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let client = s.public_client().await;
    let first = refreshed(&s, &up, &client).await;
    let other_login = refreshed(&s, &up, &client).await;
    // The legitimate client rotates; a thief presents the old token: both are cut off.
    let r = s.refresh(&client, &first).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let second = r.json()["refresh_token"].as_str().unwrap().to_owned();
    let stolen = s.refresh(&client, &first).await;
    assert_eq!((stolen.status, error_of(&stolen)), (400, "invalid_grant".to_owned()));
    let after = s.refresh(&client, &second).await;
    assert_eq!((after.status, error_of(&after)), (400, "invalid_grant".to_owned()));
    assert!(after.text().contains("revoked"), "{}", after.text());
    // Another login of the same client and user is not touched.
    let r = s.refresh(&client, &other_login).await;
    assert_eq!(r.status, 200, "{}", r.text());
    s.stop().await;
}

/// The kinds an anonymous request fills hold 10,000 values each: one more than that, so
/// that a flood that evicted by age alone would evict the oldest value.
const FLOOD: usize = 10_001;

/// A proxy without its rate limit (the floods below test what is kept, not the rate), on
/// `store` when given.
async fn unlimited(up: &Upstream, store: Option<SharedStore>) -> Served {
    let upstream = json!({ "issuer": up.issuer, "clientId": UP_CLIENT, "clientSecret": UP_SECRET });
    Served::start_proxy(RESOURCE, upstream, store, json!({ "rateLimit": null })).await
}

/// Sends `n` requests made by `request` (from its number), 16 at a time; their statuses.
async fn flood(s: &Served, n: usize, request: impl Fn(usize) -> Request) -> Vec<u16> {
    use futures_util::StreamExt as _;
    let addr = s.addr;
    let sent = (0..n).map(|i| {
        let r = request(i);
        async move { send(addr, &r).await.status }
    });
    futures_util::stream::iter(sent).buffer_unordered(16).collect().await
}

/// A registration from the flooding address, 127.0.0.3, with a `client_name` of `name_len` bytes.
fn flood_registration(name_len: usize) -> Request {
    let body = json!({ "redirect_uris": [CLIENT_REDIRECT], "token_endpoint_auth_method": "none",
        "client_name": "x".repeat(name_len) });
    Request::new("POST", "/register")
        .header("Content-Type", "application/json")
        .body(body.to_string().into_bytes())
        .from("127.0.0.3")
}

/// An `/authorize` of `client` from 127.0.0.3, with a `state` of `state_len` bytes.
fn flood_authorization(client: &str, state_len: usize) -> Request {
    let state = "s".repeat(state_len);
    let challenge = s256(VERIFIER);
    let q = [
        ("response_type", "code"),
        ("client_id", client),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
        ("state", &state),
    ];
    Request::new("GET", &format!("/authorize?{}", serde_urlencoded::to_string(q).unwrap())).from("127.0.0.3")
}

/// Issue 58, hole 2: a thief who presented a stolen refresh token rotates its own chain
/// past any bound on used tokens; the victim's reuse of the original still revokes the
/// login, the thief's chain included (the state is one record per login).
#[tokio::test]
async fn a_reuse_is_caught_after_ten_thousand_rotations_of_the_thiefs_chain() {
    let up = Upstream::start().await;
    let s = unlimited(&up, None).await;
    let client = s.public_client().await;
    let original = refreshed(&s, &up, &client).await;
    let r = s.refresh(&client, &original).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let mut thief = r.json()["refresh_token"].as_str().unwrap().to_owned();
    for _ in 0..FLOOD {
        let r = s.refresh(&client, &thief).await;
        assert_eq!(r.status, 200, "{}", r.text());
        thief = r.json()["refresh_token"].as_str().unwrap().to_owned();
    }
    let victim = s.refresh(&client, &original).await;
    assert_eq!((victim.status, error_of(&victim)), (400, "invalid_grant".to_owned()));
    let after = s.refresh(&client, &thief).await;
    assert_eq!((after.status, error_of(&after)), (400, "invalid_grant".to_owned()), "the thief is cut off");
    assert!(after.text().contains("revoked"), "{}", after.text());
    s.stop().await;
}

/// Issue 58, hole 3: an anonymous flood of registrations neither evicts a client a user
/// logged in through (its refresh still works) nor a new client registered from elsewhere;
/// a `client_name` over 256 bytes is refused, and redirect URIs over 4 KiB together.
#[tokio::test]
async fn a_registration_flood_evicts_no_used_client_and_no_other_sources() {
    let up = Upstream::start().await;
    let s = unlimited(&up, None).await;
    let client = s.public_client().await;
    let refresh = refreshed(&s, &up, &client).await;
    let newcomer = s.public_client().await;
    // The largest name a 16 KiB body holds.
    let r = send(s.addr, &flood_registration(16 * 1024 - 256)).await;
    assert_eq!((r.status, error_of(&r)), (400, "invalid_client_metadata".to_owned()));
    let long: Vec<String> = (0..3).map(|n| format!("{CLIENT_REDIRECT}/{n}{}", "p".repeat(1500))).collect();
    let r = s.register(json!({ "redirect_uris": long, "token_endpoint_auth_method": "none" })).await;
    assert_eq!((r.status, error_of(&r)), (400, "invalid_redirect_uri".to_owned()), "over 4 KiB together");
    let statuses = flood(&s, FLOOD, |_| flood_registration(256)).await;
    assert!(statuses.iter().all(|s| *s == 201), "the flood itself is served");
    let r = s.refresh(&client, &refresh).await;
    assert_eq!(r.status, 200, "the used client is still registered: {}", r.text());
    let page = s.authorize(&newcomer, &[]).await;
    assert_eq!(page.status, 200, "the new client of another address too: {}", page.text());
    s.stop().await;
}

/// Issue 58, hole 4: a `state` over 2 KiB is refused with `invalid_request` (and not echoed)
/// before anything is stored; one of 2 KiB less its name is kept.
#[tokio::test]
async fn a_large_state_is_refused_at_authorize() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let client = s.public_client().await;
    // 64 KB, as much as a request line may hold.
    let big = "s".repeat(64_000);
    let r = s.authorize(&client, &[("state", &big)]).await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert!(r.header("set-cookie").is_none(), "no login was started");
    let q = query_of(r.header("location").unwrap());
    assert_eq!(q["error"], "invalid_request");
    assert!(!q.contains_key("state"), "the oversized state is not sent back");
    let fits = "s".repeat(2048 - "state".len());
    assert_eq!(s.authorize(&client, &[("state", &fits)]).await.status, 200);
    s.stop().await;
}

/// Issue 58, hole 5: an anonymous flood of `/authorize` from one address cancels no login
/// under way from another: the user at the consent page approves afterwards, and the
/// user already at the provider comes back with a code.
#[tokio::test]
async fn an_authorize_flood_cancels_no_one_elses_login() {
    let up = Upstream::start().await;
    let s = unlimited(&up, None).await;
    let client = s.public_client().await;
    let (at_provider, provider_cookie) = s.to_upstream(&up, &client).await;
    let page = s.authorize(&client, &[]).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let (cookie, (action, fields)) = (cookie_of(&page), form_of(&page.text()));
    let statuses = flood(&s, FLOOD, |_| flood_authorization(&client, 1024)).await;
    assert!(statuses.iter().all(|s| *s == 200), "the flood itself is served");
    let form = [("pending", fields["pending"].as_str()), ("csrf", &fields["csrf"]), ("decision", "approve")];
    let r = s.post_consent(&action, &form, Some(&cookie)).await;
    assert_eq!(r.status, 302, "the approval still finds its login: {}", r.text());
    let back = Served::upstream_answer(&up, &at_provider, None);
    let r = s.callback(&back, Some(&provider_cookie)).await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert!(query_of(r.header("location").unwrap()).contains_key("code"));
    s.stop().await;
}

/// Each source has a rate across the proxy's routes: past its burst, an address is
/// answered 429 with `Retry-After`, and another address is still served. The rate may be
/// set (`rateLimit`), not to zero.
#[tokio::test]
async fn a_source_over_its_rate_is_refused_and_others_are_served() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let statuses = flood(&s, 61, |_| flood_registration(8)).await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 60, "the burst");
    let r = send(s.addr, &flood_registration(8)).await;
    assert_eq!((r.status, error_of(&r)), (429, "temporarily_unavailable".to_owned()));
    assert!(r.header("retry-after").is_some_and(|v| v.parse::<u64>().is_ok_and(|n| n >= 1)));
    s.public_client().await;
    s.stop().await;
    // A rate of its own; a zero rate is refused at start.
    let upstream = json!({ "issuer": up.issuer, "clientId": UP_CLIENT, "clientSecret": UP_SECRET });
    let s = Served::start_proxy(
        RESOURCE,
        upstream.clone(),
        None,
        json!({ "rateLimit": { "requests": 2, "perMs": 60_000 } }),
    )
    .await;
    assert_eq!(flood(&s, 3, |_| flood_registration(8)).await.iter().filter(|s| **s == 429).count(), 1);
    s.stop().await;
    let auth =
        json!({ "resource": RESOURCE, "proxy": { "upstream": upstream, "rateLimit": { "requests": 0, "perMs": 1 } } });
    let refused = HttpOptions::from_json(json!({ "auth": auth }), None).err().map(|e| e.to_string());
    assert!(refused.is_some_and(|e| e.contains("rateLimit")));
}

/// Issue 58, hole 6: with Redis as the shared store, a flood of registrations and of
/// `/authorize` with a `state` as large as the proxy takes grows Redis by no more than the
/// bounds of the two kinds allow (the pending logins stop at 16 MiB of values, fewer than
/// the flood), keeps the client a user logged in through, and a registration nobody used
/// expires within hours, not 30 days.
#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_a_flood_is_bounded_and_unused_registrations_age_out() {
    let Some(redis) = redis_server::Redis::start().await else { return };
    let up = Upstream::start().await;
    let s = unlimited(&up, Some(redis.store())).await;
    let client = s.public_client().await;
    let refresh = refreshed(&s, &up, &client).await;
    let before = redis.used_memory().await;
    let statuses = flood(&s, FLOOD, |_| flood_registration(256)).await;
    assert!(statuses.iter().all(|s| *s == 201), "the registrations are served");
    let statuses = flood(&s, FLOOD, |_| flood_authorization(&client, 2000)).await;
    assert!(statuses.iter().all(|s| *s == 200), "the authorizations are served");
    let grown = redis.used_memory().await.saturating_sub(before);
    eprintln!("redis used_memory: {before} bytes before the flood, {grown} more after");
    assert!(grown < 40 * 1024 * 1024, "Redis grew by {grown} bytes");
    let pending = redis.count_keys("test:value:oauth-pending:*").await;
    assert!(pending < 16 * 1024 * 1024 / 2000, "{pending} pending logins kept");
    let r = s.refresh(&client, &refresh).await;
    assert_eq!(r.status, 200, "the used client is still registered: {}", r.text());
    let r = send(s.addr, &flood_registration(8)).await;
    let unused = r.json()["client_id"].as_str().unwrap().to_owned();
    let keys = redis.command(&["KEYS", &format!("test:value:*:{unused}")]).await;
    let key = keys.lines().nth(2).expect("the registration's key").to_owned();
    let ttl = redis.command(&["PTTL", &key]).await;
    let ttl: u64 = ttl.trim().trim_start_matches(':').parse().expect("a time to live");
    assert!(ttl <= 6 * 3600 * 1000, "an unused registration is kept {ttl} ms");
    s.stop().await;
}

/// Revocation (RFC 7009): a client revokes a refresh token, or an access token, of a login
/// on one instance; the login's access token is refused at once by another instance sharing
/// the store, and its refresh token too; another login goes on; an unknown token is 200.
#[tokio::test]
async fn a_revoked_login_is_refused_at_once_on_every_instance() {
    let up = Upstream::start().await;
    let upstream = json!({ "issuer": up.issuer, "clientId": UP_CLIENT, "clientSecret": UP_SECRET });
    let store = SharedStore::memory();
    let a = Served::start_sharing(RESOURCE, upstream.clone(), Some(store.clone())).await;
    let b = Served::start_sharing(RESOURCE, upstream, Some(store)).await;
    assert_eq!(
        a.get("/.well-known/oauth-authorization-server").await.json()["revocation_endpoint"],
        format!("{ISSUER}/revoke")
    );
    let client = a.public_client().await;
    let tokens = |r: Response| {
        assert_eq!(r.status, 200, "{}", r.text());
        let t = r.json();
        (t["access_token"].as_str().unwrap().to_owned(), t["refresh_token"].as_str().unwrap().to_owned())
    };
    let q = a.login(&up, &client, None).await;
    let (access, refresh) = tokens(a.exchange(&client, &q["code"], VERIFIER).await);
    let q = a.login(&up, &client, None).await;
    let (other_access, other_refresh) = tokens(a.exchange(&client, &q["code"], VERIFIER).await);
    assert_eq!(b.call(&access).await.status, 200);
    assert_eq!(revoke(&a, &client, "not-a-token-of-ours").await.status, 200);
    assert_eq!(revoke(&a, &client, &refresh).await.status, 200);
    let r = b.call(&access).await;
    assert_eq!(r.status, 401, "{}", r.text());
    assert!(r.header("www-authenticate").unwrap().contains("revoked"));
    let r = b.refresh(&client, &refresh).await;
    assert_eq!((r.status, error_of(&r)), (400, "invalid_grant".to_owned()));
    // The other login is untouched, until its access token is revoked.
    assert_eq!(b.call(&other_access).await.status, 200);
    assert_eq!(revoke(&a, &client, &other_access).await.status, 200);
    assert_eq!(b.call(&other_access).await.status, 401);
    assert_eq!(error_of(&b.refresh(&client, &other_refresh).await), "invalid_grant");
    a.stop().await;
    b.stop().await;
}

/// `/revoke` of `token` by the public client `client`.
async fn revoke(s: &Served, client: &str, token: &str) -> Response {
    s.post_form("/revoke", &[("client_id", client), ("token", token)], None).await
}

/// What the login asked the upstream for: the proxy's redirect to it, decoded.
async fn upstream_request(s: &Served, up: &Upstream, client: &str) -> HashMap<String, String> {
    s.to_upstream(up, client).await.0
}

#[tokio::test]
async fn an_oauth_only_upstream_gives_the_user_through_userinfo() {
    let up = Upstream::start().await;
    let options = json!({ "authorizationEndpoint": format!("{}/auth", up.issuer),
        "tokenEndpoint": format!("{}/token", up.issuer), "userinfoEndpoint": format!("{}/userinfo", up.issuer),
        "subjectClaim": "id", "scopes": ["read:user"], "clientId": UP_CLIENT, "clientSecret": UP_SECRET });
    let s = Served::start_with(RESOURCE, options).await;
    let client = s.public_client().await;
    let asked = upstream_request(&s, &up, &client).await;
    assert_eq!(asked["scope"], "read:user");
    assert!(!asked.contains_key("nonce"), "no id_token is asked for");
    let q = s.login(&up, &client, None).await;
    let r = s.exchange(&client, &q["code"], VERIFIER).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let called = s.call(r.json()["access_token"].as_str().unwrap()).await;
    let shown: Value = serde_json::from_str(called.json()["result"]["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(shown["subject"], "4242", "the userinfo's numeric id, as text");
    s.stop().await;

    // With an issuer, the login asks for `openid` and binds the id_token to a nonce.
    let s = Served::start(RESOURCE, &up).await;
    let asked = upstream_request(&s, &up, &s.public_client().await).await;
    assert_eq!(asked["scope"], "openid");
    assert_eq!(asked["nonce"].len(), 43);
    s.stop().await;
}

#[tokio::test]
async fn a_wrong_pkce_verifier_burns_the_code() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let client = s.public_client().await;
    let q = s.login(&up, &client, None).await;
    let wrong = s.exchange(&client, &q["code"], "another-verifier-that-is-long-enough-to-be-valid-x").await;
    assert_eq!((wrong.status, error_of(&wrong)), (400, "invalid_grant".to_owned()));
    let right = s.exchange(&client, &q["code"], VERIFIER).await;
    assert_eq!(error_of(&right), "invalid_grant", "a code is taken by its first use");
    // Another client cannot use a client's code.
    let other = s.public_client().await;
    let q = s.login(&up, &client, None).await;
    assert_eq!(error_of(&s.exchange(&other, &q["code"], VERIFIER).await), "invalid_grant");
    s.stop().await;
}

#[tokio::test]
async fn untrusted_clients_and_redirects_get_a_page_other_errors_a_redirect() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let client = s.public_client().await;
    for (client_id, extra) in [
        ("unknown", vec![]),
        (client.as_str(), vec![("redirect_uri", "http://127.0.0.1:9/elsewhere")]),
        (client.as_str(), vec![("redirect_uri", "https://attacker.example/cb")]),
    ] {
        let r = s.authorize(client_id, &extra).await;
        assert_eq!(r.status, 400, "{extra:?}");
        assert!(r.header("location").is_none(), "never redirected");
        assert_eq!(
            (r.header("content-type"), r.header("x-content-type-options")),
            (Some("text/plain; charset=utf-8"), Some("nosniff"))
        );
    }
    for (extra, error) in [
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (vec![("response_type", "token")], "unsupported_response_type"),
        (vec![("resource", "http://localhost:3000/other")], "invalid_target"),
        (vec![("scope", "mcp:root")], "invalid_scope"),
    ] {
        let r = s.authorize(&client, &extra).await;
        assert_eq!(r.status, 302, "{extra:?}");
        let q = query_of(r.header("location").unwrap());
        assert_eq!((q["error"].as_str(), q["state"].as_str()), (error, "client-state"), "{extra:?}");
    }
    // An unknown login at the callback is a page too.
    let r = s.get("/oauth/callback?code=x&state=forged").await;
    assert_eq!((r.status, r.header("location")), (400, None));
    s.stop().await;
}

#[tokio::test]
async fn an_upstream_refusal_reaches_the_client() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let client = s.public_client().await;
    let q = s.login(&up, &client, Some("access_denied")).await;
    assert_eq!((q["error"].as_str(), q["state"].as_str()), ("access_denied", "client-state"));
    assert!(!q.contains_key("code"));
    s.stop().await;
}

#[tokio::test]
async fn confidential_clients_authenticate_and_tokens_stay_with_their_resource() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let r = s.register(json!({ "redirect_uris": [CLIENT_REDIRECT], "client_name": "c" })).await;
    assert_eq!(r.status, 201);
    let (id, secret) =
        (r.json()["client_id"].as_str().unwrap().to_owned(), r.json()["client_secret"].as_str().unwrap().to_owned());
    assert_eq!(r.json()["token_endpoint_auth_method"], "client_secret_basic");
    let q = s.login(&up, &id, None).await;
    let form = [("grant_type", "authorization_code"), ("code", &q["code"]), ("code_verifier", VERIFIER)];
    let r = s.post_form("/token", &form, Some((&id, "wrong"))).await;
    assert_eq!((r.status, error_of(&r)), (401, "invalid_client".to_owned()));
    assert_eq!(r.header("www-authenticate"), Some("Basic"));
    let q = s.login(&up, &id, None).await;
    let form = [("grant_type", "authorization_code"), ("code", &q["code"]), ("code_verifier", VERIFIER)];
    let r = s.post_form("/token", &form, Some((&id, &secret))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let access = r.json()["access_token"].as_str().unwrap().to_owned();
    let bad_grant = s.post_form("/token", &[("grant_type", "password")], Some((&id, &secret))).await;
    assert_eq!(error_of(&bad_grant), "unsupported_grant_type");

    // Another server sharing the signing secret, for another resource, refuses the token.
    let other = Served::start("http://localhost:3001/mcp", &up).await;
    let r = other.call(&access).await;
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").unwrap().contains("invalid_token"));
    assert_eq!(s.call(&access).await.status, 200);
    other.stop().await;
    s.stop().await;
}

#[tokio::test]
async fn bad_registrations_are_refused() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    for (body, error) in [
        (json!({ "redirect_uris": ["http://app.example/cb"] }), "invalid_redirect_uri"),
        (json!({ "redirect_uris": [] }), "invalid_redirect_uri"),
        (json!({ "redirect_uris": ["https://app.example/cb#x"] }), "invalid_redirect_uri"),
        (
            json!({ "redirect_uris": [CLIENT_REDIRECT], "token_endpoint_auth_method": "private_key_jwt" }),
            "invalid_client_metadata",
        ),
        (json!({ "redirect_uris": [CLIENT_REDIRECT], "grant_types": ["implicit"] }), "invalid_client_metadata"),
        (json!("not an object"), "invalid_client_metadata"),
    ] {
        let r = s.register(body.clone()).await;
        assert_eq!((r.status, error_of(&r)), (400, error.to_owned()), "{body}");
    }
    let big = json!({ "redirect_uris": [CLIENT_REDIRECT], "client_name": "x".repeat(17 * 1024) });
    assert_eq!(s.register(big).await.status, 413);
    s.stop().await;
}

#[tokio::test]
async fn the_consent_page_names_the_client_escaped_and_cannot_be_framed_or_kept() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let r = s
        .register(json!({ "redirect_uris": [CLIENT_REDIRECT], "token_endpoint_auth_method": "none",
        "client_name": "<script>alert(1)</script> & co" }))
        .await;
    let named = r.json()["client_id"].as_str().unwrap().to_owned();
    let page = s.authorize(&named, &[("scope", "mcp:tools")]).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let text = page.text();
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"), "{text}");
    assert!(!text.contains("<script"), "no markup of the client's reaches the page");
    for shown in ["http://127.0.0.1:9", RESOURCE, "mcp:tools"] {
        assert!(text.contains(shown), "{shown} is shown");
    }
    assert!(!text.contains("/callback"), "the redirect URI's origin, not its path");
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.starts_with("default-src 'none'; form-action 'self' "), "{csp}");
    assert!(csp.contains(&up.issuer) && csp.ends_with("frame-ancestors 'none'"), "{csp}");
    let headers =
        ["content-type", "x-frame-options", "cache-control", "x-content-type-options"].map(|h| page.header(h));
    assert_eq!(headers, [Some("text/html; charset=utf-8"), Some("DENY"), Some("no-store"), Some("nosniff")]);
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.starts_with("mcpforge-login="), "{cookie}");
    assert!(cookie.ends_with("; Max-Age=600; Path=/; HttpOnly; SameSite=Lax"), "plain on http: {cookie}");
    // The same browser keeps its value for a second login; an unnamed client is said so.
    let again = send(
        s.addr,
        &Request::new("GET", "/authorize")
            .with_path(&format!(
                "/authorize?{}",
                serde_urlencoded::to_string([
                    ("response_type", "code"),
                    ("client_id", &s.public_client().await),
                    ("code_challenge", &s256(VERIFIER)),
                    ("code_challenge_method", "S256")
                ])
                .unwrap()
            ))
            .header("Cookie", &cookie_of(&page)),
    )
    .await;
    assert_eq!(cookie_of(&again), cookie_of(&page));
    assert!(again.text().contains("An unnamed client"), "{}", again.text());
    s.stop().await;
}

#[tokio::test]
async fn consent_is_refused_without_this_browsers_cookie_and_token() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let client = s.public_client().await;
    let page = s.authorize(&client, &[]).await;
    let (cookie, (action, fields)) = (cookie_of(&page), form_of(&page.text()));
    let (pending, csrf) = (fields["pending"].as_str(), fields["csrf"].as_str());
    // Another browser: its own page, cookie and token.
    let other = s.authorize(&client, &[]).await;
    let (other_cookie, other_csrf) = (cookie_of(&other), form_of(&other.text()).1["csrf"].clone());
    for (form, cookie) in [
        ([("pending", pending), ("csrf", csrf), ("decision", "approve")], None),
        ([("pending", pending), ("csrf", &other_csrf), ("decision", "approve")], Some(cookie.as_str())),
        ([("pending", pending), ("csrf", ""), ("decision", "approve")], Some(cookie.as_str())),
        ([("pending", "forged"), ("csrf", csrf), ("decision", "approve")], Some(cookie.as_str())),
        ([("pending", pending), ("csrf", csrf), ("decision", "maybe")], Some(cookie.as_str())),
        // The other browser's own cookie and token, on this browser's authorization.
        ([("pending", pending), ("csrf", &other_csrf), ("decision", "approve")], Some(other_cookie.as_str())),
    ] {
        let r = s.post_consent(&action, &form, cookie).await;
        assert_eq!((r.status, r.header("location")), (400, None), "{form:?} {cookie:?}");
    }
    let big = "x".repeat(17 * 1024);
    let r = s.post_consent(&action, &[("pending", &big)], Some(&cookie)).await;
    assert_eq!((r.status, r.header("location")), (400, None));
    s.stop().await;
}

#[tokio::test]
async fn denying_sends_access_denied_to_the_client() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    let (r, _) = s.consent(&s.public_client().await, "deny").await;
    assert_eq!(r.status, 302);
    let location = r.header("location").unwrap();
    assert!(location.starts_with(&format!("{CLIENT_REDIRECT}?")), "{location}");
    let q = query_of(location);
    assert_eq!((q["error"].as_str(), q["state"].as_str()), ("access_denied", "client-state"));
    assert!(!q.contains_key("code"));
    s.stop().await;
}

#[tokio::test]
async fn a_captured_upstream_link_gives_another_browser_nothing() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    // The attacker registers a client of their own and approves in their own browser...
    let r = s
        .register(json!({ "redirect_uris": ["https://attacker.example/cb"], "token_endpoint_auth_method": "none",
        "client_name": "Trusted App" }))
        .await;
    let attacker = r.json()["client_id"].as_str().unwrap().to_owned();
    let page = s.authorize(&attacker, &[("redirect_uri", "https://attacker.example/cb")]).await;
    let (attacker_cookie, (action, fields)) = (cookie_of(&page), form_of(&page.text()));
    let form = [("pending", fields["pending"].as_str()), ("csrf", &fields["csrf"]), ("decision", "approve")];
    let r = s.post_consent(&action, &form, Some(&attacker_cookie)).await;
    assert_eq!(r.status, 302, "{}", r.text());
    let q = query_of(r.header("location").unwrap());
    // ...and sends the upstream link to a victim, whom the upstream signs in at once.
    let back = Served::upstream_answer(&up, &q, None);
    let victim_cookie = cookie_of(&s.authorize(&s.public_client().await, &[]).await);
    for cookie in [None, Some(victim_cookie.as_str())] {
        let r = s.callback(&back, cookie).await;
        assert_eq!((r.status, r.header("location")), (400, None), "{cookie:?}: {}", r.text());
    }
    // The login is dropped: not even the attacker's browser gets it now, and the victim's
    // upstream code was never exchanged.
    let r = s.callback(&back, Some(&attacker_cookie)).await;
    assert_eq!((r.status, r.header("location")), (400, None));
    assert_eq!(up.logins.lock().unwrap().len(), 1, "no upstream code exchanged, no code issued");
    s.stop().await;
}

#[test]
fn options_are_checked_at_start() {
    let err = |proxy: Value, extra: Value| {
        let mut auth = json!({ "resource": RESOURCE, "proxy": proxy });
        for (k, v) in extra.as_object().unwrap() {
            auth[k] = v.clone();
        }
        HttpOptions::from_json(json!({ "auth": auth }), None).err().map(|e| e.to_string()).unwrap_or_default()
    };
    let up = json!({ "issuer": "http://127.0.0.1:1", "clientId": "a", "clientSecret": "b" });
    assert!(err(json!({ "upstream": up, "signingSecret": "short" }), json!({})).contains("32 bytes"));
    assert!(err(json!({ "upstream": up, "colour": 1 }), json!({})).contains("unknown field"));
    assert!(
        err(json!({ "upstream": { "issuer": "http://idp.example", "clientId": "a", "clientSecret": "b" } }), json!({}))
            .contains("loopback")
    );
    assert!(
        err(json!({ "upstream": up }), json!({ "authorizationServers": ["https://x"] }))
            .contains("authorization server")
    );
    assert!(err(json!({ "upstream": up }), json!({ "jwt": { "issuer": "https://x" } })).contains("no other verifier"));
    let no_issuer = json!({ "authorizationEndpoint": "https://idp.example/a", "tokenEndpoint": "https://idp.example/t",
        "clientId": "a", "clientSecret": "b" });
    assert!(err(json!({ "upstream": no_issuer }), json!({})).contains("userinfoEndpoint"));
    let endpointless = json!({ "clientId": "a", "clientSecret": "b", "userinfoEndpoint": "https://idp.example/u" });
    assert!(
        err(json!({ "upstream": endpointless }), json!({})).contains("both authorizationEndpoint and tokenEndpoint")
    );
    let mut with_store = HttpOptions::from_json(
        json!({ "sharedStore": "memory:", "auth": { "resource": RESOURCE, "proxy": { "upstream": up } } }),
        None,
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(with_store.contains("signingSecret"), "{with_store}");
    with_store.clear();
    assert!(err(json!({ "upstream": up }), json!({})).is_empty(), "a valid configuration");
    let path = HttpOptions::from_json(
        json!({ "path": "/token", "auth": { "resource": RESOURCE, "proxy": { "upstream": up } } }),
        None,
    );
    assert!(path.is_err_and(|e| e.to_string().contains("/token")));
}

#[tokio::test]
async fn an_unreachable_provider_is_temporarily_unavailable_at_the_client() {
    // A loopback port nothing listens on: the provider's metadata cannot be read.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let issuer = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let s = Served::start_with(RESOURCE, json!({ "issuer": issuer, "clientId": UP_CLIENT, "clientSecret": UP_SECRET }))
        .await;
    let client = s.public_client().await;
    let r = s.authorize(&client, &[("resource", RESOURCE)]).await;
    assert_eq!(r.status, 302, "{}", r.text());
    let location = r.header("location").unwrap();
    assert!(location.starts_with(&format!("{CLIENT_REDIRECT}?")), "{location}");
    let q = query_of(location);
    assert_eq!((q["error"].as_str(), q["state"].as_str()), ("temporarily_unavailable", "client-state"));
    assert!(r.header("set-cookie").is_none(), "no login was started");
    s.stop().await;
}

/// Short-lived values whose store cannot be reached.
struct Down;

impl ExpiringValues for Down {
    fn put<'a>(&'a self, _: &'a str, _: &'a str, _: Vec<u8>, _: Duration) -> StoreFuture<'a, Result<(), StoreError>> {
        Box::pin(async { Err(StoreError::Unavailable("down for the test".to_owned())) })
    }
    fn get<'a>(&'a self, _: &'a str, _: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(async { Err(StoreError::Unavailable("down for the test".to_owned())) })
    }
    fn take<'a>(&'a self, _: &'a str, _: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(async { Err(StoreError::Unavailable("down for the test".to_owned())) })
    }
}

#[tokio::test]
async fn an_unreachable_store_is_temporarily_unavailable() {
    let up = Upstream::start().await;
    let upstream = json!({ "issuer": up.issuer, "clientId": UP_CLIENT, "clientSecret": UP_SECRET });
    let store = SharedStore::memory().with_values(Arc::new(Down));
    let s = Served::start_sharing(RESOURCE, upstream, Some(store)).await;
    let r = s.register(json!({ "redirect_uris": [CLIENT_REDIRECT], "token_endpoint_auth_method": "none" })).await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(error_of(&r), "temporarily_unavailable");
    let r = s.exchange("some-client", "some-code", VERIFIER).await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(error_of(&r), "temporarily_unavailable");
    s.stop().await;
}

/// The `auth` options of a proxy for [`RESOURCE`] in front of `up`, with `proxy` members
/// added and `scopes` advertised (none: no `scopesSupported`).
fn proxy_auth(up: &Upstream, scopes: Option<&[&str]>, proxy: Value) -> Value {
    let upstream = json!({ "issuer": up.issuer, "clientId": UP_CLIENT, "clientSecret": UP_SECRET });
    let mut auth = json!({ "resource": RESOURCE, "proxy": { "signingSecret": SECRET, "upstream": upstream } });
    for (k, v) in proxy.as_object().unwrap() {
        auth["proxy"][k] = v.clone();
    }
    if let Some(scopes) = scopes {
        auth["scopesSupported"] = json!(scopes);
    }
    auth
}

#[tokio::test]
async fn without_scopes_supported_no_scope_a_client_names_is_granted() {
    let up = Upstream::start().await;
    let s = Served::start_auth(proxy_auth(&up, None, json!({})), None).await;
    let client = s.public_client().await;
    let r = s.authorize(&client, &[("scope", "mcp:admin")]).await;
    assert_eq!(r.status, 302, "{}", r.text());
    let q = query_of(r.header("location").unwrap());
    assert_eq!(q["error"], "invalid_scope");
    let r = s.register(json!({ "redirect_uris": [CLIENT_REDIRECT], "scope": "mcp:admin" })).await;
    assert_eq!((r.status, error_of(&r)), (400, "invalid_client_metadata".to_owned()));
    s.stop().await;
}

#[tokio::test]
async fn a_redirect_uri_with_userinfo_is_refused_and_never_shown_as_the_destination() {
    let up = Upstream::start().await;
    let s = Served::start(RESOURCE, &up).await;
    for uri in ["https://mcp.example.com%2Fverified@attacker.example/cb", "https://localhost:3000@attacker.example/cb"]
    {
        let r = s.register(json!({ "redirect_uris": [uri] })).await;
        assert_eq!((r.status, error_of(&r)), (400, "invalid_redirect_uri".to_owned()), "{uri}");
    }
    // An acceptable one is shown as scheme, host and port.
    let r = s.register(json!({ "redirect_uris": ["https://App.Example:8443/cb"], "client_name": "c" })).await;
    let client = r.json()["client_id"].as_str().unwrap().to_owned();
    let page = s.authorize(&client, &[("redirect_uri", "https://App.Example:8443/cb")]).await;
    assert!(page.text().contains("<strong>https://app.example:8443</strong>"), "{}", page.text());
    s.stop().await;
}

#[tokio::test]
async fn only_allowed_upstream_users_log_in() {
    let up = Upstream::start().await;
    let scopes: &[&str] = &["mcp:tools"];
    // alice is not listed: refused at the client's redirect URI, with no code.
    let s = Served::start_auth(proxy_auth(&up, Some(scopes), json!({ "allowedSubjects": ["bob"] })), None).await;
    let client = s.public_client().await;
    let q = s.login(&up, &client, None).await;
    assert_eq!((q["error"].as_str(), q.get("code")), ("access_denied", None));
    s.stop().await;
    // Her verified e-mail is at a listed domain (compared without case): she logs in.
    let allow = json!({ "allowedSubjects": ["bob"], "allowedEmailDomains": ["example.com"] });
    let s = Served::start_auth(proxy_auth(&up, Some(scopes), allow), None).await;
    let client = s.public_client().await;
    let q = s.login(&up, &client, None).await;
    assert!(q.contains_key("code"), "{q:?}");
    s.stop().await;
    // An allow-list naming nobody is refused at start.
    let empty = proxy_auth(&up, Some(scopes), json!({ "allowedEmailDomains": [] }));
    let err = HttpOptions::from_json(json!({ "bind": "127.0.0.1:0", "auth": empty }), None).unwrap_err();
    assert!(err.to_string().contains("allowedEmailDomains"), "{err}");
}

//! The Rust client's OAuth over real sockets. Against a real authorization server
//! (oidc-provider, `tests/oauth/provider.mjs`, started by the test from its install in
//! `target/node/oauth`) and an engine server checking its tokens: the client registers
//! dynamically, authorizes with the code grant and PKCE (consent given by following the
//! redirects), gets a refresh token, and eight calls made together over an expired token
//! cause one refresh. Against scripted servers: a token is never sent to a host other than
//! the one it was obtained for, not even when a server's metadata names another resource.

use crate::raw_server;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mcpforge::client::auth::{FollowRedirects, MemoryTokenStore, OAuthClient, TokenStore, Tokens};
use mcpforge::client::transport::HttpTransport;
use mcpforge::client::{Client, ClientError};
use mcpforge::{AuthError, AuthInfo, AuthOptions, BoxFuture, HttpOptions, RequestContext, Server, Tool, ToolError};
use raw_server::{Answer, RawRequest, serve};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(30);
/// oidc-provider loads a few hundred modules and makes an RSA key before it says where it is.
const PROVIDER_START: Duration = Duration::from_secs(60);

fn target() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"),
    }
}

/// The authorization server of `tests/oauth` (oidc-provider on 127.0.0.1), until stopped.
struct Provider {
    child: Child,
    issuer: String,
    /// Its stdout, kept open: a write to a closed pipe would end it.
    _stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl Provider {
    async fn start() -> Provider {
        let install = target().join("node").join("oauth");
        assert!(
            install.join("node_modules").join("oidc-provider").is_dir(),
            "oidc-provider is not installed in {}: run scripts/setup-node.sh (`make setup`)",
            install.display()
        );
        // The script imports oidc-provider from its own folder: a copy of it goes there (the
        // same file `make test-oauth` copies), written whole before it is renamed into place.
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/oauth/provider.mjs");
        let source = std::fs::read(source).expect("tests/oauth/provider.mjs");
        let script = install.join("provider.mjs");
        if std::fs::read(&script).ok().as_ref() != Some(&source) {
            let partial = install.join(format!(".provider-{}.mjs", std::process::id()));
            std::fs::write(&partial, &source).expect("copy the provider");
            std::fs::rename(&partial, &script).expect("copy the provider");
        }
        // Its stderr (each step of its start, its warnings) goes to a file beside it.
        let log = std::fs::File::create(install.join("provider-core-tests.log")).expect("log");
        let mut child = Command::new("node")
            .arg(&script)
            .current_dir(&install)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let issuer = tokio::time::timeout(PROVIDER_START, lines.next_line()).await;
        let issuer = issuer.expect("the provider says its issuer in time").expect("read").unwrap_or_default();
        assert!(issuer.starts_with("http://127.0.0.1:"), "the provider said {issuer:?}");
        Provider { child, issuer, _stdout: lines }
    }

    /// Stops it: stdin closed (it exits), killed if it has not within the bound.
    async fn stop(mut self) {
        drop(self.child.stdin.take());
        if tokio::time::timeout(WAIT, self.child.wait()).await.is_err() {
            let _ = self.child.kill().await;
        }
    }
}

/// The claims of a JWT, unverified: the test's resource server only tells the provider's
/// tokens apart (the verifiers themselves are tested in test_http_oauth.rs).
fn claims(token: &str) -> Option<Value> {
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    serde_json::from_slice(&payload).ok()
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

/// An engine server whose every request needs a token of the provider for it with
/// `mcp:tools`; `whoami` answers the token's subject. Every token presented is recorded.
struct Resource {
    server: Server,
    url: String,
    run: JoinHandle<Result<(), mcpforge::Error>>,
    presented: Arc<Mutex<Vec<String>>>,
}

impl Resource {
    async fn start(issuer: &str) -> Resource {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let url = format!("http://127.0.0.1:{port}/mcp");
        let presented: Arc<Mutex<Vec<String>>> = Arc::default();
        let (resource, expected_issuer, record) = (url.clone(), issuer.to_owned(), presented.clone());
        let verify = move |token: String| {
            record.lock().expect("not poisoned").push(token.clone());
            let grant = claims(&token).filter(|c| {
                c["aud"] == json!(resource)
                    && c["iss"] == json!(expected_issuer)
                    && c["exp"].as_u64().is_some_and(|exp| exp > now())
            });
            async move {
                let claims = grant.ok_or_else(|| AuthError::Invalid("not a token of the provider for here".into()))?;
                let scopes = claims["scope"].as_str().unwrap_or_default().split(' ').map(str::to_owned);
                Ok::<_, AuthError>(AuthInfo::new(claims["sub"].as_str().unwrap_or_default(), scopes))
            }
        };
        let auth = AuthOptions {
            authorization_servers: vec![issuer.to_owned()],
            scopes_supported: vec!["mcp:tools".into()],
            required_scopes: vec!["mcp:tools".into()],
            ..AuthOptions::new(url.clone(), verify)
        };
        let server = Server::builder("oauth-resource", "1.0.0")
            .tool(Tool::new("whoami"), |ctx: RequestContext, _: Value| async move {
                Ok::<_, ToolError>(ctx.auth().and_then(|a| a.subject.clone()).unwrap_or_default())
            })
            .build()
            .expect("build");
        let options = HttpOptions {
            bind: format!("127.0.0.1:{port}").parse().expect("address"),
            auth: Some(auth),
            ..HttpOptions::default()
        };
        let http = server.bind_http(options).await.expect("bind");
        Resource { server, url, run: tokio::spawn(http.run()), presented }
    }

    fn presented(&self) -> Vec<String> {
        self.presented.lock().expect("not poisoned").clone()
    }

    async fn stop(self) {
        self.server.shutdown();
        let _ = tokio::time::timeout(WAIT, self.run).await.expect("the server stops");
    }
}

/// A memory store counting what is saved in it.
#[derive(Default)]
struct Counting {
    inner: MemoryTokenStore,
    saves: AtomicUsize,
}

impl TokenStore for Counting {
    fn load<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Option<Tokens>> {
        self.inner.load(resource)
    }

    fn save<'a>(&'a self, resource: &'a str, tokens: Option<Tokens>) -> BoxFuture<'a, ()> {
        self.saves.fetch_add(1, Ordering::SeqCst);
        self.inner.save(resource, tokens)
    }
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_authorizes_and_refreshes_once_for_eight_calls_against_a_real_provider() {
    let provider = Provider::start().await;
    let resource = Resource::start(&provider.issuer).await;
    let store = Arc::new(Counting::default());
    let oauth = OAuthClient::builder(FollowRedirects).client_name("oauth-test").store(store.clone()).build();
    let transport = HttpTransport::new(&resource.url).oauth(oauth);
    let client = tokio::time::timeout(WAIT, Client::builder("oauth-test", "1.0.0").connect(transport))
        .await
        .expect("the authorization ends in time")
        .expect("connected after authorizing");
    let result = client.call_tool("whoami", json!({})).await.expect("whoami");
    assert_eq!(text(&result), "test-user");

    // Registered (no pre-registered client, no metadata document), with a refresh token:
    // the provider lists offline_access, which the client asked for.
    let first = store.inner.load(&resource.url).await.expect("tokens kept for the endpoint");
    assert_eq!(first.issuer, provider.issuer);
    assert_eq!(first.resource, resource.url);
    assert!(!first.client_id.is_empty() && !first.client_id.starts_with("http"), "{first:?}");
    assert!(first.refresh_token.is_some(), "a refresh token: {first:?}");
    assert!(first.scope.as_deref().unwrap_or_default().split(' ').any(|s| s == "mcp:tools"), "{first:?}");
    assert_eq!(store.saves.load(Ordering::SeqCst), 1, "one authorization");

    // The token expires (as the client sees it); eight calls made together: one refresh.
    store.inner.save(&resource.url, Some(Tokens { expires_at: Some(now() - 1), ..first.clone() })).await;
    let calls = (0..8).map(|_| client.call_tool("whoami", json!({})));
    let results = tokio::time::timeout(WAIT, futures_util::future::join_all(calls)).await.expect("the calls end");
    for result in results {
        assert_eq!(text(&result.expect("a call over the refreshed token")), "test-user");
    }
    assert_eq!(store.saves.load(Ordering::SeqCst), 2, "exactly one refresh for the eight calls");
    let refreshed = store.inner.load(&resource.url).await.expect("tokens");
    assert_ne!(refreshed.access_token, first.access_token);
    assert_eq!(refreshed.client_id, first.client_id);
    let presented = resource.presented();
    assert!(presented.iter().rev().take(8).all(|t| *t == refreshed.access_token), "the calls carried the new token");

    client.close().await;
    resource.stop().await;
    provider.stop().await;
}

/// A scripted authorization server that grants anything at once: metadata, registration,
/// an authorization that redirects straight back with a code, and a token endpoint minting
/// `token`.
async fn lenient_authorization_server(token: &'static str) -> raw_server::RawServer {
    let issuer: Arc<Mutex<String>> = Arc::default();
    let named = issuer.clone();
    let server = serve(move |request: &RawRequest, _| {
        let issuer = named.lock().expect("not poisoned").clone();
        let path = request.path.split('?').next().unwrap_or_default();
        match (request.method.as_str(), path) {
            ("GET", "/.well-known/oauth-authorization-server") => Answer::Json(
                200,
                json!({
                    "issuer": issuer,
                    "authorization_endpoint": format!("{issuer}/authorize"),
                    "token_endpoint": format!("{issuer}/token"),
                    "registration_endpoint": format!("{issuer}/register"),
                    "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": ["none"],
                }),
                vec![],
            ),
            ("POST", "/register") => Answer::Json(201, json!({ "client_id": "lenient" }), vec![]),
            ("GET", "/authorize") => {
                let query = request.path.split_once('?').map(|(_, q)| q).unwrap_or_default();
                let param = |name: &str| {
                    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
                };
                let (back, state) = (param("redirect_uri").unwrap_or_default(), param("state").unwrap_or_default());
                let back_with = form_urlencoded::Serializer::new(format!("{back}?"))
                    .append_pair("code", "c")
                    .append_pair("state", &state)
                    .finish();
                Answer::Json(302, json!({}), vec![("location", back_with)])
            }
            ("POST", "/token") => {
                Answer::Json(200, json!({ "access_token": token, "token_type": "Bearer", "expires_in": 600 }), vec![])
            }
            _ => Answer::Status(404),
        }
    })
    .await;
    *issuer.lock().expect("not poisoned") = format!("http://{}", server.addr);
    server
}

/// An MCP server that takes only `token` (its initialize answered, everything else 202),
/// and challenges a request without it, pointing at metadata that names `resource`
/// (none: its own URL) and the authorization server `issuer`.
async fn protected(token: &'static str, resource: Option<String>, issuer: String) -> raw_server::RawServer {
    let own: Arc<Mutex<String>> = Arc::default();
    let named = own.clone();
    let server = serve(move |request: &RawRequest, _| {
        let own = named.lock().expect("not poisoned").clone();
        if request.method == "GET" && request.path.starts_with("/.well-known/oauth-protected-resource") {
            let resource = resource.clone().unwrap_or_else(|| format!("{own}/mcp"));
            return Answer::Json(200, json!({ "resource": resource, "authorization_servers": [issuer] }), vec![]);
        }
        if request.header("authorization") != Some(&format!("Bearer {token}")) {
            let challenge = format!("Bearer resource_metadata=\"{own}/.well-known/oauth-protected-resource/mcp\"");
            return Answer::Json(401, json!({ "error": "invalid_token" }), vec![("www-authenticate", challenge)]);
        }
        let body = request.json();
        match body.get("method").and_then(Value::as_str) {
            Some("initialize") => {
                let result = json!({ "protocolVersion": "2025-11-25", "serverInfo": { "name": "p", "version": "1" }, "capabilities": {} });
                Answer::Json(200, json!({ "jsonrpc": "2.0", "id": body["id"], "result": result }), vec![])
            }
            _ => Answer::Status(202),
        }
    })
    .await;
    *own.lock().expect("not poisoned") = format!("http://{}", server.addr);
    server
}

async fn connect(url: &str, oauth: &OAuthClient) -> Result<Client, ClientError> {
    let transport = HttpTransport::new(url).oauth(oauth.clone()).listen(false);
    tokio::time::timeout(WAIT, Client::builder("oauth-test", "1.0.0").connect(transport)).await.expect("in time")
}

#[tokio::test]
async fn a_token_is_only_ever_sent_to_the_endpoint_it_was_obtained_for() {
    const TOKEN_A: &str = "token-of-server-a";
    let authorization = lenient_authorization_server(TOKEN_A).await;
    let issuer = format!("http://{}", authorization.addr);
    let a = protected(TOKEN_A, None, issuer.clone()).await;
    // B's metadata claims to be A, to be handed a token for A.
    let b = protected("token-of-server-b", Some(a.url()), issuer.clone()).await;
    let oauth = OAuthClient::builder(FollowRedirects).build();

    let client = connect(&a.url(), &oauth).await.expect("A authorizes");
    client.close().await;
    let kept = oauth.store().load(&a.url()).await.expect("A's token kept");
    assert_eq!(kept.access_token, TOKEN_A);
    assert!(a.seen().iter().any(|r| r.header("authorization") == Some("Bearer token-of-server-a")));

    // The same client, to B: A's token is not sent, and B's metadata is refused, so no
    // token is asked for A on B's behalf either.
    let authorizations = authorization.seen().len();
    let refused = connect(&b.url(), &oauth).await.expect_err("B's metadata is refused");
    assert!(refused.to_string().contains("refused"), "{refused}");
    assert!(b.seen().iter().all(|r| r.header("authorization").is_none()), "B never gets a token");
    assert_eq!(authorization.seen().len(), authorizations, "no authorization for B");
    // Nothing else ever got a bearer token: the metadata and the authorization server.
    assert!(authorization.seen().iter().all(|r| r.header("authorization").is_none()));
    assert!(oauth.store().load(&b.url()).await.is_none());
}

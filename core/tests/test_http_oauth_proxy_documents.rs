//! The OAuth proxy's Client ID Metadata Documents, over real sockets: a client whose
//! `client_id` is the URL of its metadata document, served by a document server the test
//! starts on loopback (allowed by the proxy's test-only `allowLoopback`), logs in through an
//! upstream provider (OAuth only: the user comes from its userinfo) without registering,
//! sees the document's host on the consent page, gets and refreshes tokens, and its document
//! is fetched once while its `max-age` lasts. And every refusal, each a 400 page at
//! `/authorize` naming the reason (never a redirect): a document whose `client_id` is not its
//! URL, a redirect URI it does not list, a secret method, a document too large or too slow,
//! more fetches at once than allowed, a private address, and a loopback one without the
//! test option.

mod http_client;
mod proxy_requests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use http_client::{Request, Response, WAIT, send};
use mcpforge::{HttpOptions, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const RESOURCE: &str = "http://localhost:3000/mcp";
const SECRET: &str = "a-signing-secret-of-at-least-32-bytes!";
const CLIENT_REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "a-pkce-code-verifier-of-forty-three-or-more-characters";

/// One document the server answers: its body, its `Cache-Control`, and a delay first.
#[derive(Clone)]
struct Served {
    body: String,
    cache_control: &'static str,
    delay: Duration,
}

/// A loopback server of metadata documents (by path) and of an OAuth-only upstream provider
/// (its token endpoint answers an access token, its userinfo the user `bob`).
#[derive(Clone)]
struct Sites {
    base: String,
    documents: Arc<Mutex<HashMap<String, Served>>>,
    fetches: Arc<Mutex<HashMap<String, usize>>>,
}

impl Sites {
    async fn start() -> Sites {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let sites = Sites {
            base: format!("http://127.0.0.1:{}", addr.port()),
            documents: Arc::default(),
            fetches: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/clients/{name}", get(document))
            .route("/token", post(|| async { json_answer(json!({ "access_token": "up", "token_type": "Bearer" })) }))
            .route("/userinfo", get(|| async { json_answer(json!({ "id": "bob" })) }))
            .with_state(sites.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        sites
    }

    /// Serves `body` as document `name`; its URL.
    fn serve(&self, name: &str, body: Value, cache_control: &'static str, delay: Duration) -> String {
        let served = Served { body: body.to_string(), cache_control, delay };
        self.documents.lock().unwrap().insert(name.to_owned(), served);
        self.url(name)
    }

    fn url(&self, name: &str) -> String {
        format!("{}/clients/{name}", self.base)
    }

    /// A valid public client's document for `name`, listing [`CLIENT_REDIRECT`].
    fn client(&self, name: &str, client_name: &str) -> String {
        let body = json!({ "client_id": self.url(name), "client_name": client_name,
            "redirect_uris": [CLIENT_REDIRECT], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"] });
        self.serve(name, body, "public, max-age=300", Duration::ZERO)
    }

    fn fetches(&self, name: &str) -> usize {
        self.fetches.lock().unwrap().get(name).copied().unwrap_or(0)
    }
}

async fn document(State(s): State<Sites>, Path(name): Path<String>) -> axum::response::Response {
    *s.fetches.lock().unwrap().entry(name.clone()).or_default() += 1;
    let served = s.documents.lock().unwrap().get(&name).cloned();
    let Some(d) = served else { return axum::http::StatusCode::NOT_FOUND.into_response() };
    tokio::time::sleep(d.delay).await;
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, d.cache_control)], d.body).into_response()
}

fn json_answer(v: Value) -> axum::response::Response {
    ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

fn query_of(location: &str) -> HashMap<String, String> {
    serde_urlencoded::from_str(location.split_once('?').map_or("", |(_, q)| q)).unwrap()
}

/// The value of the hidden field `name` of a page.
fn hidden(page: &str, name: &str) -> String {
    let start = page.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
    page[start..].split('"').next().unwrap().to_owned()
}

struct Proxy {
    server: Server,
    addr: SocketAddr,
    run: tokio::task::JoinHandle<Result<(), mcpforge::Error>>,
}

impl Proxy {
    /// A server whose proxy has the OAuth-only upstream of `sites`, and `documents` as its
    /// `clientMetadataDocuments` options.
    async fn start(sites: &Sites, documents: Value) -> Proxy {
        let upstream = json!({ "authorizationEndpoint": format!("{}/auth", sites.base),
            "tokenEndpoint": format!("{}/token", sites.base), "userinfoEndpoint": format!("{}/userinfo", sites.base),
            "subjectClaim": "id", "clientId": "proxy-client", "clientSecret": "proxy-secret" });
        let auth = json!({ "resource": RESOURCE, "scopesSupported": ["mcp:tools"], "requiredScopes": ["mcp:tools"],
            "proxy": { "signingSecret": SECRET, "upstream": upstream, "clientMetadataDocuments": documents } });
        let options = HttpOptions::from_json(json!({ "bind": "127.0.0.1:0", "auth": auth }), None).expect("options");
        let server = Server::builder("documents-test", "1.0.0")
            .tool(Tool::new("whoami"), |ctx: RequestContext, _: Value| async move {
                let a = ctx.auth().expect("a grant");
                Ok::<_, ToolError>(json!({ "subject": a.subject, "client_id": a.client_id }).to_string())
            })
            .build()
            .expect("build");
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("address");
        Proxy { server, addr, run: tokio::spawn(http.run()) }
    }

    async fn authorize(&self, client_id: &str, redirect_uri: &str) -> Response {
        let p = [
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("code_challenge", &B64.encode(Sha256::digest(VERIFIER.as_bytes()))),
            ("code_challenge_method", "S256"),
            ("state", "s1"),
        ];
        send(self.addr, &Request::new("GET", &format!("/authorize?{}", serde_urlencoded::to_string(p).unwrap()))).await
    }

    async fn post_form(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response {
        let mut r = proxy_requests::form_post(path, form);
        if let Some(c) = cookie {
            r = r.header("Cookie", c);
        }
        send(self.addr, &r).await
    }

    /// The whole login of `client_id` from its consent page (checked by `page_shows`): the
    /// code at the client's redirect URI.
    async fn login(&self, client_id: &str, page_shows: &[&str]) -> String {
        let page = self.authorize(client_id, CLIENT_REDIRECT).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let text = page.text();
        for shown in page_shows {
            assert!(text.contains(shown), "the consent page shows {shown}: {text}");
        }
        let cookie = page.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
        let form = [("pending", hidden(&text, "pending")), ("csrf", hidden(&text, "csrf"))];
        let form = [("pending", form[0].1.as_str()), ("csrf", &form[1].1), ("decision", "approve")];
        let to_upstream = self.post_form("/authorize/consent", &form, Some(&cookie)).await;
        assert_eq!(to_upstream.status, 302, "{}", to_upstream.text());
        let state = query_of(to_upstream.header("location").unwrap())["state"].clone();
        let back = format!("/oauth/callback?code=up-code&state={state}");
        let r = send(self.addr, &Request::new("GET", &back).header("Cookie", &cookie)).await;
        assert_eq!(r.status, 302, "{}", r.text());
        query_of(r.header("location").unwrap())["code"].clone()
    }

    async fn token(&self, form: &[(&str, &str)]) -> Response {
        self.post_form("/token", form, None).await
    }

    async fn call(&self, token: &str) -> Value {
        let r = send(self.addr, &proxy_requests::tool_call("whoami", token)).await;
        assert_eq!(r.status, 200, "{}", r.text());
        serde_json::from_str(r.json()["result"]["content"][0]["text"].as_str().unwrap()).unwrap()
    }

    /// `/authorize` for `client_id` is refused with a 400 page whose text has `reason`.
    async fn refused(&self, client_id: &str, reason: &str) {
        let r = self.authorize(client_id, CLIENT_REDIRECT).await;
        assert_eq!(r.status, 400, "{client_id}: {}", r.text());
        assert!(r.header("location").is_none(), "never a redirect");
        assert!(r.text().contains(reason), "{client_id}: {} lacks {reason}", r.text());
    }

    async fn stop(self) {
        self.server.shutdown();
        tokio::time::timeout(WAIT, self.run).await.expect("stops").expect("task").expect("run");
    }
}

#[tokio::test]
async fn a_document_client_logs_in_without_registering_and_its_document_is_cached() {
    let sites = Sites::start().await;
    let proxy = Proxy::start(&sites, json!({ "allowLoopback": true })).await;
    let metadata = send(proxy.addr, &Request::new("GET", "/.well-known/oauth-authorization-server")).await.json();
    assert_eq!(metadata["client_id_metadata_document_supported"], true);

    let client = sites.client("app.json", "<b>Doc</b> app");
    let host = sites.base.trim_start_matches("http://");
    let shown = format!("served by <strong>{host}</strong>");
    let code = proxy.login(&client, &["“&lt;b&gt;Doc&lt;/b&gt; app”", &shown]).await;
    let grant = [
        ("grant_type", "authorization_code"),
        ("client_id", client.as_str()),
        ("code", &code),
        ("code_verifier", VERIFIER),
        ("redirect_uri", CLIENT_REDIRECT),
    ];
    let r = proxy.token(&grant).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let tokens = r.json();
    let seen = proxy.call(tokens["access_token"].as_str().unwrap()).await;
    assert_eq!((seen["subject"].as_str(), seen["client_id"].as_str()), (Some("bob"), Some(client.as_str())));

    let refresh = [
        ("grant_type", "refresh_token"),
        ("client_id", client.as_str()),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
    ];
    let r = proxy.token(&refresh).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(sites.fetches("app.json"), 1, "fetched once while its max-age lasts");

    // A client with a secret is not one of these: the token endpoint refuses a secret for it.
    let r = proxy.token(&[("grant_type", "refresh_token"), ("client_id", &client), ("client_secret", "x")]).await;
    assert_eq!(r.status, 401, "{}", r.text());
    proxy.stop().await;
}

#[tokio::test]
async fn documents_not_describing_their_client_are_refused() {
    let sites = Sites::start().await;
    let proxy = Proxy::start(&sites, json!({ "allowLoopback": true })).await;
    let valid = |name: &str| json!({ "client_id": sites.url(name), "redirect_uris": [CLIENT_REDIRECT] });

    let other = sites.serve(
        "other.json",
        json!({ "client_id": sites.url("x.json"), "redirect_uris": [CLIENT_REDIRECT] }),
        "",
        Duration::ZERO,
    );
    proxy.refused(&other, "client_id is not its URL").await;

    let listed = sites.serve("listed.json", valid("listed.json"), "", Duration::ZERO);
    let r = proxy.authorize(&listed, "http://127.0.0.1:9/elsewhere").await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("redirect_uri is not registered") && r.header("location").is_none());

    let mut secret = valid("secret.json");
    secret["token_endpoint_auth_method"] = json!("client_secret_basic");
    let secret = sites.serve("secret.json", secret, "", Duration::ZERO);
    proxy.refused(&secret, "token_endpoint_auth_method must be none").await;

    let mut large = valid("large.json");
    large["client_name"] = json!("n".repeat(6000));
    let large = sites.serve("large.json", large, "", Duration::ZERO);
    proxy.refused(&large, "over 5120 bytes").await;

    // Eight slow documents take every fetch slot until their time is up; a ninth fetch,
    // asked while they all wait, is refused at once.
    let slow: Vec<String> = (0..8)
        .map(|i| sites.serve(&format!("slow{i}.json"), valid(&format!("slow{i}.json")), "", Duration::from_secs(8)))
        .collect();
    let waiting =
        futures_util::future::join_all(slow.iter().map(|url| proxy.refused(url, "no complete answer within 5 s")));
    let ninth = async {
        for _ in 0..400 {
            if (0..8).all(|i| sites.fetches(&format!("slow{i}.json")) == 1) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        proxy.refused(&listed.replace("listed", "ninth"), "too many client metadata documents are being fetched").await;
    };
    tokio::join!(waiting, ninth);

    proxy.refused("https://10.0.0.1/clients/app.json", "10.0.0.1 is at 10.0.0.1, a private or reserved address").await;
    proxy.refused("https://169.254.169.254/latest/meta-data", "a private or reserved address").await;
    proxy.refused("http://app.example/client.json", "must be https").await;
    proxy.refused(&sites.url("missing.json"), "status 404").await;

    // At the token endpoint, a refused document is a client that cannot authenticate.
    let r = proxy.token(&[("grant_type", "refresh_token"), ("client_id", &other), ("refresh_token", "t")]).await;
    assert_eq!(r.status, 401, "{}", r.text());
    proxy.stop().await;
}

#[tokio::test]
async fn loopback_documents_need_the_test_option_and_documents_can_be_turned_off() {
    let sites = Sites::start().await;
    let https = sites.client("app.json", "app").replace("http://", "https://");
    let proxy = Proxy::start(&sites, json!({})).await;
    proxy.refused(&https, "127.0.0.1 is at 127.0.0.1, a private or reserved address").await;
    proxy.refused(&sites.url("app.json"), "unknown client_id").await;
    proxy.stop().await;

    let proxy = Proxy::start(&sites, json!({ "enabled": false })).await;
    let metadata = send(proxy.addr, &Request::new("GET", "/.well-known/oauth-authorization-server")).await.json();
    assert!(metadata.get("client_id_metadata_document_supported").is_none());
    proxy.refused(&https, "unknown client_id").await;
    proxy.stop().await;
    assert_eq!(sites.fetches("app.json"), 0, "nothing was fetched");
}

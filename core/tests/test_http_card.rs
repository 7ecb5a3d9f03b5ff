//! The server card (SEP-2127) over real sockets: the document checked against the card
//! schema (vendored in `fixtures/server-card/`), its three paths, the media types, CORS
//! (preflight, reads from any origin), `ETag`/`If-None-Match`, the switch, the catalogue as
//! an anonymous client sees it (a hidden tool, bearer authorization, pagination, the size
//! bound), one build for many requests, and the MCP resource `mcp://server-card.json`.

use crate::http_client;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http_client::{Request, Response, WAIT, send};
use mcpforge::{
    AuthError, AuthInfo, AuthOptions, CatalogueKind, HttpOptions, Limits, MemoryClient, MiddlewareRequest, Server,
    ServerBuilder, ServerCardOptions, Tool, ToolError, Visible,
};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

const CARD: &str = "/mcp/server-card";
const PATHS: [&str; 3] = [CARD, "/.well-known/mcp/server-card", "/.well-known/mcp/server-card.json"];
const ALL_VERSIONS: [&str; 5] = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
const TOKEN: &str = "tok-card-3f5a7c9e1b3d";

/// The vendored card schema, rooted at its `ServerCard` definition.
fn card_schema() -> jsonschema::Validator {
    let text = include_str!("fixtures/server-card/schema.json");
    let mut schema: Value = serde_json::from_str(text).expect("schema JSON");
    schema["$ref"] = json!("#/$defs/ServerCard");
    jsonschema::validator_for(&schema).expect("the card schema compiles")
}

/// Panics with every schema error of `card`.
fn assert_valid(card: &Value) {
    let schema = card_schema();
    let errors: Vec<String> = schema.iter_errors(card).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "the card fails its schema: {errors:?}\n{card:#}");
}

fn tool(name: &str) -> Tool {
    Tool::new(name).description(format!("The {name} tool"))
}

/// A server with identity and two tools, `public` and `secret`.
fn builder() -> ServerBuilder {
    Server::builder("card test", "2.1.0")
        .title("Card Test")
        .description("Answers questions about cards; used to test the server card.")
        .website_url("https://example.com/card-test")
        .icons(vec![json!({ "src": "https://example.com/icon.png", "mimeType": "image/png", "sizes": ["48x48"] })])
        .tool(tool("public"), |_: Value| async { Ok::<_, ToolError>("ok") })
        .tool(tool("secret"), |_: Value| async { Ok::<_, ToolError>("ok") })
}

/// Hides `secret` from requests without a grant; counts how often it is asked.
fn hiding_secret(asked: Arc<AtomicUsize>) -> impl mcpforge::Catalogue {
    move |req: &MiddlewareRequest, kind: CatalogueKind| {
        asked.fetch_add(1, Ordering::SeqCst);
        let anonymous = req.auth().is_none();
        async move {
            match (kind, anonymous) {
                (CatalogueKind::Tools, true) => Visible::only(["public"]),
                _ => Visible::All,
            }
        }
    }
}

async fn verify(token: String) -> Result<AuthInfo, AuthError> {
    if token == TOKEN { Ok(AuthInfo::new("alice", ["mcp:tools"])) } else { Err(AuthError::Invalid("unknown".into())) }
}

struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    async fn start(server: Server, options: HttpOptions) -> Served {
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()) }
    }

    async fn with_card(server: Server, card: ServerCardOptions) -> Served {
        Served::start(server, HttpOptions { server_card: card, ..HttpOptions::default() }).await
    }

    async fn get(&self, path: &str) -> Response {
        send(self.addr, &Request::new("GET", path)).await
    }

    async fn card(&self) -> Value {
        let r = self.get(CARD).await;
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

fn catalogue_on() -> ServerCardOptions {
    ServerCardOptions { catalogue: true, ..ServerCardOptions::default() }
}

fn names(list: &Value) -> HashSet<String> {
    list.as_array().into_iter().flatten().filter_map(|t| t["name"].as_str().map(str::to_owned)).collect()
}

#[tokio::test]
async fn the_card_holds_identity_and_remotes_and_validates() {
    let s = Served::start(builder().build().unwrap(), HttpOptions::default()).await;
    let r = s.get(CARD).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("cache-control"), Some("public, max-age=3600"));
    assert!(r.header("etag").is_some_and(|e| e.starts_with('"') && e.len() > 10));
    let card = r.json();
    assert_valid(&card);
    assert_eq!(card["name"], "localhost/card-test");
    assert_eq!(card["version"], "2.1.0");
    assert_eq!(card["title"], "Card Test");
    assert_eq!(card["websiteUrl"], "https://example.com/card-test");
    assert_eq!(card["icons"][0]["src"], "https://example.com/icon.png");
    let url = format!("http://{}/mcp", s.addr);
    assert_eq!(
        card["remotes"][0],
        json!({ "type": "streamable-http", "url": url, "supportedProtocolVersions": ALL_VERSIONS })
    );
    assert_eq!(card["remotes"][1]["type"], "sse");
    assert_eq!(card["remotes"][1]["url"], format!("http://{}/sse", s.addr));
    // The SEP's current text: no primitives, no capabilities in the default card.
    for absent in ["tools", "resources", "prompts", "capabilities"] {
        assert!(card.get(absent).is_none(), "{absent} in {card}");
    }
    for path in PATHS {
        assert_eq!(s.get(path).await.body, r.body, "{path} serves the same card");
    }
    let typed = send(s.addr, &Request::new("GET", CARD).header("Accept", "application/mcp-server-card+json")).await;
    assert_eq!(typed.header("content-type"), Some("application/mcp-server-card+json"));
    s.stop().await;
}

#[tokio::test]
async fn a_configured_name_and_public_url_are_used() {
    let card = ServerCardOptions {
        name: Some("com.example/cards".into()),
        public_url: Some("https://mcp.example.com/api/mcp".into()),
        repository: Some(json!({ "url": "https://github.com/example/cards", "source": "github" })),
        ..ServerCardOptions::default()
    };
    let options = HttpOptions { server_card: card, legacy_sessions: false, ..HttpOptions::default() };
    let s = Served::start(builder().build().unwrap(), options).await;
    let card = s.card().await;
    assert_valid(&card);
    assert_eq!(card["name"], "com.example/cards");
    assert_eq!(card["repository"]["source"], "github");
    assert_eq!(card["remotes"][0]["url"], "https://mcp.example.com/api/mcp");
    assert_eq!(card["remotes"][0]["supportedProtocolVersions"], json!(["2026-07-28"]), "no legacy sessions");
    assert_eq!(card["remotes"][1]["url"], "https://mcp.example.com/api/sse");
    s.stop().await;
    // The JSON form every binding uses: a derived name from the public URL's host.
    let o = HttpOptions::from_json(json!({ "serverCard": { "publicUrl": "https://mcp.example.com/mcp" } }), None)
        .expect("valid options");
    let s = Served::start(builder().build().unwrap(), o).await;
    assert_eq!(s.card().await["name"], "com.example.mcp/card-test");
    s.stop().await;
    let err = |v| HttpOptions::from_json(v, None).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err(json!({ "server_card": { "name": "no-slash" } })).contains("reverse-DNS"));
    assert!(err(json!({ "server_card": { "public_url": "ftp://x" } })).contains("http://"));
    assert!(err(json!({ "server_card": { "nmae": "a/b" } })).contains("unknown field"));
}

#[tokio::test]
async fn switched_off_the_card_is_not_found() {
    let options = HttpOptions::from_json(json!({ "server_card": false }), None).expect("valid options");
    let s = Served::start(builder().build().unwrap(), HttpOptions { bind: options.bind, ..options }).await;
    for path in PATHS {
        assert_eq!(s.get(path).await.status, 404, "{path}");
    }
    s.stop().await;
}

#[tokio::test]
async fn etag_revalidation_answers_304() {
    let s = Served::with_card(builder().build().unwrap(), catalogue_on()).await;
    let first = s.get(CARD).await;
    let etag = first.header("etag").expect("an ETag").to_owned();
    let again = send(s.addr, &Request::new("GET", CARD).header("If-None-Match", &etag)).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let weak = send(s.addr, &Request::new("GET", CARD).header("If-None-Match", &format!("\"x\", W/{etag}"))).await;
    assert_eq!(weak.status, 304, "a weak match in a list");
    let other = send(s.addr, &Request::new("GET", CARD).header("If-None-Match", "\"stale\"")).await;
    assert_eq!(other.status, 200);
    // A tool added changes the catalogue, so the card and its ETag change at once.
    s.server.add_tool(tool("added"), |_: Value| async { Ok::<_, ToolError>("ok") }).unwrap();
    let changed = send(s.addr, &Request::new("GET", CARD).header("If-None-Match", &etag)).await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    assert!(names(&changed.json()["tools"]).contains("added"));
    s.stop().await;
}

#[tokio::test]
async fn any_origin_may_read_the_card() {
    let s = Served::start(builder().build().unwrap(), HttpOptions::default()).await;
    let preflight = send(
        s.addr,
        &Request::new("OPTIONS", CARD)
            .header("Origin", "https://elsewhere.example")
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "if-none-match"),
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(preflight.header("access-control-allow-methods").is_some_and(|m| m.contains("GET")));
    assert!(preflight.header("access-control-allow-headers").is_some_and(|h| h.contains("If-None-Match")));
    let read = send(s.addr, &Request::new("GET", CARD).header("Origin", "https://elsewhere.example")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.header("access-control-expose-headers"), Some("ETag"));
    // The MCP endpoint still refuses that origin, and the card a foreign Host.
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    let mcp = send(s.addr, &Request::post_json(&body).header("Origin", "https://elsewhere.example")).await;
    assert_eq!(mcp.status, 403);
    let rebound = send(s.addr, &Request::new("GET", CARD).header("Host", "evil.example")).await;
    assert_eq!(rebound.status, 403);
    s.stop().await;
}

#[tokio::test]
async fn the_catalogue_is_what_an_anonymous_client_sees() {
    let asked = Arc::new(AtomicUsize::new(0));
    let server = builder().catalogue(hiding_secret(asked.clone())).build().unwrap();
    let s = Served::with_card(server, catalogue_on()).await;
    let card = s.card().await;
    assert_valid(&card);
    assert_eq!(names(&card["tools"]), HashSet::from(["public".to_owned()]), "{card}");
    assert_eq!(card["tools"][0]["description"], "The public tool");
    assert!(card["capabilities"]["tools"].is_object());
    assert_eq!(card["remotes"][0]["authentication"], json!({ "required": false, "schemes": [] }));
    assert!(card.get("prompts").is_none(), "no prompts registered");
    // Many requests, one build: the hook is not asked again while the registry is unchanged.
    let after_one = asked.load(Ordering::SeqCst);
    assert!(after_one > 0);
    for _ in 0..20 {
        assert_eq!(s.get(CARD).await.status, 200);
    }
    assert_eq!(asked.load(Ordering::SeqCst), after_one, "the card was built again");
    s.stop().await;
}

#[tokio::test]
async fn with_bearer_authorization_the_card_is_public_and_lists_nothing() {
    let auth = AuthOptions {
        authorization_servers: vec!["https://auth.example.com".into()],
        ..AuthOptions::new("https://mcp.example.com/mcp", verify)
    };
    let options = HttpOptions { auth: Some(auth), server_card: catalogue_on(), ..HttpOptions::default() };
    let s = Served::start(builder().build().unwrap(), options).await;
    let card = s.card().await;
    assert_valid(&card);
    for absent in ["tools", "resources", "prompts", "capabilities"] {
        assert!(card.get(absent).is_none(), "{absent} listed to an anonymous client: {card}");
    }
    let remote = &card["remotes"][0];
    assert_eq!(remote["url"], "https://mcp.example.com/mcp", "the auth resource is the public URL");
    assert_eq!(remote["authentication"], json!({ "required": true, "schemes": ["bearer", "oauth2"] }));
    assert_eq!(remote["headers"][0]["name"], "Authorization");
    assert_eq!(remote["headers"][0]["isSecret"], true);
    s.stop().await;
}

#[tokio::test]
async fn long_catalogues_are_read_page_by_page_and_bounded_in_size() {
    let mut b = builder().limits(Limits { page_size: 2, ..Limits::default() });
    for i in 0..7 {
        b = b.tool(tool(&format!("t{i}")), |_: Value| async { Ok::<_, ToolError>("ok") });
    }
    let s = Served::with_card(b.build().unwrap(), catalogue_on()).await;
    assert_eq!(names(&s.card().await["tools"]).len(), 9, "every page read");
    s.stop().await;
    let mut b = builder();
    for i in 0..50 {
        b = b.tool(Tool::new(format!("big{i}")).description("x".repeat(1000)), |_: Value| async {
            Ok::<_, ToolError>("ok")
        });
    }
    let small = ServerCardOptions { max_bytes: 8 * 1024, ..catalogue_on() };
    let s = Served::with_card(b.build().unwrap(), small).await;
    let r = s.get(CARD).await;
    assert!(r.body.len() <= 8 * 1024, "{} bytes", r.body.len());
    let card = r.json();
    assert_valid(&card);
    assert!(card.get("tools").is_none(), "the listings are left out past max_bytes");
    assert!(card["remotes"].is_array(), "identity and remotes stay");
    s.stop().await;
}

#[tokio::test]
async fn the_card_is_also_an_mcp_resource() {
    let card = ServerCardOptions { resource: true, ..ServerCardOptions::default() };
    let s = Served::with_card(builder().build().unwrap(), card).await;
    let http = s.get(CARD).await;
    let mut params = json!({ "uri": "mcp://server-card.json" });
    params["_meta"] = MemoryClient::modern_meta(json!({}));
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "resources/read", "params": params });
    let request = Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "resources/read")
        .header("Mcp-Name", "mcp://server-card.json");
    let read = send(s.addr, &request).await;
    assert_eq!(read.status, 200, "{}", read.text());
    let contents = &read.json()["result"]["contents"][0];
    assert_eq!(contents["mimeType"], "application/json");
    assert_eq!(contents["text"].as_str().map(str::as_bytes), Some(http.body.as_slice()), "the same body");
    s.stop().await;
}

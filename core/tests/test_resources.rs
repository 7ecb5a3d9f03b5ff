//! Resources: `resources/list`, `resources/templates/list`, `resources/read` of concrete
//! resources and templates (variables, percent-decoding, segment rules), not-found errors per
//! era, legacy `resources/subscribe` + `notifications/resources/updated`, and 2026 caching.

use std::collections::BTreeMap;
use std::time::Duration;

use mcpforge::{
    CacheScope, MemoryClient, ProtocolError, RequestContext, Resource, ResourceContents, ResourceTemplate, Server,
    ToolError,
};
use serde_json::{Value, json};

const NAME: &str = "resources-test";
const VERSION: &str = "1.0.0";
const WAIT: Duration = Duration::from_secs(5);
const STATIC_TEXT: &str = "This is the content of the static text resource.";
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn server_info() -> Value {
    json!({ "name": NAME, "version": VERSION })
}

fn builder() -> mcpforge::ServerBuilder {
    Server::builder(NAME, VERSION)
        .resource(
            Resource::new("test://static-text", "static-text")
                .title("Static text")
                .description("A static text resource")
                .mime_type("text/plain"),
            |_ctx: RequestContext, uri: String| async move {
                Ok::<_, ProtocolError>(vec![ResourceContents::text(uri, Some("text/plain"), STATIC_TEXT)])
            },
        )
        .resource(
            Resource::new("test://static-binary", "static-binary").description("A PNG").mime_type("image/png"),
            |_ctx: RequestContext, uri: String| async move {
                Ok::<_, ProtocolError>(vec![ResourceContents::blob(uri, Some("image/png"), PNG)])
            },
        )
        .resource(Resource::new("test://empty", "empty"), |_ctx: RequestContext, _uri: String| async move {
            Ok::<_, ProtocolError>(Vec::new())
        })
        .resource(Resource::new("test://multi", "multi"), |_ctx: RequestContext, uri: String| async move {
            let mut first = ResourceContents::text(format!("{uri}/a"), None, "part a");
            first.meta = Some(json!({ "part": 1 }));
            Ok::<_, ProtocolError>(vec![first, ResourceContents::blob(format!("{uri}/b"), None, "AAE=")])
        })
        .resource(Resource::new("test://failing", "failing"), |_ctx: RequestContext, _uri: String| async move {
            Err::<Vec<ResourceContents>, _>(ToolError::new("storage offline"))
        })
        .resource_template(
            ResourceTemplate::new("test://template/{id}/data", "template")
                .description("A templated resource")
                .mime_type("application/json"),
            |_ctx: RequestContext, uri: String, vars: BTreeMap<String, String>| async move {
                if vars.get("id").map(String::as_str) == Some("missing") {
                    return Err(ProtocolError::resource_not_found(&uri));
                }
                let text = json!({ "uri": uri, "vars": vars }).to_string();
                Ok(vec![ResourceContents::text(uri, Some("application/json"), text)])
            },
        )
        .resource_template(
            ResourceTemplate::new("file:///docs/{+path}", "docs"),
            |_ctx: RequestContext, uri: String, vars: BTreeMap<String, String>| async move {
                let text = json!({ "uri": uri, "vars": vars }).to_string();
                Ok::<_, ProtocolError>(vec![ResourceContents::text(uri, None, text)])
            },
        )
}

fn server() -> Server {
    builder().build().expect("build")
}

async fn legacy(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    let init = client.initialize(version, json!({})).await.expect("initialize");
    assert_eq!(init["protocolVersion"], json!(version));
    client
}

fn modern_meta() -> Value {
    MemoryClient::modern_meta(json!({}))
}

fn not_found(id: i64, code: i64, uri: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": format!("Resource not found: {uri}"), "data": { "uri": uri } }
    })
}

/// Reads a templated resource and returns the variables its handler saw.
async fn template_vars(client: &MemoryClient, uri: &str) -> Value {
    let r = client.request("resources/read", json!({ "uri": uri })).await.unwrap_or_else(|e| panic!("{uri}: {e}"));
    let text = r["contents"][0]["text"].as_str().expect("text");
    let seen: Value = serde_json::from_str(text).expect("json");
    assert_eq!(seen["uri"], json!(uri));
    seen["vars"].clone()
}

#[tokio::test]
async fn list_resources_per_version() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("resources/list", json!({})).await.expect("list");
    assert_eq!(
        r,
        json!({
            "resources": [
                { "uri": "test://static-text", "name": "static-text", "title": "Static text",
                  "description": "A static text resource", "mimeType": "text/plain" },
                { "uri": "test://static-binary", "name": "static-binary", "description": "A PNG", "mimeType": "image/png" },
                { "uri": "test://empty", "name": "empty" },
                { "uri": "test://multi", "name": "multi" },
                { "uri": "test://failing", "name": "failing" }
            ]
        })
    );
    client.close().await.expect("close");

    // No `title` before 2025-06-18.
    let client = legacy(&server, "2025-03-26").await;
    let r = client.request("resources/list", json!({})).await.expect("list");
    assert_eq!(
        r["resources"][0],
        json!({ "uri": "test://static-text", "name": "static-text", "description": "A static text resource", "mimeType": "text/plain" })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn list_templates() {
    let server = server();
    let client = legacy(&server, "2025-06-18").await;
    let r = client.request("resources/templates/list", json!({})).await.expect("list");
    assert_eq!(
        r,
        json!({
            "resourceTemplates": [
                { "uriTemplate": "test://template/{id}/data", "name": "template",
                  "description": "A templated resource", "mimeType": "application/json" },
                { "uriTemplate": "file:///docs/{+path}", "name": "docs" }
            ]
        })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn read_text_and_blob() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("resources/read", json!({ "uri": "test://static-text" })).await.expect("read");
    assert_eq!(
        r,
        json!({ "contents": [{ "uri": "test://static-text", "mimeType": "text/plain", "text": STATIC_TEXT }] })
    );
    let r = client.request("resources/read", json!({ "uri": "test://static-binary" })).await.expect("read");
    assert_eq!(r, json!({ "contents": [{ "uri": "test://static-binary", "mimeType": "image/png", "blob": PNG }] }));
    // Several contents, with `_meta` (2025-06-18+).
    let r = client.request("resources/read", json!({ "uri": "test://multi" })).await.expect("read");
    assert_eq!(
        r,
        json!({ "contents": [
            { "uri": "test://multi/a", "text": "part a", "_meta": { "part": 1 } },
            { "uri": "test://multi/b", "blob": "AAE=" }
        ] })
    );
    client.close().await.expect("close");

    // `_meta` is unknown before 2025-06-18.
    let client = legacy(&server, "2025-03-26").await;
    let r = client.request("resources/read", json!({ "uri": "test://multi" })).await.expect("read");
    assert_eq!(r["contents"][0], json!({ "uri": "test://multi/a", "text": "part a" }));
    client.close().await.expect("close");
}

#[tokio::test]
async fn contents_carry_the_resources_meta_when_the_server_says_so() {
    let mut with_meta = Resource::new("test://meta", "meta");
    with_meta.meta = Some(json!({ "version": "1.0" }));
    let mut part = ResourceContents::text("test://meta", None, "own");
    part.meta = Some(json!({ "own": true }));
    let own = part.clone();
    for on in [false, true] {
        let part = own.clone();
        let server = Server::builder(NAME, VERSION)
            .resource_meta_in_contents(on)
            .resource(with_meta.clone(), |_ctx: RequestContext, _uri: String| async move { Ok::<_, ToolError>("data") })
            .resource(Resource::new("test://parts", "parts"), move |_ctx: RequestContext, _uri: String| {
                let part = part.clone();
                async move { Ok::<_, ToolError>(vec![part]) }
            })
            .build()
            .unwrap();
        let client = legacy(&server, "2025-11-25").await;
        let r = client.request("resources/read", json!({ "uri": "test://meta" })).await.expect("read");
        let expected = if on { json!({ "version": "1.0" }) } else { Value::Null };
        assert_eq!(r["contents"][0]["_meta"], expected);
        // Contents with `_meta` of their own keep it.
        let r = client.request("resources/read", json!({ "uri": "test://parts" })).await.expect("read");
        assert_eq!(r["contents"][0]["_meta"], json!({ "own": true }));
        client.close().await.expect("close");
    }
}

#[tokio::test]
async fn read_through_a_template_passes_the_variables() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("resources/read", json!({ "uri": "test://template/123/data" })).await.expect("read");
    let contents = r["contents"].as_array().expect("contents");
    assert_eq!(contents.len(), 1);
    assert_eq!(contents[0]["uri"], json!("test://template/123/data"));
    assert_eq!(contents[0]["mimeType"], json!("application/json"));
    assert!(contents[0]["text"].as_str().unwrap().contains("123"));
    assert_eq!(template_vars(&client, "test://template/123/data").await, json!({ "id": "123" }));
    client.close().await.expect("close");
}

#[tokio::test]
async fn template_variables_are_percent_decoded() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    assert_eq!(template_vars(&client, "test://template/hello%20world/data").await, json!({ "id": "hello world" }));
    assert_eq!(template_vars(&client, "test://template/caf%C3%A9/data").await, json!({ "id": "café" }));
    assert_eq!(template_vars(&client, "test://template/a%2Bb/data").await, json!({ "id": "a+b" }));
    // A reserved expansion may span segments, and is decoded too.
    assert_eq!(
        template_vars(&client, "file:///docs/guides/intro%20one.md").await,
        json!({ "path": "guides/intro one.md" })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn a_simple_variable_never_matches_across_a_slash() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    for (id, uri) in [
        (1, "test://template/1/2/data"),
        (2, "test://template/a%2Fb/data"),
        (3, "test://template/../data"),
        (4, "test://template/%2e%2e/data"),
        (5, "test://template//data"),
        (6, "test://template/1/data/extra"),
        (7, "test://template/bad%zz/data"),
        (8, "file:///docs/../secret"),
    ] {
        let resp = client.request_with_id(json!(id), "resources/read", json!({ "uri": uri })).await;
        assert_eq!(resp, not_found(id, -32002, uri), "{uri}");
    }
    client.close().await.expect("close");
}

#[tokio::test]
async fn unknown_uri_is_not_found_per_era() {
    let server = server();
    for version in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        let client = legacy(&server, version).await;
        let resp = client.request_with_id(json!(1), "resources/read", json!({ "uri": "test://nope" })).await;
        assert_eq!(resp, not_found(1, -32002, "test://nope"), "{version}");
        client.close().await.expect("close");
    }
    let client = server.connect_memory();
    let uri = "test://nonexistent-resource-for-conformance-testing";
    let resp = client.request_with_id(json!(2), "resources/read", json!({ "uri": uri, "_meta": modern_meta() })).await;
    assert_eq!(resp, not_found(2, -32602, uri));
    client.close().await.expect("close");
}

#[tokio::test]
async fn sdk_resource_errors_answer_unknown_resource_and_name_the_uri() {
    let server = builder().sdk_resource_errors(true).build().expect("build");
    for version in ["2024-11-05", "2025-11-25"] {
        let client = legacy(&server, version).await;
        let resp = client.request_with_id(json!(1), "resources/read", json!({ "uri": "test://nope" })).await;
        let unknown =
            json!({ "code": -32602, "message": "Unknown resource: test://nope", "data": { "uri": "test://nope" } });
        assert_eq!(resp["error"], unknown, "{version}");
        // The reader's own error keeps its code and message and gains `data.uri`.
        let resp = client.request_with_id(json!(2), "resources/read", json!({ "uri": "test://failing" })).await;
        let failed = json!({ "code": -32602, "message": "Invalid params: storage offline", "data": { "uri": "test://failing" } });
        assert_eq!(resp["error"], failed, "{version}");
        client.close().await.expect("close");
    }
}

#[tokio::test]
async fn empty_contents_and_handler_not_found_are_not_found_errors() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    let resp = client.request_with_id(json!(1), "resources/read", json!({ "uri": "test://empty" })).await;
    assert_eq!(resp, not_found(1, -32002, "test://empty"));
    let uri = "test://template/missing/data";
    let resp = client.request_with_id(json!(2), "resources/read", json!({ "uri": uri })).await;
    assert_eq!(resp, not_found(2, -32002, uri));
    // 2026: the same errors with -32602.
    let resp = client
        .request_with_id(json!(3), "resources/read", json!({ "uri": "test://empty", "_meta": modern_meta() }))
        .await;
    assert_eq!(resp, not_found(3, -32602, "test://empty"));
    let resp = client.request_with_id(json!(4), "resources/read", json!({ "uri": uri, "_meta": modern_meta() })).await;
    assert_eq!(resp, not_found(4, -32602, uri));
    client.close().await.expect("close");
}

#[tokio::test]
async fn bad_read_params_and_handler_failures() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    let resp = client.request_with_id(json!(1), "resources/read", json!({})).await;
    assert_eq!(
        resp,
        json!({ "jsonrpc": "2.0", "id": 1, "error": { "code": -32602, "message": "Invalid params: `uri` must be a string" } })
    );
    let resp = client.request_with_id(json!(2), "resources/read", json!({ "uri": 5 })).await;
    assert_eq!(resp["error"]["code"], json!(-32602));
    // A tool-style error from a resource reader is reported as invalid params.
    let resp = client.request_with_id(json!(3), "resources/read", json!({ "uri": "test://failing" })).await;
    assert_eq!(
        resp,
        json!({ "jsonrpc": "2.0", "id": 3, "error": { "code": -32602, "message": "Invalid params: storage offline" } })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn resources_methods_are_gated_by_the_capability() {
    let server = Server::builder(NAME, VERSION).build().expect("build");
    let client = legacy(&server, "2025-11-25").await;
    for (id, method) in [
        (1, "resources/list"),
        (2, "resources/templates/list"),
        (3, "resources/read"),
        (4, "resources/subscribe"),
        (5, "resources/unsubscribe"),
    ] {
        let resp = client.request_with_id(json!(id), method, json!({ "uri": "test://x" })).await;
        assert_eq!(
            resp,
            json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32601, "message": format!("Method not found: {method}") } })
        );
    }
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_subscribe_delivers_updates_only_for_subscribed_uris() {
    let server = server();
    let mut client = legacy(&server, "2025-11-25").await;
    assert_eq!(
        client.request("resources/subscribe", json!({ "uri": "test://watched" })).await.expect("sub"),
        json!({})
    );

    // An unsubscribed URI first, then the subscribed one: the first message is the latter.
    server.notify_resource_updated("test://other");
    server.notify_resource_updated("test://watched/child");
    server.notify_resource_updated("test://watched");
    let msg = client.next_message(WAIT).await.expect("update");
    assert_eq!(
        msg,
        json!({ "jsonrpc": "2.0", "method": "notifications/resources/updated", "params": { "uri": "test://watched" } })
    );

    // After unsubscribing, nothing for that URI: the next message is for another subscription.
    assert_eq!(
        client.request("resources/unsubscribe", json!({ "uri": "test://watched" })).await.expect("unsub"),
        json!({})
    );
    server.notify_resource_updated("test://watched");
    assert_eq!(client.request("resources/subscribe", json!({ "uri": "test://second" })).await.expect("sub"), json!({}));
    server.notify_resource_updated("test://second");
    let msg = client.next_message(WAIT).await.expect("update");
    assert_eq!(
        msg,
        json!({ "jsonrpc": "2.0", "method": "notifications/resources/updated", "params": { "uri": "test://second" } })
    );
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_go_only_to_the_sessions_that_subscribed() {
    let server = server();
    let mut a = legacy(&server, "2025-11-25").await;
    let mut b = legacy(&server, "2025-06-18").await;
    a.request("resources/subscribe", json!({ "uri": "test://shared" })).await.expect("sub");
    b.request("resources/subscribe", json!({ "uri": "test://b-only" })).await.expect("sub");
    server.notify_resource_updated("test://shared");
    server.notify_resource_updated("test://b-only");
    let expected =
        |uri: &str| json!({ "jsonrpc": "2.0", "method": "notifications/resources/updated", "params": { "uri": uri } });
    assert_eq!(a.next_message(WAIT).await.expect("a"), expected("test://shared"));
    assert_eq!(b.next_message(WAIT).await.expect("b"), expected("test://b-only"));
    // Subscribing twice and unsubscribing an unknown URI are harmless.
    a.request("resources/subscribe", json!({ "uri": "test://shared" })).await.expect("sub again");
    a.request("resources/unsubscribe", json!({ "uri": "test://never" })).await.expect("unsub unknown");
    server.notify_resource_updated("test://shared");
    assert_eq!(a.next_message(WAIT).await.expect("a"), expected("test://shared"));
    assert_eq!(a.drain_messages(), Vec::<Value>::new());
    assert_eq!(b.drain_messages(), Vec::<Value>::new());
    a.close().await.expect("close");
    b.close().await.expect("close");
}

/// What a client can make the server keep through subscriptions is bounded: 1,024 URIs per
/// legacy session, 256 per listen stream, 4 KiB per URI (each refused -32602 past it).
#[tokio::test]
async fn subscriptions_are_bounded_in_number_and_bytes() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    for n in 0..1024 {
        client
            .request("resources/subscribe", json!({ "uri": format!("test://n/{n}") }))
            .await
            .expect("within the bound");
    }
    let e = client.request("resources/subscribe", json!({ "uri": "test://one-more" })).await.unwrap_err();
    assert_eq!(e.code, -32602, "{e:?}");
    // Again a URI already held, and one after an unsubscribe, are fine.
    client.request("resources/subscribe", json!({ "uri": "test://n/0" })).await.expect("already held");
    client.request("resources/unsubscribe", json!({ "uri": "test://n/0" })).await.expect("unsubscribe");
    client.request("resources/subscribe", json!({ "uri": "test://one-more" })).await.expect("room again");
    let long = format!("test://{}", "x".repeat(5000));
    let e = client.request("resources/subscribe", json!({ "uri": long })).await.unwrap_err();
    assert_eq!(e.code, -32602, "{e:?}");

    let listen = |uris: Value| json!({ "_meta": modern_meta(), "notifications": { "resourceSubscriptions": uris } });
    let modern = server.connect_memory();
    let many: Vec<String> = (0..257).map(|n| format!("test://n/{n}")).collect();
    let e = modern.request("subscriptions/listen", listen(json!(many))).await.unwrap_err();
    assert_eq!(e.code, -32602, "{e:?}");
    let e = modern.request("subscriptions/listen", listen(json!([long]))).await.unwrap_err();
    assert_eq!(e.code, -32602, "{e:?}");
}

#[tokio::test]
async fn subscribe_params_and_modern_shape() {
    let server = server();
    let client = legacy(&server, "2025-11-25").await;
    let resp = client.request_with_id(json!(1), "resources/subscribe", json!({})).await;
    assert_eq!(
        resp,
        json!({ "jsonrpc": "2.0", "id": 1, "error": { "code": -32602, "message": "Invalid params: `uri` must be a string" } })
    );
    // Removed in 2026-07-28: -32601 when modern-shaped.
    for (id, method) in [(2, "resources/subscribe"), (3, "resources/unsubscribe")] {
        let resp =
            client.request_with_id(json!(id), method, json!({ "uri": "test://x", "_meta": modern_meta() })).await;
        assert_eq!(
            resp,
            json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32601, "message": format!("Method not found: {method}") } })
        );
    }
    client.close().await.expect("close");
}

#[tokio::test]
async fn modern_results_carry_cache_fields() {
    let server = builder().cache(Duration::from_secs(300), CacheScope::Private).build().expect("build");
    let client = server.connect_memory();
    let base = |mut v: Value, cacheable: bool| {
        v["resultType"] = json!("complete");
        v["_meta"] = json!({ "io.modelcontextprotocol/serverInfo": server_info() });
        if cacheable {
            v["ttlMs"] = json!(300_000);
            v["cacheScope"] = json!("private");
        }
        v
    };
    let r =
        client.request_modern("resources/read", json!({ "uri": "test://static-text" }), json!({})).await.expect("read");
    assert_eq!(
        r,
        base(
            json!({ "contents": [{ "uri": "test://static-text", "mimeType": "text/plain", "text": STATIC_TEXT }] }),
            true
        )
    );
    let r = client
        .request_modern("resources/read", json!({ "uri": "test://template/7/data" }), json!({}))
        .await
        .expect("read");
    assert_eq!(r["ttlMs"], json!(300_000));
    assert_eq!(r["cacheScope"], json!("private"));
    assert_eq!(r["resultType"], json!("complete"));
    let r = client.request_modern("resources/list", json!({}), json!({})).await.expect("list");
    assert_eq!((r["ttlMs"].clone(), r["cacheScope"].clone()), (json!(300_000), json!("private")));
    assert_eq!(r["resources"].as_array().map(Vec::len), Some(5));
    let r = client.request_modern("resources/templates/list", json!({}), json!({})).await.expect("list");
    assert_eq!((r["ttlMs"].clone(), r["cacheScope"].clone()), (json!(300_000), json!("private")));
    assert_eq!(r["resourceTemplates"].as_array().map(Vec::len), Some(2));
    client.close().await.expect("close");

    // Legacy results never carry them.
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("resources/read", json!({ "uri": "test://static-text" })).await.expect("read");
    assert_eq!(
        r,
        json!({ "contents": [{ "uri": "test://static-text", "mimeType": "text/plain", "text": STATIC_TEXT }] })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn modern_defaults_are_zero_ttl_and_public() {
    let server = server();
    let client = server.connect_memory();
    let r = client
        .request_modern("resources/read", json!({ "uri": "test://static-binary" }), json!({}))
        .await
        .expect("read");
    assert_eq!(
        r,
        json!({
            "contents": [{ "uri": "test://static-binary", "mimeType": "image/png", "blob": PNG }],
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() },
            "ttlMs": 0,
            "cacheScope": "public"
        })
    );
    client.close().await.expect("close");
}

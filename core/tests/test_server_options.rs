//! `ServerBuilder::from_json`: every server option in its JSON form (what the C, Python and
//! Node bindings hand over), each seen on the wire, and the refusals that name the field.

use std::time::Duration;

use mcpforge::{MemoryClient, ServerBuilder, Tool, ToolError};
use serde_json::{Value, json};

fn built(options: Value) -> mcpforge::Server {
    ServerBuilder::from_json("opts", "2.0.0", options)
        .expect("valid options")
        .tool(Tool::new("noop"), |_: Value| async move { Ok::<_, ToolError>("ok") })
        .build()
        .expect("a valid server")
}

fn refused(options: Value) -> String {
    match ServerBuilder::from_json("opts", "1.0.0", options) {
        Ok(_) => panic!("options accepted"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn identity_instructions_and_versions_reach_the_handshake() {
    let s = built(json!({
        "title": "Options", "description": "A server configured from JSON", "websiteUrl": "https://example.com",
        "instructions": "Use noop.", "protocol_versions": ["2025-06-18", "2026-07-28"], "logging": false
    }));
    let c = s.connect_memory();
    let init = c.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["protocolVersion"], "2025-06-18", "only the versions given are served");
    assert_eq!(init["serverInfo"]["name"], "opts");
    assert_eq!(init["serverInfo"]["version"], "2.0.0");
    assert_eq!(init["serverInfo"]["title"], "Options");
    assert_eq!(init["instructions"], "Use noop.");
    assert!(init["capabilities"].get("logging").is_none(), "logging off: {init}");
    let discover = c.request_modern("server/discover", json!({}), json!({})).await.expect("discover");
    assert_eq!(discover["supportedVersions"], json!(["2026-07-28", "2025-06-18"]));
}

#[tokio::test]
async fn server_icons_reach_server_info_on_versions_that_have_them() {
    let icon = json!({ "src": "https://example.com/icon.png", "mimeType": "image/png", "sizes": ["48x48"] });
    let s = built(json!({ "icons": [icon.clone()], "website_url": "https://example.com" }));
    let c = s.connect_memory();
    let init = c.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["serverInfo"]["icons"], json!([icon]));
    let old = s.connect_memory().initialize("2025-06-18", json!({})).await.expect("initialize");
    assert!(old["serverInfo"].get("icons").is_none(), "2025-06-18 has no icons: {old}");
    assert!(refused(json!({ "icons": [{ "mimeType": "image/png" }] })).contains("icons[0]"));
}

#[tokio::test]
async fn limits_take_milliseconds_and_null_disables_the_timeout() {
    let s = built(json!({ "limits": {
        "max_message_size": 1000, "maxInFlight": 7, "max_in_flight_per_connection": 3,
        "request_timeout_ms": null, "shutdownGraceMs": 250, "page_size": 2, "request_state_ttl_ms": 5000,
        "max_queued_messages": 9, "maxSessionBacklog": 4
    }}));
    let l = s.limits();
    assert_eq!((l.max_message_size, l.max_in_flight, l.max_in_flight_per_connection), (1000, 7, 3));
    assert_eq!(l.request_timeout, None);
    assert_eq!(l.shutdown_grace, Duration::from_millis(250));
    assert_eq!((l.page_size, l.max_queued_messages, l.max_session_backlog), (2, 9, 4));
    assert_eq!(l.request_state_ttl, Duration::from_secs(5));
    let timed = built(json!({ "limits": { "requestTimeoutMs": 1500 } }));
    assert_eq!(timed.limits().request_timeout, Some(Duration::from_millis(1500)));
    assert_eq!(
        built(json!({ "limits": { "max_in_flight": 5 } })).limits().request_timeout,
        Some(Duration::from_secs(600))
    );
}

#[tokio::test]
async fn capabilities_tasks_and_cache_hints_follow_the_options() {
    let s = built(json!({
        "experimental": { "x": { "on": true } }, "extensions": { "example.com/ext": { "v": 1 } },
        "enable_prompts": true, "enableResources": true, "tasks": { "ttl_ms": 60000, "maxTasks": 5 },
        "cache_ttl_ms": 30000, "cacheScope": "private", "state_key": "shared secret"
    }));
    let c = MemoryClient::connect(&s);
    let discover = c.request_modern("server/discover", json!({}), json!({})).await.expect("discover");
    let caps = &discover["capabilities"];
    assert_eq!(caps["experimental"], json!({ "x": { "on": true } }));
    assert_eq!(caps["extensions"]["example.com/ext"], json!({ "v": 1 }));
    assert!(caps["extensions"].get("io.modelcontextprotocol/tasks").is_some(), "tasks advertised: {caps}");
    assert!(caps.get("prompts").is_some() && caps.get("resources").is_some(), "{caps}");
    assert_eq!((discover["ttlMs"].clone(), discover["cacheScope"].clone()), (json!(30000), json!("private")));
}

#[tokio::test]
async fn resource_subscriptions_off_leave_subscribe_out_of_the_capability_and_the_methods() {
    let on = built(json!({ "enableResources": true })).connect_memory();
    let init = on.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["capabilities"]["resources"], json!({ "subscribe": true, "listChanged": true }));
    assert_eq!(on.request("resources/subscribe", json!({ "uri": "test://x" })).await.expect("subscribe"), json!({}));

    let off = built(json!({ "enableResources": true, "resourceSubscriptions": false })).connect_memory();
    let init = off.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["capabilities"]["resources"], json!({ "listChanged": true }), "as the official McpServer");
    for method in ["resources/subscribe", "resources/unsubscribe"] {
        let e = off.request(method, json!({ "uri": "test://x" })).await.unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (-32601, format!("Method not found: {method}").as_str()));
    }
    assert_eq!(off.request("resources/list", json!({})).await.expect("list"), json!({ "resources": [] }));
}

#[tokio::test]
async fn change_notices_are_claimed_as_the_official_python_servers_claim_them() {
    let all = json!({ "enableResources": true, "enablePrompts": true });
    let quiet = json!({ "listChanged": false });
    let quiet_resources = json!({ "subscribe": false, "listChanged": false });
    // `legacy_list_changed: false`: the handshake versions claim nothing, 2026-07-28 does.
    let mut options = all.clone();
    options["legacyListChanged"] = json!(false);
    options["resourceSubscriptions"] = json!(false);
    let c = built(options).connect_memory();
    let init = c.initialize("2025-11-25", json!({})).await.expect("initialize");
    for kind in ["tools", "prompts"] {
        assert_eq!(init["capabilities"][kind], quiet, "{kind}");
    }
    assert_eq!(init["capabilities"]["resources"], quiet_resources);
    let discover = c.request_modern("server/discover", json!({}), json!({})).await.expect("discover");
    assert_eq!(discover["capabilities"]["tools"], json!({ "listChanged": true }));
    assert_eq!(discover["capabilities"]["resources"], json!({ "subscribe": true, "listChanged": true }));

    // `listen: false`: `subscriptions/listen` is unknown and 2026-07-28 claims nothing.
    let mut options = all;
    options["listen"] = json!(false);
    let c = built(options).connect_memory();
    let discover = c.request_modern("server/discover", json!({}), json!({})).await.expect("discover");
    assert_eq!(discover["capabilities"]["prompts"], quiet);
    assert_eq!(discover["capabilities"]["resources"], quiet_resources);
    let e = c.request_modern("subscriptions/listen", json!({ "notifications": {} }), json!({})).await.unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (-32601, "Method not found: subscriptions/listen"));
    let init = c.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["capabilities"]["resources"], json!({ "subscribe": true, "listChanged": true }), "handshake era");
}

#[tokio::test]
async fn resource_subscriptions_turned_on_after_build_reach_the_clients_that_initialize_then() {
    let server = built(json!({ "enableResources": true, "resourceSubscriptions": false }));
    let before = server.connect_memory();
    let init = before.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["capabilities"]["resources"], json!({ "listChanged": true }));
    server.serve_resource_subscriptions(true);
    let mut after = server.connect_memory();
    let init = after.initialize("2025-11-25", json!({})).await.expect("initialize");
    assert_eq!(init["capabilities"]["resources"], json!({ "subscribe": true, "listChanged": true }));
    assert_eq!(after.request("resources/subscribe", json!({ "uri": "test://x" })).await.expect("subscribe"), json!({}));
    server.notify_resource_updated("test://x");
    let updated = after.next_message(std::time::Duration::from_secs(10)).await.expect("the update");
    assert_eq!(updated["params"], json!({ "uri": "test://x" }), "{updated}");
}

#[test]
fn mistakes_are_refused_naming_the_field() {
    assert!(refused(json!({ "titel": "x" })).contains("unknown field `titel`"));
    assert!(refused(json!({ "limits": { "max_inflight": 1 } })).contains("unknown field `max_inflight`"));
    assert!(
        refused(json!({ "protocol_versions": ["2024-01-01"] })).contains("unknown protocol version \"2024-01-01\"")
    );
    assert!(refused(json!({ "cache_scope": "shared" })).contains("\"public\" or \"private\""));
    assert!(refused(json!({ "logging": "yes" })).contains("invalid type"));
    assert!(ServerBuilder::from_json("opts", "1", Value::Null).is_ok(), "null means defaults");
}

#[tokio::test]
async fn extensions_are_advertised_after_build_and_on_every_version_when_asked() {
    for every in [false, true] {
        let s = built(json!({ "extensions": { "com.example/a": {} }, "extensionsOnEveryVersion": every }));
        s.advertise_extension("com.example/b", json!({ "listChanged": true }));
        let c = s.connect_memory();
        let init = c.initialize("2025-11-25", json!({})).await.expect("initialize");
        let expected = json!({ "com.example/a": {}, "com.example/b": { "listChanged": true } });
        if every {
            assert_eq!(init["capabilities"]["extensions"], expected);
        } else {
            assert!(init["capabilities"].get("extensions").is_none(), "only on 2026-07-28: {init}");
        }
        let discover = c.request_modern("server/discover", json!({}), json!({})).await.expect("discover");
        assert_eq!(discover["capabilities"]["extensions"], expected);
        c.close().await.expect("close");
    }
}

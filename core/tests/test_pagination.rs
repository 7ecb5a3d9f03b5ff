//! Pagination of `tools/list`, `prompts/list`, `resources/list` and
//! `resources/templates/list`: page sizes, walking `nextCursor`, invalid cursors, both eras.

use std::collections::BTreeMap;

use mcpforge::registry::page;
use mcpforge::{
    GetPromptResult, Limits, MemoryClient, Prompt, RequestContext, Resource, ResourceContents, ResourceTemplate,
    Server, ServerBuilder, Tool, ToolError,
};
use serde_json::{Value, json};

const COUNT: usize = 250;

/// The four paginated lists: method, result field, key of each item.
const LISTS: [(&str, &str, &str); 4] = [
    ("tools/list", "tools", "name"),
    ("prompts/list", "prompts", "name"),
    ("resources/list", "resources", "uri"),
    ("resources/templates/list", "resourceTemplates", "uriTemplate"),
];

/// Registers `n` of each kind of item, in a known order.
fn populate(mut b: ServerBuilder, n: usize) -> ServerBuilder {
    for i in 0..n {
        b = b
            .tool(Tool::new(tool_name(i)), |_: Value| async { Ok::<_, ToolError>("ok") })
            .prompt(Prompt::new(format!("prompt-{i:03}")), |_ctx: RequestContext, _a: BTreeMap<String, String>| async {
                Ok::<_, ToolError>(GetPromptResult::new(Vec::new()))
            })
            .resource(
                Resource::new(format!("file:///r/{i:03}.txt"), format!("r{i}")),
                |_ctx: RequestContext, uri: String| async move {
                    Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, "x")])
                },
            )
            .resource_template(
                ResourceTemplate::new(format!("file:///t{i:03}/{{id}}"), format!("t{i}")),
                |_ctx: RequestContext, uri: String, _v: BTreeMap<String, String>| async move {
                    Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, "x")])
                },
            );
    }
    b
}

/// Tool names whose lexical order differs from their registration order.
fn tool_name(i: usize) -> String {
    format!("{}-tool-{i:03}", if i % 2 == 0 { "z" } else { "a" })
}

/// The keys registered for a list, in registration order.
fn expected_keys(field: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match field {
            "tools" => tool_name(i),
            "prompts" => format!("prompt-{i:03}"),
            "resources" => format!("file:///r/{i:03}.txt"),
            _ => format!("file:///t{i:03}/{{id}}"),
        })
        .collect()
}

fn server(n: usize, limits: Limits) -> Server {
    populate(Server::builder("pagination-test", "1.0.0").limits(limits), n).build().expect("server builds")
}

/// How a request is sent: on the legacy session, or as a 2026-07-28 request.
#[derive(Clone, Copy, Debug)]
enum Wire {
    Legacy,
    Modern,
}

async fn list(client: &MemoryClient, wire: Wire, method: &str, params: Value) -> Value {
    let mut params = params;
    if let Wire::Modern = wire {
        params["_meta"] = MemoryClient::modern_meta(json!({}));
    }
    client.request_raw(method, params).await
}

/// Walks a list by `nextCursor` and returns the keys of each page. Checks every page's
/// shape: only the list field, `nextCursor` (a non-empty string, absent on the last page)
/// and, on the 2026 wire, `resultType`/`_meta`/`ttlMs`/`cacheScope` with one scope.
async fn walk(client: &MemoryClient, wire: Wire, method: &str, field: &str, key: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let params = match &cursor {
            Some(c) => json!({ "cursor": c }),
            None => json!({}),
        };
        let resp = list(client, wire, method, params).await;
        let result = resp.get("result").unwrap_or_else(|| panic!("{method} page {}: {resp}", pages.len()));
        let obj = result.as_object().unwrap();
        let mut allowed = vec![field, "nextCursor"];
        if let Wire::Modern = wire {
            assert_eq!(result["resultType"], "complete");
            assert_eq!(result["cacheScope"], "public", "every page has the same scope");
            assert_eq!(result["ttlMs"], 0);
            assert_eq!(result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "pagination-test");
            allowed.extend(["resultType", "cacheScope", "ttlMs", "_meta"]);
        }
        for k in obj.keys() {
            assert!(allowed.contains(&k.as_str()), "unexpected member {k} in {method} page");
        }
        let items = result[field].as_array().unwrap_or_else(|| panic!("{method}: no {field} array"));
        pages.push(items.iter().map(|t| t[key].as_str().unwrap().to_owned()).collect());
        match result.get("nextCursor") {
            None => return pages,
            Some(Value::String(c)) => {
                assert!(!c.is_empty(), "cursor must not be empty");
                assert!(!items.is_empty(), "a page with a next cursor has items");
                cursor = Some(c.clone());
            }
            Some(other) => panic!("nextCursor must be a string, got {other}"),
        }
    }
    panic!("{method}: more than 1000 pages");
}

fn page_sizes(pages: &[Vec<String>]) -> Vec<usize> {
    pages.iter().map(Vec::len).collect()
}

async fn legacy_client(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize(version, json!({})).await.expect("initialize succeeds");
    client
}

#[tokio::test]
async fn default_page_size_walks_every_item_once_in_registration_order() {
    let server = server(COUNT, Limits::default());
    for version in ["2024-11-05", "2025-11-25"] {
        let client = legacy_client(&server, version).await;
        for (method, field, key) in LISTS {
            let pages = walk(&client, Wire::Legacy, method, field, key).await;
            assert_eq!(page_sizes(&pages), [100, 100, 50], "{version} {method}");
            assert_eq!(pages.concat(), expected_keys(field, COUNT), "{version} {method}");
        }
        client.close().await.unwrap();
    }
    let client = server.connect_memory();
    for (method, field, key) in LISTS {
        let pages = walk(&client, Wire::Modern, method, field, key).await;
        assert_eq!(page_sizes(&pages), [100, 100, 50], "2026 {method}");
        assert_eq!(pages.concat(), expected_keys(field, COUNT), "2026 {method}");
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn custom_page_size_walks_every_item_once() {
    let server = server(COUNT, Limits { page_size: 7, ..Default::default() });
    let mut expected_sizes = vec![7; COUNT / 7];
    expected_sizes.push(COUNT % 7);
    let client = legacy_client(&server, "2025-06-18").await;
    for (method, field, key) in LISTS {
        let pages = walk(&client, Wire::Legacy, method, field, key).await;
        assert_eq!(page_sizes(&pages), expected_sizes, "{method}");
        assert_eq!(pages.concat(), expected_keys(field, COUNT), "{method}");
        let modern_pages = walk(&client, Wire::Modern, method, field, key).await;
        assert_eq!(modern_pages, pages, "{method}: same pages on the 2026 wire");
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn page_boundaries_are_exact() {
    for (n, sizes) in
        [(0usize, vec![0usize]), (1, vec![1]), (7, vec![7]), (8, vec![7, 1]), (14, vec![7, 7]), (15, vec![7, 7, 1])]
    {
        let builder = Server::builder("pagination-test", "1.0.0")
            .limits(Limits { page_size: 7, ..Default::default() })
            .enable_tools()
            .enable_prompts()
            .enable_resources();
        let server = populate(builder, n).build().unwrap();
        let client = legacy_client(&server, "2025-11-25").await;
        for (method, field, key) in LISTS {
            let pages = walk(&client, Wire::Legacy, method, field, key).await;
            assert_eq!(page_sizes(&pages), sizes, "{n} items, {method}");
            assert_eq!(pages.concat(), expected_keys(field, n));
        }
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_cursor_can_be_reused_and_null_means_the_first_page() {
    let server = server(COUNT, Limits::default());
    let client = legacy_client(&server, "2025-11-25").await;
    let first = client.request("tools/list", json!({})).await.unwrap();
    assert_eq!(client.request("tools/list", json!({ "cursor": null })).await.unwrap(), first);
    let cursor = first["nextCursor"].clone();
    let second = client.request("tools/list", json!({ "cursor": cursor })).await.unwrap();
    let again = client.request("tools/list", json!({ "cursor": cursor })).await.unwrap();
    assert_eq!(second, again);
    assert_eq!(second["tools"][0]["name"], tool_name(100));
    client.close().await.unwrap();
}

#[tokio::test]
async fn invalid_cursors_are_invalid_params() {
    let server = server(COUNT, Limits::default());
    let client = legacy_client(&server, "2025-11-25").await;
    let bad_cursors = [
        "garbage!!".to_owned(),
        "not-a-cursor".to_owned(),
        String::new(),
        page::encode(COUNT + 1),
        page::encode(usize::MAX),
        "b2Zmc2V0Ong".to_owned(), // base64url of "offset:x"
    ];
    for wire in [Wire::Legacy, Wire::Modern] {
        for (method, _, _) in LISTS {
            for c in &bad_cursors {
                let resp = list(&client, wire, method, json!({ "cursor": c })).await;
                assert_eq!(
                    resp["error"],
                    json!({ "code": -32602, "message": format!("Invalid params: invalid cursor `{c}`") }),
                    "{wire:?} {method} cursor {c:?}: {resp}"
                );
                assert!(resp.get("result").is_none());
            }
            for c in [json!(100), json!({ "offset": 100 }), json!(true), json!(["x"])] {
                let resp = list(&client, wire, method, json!({ "cursor": c })).await;
                assert_eq!(
                    resp["error"],
                    json!({ "code": -32602, "message": "Invalid params: `cursor` must be a string" }),
                    "{wire:?} {method} cursor {c}: {resp}"
                );
            }
        }
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_cursor_from_a_longer_list_is_past_the_end_of_a_shorter_one() {
    let long = server(COUNT, Limits::default());
    let short = server(50, Limits::default());
    let long_client = legacy_client(&long, "2025-11-25").await;
    let short_client = legacy_client(&short, "2025-11-25").await;
    for (method, field, _) in LISTS {
        let first = long_client.request(method, json!({})).await.unwrap();
        let cursor = first["nextCursor"].as_str().unwrap().to_owned();
        assert_eq!(first[field].as_array().unwrap().len(), 100);
        let resp = short_client.request_raw(method, json!({ "cursor": cursor })).await;
        assert_eq!(resp["error"]["code"], -32602, "{method}: {resp}");
        assert_eq!(resp["error"]["message"], format!("Invalid params: invalid cursor `{cursor}`"));
    }
    long_client.close().await.unwrap();
    short_client.close().await.unwrap();
}

#[tokio::test]
async fn pages_follow_registry_changes() {
    let server = server(COUNT, Limits::default());
    let client = legacy_client(&server, "2025-11-25").await;
    // Fill the page cache, then change the list.
    let pages = walk(&client, Wire::Legacy, "tools/list", "tools", "name").await;
    assert_eq!(page_sizes(&pages), [100, 100, 50]);
    server.add_tool(Tool::new("late-tool"), |_: Value| async { Ok::<_, ToolError>("ok") }).unwrap();
    assert!(server.remove_tool(&tool_name(0)));
    let mut expected = expected_keys("tools", COUNT);
    expected.remove(0);
    expected.push("late-tool".into());
    let pages = walk(&client, Wire::Legacy, "tools/list", "tools", "name").await;
    assert_eq!(page_sizes(&pages), [100, 100, 50]);
    assert_eq!(pages.concat(), expected);
    for _ in 0..51 {
        server
            .add_tool(Tool::new(format!("more-{}", expected.len())), |_: Value| async { Ok::<_, ToolError>("ok") })
            .unwrap();
        expected.push(format!("more-{}", expected.len()));
    }
    let pages = walk(&client, Wire::Legacy, "tools/list", "tools", "name").await;
    assert_eq!(page_sizes(&pages), [100, 100, 100, 1]);
    assert_eq!(pages.concat(), expected);
    // The list_changed notifications went out; they are not part of this test.
    client.close().await.unwrap();
}

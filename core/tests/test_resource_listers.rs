//! Resource templates with a lister (`listed_resource_template`): `resources/list` answers
//! the concrete resources, then what each lister returns at the time of the request (each
//! listed resource taking the template's metadata for what it leaves out), paginated over
//! the whole with cursors that stay valid; listers see the request's context; a failing
//! lister fails the list; templates without a lister add nothing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mcpforge::{
    HandlerError, Limits, MemoryClient, ProtocolError, RequestContext, Resource, ResourceContents, ResourceTemplate,
    Server,
};
use serde_json::{Value, json};

async fn read(
    _ctx: RequestContext,
    uri: String,
    _vars: BTreeMap<String, String>,
) -> Result<Vec<ResourceContents>, ProtocolError> {
    Ok(vec![ResourceContents::text(uri, None, "note")])
}

async fn read_static(_ctx: RequestContext, uri: String) -> Result<Vec<ResourceContents>, ProtocolError> {
    Ok(vec![ResourceContents::text(uri, None, "static")])
}

/// Two concrete resources, a plain template, and the listed template `notes://{name}`
/// whose lister returns `shopping` (with its own description) and `todo`, and counts its
/// calls in `calls`.
fn server(page_size: usize, calls: Arc<AtomicUsize>) -> Server {
    let limits = Limits { page_size, ..Limits::default() };
    Server::builder("listers", "1.0.0")
        .limits(limits)
        .resource(Resource::new("test://a", "a"), read_static)
        .resource(Resource::new("test://b", "b"), read_static)
        .resource_template(ResourceTemplate::new("plain://{x}", "plain"), read)
        .listed_resource_template(
            ResourceTemplate::new("notes://{name}", "note").description("A note").mime_type("text/plain"),
            read,
            move |ctx: RequestContext| {
                calls.fetch_add(1, Ordering::Relaxed);
                async move {
                    assert!(ctx.request_id().to_string().contains("list"), "the context of the list request");
                    Ok::<_, HandlerError>(vec![
                        Resource::new("notes://shopping", "shopping").description("Milk and eggs"),
                        Resource::new("notes://todo", "todo"),
                    ])
                }
            },
        )
        .build()
        .expect("build")
}

async fn session(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    client
}

async fn list(client: &MemoryClient, id: &str, cursor: Option<&Value>) -> Value {
    let params = cursor.map_or_else(|| json!({}), |c| json!({ "cursor": c }));
    let response = client.request_with_id(json!(id), "resources/list", params).await;
    response.get("result").cloned().unwrap_or(response)
}

#[tokio::test]
async fn listed_resources_follow_the_concrete_ones_with_the_templates_metadata() {
    let calls = Arc::new(AtomicUsize::new(0));
    let server = server(50, calls.clone());
    let client = session(&server).await;
    let listed = list(&client, "list-1", None).await;
    assert_eq!(
        listed,
        json!({ "resources": [
            { "uri": "test://a", "name": "a" },
            { "uri": "test://b", "name": "b" },
            { "uri": "notes://shopping", "name": "shopping", "description": "Milk and eggs", "mimeType": "text/plain" },
            { "uri": "notes://todo", "name": "todo", "description": "A note", "mimeType": "text/plain" },
        ] })
    );
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    let read = client.request("resources/read", json!({ "uri": "notes://todo" })).await.expect("read");
    assert_eq!(read["contents"][0]["text"], "note");
    client.close().await.expect("close");
}

#[tokio::test]
async fn pages_run_across_concrete_and_listed_resources() {
    let calls = Arc::new(AtomicUsize::new(0));
    let server = server(1, calls.clone());
    let client = session(&server).await;
    let mut uris = Vec::new();
    let mut cursor = None;
    for page in 1.. {
        let result = list(&client, &format!("list-{page}"), cursor.as_ref()).await;
        let items = result["resources"].as_array().expect("a page");
        assert_eq!(items.len(), 1, "{result}");
        uris.push(items[0]["uri"].as_str().expect("uri").to_owned());
        match result.get("nextCursor") {
            Some(c) => cursor = Some(c.clone()),
            None => break,
        }
    }
    assert_eq!(uris, ["test://a", "test://b", "notes://shopping", "notes://todo"]);
    // The first page holds only a concrete resource: the lister did not run for it.
    assert_eq!(calls.load(Ordering::Relaxed), 3);
    // A cursor past the end of the whole list is refused, however far past.
    for (n, offset) in [9, usize::MAX - 1, usize::MAX].into_iter().enumerate() {
        let past = mcpforge::registry::page::encode(offset);
        let refused =
            client.request_with_id(json!(format!("list-past-{n}")), "resources/list", json!({ "cursor": past })).await;
        assert_eq!(refused["error"]["code"], json!(-32602), "{offset}: {refused}");
    }
    client.close().await.expect("close");
}

#[tokio::test]
async fn a_failing_lister_fails_the_list_on_both_wires() {
    let server = Server::builder("listers", "1.0.0")
        .listed_resource_template(ResourceTemplate::new("notes://{name}", "note"), read, |_ctx: RequestContext| async {
            Err::<Vec<Resource>, _>(ProtocolError::internal("the notes store is offline"))
        })
        .build()
        .expect("build");
    let client = session(&server).await;
    let failed = client.request_with_id(json!("list-1"), "resources/list", json!({})).await;
    assert_eq!(failed["error"], json!({ "code": -32603, "message": "Internal error: the notes store is offline" }));
    let modern = server.connect_memory();
    let params = json!({ "_meta": MemoryClient::modern_meta(json!({})) });
    let failed = modern.request_with_id(json!("list-2"), "resources/list", params).await;
    assert_eq!(failed["error"]["code"], json!(-32603), "{failed}");
    client.close().await.expect("close");
}

#[tokio::test]
async fn a_listed_template_added_while_serving_is_listed() {
    let server = Server::builder("listers", "1.0.0").build().expect("build");
    server
        .add_listed_resource_template(
            ResourceTemplate::new("notes://{name}", "note"),
            read,
            |_ctx: RequestContext| async { Ok::<_, HandlerError>(vec![Resource::new("notes://x", "x")]) },
        )
        .expect("add");
    let client = session(&server).await;
    assert_eq!(list(&client, "list-1", None).await, json!({ "resources": [{ "uri": "notes://x", "name": "x" }] }));
    let templates = client.request("resources/templates/list", json!({})).await.expect("templates");
    assert_eq!(templates, json!({ "resourceTemplates": [{ "uriTemplate": "notes://{name}", "name": "note" }] }));
    client.close().await.expect("close");
}

/// The one reading of a lister's JSON answer that the bindings share: a list, the list
/// under `resources`, or nothing; anything else says what it is not.
#[test]
fn a_listers_json_answer_is_a_list_or_the_list_under_resources() {
    let one = json!([{"uri": "notes://a", "name": "a"}]);
    let expected = vec![Resource::new("notes://a", "a")];
    assert_eq!(Resource::listed_from_json(one.clone()), Ok(expected.clone()));
    assert_eq!(Resource::listed_from_json(json!({ "resources": one })), Ok(expected));
    assert_eq!(Resource::listed_from_json(Value::Null), Ok(Vec::new()));
    let err = Resource::listed_from_json(json!([{"uri": "notes://a"}])).unwrap_err();
    assert!(err.starts_with("invalid resource list: missing field `name`"), "{err}");
    assert!(Resource::listed_from_json(json!("notes://a")).is_err());
}

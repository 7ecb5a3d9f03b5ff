//! Prompts and completions: `prompts/list` (arguments, required flags, version shaping),
//! `prompts/get` (arguments, validation, content types, errors) and `completion/complete`
//! (providers, context arguments, truncation to 100, unknown and malformed refs, gating).

use std::collections::BTreeMap;
use std::sync::Arc;

use mcpforge::{
    BoxFuture, CompleteRequest, Completion, CompletionHandler, CompletionOutput, CompletionRef, Content,
    GetPromptResult, MemoryClient, Prompt, PromptArgument, PromptMessage, ProtocolError, RequestContext,
    ResourceContents, Role, Server, ToolError,
};
use serde_json::{Value, json};

const NAME: &str = "prompts-test";
const VERSION: &str = "1.0.0";
const PNG: &str = "iVBORw0KGgo=";

fn server_info() -> Value {
    json!({ "name": NAME, "version": VERSION })
}

fn modern_meta() -> Value {
    MemoryClient::modern_meta(json!({}))
}

async fn legacy(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    let init = client.initialize(version, json!({})).await.expect("initialize");
    assert_eq!(init["protocolVersion"], json!(version));
    client
}

fn error(id: i64, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

fn prompts_builder() -> mcpforge::ServerBuilder {
    Server::builder(NAME, VERSION)
        .prompt(
            Prompt::new("test_simple_prompt").description("A simple prompt without arguments"),
            |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
                Ok::<_, ProtocolError>(GetPromptResult::new(vec![PromptMessage::user(
                    "This is a simple prompt for testing.",
                )]))
            },
        )
        .prompt(
            Prompt::new("test_prompt_with_arguments")
                .title("Prompt with arguments")
                .description("A prompt with required arguments")
                .argument(PromptArgument::required("arg1", "First test argument"))
                .argument(PromptArgument::required("arg2", "Second test argument"))
                .argument(PromptArgument {
                    name: "style".into(),
                    title: Some("Style".into()),
                    description: Some("Optional style".into()),
                    required: false,
                }),
            |_ctx: RequestContext, args: BTreeMap<String, String>| async move {
                let mut result = GetPromptResult::new(vec![PromptMessage::user(format!(
                    "Prompt with arguments: arg1='{}', arg2='{}'",
                    args["arg1"], args["arg2"]
                ))]);
                result.description = Some(format!("all arguments: {}", json!(args)));
                Ok::<_, ProtocolError>(result)
            },
        )
        .prompt(
            Prompt::new("test_prompt_with_embedded_resource")
                .description("A prompt with an embedded resource")
                .argument(PromptArgument::required("resourceUri", "URI of the resource to embed")),
            |_ctx: RequestContext, args: BTreeMap<String, String>| async move {
                Ok::<_, ProtocolError>(GetPromptResult::new(vec![
                    PromptMessage {
                        role: Role::User,
                        content: Content::embedded(ResourceContents::text(
                            args["resourceUri"].clone(),
                            Some("text/plain"),
                            "Embedded resource content for testing.",
                        )),
                    },
                    PromptMessage::user("Please process the embedded resource above."),
                ]))
            },
        )
        .prompt(
            Prompt::new("test_prompt_with_image").description("A prompt with an image"),
            |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
                Ok::<_, ProtocolError>(GetPromptResult::new(vec![
                    PromptMessage { role: Role::User, content: Content::image(PNG, "image/png") },
                    PromptMessage::user("Please analyze the image above."),
                ]))
            },
        )
        .prompt(
            Prompt::new("newer_content").description("Audio, a resource link and _meta"),
            |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
                let mut result = GetPromptResult::new(vec![
                    PromptMessage { role: Role::Assistant, content: Content::audio("UklGRg==", "audio/wav") },
                    PromptMessage { role: Role::User, content: Content::resource_link("test://doc", "doc") },
                ]);
                result.meta = Some(json!({ "origin": "test" }));
                Ok::<_, ProtocolError>(result)
            },
        )
        .prompt(Prompt::new("tool_error"), |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
            Err::<GetPromptResult, _>(ToolError::new("cannot render"))
        })
        .prompt(Prompt::new("protocol_error"), |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
            Err::<GetPromptResult, _>(ProtocolError::new(4002, "renderer unavailable"))
        })
}

fn prompts_server() -> Server {
    prompts_builder().build().expect("build")
}

#[tokio::test]
async fn list_prompts_with_arguments_and_required_flags() {
    let server = prompts_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("prompts/list", json!({})).await.expect("list");
    assert_eq!(
        r,
        json!({
            "prompts": [
                { "name": "test_simple_prompt", "description": "A simple prompt without arguments" },
                {
                    "name": "test_prompt_with_arguments",
                    "title": "Prompt with arguments",
                    "description": "A prompt with required arguments",
                    "arguments": [
                        { "name": "arg1", "description": "First test argument", "required": true },
                        { "name": "arg2", "description": "Second test argument", "required": true },
                        { "name": "style", "title": "Style", "description": "Optional style", "required": false }
                    ]
                },
                {
                    "name": "test_prompt_with_embedded_resource",
                    "description": "A prompt with an embedded resource",
                    "arguments": [{ "name": "resourceUri", "description": "URI of the resource to embed", "required": true }]
                },
                { "name": "test_prompt_with_image", "description": "A prompt with an image" },
                { "name": "newer_content", "description": "Audio, a resource link and _meta" },
                { "name": "tool_error" },
                { "name": "protocol_error" }
            ]
        })
    );
    client.close().await.expect("close");

    // Titles (of prompts and arguments) are unknown before 2025-06-18.
    let client = legacy(&server, "2025-03-26").await;
    let r = client.request("prompts/list", json!({})).await.expect("list");
    assert_eq!(
        r["prompts"][1],
        json!({
            "name": "test_prompt_with_arguments",
            "description": "A prompt with required arguments",
            "arguments": [
                { "name": "arg1", "description": "First test argument", "required": true },
                { "name": "arg2", "description": "Second test argument", "required": true },
                { "name": "style", "description": "Optional style", "required": false }
            ]
        })
    );
    client.close().await.expect("close");

    // 2026: cacheable list.
    let client = server.connect_memory();
    let r = client.request_modern("prompts/list", json!({}), json!({})).await.expect("list");
    assert_eq!(r["prompts"].as_array().map(Vec::len), Some(7));
    assert_eq!(r["resultType"], json!("complete"));
    assert_eq!(r["ttlMs"], json!(0));
    assert_eq!(r["cacheScope"], json!("public"));
    client.close().await.expect("close");
}

#[tokio::test]
async fn get_prompts_with_and_without_arguments() {
    let server = prompts_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("prompts/get", json!({ "name": "test_simple_prompt" })).await.expect("get");
    assert_eq!(
        r,
        json!({ "messages": [{ "role": "user", "content": { "type": "text", "text": "This is a simple prompt for testing." } }] })
    );
    let r = client
        .request(
            "prompts/get",
            json!({ "name": "test_prompt_with_arguments", "arguments": { "arg1": "testValue1", "arg2": "testValue2" } }),
        )
        .await
        .expect("get");
    assert_eq!(
        r,
        json!({
            "description": r#"all arguments: {"arg1":"testValue1","arg2":"testValue2"}"#,
            "messages": [{
                "role": "user",
                "content": { "type": "text", "text": "Prompt with arguments: arg1='testValue1', arg2='testValue2'" }
            }]
        })
    );
    // Optional and undeclared arguments reach the handler.
    let r = client
        .request(
            "prompts/get",
            json!({ "name": "test_prompt_with_arguments", "arguments": { "arg1": "a", "arg2": "b", "style": "terse", "extra": "x" } }),
        )
        .await
        .expect("get");
    assert_eq!(r["description"], json!(r#"all arguments: {"arg1":"a","arg2":"b","extra":"x","style":"terse"}"#));
    client.close().await.expect("close");

    // 2026: a complete result, not cacheable.
    let client = server.connect_memory();
    let r = client
        .request_modern(
            "prompts/get",
            json!({ "name": "test_prompt_with_arguments", "arguments": { "arg1": "1", "arg2": "2" } }),
            json!({}),
        )
        .await
        .expect("get");
    assert_eq!(
        r,
        json!({
            "description": r#"all arguments: {"arg1":"1","arg2":"2"}"#,
            "messages": [{ "role": "user", "content": { "type": "text", "text": "Prompt with arguments: arg1='1', arg2='2'" } }],
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
        })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn prompt_argument_errors_are_invalid_params() {
    let server = prompts_server();
    let client = legacy(&server, "2025-11-25").await;
    let missing = "Invalid params: Missing required arguments for prompt test_prompt_with_arguments: `arg2`";
    let cases = [
        (1, json!({ "name": "test_prompt_with_arguments", "arguments": { "arg1": "x" } }), missing.to_owned()),
        (
            2,
            json!({ "name": "test_prompt_with_arguments" }),
            "Invalid params: Missing required arguments for prompt test_prompt_with_arguments: `arg1`, `arg2`"
                .to_owned(),
        ),
        (
            3,
            json!({ "name": "test_prompt_with_arguments", "arguments": { "arg1": 1, "arg2": "y" } }),
            "Invalid params: prompt argument `arg1` must be a string".to_owned(),
        ),
        (
            4,
            json!({ "name": "test_prompt_with_arguments", "arguments": { "arg1": "x", "arg2": null } }),
            "Invalid params: prompt argument `arg2` must be a string".to_owned(),
        ),
        (
            5,
            json!({ "name": "test_simple_prompt", "arguments": ["x"] }),
            "Invalid params: `arguments` must be an object of strings".to_owned(),
        ),
        (6, json!({ "name": "nope" }), "Invalid params: Unknown prompt: nope".to_owned()),
        (7, json!({}), "Invalid params: `name` must be a string".to_owned()),
    ];
    for (id, params, message) in &cases {
        let resp = client.request_with_id(json!(id), "prompts/get", params.clone()).await;
        assert_eq!(resp, error(*id, -32602, message), "{params}");
    }
    // The same on the 2026 wire.
    for (id, params, message) in cases {
        let mut params = params;
        params["_meta"] = modern_meta();
        let resp = client.request_with_id(json!(id + 100), "prompts/get", params).await;
        assert_eq!(resp, error(id + 100, -32602, &message));
    }
    client.close().await.expect("close");
}

#[tokio::test]
async fn prompt_handler_errors() {
    let server = prompts_server();
    let client = legacy(&server, "2025-11-25").await;
    let resp = client.request_with_id(json!(1), "prompts/get", json!({ "name": "tool_error" })).await;
    assert_eq!(resp, error(1, -32602, "Invalid params: cannot render"));
    let resp = client.request_with_id(json!(2), "prompts/get", json!({ "name": "protocol_error" })).await;
    assert_eq!(resp, error(2, 4002, "renderer unavailable"));
    client.close().await.expect("close");
}

#[tokio::test]
async fn prompt_messages_with_image_and_embedded_resource() {
    let server = prompts_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client
        .request(
            "prompts/get",
            json!({ "name": "test_prompt_with_embedded_resource", "arguments": { "resourceUri": "test://example-resource" } }),
        )
        .await
        .expect("get");
    assert_eq!(
        r,
        json!({ "messages": [
            { "role": "user", "content": { "type": "resource", "resource": {
                "uri": "test://example-resource", "mimeType": "text/plain", "text": "Embedded resource content for testing." } } },
            { "role": "user", "content": { "type": "text", "text": "Please process the embedded resource above." } }
        ] })
    );
    let r = client.request("prompts/get", json!({ "name": "test_prompt_with_image" })).await.expect("get");
    assert_eq!(
        r,
        json!({ "messages": [
            { "role": "user", "content": { "type": "image", "data": PNG, "mimeType": "image/png" } },
            { "role": "user", "content": { "type": "text", "text": "Please analyze the image above." } }
        ] })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn prompt_content_and_meta_are_shaped_per_version() {
    let server = prompts_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("prompts/get", json!({ "name": "newer_content" })).await.expect("get");
    assert_eq!(
        r,
        json!({
            "messages": [
                { "role": "assistant", "content": { "type": "audio", "data": "UklGRg==", "mimeType": "audio/wav" } },
                { "role": "user", "content": { "type": "resource_link", "uri": "test://doc", "name": "doc" } }
            ],
            "_meta": { "origin": "test" }
        })
    );
    client.close().await.expect("close");

    let client = legacy(&server, "2024-11-05").await;
    let r = client.request("prompts/get", json!({ "name": "newer_content" })).await.expect("get");
    assert_eq!(
        r["messages"],
        json!([
            { "role": "assistant", "content": { "type": "text", "text": "[audio content (audio/wav) not supported by protocol 2024-11-05]" } },
            { "role": "user", "content": { "type": "text", "text": "doc: test://doc" } }
        ])
    );
    client.close().await.expect("close");

    // 2026: the handler's `_meta` is merged with the server's identity.
    let client = server.connect_memory();
    let r = client.request_modern("prompts/get", json!({ "name": "newer_content" }), json!({})).await.expect("get");
    assert_eq!(r["_meta"], json!({ "origin": "test", "io.modelcontextprotocol/serverInfo": server_info() }));
    assert_eq!(r["resultType"], json!("complete"));
    assert!(r.get("ttlMs").is_none());
    client.close().await.expect("close");
}

#[tokio::test]
async fn prompts_methods_are_gated_and_definitions_checked() {
    let server = Server::builder(NAME, VERSION).build().expect("build");
    let client = legacy(&server, "2025-11-25").await;
    for (id, method) in [(1, "prompts/list"), (2, "prompts/get")] {
        let resp = client.request_with_id(json!(id), method, json!({ "name": "x" })).await;
        assert_eq!(resp, error(id, -32601, &format!("Method not found: {method}")));
    }
    client.close().await.expect("close");

    let noop = |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
        Ok::<_, ProtocolError>(GetPromptResult::default())
    };
    let err = Server::builder(NAME, VERSION)
        .prompt(
            Prompt::new("p").argument(PromptArgument::required("a", "")).argument(PromptArgument::optional("a", "")),
            noop,
        )
        .build()
        .expect_err("duplicate argument");
    assert_eq!(err.to_string(), "invalid definition of prompt `p`: argument `a` is declared twice");
    let err = Server::builder(NAME, VERSION).prompt(Prompt::new("p"), noop).prompt(Prompt::new("p"), noop).build();
    assert_eq!(err.expect_err("duplicate").to_string(), "duplicate prompt `p`");
    let err = Server::builder(NAME, VERSION).prompt(Prompt::new("bad name"), noop).build().expect_err("bad name");
    assert!(err.to_string().starts_with("invalid definition of prompt `bad name`: "), "{err}");
}

// ---- completion/complete ---------------------------------------------------------------

/// Completes `arg1` of `test_prompt_with_arguments` from a fixed list; other arguments
/// exercise context, truncation and errors.
struct ArgCompleter;

impl CompletionHandler for ArgCompleter {
    fn complete(
        &self,
        _ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        Box::pin(async move {
            match request.argument.as_str() {
                "arg1" => {
                    let values = ["paris", "parma", "prague", "berlin"]
                        .iter()
                        .filter(|v| v.starts_with(&request.value))
                        .map(|v| (*v).to_owned())
                        .collect();
                    Ok(CompletionOutput::Values(values))
                }
                "arg2" => Ok(CompletionOutput::Values(
                    request
                        .context
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .chain([format!("ref={:?}", request.reference)])
                        .collect(),
                )),
                "many" => Ok(CompletionOutput::Values((0..150).map(|i| format!("v{i:03}")).collect())),
                "many_with_total" => Ok(CompletionOutput::Result(Completion {
                    values: (0..120).map(|i| i.to_string()).collect(),
                    total: Some(1000),
                    has_more: None,
                })),
                "paged" => Ok(CompletionOutput::Result(Completion {
                    values: vec!["one".into()],
                    total: Some(50),
                    has_more: Some(true),
                })),
                _ => Err(ProtocolError::invalid_params(format!("no completions for `{}`", request.argument))),
            }
        })
    }
}

/// Completes template variables (`ref/resource`).
struct TemplateCompleter;

impl CompletionHandler for TemplateCompleter {
    fn complete(
        &self,
        _ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        Box::pin(async move { Ok(CompletionOutput::Values(vec![format!("{}:{}", request.argument, request.value)])) })
    }
}

fn completion_server() -> Server {
    prompts_builder()
        .completion(Some(CompletionRef::Prompt { name: "test_prompt_with_arguments".into() }), Arc::new(ArgCompleter))
        .completion(
            Some(CompletionRef::Resource { uri: "test://template/{id}/data".into() }),
            Arc::new(TemplateCompleter),
        )
        .build()
        .expect("build")
}

fn complete_params(arg: &str, value: &str) -> Value {
    json!({
        "ref": { "type": "ref/prompt", "name": "test_prompt_with_arguments" },
        "argument": { "name": arg, "value": value }
    })
}

#[tokio::test]
async fn completion_values_for_a_prompt_argument() {
    let server = completion_server();
    let client = legacy(&server, "2025-06-18").await;
    let r = client.request("completion/complete", complete_params("arg1", "par")).await.expect("complete");
    assert_eq!(r, json!({ "completion": { "values": ["paris", "parma"] } }));
    let r = client.request("completion/complete", complete_params("arg1", "")).await.expect("complete");
    assert_eq!(r, json!({ "completion": { "values": ["paris", "parma", "prague", "berlin"] } }));
    // Provider-supplied total/hasMore pass through.
    let r = client.request("completion/complete", complete_params("paged", "")).await.expect("complete");
    assert_eq!(r, json!({ "completion": { "values": ["one"], "total": 50, "hasMore": true } }));
    // A template reference.
    let r = client
        .request(
            "completion/complete",
            json!({ "ref": { "type": "ref/resource", "uri": "test://template/{id}/data" }, "argument": { "name": "id", "value": "12" } }),
        )
        .await
        .expect("complete");
    assert_eq!(r, json!({ "completion": { "values": ["id:12"] } }));
    // A provider's own error.
    let resp = client.request_with_id(json!(9), "completion/complete", complete_params("unknown_arg", "")).await;
    assert_eq!(resp, error(9, -32602, "Invalid params: no completions for `unknown_arg`"));
    client.close().await.expect("close");
}

#[tokio::test]
async fn completion_context_arguments_are_passed_through() {
    let server = completion_server();
    let client = legacy(&server, "2025-11-25").await;
    let mut params = complete_params("arg2", "x");
    params["context"] = json!({ "arguments": { "arg1": "paris", "style": "terse" } });
    let r = client.request("completion/complete", params).await.expect("complete");
    assert_eq!(
        r,
        json!({ "completion": { "values": [
            "arg1=paris",
            "style=terse",
            "ref=Prompt { name: \"test_prompt_with_arguments\" }"
        ] } })
    );
    // No context: nothing but the reference.
    let r = client.request("completion/complete", complete_params("arg2", "x")).await.expect("complete");
    assert_eq!(r["completion"]["values"], json!(["ref=Prompt { name: \"test_prompt_with_arguments\" }"]));
    client.close().await.expect("close");
}

#[tokio::test]
async fn more_than_100_values_are_truncated() {
    let server = completion_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("completion/complete", complete_params("many", "")).await.expect("complete");
    let values = r["completion"]["values"].as_array().expect("values");
    assert_eq!(values.len(), 100);
    assert_eq!(values[0], json!("v000"));
    assert_eq!(values[99], json!("v099"));
    assert_eq!(r["completion"]["hasMore"], json!(true));
    assert_eq!(r["completion"]["total"], json!(150));
    assert_eq!(r["completion"].as_object().unwrap().len(), 3);
    // A provider's own total is kept.
    let r = client.request("completion/complete", complete_params("many_with_total", "")).await.expect("complete");
    assert_eq!(r["completion"]["values"].as_array().map(Vec::len), Some(100));
    assert_eq!(r["completion"]["total"], json!(1000));
    assert_eq!(r["completion"]["hasMore"], json!(true));
    client.close().await.expect("close");
}

#[tokio::test]
async fn unknown_ref_gets_empty_values() {
    let server = completion_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client
        .request(
            "completion/complete",
            json!({ "ref": { "type": "ref/prompt", "name": "test_simple_prompt" }, "argument": { "name": "a", "value": "" } }),
        )
        .await
        .expect("complete");
    assert_eq!(r, json!({ "completion": { "values": [] } }));
    let r = client
        .request(
            "completion/complete",
            json!({ "ref": { "type": "ref/resource", "uri": "test://unknown/{x}" }, "argument": { "name": "x", "value": "" } }),
        )
        .await
        .expect("complete");
    assert_eq!(r, json!({ "completion": { "values": [] } }));
    client.close().await.expect("close");
}

#[tokio::test]
async fn malformed_completion_requests_are_invalid_params() {
    let server = completion_server();
    let client = legacy(&server, "2025-11-25").await;
    let bad_ref = "Invalid params: `ref` must be {type: \"ref/prompt\", name} or {type: \"ref/resource\", uri}";
    let cases = [
        (1, json!({ "argument": { "name": "a", "value": "" } }), bad_ref),
        (
            2,
            json!({ "ref": { "type": "ref/unknown", "name": "x" }, "argument": { "name": "a", "value": "" } }),
            bad_ref,
        ),
        (3, json!({ "ref": { "type": "ref/prompt" }, "argument": { "name": "a", "value": "" } }), bad_ref),
        (
            4,
            json!({ "ref": { "type": "ref/resource", "name": "x" }, "argument": { "name": "a", "value": "" } }),
            bad_ref,
        ),
        (5, json!({ "ref": "ref/prompt", "argument": { "name": "a", "value": "" } }), bad_ref),
        (
            6,
            json!({ "ref": { "type": "ref/prompt", "name": "test_prompt_with_arguments" } }),
            "Invalid params: `argument` must be an object",
        ),
        (
            7,
            json!({ "ref": { "type": "ref/prompt", "name": "test_prompt_with_arguments" }, "argument": { "value": "x" } }),
            "Invalid params: `name` must be a string",
        ),
    ];
    for (id, params, message) in cases {
        let resp = client.request_with_id(json!(id), "completion/complete", params.clone()).await;
        assert_eq!(resp, error(id, -32602, message), "{params}");
    }
    client.close().await.expect("close");
}

#[tokio::test]
async fn completion_on_the_2026_wire() {
    let server = completion_server();
    let client = server.connect_memory();
    let discover = client.request_modern("server/discover", json!({}), json!({})).await.expect("discover");
    assert_eq!(discover["capabilities"]["completions"], json!({}));
    let r =
        client.request_modern("completion/complete", complete_params("arg1", "pr"), json!({})).await.expect("complete");
    assert_eq!(
        r,
        json!({
            "completion": { "values": ["prague"] },
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
        })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn without_a_provider_completion_is_not_advertised() {
    let server = prompts_server();
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let client = legacy(&server, version).await;
        let resp = client.request_with_id(json!(1), "completion/complete", complete_params("arg1", "")).await;
        assert_eq!(resp, error(1, -32601, "Method not found: completion/complete"), "{version}");
        client.close().await.expect("close");
    }
    let client = server.connect_memory();
    let init = client.initialize("2025-06-18", json!({})).await.expect("init");
    assert!(init["capabilities"].get("completions").is_none(), "{init}");
    let mut params = complete_params("arg1", "");
    params["_meta"] = modern_meta();
    let resp = client.request_with_id(json!(2), "completion/complete", params).await;
    assert_eq!(resp, error(2, -32601, "Method not found: completion/complete"));
    client.close().await.expect("close");

    // 2024-11-05 had no capability gate: the method answers, with no values.
    let client = legacy(&server, "2024-11-05").await;
    let r = client.request("completion/complete", complete_params("arg1", "")).await.expect("complete");
    assert_eq!(r, json!({ "completion": { "values": [] } }));
    client.close().await.expect("close");

    // With a provider, the capability is advertised from 2025-03-26 on.
    let server = completion_server();
    for (version, advertised) in [("2024-11-05", false), ("2025-03-26", true), ("2025-11-25", true)] {
        let client = server.connect_memory();
        let init = client.initialize(version, json!({})).await.expect("init");
        assert_eq!(init["capabilities"].get("completions").is_some(), advertised, "{version}");
        client.close().await.expect("close");
    }
}

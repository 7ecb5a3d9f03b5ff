//! The Rust client's side of the official MCP conformance suite: `conformance client
//! --command "conformance_client"` starts a test server per scenario and runs this program
//! with the server's URL as its last argument, the scenario's name in
//! `MCP_CONFORMANCE_SCENARIO`, the protocol version to speak in
//! `MCP_CONFORMANCE_PROTOCOL_VERSION` (a dated handshake version, or 2026-07-28 for the
//! stateless wire) and, for some scenarios, data in `MCP_CONFORMANCE_CONTEXT` (JSON). Each
//! scenario is an ordinary use of `mcpforge::client`; the suite judges what went over the
//! wire. The `auth/*` scenarios put the server behind an authorization server: the client
//! authorizes with `mcpforge::client::auth` (its metadata document URL, or the pre-registered
//! credentials the context gives, else dynamic registration; the user's consent played by
//! following the redirects), then lists the tools and calls one. The exit status is 0 when
//! the scenario's requests succeeded, 1 when one failed, and 2 on a usage error.

use std::process::ExitCode;
use std::time::Duration;

use mcpforge::client::auth::{FollowRedirects, OAuthClient, PreRegistered};
use mcpforge::client::{Client, ClientError, Protocol, transport::HttpTransport};
use mcpforge::protocol::ProtocolVersion;
use serde_json::{Map, Value, json};

#[tokio::main]
async fn main() -> ExitCode {
    let scenario = std::env::var("MCP_CONFORMANCE_SCENARIO").unwrap_or_default();
    let Some(url) = std::env::args().nth(1).filter(|_| !scenario.is_empty()) else {
        eprintln!("usage: MCP_CONFORMANCE_SCENARIO=<name> conformance_client <server-url>");
        return ExitCode::from(2);
    };
    let version = std::env::var("MCP_CONFORMANCE_PROTOCOL_VERSION").unwrap_or_default();
    let context: Value = std::env::var("MCP_CONFORMANCE_CONTEXT")
        .ok()
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or(Value::Null);
    let mut transport = HttpTransport::new(&url);
    if scenario.starts_with("auth/") {
        transport = transport.oauth(oauth(&context));
    }
    let client = match connect(transport, &version).await {
        Ok(client) => client,
        Err(e) => {
            eprintln!("{scenario}: connecting to {url}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = run(&client, &scenario, &context).await;
    client.close().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{scenario}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The suite's Client ID Metadata Document URL: the client id it expects where the
/// authorization server accepts such documents (it is never fetched).
const METADATA_DOCUMENT: &str = "https://conformance-test.local/client-metadata.json";

/// The OAuth client of the `auth/*` scenarios: the suite's metadata document URL, the
/// credentials the context gives (`client_id`, `client_secret`) as pre-registered ones, and
/// consent given by following the authorization server's redirects.
fn oauth(context: &Value) -> OAuthClient {
    let mut oauth = OAuthClient::builder(FollowRedirects)
        .client_name("mcpforge-conformance-client")
        .client_metadata_url(METADATA_DOCUMENT);
    if let Some(client_id) = context.get("client_id").and_then(Value::as_str) {
        let client_secret = context.get("client_secret").and_then(Value::as_str).map(str::to_owned);
        oauth = oauth.pre_registered(PreRegistered { client_id: client_id.to_owned(), client_secret, issuer: None });
    }
    oauth.build()
}

/// Connects at the version the suite asks for, declaring every client capability: sampling
/// (a fixed answer), elicitation (accepted with no fields, so the schema's defaults apply)
/// and roots.
async fn connect(transport: HttpTransport, version: &str) -> Result<Client, ClientError> {
    let protocol = match ProtocolVersion::parse(version) {
        Some(v) if v.is_modern() => Protocol::Stateless,
        Some(v) => Protocol::Handshake(v),
        None => Protocol::Handshake(ProtocolVersion::LATEST_LEGACY),
    };
    Client::builder("mcpforge-conformance-client", env!("CARGO_PKG_VERSION"))
        .protocol(protocol)
        .timeout(Duration::from_secs(20))
        .on_sampling(|_| async {
            Ok(json!({ "role": "assistant", "model": "fixed", "content": { "type": "text", "text": "a sampled answer" } }))
        })
        .on_elicitation(|_| async { Ok(json!({ "action": "accept", "content": {} })) })
        .roots(vec![json!({ "uri": "file:///conformance", "name": "conformance" })])
        .connect(transport)
        .await
}

async fn run(client: &Client, scenario: &str, context: &Value) -> Result<(), ClientError> {
    match scenario {
        // Every auth scenario's server has one tool; the second request shows the token
        // (or its step-up, or a migration to another authorization server) holds.
        auth if auth.starts_with("auth/") => {
            client.list_tools().await?;
            client.call_tool("test-tool", json!({})).await.map(drop)
        }
        "initialize" | "request-metadata" | "json-schema-ref-no-deref" => client.list_tools().await.map(drop),
        "tools_call" => {
            client.list_tools().await?;
            client.call_tool("add_numbers", json!({ "a": 2, "b": 3 })).await.map(drop)
        }
        "elicitation-sep1034-client-defaults" => call_listed(client, "test_client_elicitation_defaults").await,
        "sse-retry" => call_listed(client, "test_reconnection").await,
        "http-standard-headers" => every_feature(client).await,
        "http-custom-headers" => {
            client.list_tools().await?;
            let calls = context.get("toolCalls").and_then(Value::as_array).cloned().unwrap_or_default();
            for call in calls {
                let name = call.get("name").and_then(Value::as_str).unwrap_or_default();
                client.call_tool(name, call.get("arguments").cloned().unwrap_or_else(|| json!({}))).await?;
            }
            Ok(())
        }
        "http-invalid-tool-headers" => {
            // The client leaves out the tools with invalid annotations; every tool kept is called.
            for tool in client.list_tools().await? {
                let name = tool["name"].as_str().unwrap_or_default();
                client.call_tool(name, sample_arguments(&tool["inputSchema"])).await?;
            }
            Ok(())
        }
        "json-schema-2020-12-preservation" => {
            let tools = client.list_tools().await?;
            let focal = tools.iter().find(|t| t["name"] == "json_schema_2020_12_tool");
            let schema = focal.map(|t| t["inputSchema"].clone()).ok_or_else(|| missing("json_schema_2020_12_tool"))?;
            client.call_tool("json_schema_echo", json!({ "schema": schema })).await.map(drop)
        }
        "sep-2322-client-request-state" => {
            client.list_tools().await?;
            // Side by side: each call's input rounds stay its own.
            let (a, b, c, d) = tokio::join!(
                client.call_tool("test_mrtr_echo_state", json!({})),
                client.call_tool("test_mrtr_no_state", json!({})),
                client.call_tool("test_mrtr_unrelated", json!({})),
                client.call_tool("test_mrtr_no_result_type", json!({})),
            );
            [a, b, c, d].into_iter().try_for_each(|r| r.map(drop))
        }
        other => Err(ClientError::Protocol(format!("unknown scenario {other}"))),
    }
}

/// Lists the tools and calls `name` without arguments.
async fn call_listed(client: &Client, name: &str) -> Result<(), ClientError> {
    let tools = client.list_tools().await?;
    if !tools.iter().any(|t| t["name"] == name) {
        return Err(missing(name));
    }
    client.call_tool(name, json!({})).await.map(drop)
}

/// Every list, and every tool, resource and prompt in them used once.
async fn every_feature(client: &Client) -> Result<(), ClientError> {
    for tool in client.list_tools().await? {
        client.call_tool(tool["name"].as_str().unwrap_or_default(), sample_arguments(&tool["inputSchema"])).await?;
    }
    for resource in client.list_resources().await? {
        client.read_resource(resource["uri"].as_str().unwrap_or_default()).await?;
    }
    for prompt in client.list_prompts().await? {
        client.get_prompt(prompt["name"].as_str().unwrap_or_default(), Map::new()).await?;
    }
    Ok(())
}

/// Arguments for a tool's required properties: a sample value of each declared type.
fn sample_arguments(schema: &Value) -> Value {
    let required = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
    let arguments: Map<String, Value> = required
        .iter()
        .filter_map(Value::as_str)
        .map(|name| {
            let value = match schema.pointer(&format!("/properties/{name}/type")).and_then(Value::as_str) {
                Some("integer" | "number") => json!(1),
                Some("boolean") => json!(true),
                Some("object") => json!({}),
                Some("array") => json!([]),
                _ => json!("sample"),
            };
            (name.to_owned(), value)
        })
        .collect();
    Value::Object(arguments)
}

fn missing(tool: &str) -> ClientError {
    ClientError::Protocol(format!("the server does not list the tool {tool}"))
}

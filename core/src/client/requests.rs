//! The requests a client sends, one method each: `ping`; the four lists, every page
//! followed (up to [`ClientLimits::max_pages`](super::ClientLimits)); `tools/call` with
//! `structuredContent` checked against the tool's `outputSchema` when the client has seen
//! it; `resources/read` (subscriptions are in `listen`); `prompts/get`; `completion/complete`;
//! `logging/setLevel`.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::Client;
use super::error::ClientError;
use super::peer::CallOptions;
use crate::protocol::header_params::header_params;
use crate::protocol::meta::LogLevel;
use crate::protocol::method::Method;
use crate::schema::{CompiledSchema, describe};
use crate::sync::lock;

impl Client {
    /// `ping`.
    pub async fn ping(&self) -> Result<(), ClientError> {
        self.request(Method::Ping.as_str(), json!({})).await.map(drop)
    }

    /// Every page of a list request: the items under `field` of each page, in order.
    pub async fn list_all(&self, method: Method, field: &str) -> Result<Vec<Value>, ClientError> {
        let mut items = Vec::new();
        let mut cursor: Option<Value> = None;
        for _ in 0..self.limits.max_pages {
            let params = match cursor.take() {
                Some(cursor) => json!({ "cursor": cursor }),
                None => json!({}),
            };
            let mut page = self.request(method.as_str(), params).await?;
            match page.get_mut(field).map(Value::take) {
                Some(Value::Array(more)) => items.extend(more),
                _ => return Err(ClientError::Protocol(format!("{}: a page without {field:?}", method.as_str()))),
            }
            match page.get_mut("nextCursor").map(Value::take) {
                Some(next @ Value::String(_)) => cursor = Some(next),
                _ => return Ok(items),
            }
        }
        Err(ClientError::Protocol(format!("{}: more than {} pages", method.as_str(), self.limits.max_pages)))
    }

    /// `tools/list`, every page; remembers each tool's `outputSchema` for [`Client::call_tool`].
    /// On the 2026-07-28 wire a tool whose `x-mcp-header` annotations are invalid (empty,
    /// not a header token, on a non-primitive property, repeated) is left out, as that wire
    /// requires: its calls could not carry their headers.
    pub async fn list_tools(&self) -> Result<Vec<Value>, ClientError> {
        let mut tools = self.list_all(Method::ToolsList, "tools").await?;
        if self.is_stateless() {
            tools.retain(|tool| match tool.get("inputSchema").map(header_params) {
                Some(Err(e)) => {
                    let name = tool.get("name").and_then(Value::as_str).unwrap_or_default();
                    tracing::warn!(tool = name, "the tool's x-mcp-header annotations are invalid ({e}); left out");
                    false
                }
                _ => true,
            });
        }
        let mut schemas = lock(&self.output_schemas);
        for tool in &tools {
            let Some(name) = tool.get("name").and_then(Value::as_str) else { continue };
            match tool.get("outputSchema").map(CompiledSchema::compile) {
                Some(Ok(schema)) => _ = schemas.insert(name.to_owned(), Arc::new(schema)),
                Some(Err(e)) => {
                    tracing::warn!(tool = name, "the tool's outputSchema does not compile ({e}); not checked");
                    schemas.remove(name);
                }
                None => _ = schemas.remove(name),
            }
        }
        Ok(tools)
    }

    /// `tools/call`. When the tool's `outputSchema` is known (from [`Client::list_tools`]),
    /// a successful result must carry `structuredContent` that matches it
    /// ([`ClientError::OutputSchema`] otherwise). A tool error is a result with `isError`.
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<Value, ClientError> {
        self.call_tool_with(name, arguments, None, self.call).await
    }

    /// [`Client::call_tool`] with the request's `_meta` (a `progressToken` of the caller's
    /// own, which then names the call's progress notifications and restarts its timeout)
    /// and these call options.
    pub async fn call_tool_with(
        &self,
        name: &str,
        arguments: Value,
        meta: Option<Map<String, Value>>,
        call: CallOptions,
    ) -> Result<Value, ClientError> {
        let mut params = json!({ "name": name, "arguments": arguments });
        if let Some(meta) = meta {
            params["_meta"] = Value::Object(meta);
        }
        let result = self.request_with(Method::ToolsCall.as_str(), params, call).await?;
        self.check_tool_result(name, &result)?;
        Ok(result)
    }

    /// Checks a `tools/call` result of tool `name` as [`Client::call_tool`] does (for a call
    /// sent with [`Client::request_with`]): when the tool's `outputSchema` is known and the
    /// result is not an error, its `structuredContent` must be there and match.
    pub fn check_tool_result(&self, name: &str, result: &Value) -> Result<(), ClientError> {
        let schema = lock(&self.output_schemas).get(name).cloned();
        let is_error = result.get("isError").and_then(Value::as_bool) == Some(true);
        if let (Some(schema), false) = (schema, is_error) {
            let fail = |detail: String| ClientError::OutputSchema { tool: name.to_owned(), detail };
            let structured = result.get("structuredContent").ok_or_else(|| fail("no structuredContent".into()))?;
            schema.validate(structured).map_err(|violations| fail(describe(&violations)))?;
        }
        Ok(())
    }

    /// `resources/list`, every page.
    pub async fn list_resources(&self) -> Result<Vec<Value>, ClientError> {
        self.list_all(Method::ResourcesList, "resources").await
    }

    /// `resources/templates/list`, every page.
    pub async fn list_resource_templates(&self) -> Result<Vec<Value>, ClientError> {
        self.list_all(Method::ResourceTemplatesList, "resourceTemplates").await
    }

    /// `resources/read`.
    pub async fn read_resource(&self, uri: &str) -> Result<Value, ClientError> {
        self.request(Method::ResourcesRead.as_str(), json!({ "uri": uri })).await
    }

    /// `prompts/list`, every page.
    pub async fn list_prompts(&self) -> Result<Vec<Value>, ClientError> {
        self.list_all(Method::PromptsList, "prompts").await
    }

    /// `prompts/get` with string arguments.
    pub async fn get_prompt(&self, name: &str, arguments: Map<String, Value>) -> Result<Value, ClientError> {
        self.request(Method::PromptsGet.as_str(), json!({ "name": name, "arguments": arguments })).await
    }

    /// `completion/complete`: completions of `argument` (`{"name", "value"}`) of `reference`
    /// (`{"type": "ref/prompt", "name"}` or `{"type": "ref/resource", "uri"}`), with the
    /// arguments already chosen in `context` when given.
    pub async fn complete(
        &self,
        reference: Value,
        argument: Value,
        context: Option<Value>,
    ) -> Result<Value, ClientError> {
        let mut params = json!({ "ref": reference, "argument": argument });
        if let Some(arguments) = context {
            params["context"] = json!({ "arguments": arguments });
        }
        self.request(Method::CompletionComplete.as_str(), params).await
    }

    /// The level of log messages the server sends: `logging/setLevel` on the handshake
    /// wire; on 2026-07-28 the level goes in every later request's `_meta`.
    pub async fn set_logging_level(&self, level: LogLevel) -> Result<(), ClientError> {
        if self.is_stateless() {
            *lock(&self.log_level) = Some(level);
            return Ok(());
        }
        self.request(Method::LoggingSetLevel.as_str(), json!({ "level": level.as_str() })).await.map(drop)
    }
}

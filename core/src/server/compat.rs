//! `ServerBuilder` options under which a server answers as the official SDKs' high-level
//! servers do, and what those servers let an application change once built (extensions
//! advertised after construction).

use serde_json::Value;

use super::{Server, ServerBuilder};
use crate::protocol::ListKind;
use crate::sync::lock;

impl Server {
    /// Advertises an extension (`capabilities.extensions[id] = settings`, replacing one of
    /// that id) to the clients that initialize from now on, as the official SDKs'
    /// `registerCapabilities` does after construction.
    pub fn advertise_extension(&self, id: impl Into<String>, settings: Value) {
        lock(&self.shared.extensions).insert(id.into(), settings);
    }

    /// Serves `resources/subscribe` and `unsubscribe` and advertises `resources.subscribe` to
    /// the clients that initialize from now on (on), or neither (off), as the official SDKs'
    /// `registerCapabilities({ resources: { subscribe: true } })` does after construction.
    pub fn serve_resource_subscriptions(&self, on: bool) {
        self.shared.resource_subscriptions.store(on, std::sync::atomic::Ordering::Relaxed);
    }
}

impl ServerBuilder {
    /// How a `tools/call` of a tool that is not registered (or hidden from the request) is
    /// answered: a JSON-RPC error -32602 `Unknown tool: NAME` (off, the default), or (on) a
    /// result with `isError: true` and that text, as the official Python SDK's servers do.
    pub fn unknown_tool_result(mut self, on: bool) -> Self {
        self.unknown_tool_result = on;
        self
    }

    /// Advertises `resources.subscribe` and serves `resources/subscribe` and `unsubscribe` (on by
    /// default); off, as on the official TypeScript SDK's `McpServer`, neither (-32601).
    pub fn resource_subscriptions(mut self, on: bool) -> Self {
        self.resource_subscriptions = on;
        self
    }

    /// Serves `subscriptions/listen` (on by default); off, as the official Python SDK's
    /// `MCPServer(subscriptions=False)`, the method is unknown (-32601) and the 2026-07-28
    /// capabilities say `listChanged: false` (and `subscribe: false`): nothing is delivered.
    pub fn listen(mut self, on: bool) -> Self {
        self.listen = on;
        self
    }

    /// Whether sessions of the handshake versions are told of list changes (on by default);
    /// off, their capabilities say `listChanged: false` and no list change is sent to them,
    /// as the official Python SDK's servers do unless told otherwise (2026-07-28 listeners
    /// are told either way).
    pub fn legacy_list_changed(mut self, on: bool) -> Self {
        self.told_lists = if on { ListKind::ALL.to_vec() } else { Vec::new() };
        self
    }

    /// The lists whose changes sessions of the handshake versions are not told of, and for
    /// which their capabilities say `listChanged: false` (none by default): what an
    /// application that declares `{ tools: { listChanged: false } }` asks for, per list.
    /// `Server::tell_list_changes` changes it while serving.
    pub fn quiet_lists(mut self, lists: impl IntoIterator<Item = ListKind>) -> Self {
        let quiet: Vec<ListKind> = lists.into_iter().collect();
        self.told_lists.retain(|k| !quiet.contains(k));
        self
    }

    /// The lists whose changes are told once for all the changes made while that notice still
    /// waits to be written (all three by default: registering ten tools in a row sends one
    /// `notifications/tools/list_changed`, or a few). A list left out is told once per
    /// change, as the official TypeScript SDK does for every list its
    /// `debouncedNotificationMethods` option does not name.
    pub fn coalesced_list_changed(mut self, lists: impl IntoIterator<Item = ListKind>) -> Self {
        self.coalesced_list_changed = lists.into_iter().collect();
        self
    }

    /// Answers `resources/read` failures as the official SDKs' high-level servers do (off by
    /// default): an unknown URI is -32602 `Unknown resource: URI` on every version (not
    /// -32002 `Resource not found` on the handshake versions), and every error of a read,
    /// the reader's own included, carries `data.uri` (the reader's own `data` is kept).
    pub fn sdk_resource_errors(mut self, on: bool) -> Self {
        self.sdk_resource_errors = on;
        self
    }

    /// Words what the engine refuses as the official TypeScript SDK's `McpServer` does (off by
    /// default), each text `MCP error <code>: <message>` as that SDK's `McpError` reads: a
    /// `tools/call` of an unknown, hidden or disabled tool, with arguments failing the input
    /// schema (on every version), or without a task for a tool that requires one, is an
    /// `isError` result (`Tool x not found`, `Tool x disabled`, `Input validation error:
    /// Invalid arguments for tool x: ...`,
    /// `Tool x requires task augmentation (taskSupport: 'required')`); an unknown prompt is
    /// -32602 `Prompt x not found`, a prompt missing required arguments -32602 `Invalid
    /// arguments for prompt x: ...`, an unknown resource -32602 `Resource x not found`.
    pub fn typescript_sdk_errors(mut self, on: bool) -> Self {
        self.typescript_sdk_errors = on;
        self
    }

    /// Answers a tool result whose `structuredContent` fails the tool's `outputSchema` with an
    /// `isError` result saying so (off by default: -32603), as the official SDKs' high-level
    /// servers do; the detail goes to the log either way.
    pub fn invalid_output_result(mut self, on: bool) -> Self {
        self.invalid_output_result = on;
        self
    }

    /// Reads JSON text sent for a tool parameter whose schema is not a plain string as the
    /// array, object, boolean or null it holds, before the arguments are validated (off by
    /// default), as the official Python SDK's high-level servers do for clients that send
    /// `"[1, 2]"` where a list is declared; text holding a number is read as that number where
    /// the parameter takes numbers and no string, as their pydantic validation does (`"5"`
    /// for an `int`). Text holding a string stays text.
    pub fn json_text_arguments(mut self, on: bool) -> Self {
        self.json_text_arguments = on;
        self
    }

    /// Advertises `capabilities.extensions` on every protocol version (off by default: only on
    /// 2026-07-28, the first whose capabilities have it), as the official TypeScript SDK 1.x
    /// does.
    pub fn extensions_on_every_version(mut self, on: bool) -> Self {
        self.extensions_on_every_version = on;
        self
    }

    /// Sends log messages outside any request ([`crate::Server::log`]) also to sessions whose
    /// client has not sent `notifications/initialized` yet (off by default: only initialized
    /// sessions hear them), as the official TypeScript SDK does; the specification allows
    /// log messages before it.
    pub fn log_before_initialized(mut self, on: bool) -> Self {
        self.log_before_initialized = on;
        self
    }

    /// Accepts tool names of any characters (off by default: 1-128 characters of `A-Z a-z 0-9
    /// _ - . /`, others refused at registration), as the official TypeScript SDK's
    /// `McpServer` does, which only warns about them. Tools registered on the builder before
    /// this is turned on were checked already.
    pub fn lenient_tool_names(mut self, on: bool) -> Self {
        self.lenient_tool_names = on;
        self
    }
}

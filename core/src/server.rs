//! `Server` and `ServerBuilder`: what an application configures and registers, and the
//! entry points that serve it over stdio, any byte stream, or an in-memory client.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::catalogue::{Catalogue, Kind};
use crate::dispatch::bus::ListKind;
use crate::dispatch::limits::Limits;
use crate::dispatch::notify::Hub;
use crate::dispatch::rate_limit::{Limiter, RateLimits};
use crate::dispatch::shared::ServerShared;
use crate::error::Error;
use crate::error_hook::ErrorHook;
use crate::handler::{CompletionHandler, PromptHandler, ResourceHandler, ToolHandler};
use crate::middleware::{Chain, Middleware};
use crate::protocol::meta::SERVER_INFO_KEY;
use crate::protocol::{CompletionRef, LogLevel, Prompt, ProtocolVersion, Resource, ResourceTemplate, Tool};
use crate::registry::{PromptEntry, Registry, ResourceEntry, Snapshot, TemplateEntry, ToolEntry};
use crate::seal::Sealer;
use crate::sugar::{IntoPromptHandler, IntoResourceHandler, IntoResourceLister, IntoTemplateHandler, IntoToolHandler};
use crate::tasks::TaskOptions;
use crate::tasks::store::TaskStore;
use crate::transport::http::{HttpApp, HttpOptions, HttpServer};
use crate::transport::memory::MemoryClient;
use crate::transport::stdio::{StdioDriver, StdioOptions};

mod compat;

/// Who may reuse a cached list or read result on the 2026 wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheScope {
    /// No user-specific data: shareable across authorization contexts.
    Public,
    /// Reuse only within the same authorization context.
    Private,
}

impl CacheScope {
    fn as_str(self) -> &'static str {
        match self {
            CacheScope::Public => "public",
            CacheScope::Private => "private",
        }
    }
}

/// An MCP server: a registry of tools, resources and prompts plus configuration. Cheap to
/// clone (a handle); serve it on as many transports as you like.
#[derive(Clone)]
pub struct Server {
    pub(crate) shared: Arc<ServerShared>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("info", &self.shared.info).finish_non_exhaustive()
    }
}

/// Configures and registers everything a [`Server`] serves.
pub struct ServerBuilder {
    info: Map<String, Value>,
    instructions: Option<String>,
    versions: Vec<ProtocolVersion>,
    limits: Limits,
    logging: bool,
    experimental: Option<Value>,
    extensions: Map<String, Value>,
    cache_ttl: Duration,
    cache_scope: CacheScope,
    state_key: Option<Vec<u8>>,
    snapshot: Snapshot,
    errors: Vec<Error>,
    enable: (bool, bool, bool),
    tasks: Option<TaskOptions>,
    rate_limits: RateLimits,
    mask_errors: bool,
    unknown_tool_result: bool,
    sdk_resource_errors: bool,
    typescript_sdk_errors: bool,
    invalid_output_result: bool,
    resource_meta_in_contents: bool,
    resource_subscriptions: bool,
    lenient_tool_names: bool,
    log_before_initialized: bool,
    extensions_on_every_version: bool,
    metrics: bool,
    metrics_address: Option<std::net::SocketAddr>,
}

impl Server {
    /// Starts configuring a server with its name and version (`serverInfo`).
    pub fn builder(name: impl Into<String>, version: impl Into<String>) -> ServerBuilder {
        let mut info = Map::new();
        info.insert("name".into(), json!(name.into()));
        info.insert("version".into(), json!(version.into()));
        ServerBuilder {
            info,
            instructions: None,
            versions: ProtocolVersion::ALL.to_vec(),
            limits: Limits::default(),
            rate_limits: RateLimits::default(),
            logging: true,
            experimental: None,
            extensions: Map::new(),
            cache_ttl: Duration::ZERO,
            cache_scope: CacheScope::Public,
            state_key: None,
            snapshot: Snapshot::default(),
            errors: Vec::new(),
            enable: (false, false, false),
            tasks: None,
            mask_errors: false,
            unknown_tool_result: false,
            sdk_resource_errors: false,
            typescript_sdk_errors: false,
            invalid_output_result: false,
            resource_meta_in_contents: false,
            resource_subscriptions: true,
            lenient_tool_names: false,
            log_before_initialized: false,
            extensions_on_every_version: false,
            metrics: false,
            metrics_address: None,
        }
    }

    pub(crate) fn from_shared(shared: Arc<ServerShared>) -> Server {
        Server { shared }
    }

    /// The server's `Implementation` info (name, version, ...).
    pub fn info(&self) -> &Value {
        &self.shared.info
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    /// Serves MCP over this process's stdin/stdout until stdin closes, SIGINT/SIGTERM
    /// arrives, or [`Server::shutdown`] is called. While serving, the engine owns fds 0 and
    /// 1 and points the process's stdout at stderr, so stray prints cannot corrupt the
    /// stream.
    pub async fn serve_stdio(&self) -> Result<(), Error> {
        self.serve_stdio_with(StdioOptions::default()).await
    }

    /// [`Server::serve_stdio`] with options.
    pub async fn serve_stdio_with(&self, options: StdioOptions) -> Result<(), Error> {
        self.serve_stdio_driven(options, None).await
    }

    /// [`Server::serve_stdio_with`], the connection's tasks run by a binding's executor and
    /// its input read as the binding opens it ([`StdioDriver`]): a binding whose handlers run
    /// on one thread (an event loop) serves a request on that thread from read to write.
    pub async fn serve_stdio_driven(&self, options: StdioOptions, driver: Option<StdioDriver>) -> Result<(), Error> {
        let served = crate::transport::stdio::serve(self.shared.clone(), options, driver).await;
        crate::telemetry::flush();
        served
    }

    /// Serves MCP over any byte stream (newline-delimited JSON-RPC), e.g. a socket.
    pub async fn serve_io<R, W>(&self, reader: R, writer: W) -> Result<(), Error>
    where
        R: tokio::io::AsyncRead + Unpin + Send + 'static,
        W: tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let served = crate::transport::stream::serve(
            self.shared.clone(),
            (reader, writer),
            CancellationToken::new(),
            Default::default(),
            false,
        )
        .await;
        crate::telemetry::flush();
        served
    }

    /// Binds an HTTP listener (Streamable HTTP for both eras); call
    /// [`HttpServer::run`](crate::transport::http::HttpServer::run) to serve. Binding first
    /// lets you learn the port when `options.bind` has port 0.
    pub async fn bind_http(&self, options: HttpOptions) -> Result<HttpServer, Error> {
        HttpServer::bind(self.shared.clone(), options).await
    }

    /// The HTTP application (every route [`Server::serve_http`] serves, with its checks)
    /// without a listener, to mount in a web server the application already runs: merge
    /// [`HttpApp::router`] into an axum router, or hand requests to [`HttpApp::handle`].
    /// Call from within a tokio runtime (it starts the session sweeper). `options.bind` and
    /// the connection limits are not used: the host server owns the connections.
    pub fn http_app(&self, options: HttpOptions) -> HttpApp {
        HttpApp::new(self.shared.clone(), options)
    }

    /// Serves MCP over HTTP until [`Server::shutdown`].
    pub async fn serve_http(&self, options: HttpOptions) -> Result<(), Error> {
        self.bind_http(options).await?.run().await
    }

    /// Connects an in-memory client (for tests and embedding): the server is served on an
    /// in-process pipe through the same engine as stdio.
    pub fn connect_memory(&self) -> MemoryClient {
        MemoryClient::connect(self)
    }

    /// Opens a connection whose messages the caller carries ([`Link`](crate::Link)), its
    /// session called `session_id` when given. Must be called inside a tokio runtime.
    pub fn open_link(&self, session_id: Option<&str>) -> crate::Link {
        crate::Link::open(self.shared.clone(), session_id.map(str::to_owned))
    }

    /// Asks every serve loop of this server to stop gracefully (in-flight requests finish
    /// up to the shutdown grace period).
    pub fn shutdown(&self) {
        self.shared.shutdown.cancel();
    }

    /// Adds a tool while serving; clients are told the list changed. A name already
    /// registered is refused ([`Error::Duplicate`]): replacing is `remove_tool`, then this.
    pub fn add_tool<M>(&self, tool: Tool, handler: impl IntoToolHandler<M>) -> Result<(), Error> {
        let entry = ToolEntry::checked(tool, handler.into_tool_handler(), !self.shared.lenient_tool_names)?;
        let inserted = self.shared.registry.update(|s| s.tools.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "tool", name })?;
        self.shared.hub.list_changed(ListKind::Tools);
        Ok(())
    }

    /// Replaces the instructions sent to clients from the next `initialize` or
    /// `server/discover` on (`None`: none).
    pub fn set_instructions(&self, instructions: Option<String>) {
        *crate::sync::lock(&self.shared.instructions) = instructions;
    }

    /// Removes a tool, enabled or disabled ([`Server::disable_tool`]); true if it existed
    /// (clients are told the list changed).
    pub fn remove_tool(&self, name: &str) -> bool {
        let removed = self.shared.registry.update(|s| s.remove(Kind::Tools, name));
        if removed {
            self.shared.hub.list_changed(ListKind::Tools);
        }
        removed
    }

    /// Adds a resource while serving (a URI already registered is refused).
    pub fn add_resource<M>(&self, resource: Resource, handler: impl IntoResourceHandler<M>) -> Result<(), Error> {
        let entry = ResourceEntry::new(resource, handler.into_resource_handler())?;
        let inserted = self.shared.registry.update(|s| s.resources.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "resource", name })?;
        self.shared.hub.list_changed(ListKind::Resources);
        Ok(())
    }

    /// Removes a resource; true if it existed.
    pub fn remove_resource(&self, uri: &str) -> bool {
        let removed = self.shared.registry.update(|s| s.remove(Kind::Resources, uri));
        if removed {
            self.shared.hub.list_changed(ListKind::Resources);
        }
        removed
    }

    /// Adds a prompt while serving (a name already registered is refused).
    pub fn add_prompt<M>(&self, prompt: Prompt, handler: impl IntoPromptHandler<M>) -> Result<(), Error> {
        let entry = PromptEntry::new(prompt, handler.into_prompt_handler())?;
        let inserted = self.shared.registry.update(|s| s.prompts.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "prompt", name })?;
        self.shared.hub.list_changed(ListKind::Prompts);
        Ok(())
    }

    /// Removes a prompt; true if it existed.
    pub fn remove_prompt(&self, name: &str) -> bool {
        let removed = self.shared.registry.update(|s| s.remove(Kind::Prompts, name));
        if removed {
            self.shared.hub.list_changed(ListKind::Prompts);
        }
        removed
    }

    /// Adds a resource template while serving (clients are told the resource list changed;
    /// a template already registered is refused).
    pub fn add_resource_template<M>(
        &self,
        template: ResourceTemplate,
        handler: impl IntoTemplateHandler<M>,
    ) -> Result<(), Error> {
        self.insert_template(TemplateEntry::new(template, handler.into_template_handler())?)
    }

    /// Adds a resource template whose `lister` says which resources it stands for:
    /// `resources/list` adds them after the concrete resources (see [`crate::ResourceLister`]).
    /// Otherwise as [`Server::add_resource_template`].
    pub fn add_listed_resource_template<M, L>(
        &self,
        template: ResourceTemplate,
        handler: impl IntoTemplateHandler<M>,
        lister: impl IntoResourceLister<L>,
    ) -> Result<(), Error> {
        let entry = TemplateEntry::new(template, handler.into_template_handler())?;
        self.insert_template(entry.with_lister(lister.into_resource_lister()))
    }

    fn insert_template(&self, entry: TemplateEntry) -> Result<(), Error> {
        let inserted = self.shared.registry.update(|s| s.templates.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "resource template", name })?;
        self.shared.hub.list_changed(ListKind::Resources);
        Ok(())
    }

    /// Removes a resource template (by its template string); true if it existed (clients are
    /// told the resource list changed).
    pub fn remove_resource_template(&self, uri_template: &str) -> bool {
        let removed = self.shared.registry.update(|s| s.remove(Kind::ResourceTemplates, uri_template));
        if removed {
            self.shared.hub.list_changed(ListKind::Resources);
        }
        removed
    }

    /// Adds or replaces a completion provider while serving (`None`: the fallback for every
    /// reference without its own provider).
    pub fn add_completion(&self, reference: Option<CompletionRef>, handler: Arc<dyn CompletionHandler>) {
        self.shared.registry.update(|s| s.completions.insert(reference, handler));
    }

    /// Tells subscribed clients that a resource changed (`notifications/resources/updated`
    /// to legacy subscribers and to 2026 listen streams that listed the URI).
    pub fn notify_resource_updated(&self, uri: &str) {
        self.shared.hub.resource_updated(uri);
    }

    /// Tells clients the tool list changed (when tools change outside the registry, e.g.
    /// a handler whose availability depends on external state).
    pub fn notify_tools_changed(&self) {
        self.shared.hub.list_changed(ListKind::Tools);
    }

    /// Tells clients the prompt list changed.
    pub fn notify_prompts_changed(&self) {
        self.shared.hub.list_changed(ListKind::Prompts);
    }

    /// Tells clients the resource list changed.
    pub fn notify_resources_changed(&self) {
        self.shared.hub.list_changed(ListKind::Resources);
    }

    /// Adds `middleware` at the inner end of the chain around every request (see
    /// [`crate::middleware`]); requests that start after this call pass through it.
    pub fn add_middleware(&self, middleware: impl Middleware) {
        let link: Arc<dyn Middleware> = Arc::new(middleware);
        self.shared.registry.update(|s| s.middleware = s.middleware.iter().cloned().chain([link]).collect());
    }

    /// Makes `middleware` the whole chain, in one step (no request runs between the old chain
    /// and the new one without either): what a binding that runs its own language's chain
    /// behind one engine middleware calls when that chain changes.
    pub fn set_middleware(&self, middleware: impl Middleware) {
        let link: Arc<dyn Middleware> = Arc::new(middleware);
        self.shared.registry.update(|s| s.middleware = Chain::from([link]));
    }

    /// The request metrics as JSON (see [`ServerBuilder::metrics`]): `{"series": [{"method",
    /// "name", "outcomes": {"ok": n, "tool_error": n, "error": n, "internal_error": n,
    /// "rate_limited": n, "timeout": n, "cancelled": n}, "inFlight", "count", "sumSeconds",
    /// "buckets": [{"le", "count"}]}]}`; `None` when metrics are off.
    pub fn metrics(&self) -> Option<Value> {
        self.shared.metrics.get().map(|m| m.snapshot())
    }

    /// The request metrics in the Prometheus text format (what `GET /metrics` serves, less
    /// the HTTP session gauge); `None` when metrics are off.
    pub fn metrics_text(&self) -> Option<String> {
        self.shared.metrics.get().map(|m| m.render(None))
    }

    /// Makes `hook` the server's error hook (replacing any): it is told of every unexpected
    /// failure of a request (see [`crate::error_hook`]) that starts after this call.
    pub fn set_error_hook(&self, hook: impl ErrorHook) {
        let hook: Arc<dyn ErrorHook> = Arc::new(hook);
        self.shared.registry.update(|s| s.error_hook = Some(hook));
    }

    /// Removes the error hook (failures are still logged).
    pub fn clear_error_hook(&self) {
        self.shared.registry.update(|s| s.error_hook = None);
    }

    /// Makes `hook` decide which registered items each request may see (replacing any; see
    /// [`crate::catalogue`]), from the requests that start after this call. Tell clients
    /// with `notify_*_changed` when what they may see changes.
    pub fn set_catalogue(&self, hook: impl Catalogue) {
        let hook: Arc<dyn Catalogue> = Arc::new(hook);
        self.shared.registry.update(|s| s.catalogue = Some(hook));
    }

    /// Removes the catalogue hook: every registered item is visible again.
    pub fn clear_catalogue(&self) {
        self.shared.registry.update(|s| s.catalogue = None);
    }

    /// Removes every middleware: requests that start after this call run without a chain.
    pub fn clear_middleware(&self) {
        self.shared.registry.update(|s| s.middleware = Chain::default());
    }

    /// Sends a log message outside any request: `notifications/message` to every connected
    /// legacy session (stdio's one connection, each HTTP session, ...) whose level
    /// (`logging/setLevel`) lets `level` through. Nothing is sent when logging is off
    /// ([`ServerBuilder::logging`]). On the 2026-07-28 wire a log message belongs to the
    /// request that asked for it ([`crate::RequestContext::log`]).
    pub fn log(&self, level: LogLevel, data: impl Into<Value>, logger: Option<&str>) {
        if !self.shared.logging {
            return;
        }
        let mut params = json!({ "level": level, "data": data.into() });
        if let Some(l) = logger {
            params["logger"] = json!(l);
        }
        self.shared.hub.log(level, &params);
    }

    /// Sends the notification `method` (with `params`) outside any request to one legacy
    /// session of this instance, the one whose id is `session_id` (Streamable HTTP's
    /// `Mcp-Session-Id`): it goes out as the engine's own notifications to that session do
    /// (on HTTP its GET stream, queued while none is open). For the official SDK's
    /// `transport.send(notification)`. False when no live session here has that id (never
    /// opened, ended, served by another instance, or a session-less request's).
    pub fn notify_session(&self, session_id: &str, method: &str, params: Option<&Value>) -> bool {
        let params = params.cloned().unwrap_or_else(|| json!({}));
        self.shared.hub.notify_session(session_id, crate::jsonrpc::encode::notification(method, &params))
    }
}

impl MemoryClient {
    /// Connects to `server`. Must be called inside a tokio runtime.
    pub fn connect(server: &Server) -> MemoryClient {
        MemoryClient::open(server.shared.clone())
    }
}

impl crate::context::RequestContext {
    /// The server this request arrived at (to change its registry or notify subscribers).
    pub fn server(&self) -> Server {
        let shared = self.inner.host.clone().downcast::<ServerShared>();
        Server::from_shared(shared.expect("a request context's host is always its server's shared state"))
    }
}

impl ServerBuilder {
    /// Human-readable title (`serverInfo.title`, 2025-06-18+).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.insert("title".into(), json!(title.into()));
        self
    }

    /// Description (`serverInfo.description`, 2025-11-25+).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.info.insert("description".into(), json!(description.into()));
        self
    }

    /// Website (`serverInfo.websiteUrl`, 2025-11-25+).
    pub fn website_url(mut self, url: impl Into<String>) -> Self {
        self.info.insert("websiteUrl".into(), json!(url.into()));
        self
    }

    /// Icons of the server (`serverInfo.icons`, 2025-11-25+): objects with `src` and optional
    /// `mimeType`, `sizes` and `theme`, as the specification defines `Icon`.
    pub fn icons(mut self, icons: Vec<Value>) -> Self {
        self.info.insert("icons".into(), Value::Array(icons));
        self
    }

    /// Instructions for the model, sent in `initialize` / `server/discover`.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// The protocol versions served (default: all five). Order does not matter.
    pub fn protocol_versions(mut self, versions: &[ProtocolVersion]) -> Self {
        let mut v = versions.to_vec();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v.dedup();
        self.versions = v;
        self
    }

    /// Limits and timeouts.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Rate limits per client and per tool (token buckets; none by default). A refused
    /// request gets the error `RATE_LIMITED` (-32029) with `data.retryAfterMs`.
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }

    /// The error hook: told of every unexpected failure of a request (a panic, an internal
    /// error, a timeout) with what failed and the full message; see [`crate::error_hook`].
    pub fn on_error(mut self, hook: impl ErrorHook) -> Self {
        self.snapshot.error_hook = Some(Arc::new(hook));
        self
    }

    /// Decides per request which registered tools, resources, templates and prompts the
    /// request may see (lists hold only those; anything else is refused as unknown); see
    /// [`crate::catalogue`].
    pub fn catalogue(mut self, hook: impl Catalogue) -> Self {
        self.snapshot.catalogue = Some(Arc::new(hook));
        self
    }

    /// Whether clients read the message of an internal error (off, the default) or only
    /// that the handler failed (on); the log and the error hook get the full message either
    /// way. A panic's message never reaches the client.
    pub fn mask_error_details(mut self, mask: bool) -> Self {
        self.mask_errors = mask;
        self
    }

    /// Whether `resources/read` contents without `_meta` of their own carry the resource's
    /// (or template's) `_meta` (off by default), as the official Python SDK's high-level
    /// servers send them; only on versions whose contents have `_meta` (2025-06-18 on).
    pub fn resource_meta_in_contents(mut self, on: bool) -> Self {
        self.resource_meta_in_contents = on;
        self
    }

    /// Keeps request metrics (off by default): requests by method, tool/prompt/resource name
    /// and outcome, a duration histogram and the requests in flight, over every transport.
    /// Read them with [`Server::metrics`] or [`Server::metrics_text`]; HTTP serves them at
    /// `GET /metrics` when [`crate::HttpOptions::metrics`] is on (which turns them on too).
    pub fn metrics(mut self, enabled: bool) -> Self {
        self.metrics = enabled;
        self
    }

    /// Serves `GET /metrics` on `addr` while the server serves stdio (a stdio server has no
    /// HTTP listener of its own); turns metrics on. Bind to a loopback address unless the
    /// network in front of it is trusted: the figures name every tool.
    pub fn metrics_address(mut self, addr: std::net::SocketAddr) -> Self {
        self.metrics = true;
        self.metrics_address = Some(addr);
        self
    }

    /// Whether the `logging` capability is advertised and log messages are sent (default on).
    pub fn logging(mut self, enabled: bool) -> Self {
        self.logging = enabled;
        self
    }

    /// Caching hints of 2026 list/read results (default: `ttlMs: 0`, public).
    pub fn cache(mut self, ttl: Duration, scope: CacheScope) -> Self {
        self.cache_ttl = ttl;
        self.cache_scope = scope;
        self
    }

    /// A key shared by several server instances so any of them can resume a 2026
    /// multi-round-trip request (default: a random key per process). The environment
    /// variable `MCPFORGE_STATE_KEY` sets it too.
    pub fn state_key(mut self, key: &[u8]) -> Self {
        self.state_key = Some(key.to_vec());
        self
    }

    /// The `experimental` capability object.
    pub fn experimental(mut self, value: Value) -> Self {
        self.experimental = Some(value);
        self
    }

    /// Advertises an extension in the 2026 `capabilities.extensions` map.
    pub fn extension(mut self, id: impl Into<String>, settings: Value) -> Self {
        self.extensions.insert(id.into(), settings);
        self
    }

    /// Configures tasks (TTL, poll interval, how many are kept) and advertises them even
    /// before a task-capable tool is registered: the `io.modelcontextprotocol/tasks` extension
    /// on 2026-07-28, the `tasks` capability on 2025-11-25. Without this call tasks use
    /// [`TaskOptions::default`] and are advertised while some tool supports them
    /// ([`crate::Tool::task_support`]).
    pub fn tasks(mut self, options: TaskOptions) -> Self {
        self.tasks = Some(options);
        self
    }

    /// Advertises the tools capability even with no tools registered (tools added later).
    pub fn enable_tools(mut self) -> Self {
        self.enable.0 = true;
        self
    }

    /// Advertises the resources capability even with nothing registered.
    pub fn enable_resources(mut self) -> Self {
        self.enable.1 = true;
        self
    }

    /// Advertises the prompts capability even with nothing registered.
    pub fn enable_prompts(mut self) -> Self {
        self.enable.2 = true;
        self
    }

    fn push<T: crate::registry::catalog::Listed>(
        errors: &mut Vec<Error>,
        catalog: &mut crate::registry::Catalog<T>,
        what: &'static str,
        entry: Result<T, Error>,
    ) {
        match entry {
            Ok(e) => {
                if let Err(name) = catalog.insert(e) {
                    errors.push(Error::Duplicate { what, name });
                }
            }
            Err(e) => errors.push(e),
        }
    }

    /// Adds `middleware` to the chain around every request, after (inside) the ones added
    /// before: the first added sees a request first and its answer last. A closure
    /// `|req, next| async move { next.run(req).await }` is a middleware; see
    /// [`crate::middleware`].
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        let link: Arc<dyn Middleware> = Arc::new(middleware);
        self.snapshot.middleware = self.snapshot.middleware.iter().cloned().chain([link]).collect();
        self
    }

    /// Registers a tool. The handler is a closure or async fn taking the arguments (any
    /// `serde` type, or `serde_json::Value`) and optionally a [`crate::RequestContext`]
    /// first; or an `Arc<dyn ToolHandler>`.
    pub fn tool<M>(mut self, tool: Tool, handler: impl IntoToolHandler<M>) -> Self {
        let entry = ToolEntry::checked(tool, handler.into_tool_handler(), !self.lenient_tool_names);
        Self::push(&mut self.errors, &mut self.snapshot.tools, "tool", entry);
        self
    }

    /// Registers a tool whose input schema is derived from its argument type `A`.
    #[cfg(feature = "schemars")]
    pub fn typed_tool<A, M>(self, name: &str, description: &str, handler: impl IntoToolHandler<M>) -> Self
    where
        A: schemars::JsonSchema,
    {
        let tool = Tool::new(name).description(description).input_schema(crate::sugar::schema_for::<A>());
        self.tool(tool, handler)
    }

    /// Registers a concrete resource with a reader `|ctx, uri| async { ... }`.
    pub fn resource<M>(mut self, resource: Resource, handler: impl IntoResourceHandler<M>) -> Self {
        let entry = ResourceEntry::new(resource, handler.into_resource_handler());
        Self::push(&mut self.errors, &mut self.snapshot.resources, "resource", entry);
        self
    }

    /// Registers a resource template with a reader `|ctx, uri, vars| async { ... }`.
    pub fn resource_template<M>(mut self, template: ResourceTemplate, handler: impl IntoTemplateHandler<M>) -> Self {
        let entry = TemplateEntry::new(template, handler.into_template_handler());
        Self::push(&mut self.errors, &mut self.snapshot.templates, "resource template", entry);
        self
    }

    /// Registers a resource template whose `lister` (`|ctx| async { Ok(vec![...]) }` or an
    /// `Arc<dyn ResourceLister>`) says which resources it stands for: `resources/list` adds
    /// them after the concrete resources.
    pub fn listed_resource_template<M, L>(
        mut self,
        template: ResourceTemplate,
        handler: impl IntoTemplateHandler<M>,
        lister: impl IntoResourceLister<L>,
    ) -> Self {
        let entry = TemplateEntry::new(template, handler.into_template_handler())
            .map(|e| e.with_lister(lister.into_resource_lister()));
        Self::push(&mut self.errors, &mut self.snapshot.templates, "resource template", entry);
        self
    }

    /// Registers a prompt with a renderer `|ctx, args| async { ... }`.
    pub fn prompt<M>(mut self, prompt: Prompt, handler: impl IntoPromptHandler<M>) -> Self {
        let entry = PromptEntry::new(prompt, handler.into_prompt_handler());
        Self::push(&mut self.errors, &mut self.snapshot.prompts, "prompt", entry);
        self
    }

    /// Registers a completion provider for one prompt or template (`Some(ref)`), or for
    /// every reference without its own provider (`None`).
    pub fn completion(mut self, reference: Option<CompletionRef>, handler: Arc<dyn CompletionHandler>) -> Self {
        self.snapshot.completions.insert(reference, handler);
        self
    }

    /// Registers a tool from a boxed handler (what bindings use).
    pub fn tool_handler(self, tool: Tool, handler: Arc<dyn ToolHandler>) -> Self {
        self.tool(tool, handler)
    }

    /// Registers a resource from a boxed handler.
    pub fn resource_handler(self, resource: Resource, handler: Arc<dyn ResourceHandler>) -> Self {
        self.resource(resource, handler)
    }

    /// Registers a template from a boxed handler.
    pub fn template_handler(self, template: ResourceTemplate, handler: Arc<dyn ResourceHandler>) -> Self {
        self.resource_template(template, handler)
    }

    /// Registers a prompt from a boxed handler.
    pub fn prompt_handler(self, prompt: Prompt, handler: Arc<dyn PromptHandler>) -> Self {
        self.prompt(prompt, handler)
    }

    /// Checks everything registered and builds the server. Errors name the first invalid
    /// or duplicate definition.
    pub fn build(mut self) -> Result<Server, Error> {
        if let Some(e) = self.errors.into_iter().next() {
            return Err(e);
        }
        if self.versions.is_empty() {
            return Err(Error::Config("at least one protocol version must be served".into()));
        }
        if self.limits.page_size == 0 || self.limits.max_message_size == 0 {
            return Err(Error::Config("page_size and max_message_size must be positive".into()));
        }
        self.rate_limits.validate().map_err(Error::Config)?;
        if self.tasks.as_ref().is_some_and(|t| t.max_tasks == 0) {
            return Err(Error::Config("TaskOptions::max_tasks must be positive".into()));
        }
        let key = self.state_key.take().or_else(|| std::env::var("MCPFORGE_STATE_KEY").ok().map(String::into_bytes));
        let ttl = self.limits.request_state_ttl;
        let sealer = match key {
            Some(k) => Sealer::with_key(&k, ttl),
            None => Sealer::random(ttl),
        };
        let info = Value::Object(self.info);
        let modern_suffix =
            format!("\"resultType\":\"complete\",\"_meta\":{{{}:{}}}", json!(SERVER_INFO_KEY), info).into_bytes();
        let cache_ttl_ms = self.cache_ttl.as_millis() as u64;
        let cache_scope = self.cache_scope.as_str();
        let cache_suffix = format!("\"ttlMs\":{cache_ttl_ms},\"cacheScope\":\"{cache_scope}\"").into_bytes();
        let shared = ServerShared {
            info,
            instructions: std::sync::Mutex::new(self.instructions),
            versions: self.versions,
            global_in_flight: Arc::new(Semaphore::new(self.limits.max_in_flight)),
            limits: self.limits,
            registry: Registry::new(self.snapshot),
            hub: Hub::logging_before_initialized(self.log_before_initialized),
            sealer,
            logging: self.logging,
            experimental: self.experimental,
            extensions: std::sync::Mutex::new(self.extensions),
            extensions_on_every_version: self.extensions_on_every_version,
            cache_ttl_ms,
            cache_scope,
            modern_suffix,
            cache_suffix,
            shutdown: CancellationToken::new(),
            tasks: match self.tasks {
                Some(options) => TaskStore::new(options, true),
                None => TaskStore::new(TaskOptions::default(), false),
            },
            enable_tools: self.enable.0,
            enable_resources: self.enable.1,
            enable_prompts: self.enable.2,
            rate_limiter: Limiter::new(self.rate_limits),
            mask_errors: self.mask_errors,
            unknown_tool_result: self.unknown_tool_result,
            sdk_resource_errors: self.sdk_resource_errors,
            typescript_sdk_errors: self.typescript_sdk_errors,
            invalid_output_result: self.invalid_output_result,
            resource_meta_in_contents: self.resource_meta_in_contents,
            resource_subscriptions: self.resource_subscriptions,
            lenient_tool_names: self.lenient_tool_names,
            metrics: if self.metrics { std::sync::OnceLock::from(Arc::default()) } else { std::sync::OnceLock::new() },
            metrics_address: self.metrics_address,
            store: std::sync::OnceLock::new(),
        };
        Ok(Server { shared: Arc::new(shared) })
    }
}

//! [`ServerBuilder`]'s settings: server info, versions, limits, hooks, caching, tasks and
//! the capabilities advertised, each one builder call.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::catalogue::Catalogue;
use crate::dispatch::limits::Limits;
use crate::dispatch::rate_limit::RateLimits;
use crate::error_hook::ErrorHook;
use crate::initialize_hook::InitializeHook;
use crate::protocol::{ListKind, ProtocolVersion};
use crate::registry::Snapshot;
use crate::tasks::TaskOptions;

use super::{CacheScope, Server, ServerBuilder};

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
            official_state: None,
            snapshot: Snapshot::default(),
            errors: Vec::new(),
            enable: (false, false, false),
            tasks: None,
            mask_errors: false,
            unknown_tool_result: false,
            sdk_resource_errors: false,
            typescript_sdk_errors: false,
            invalid_output_result: false,
            json_text_arguments: false,
            resource_meta_in_contents: false,
            resource_subscriptions: true,
            listen: true,
            told_lists: ListKind::ALL.to_vec(),
            coalesced_list_changed: ListKind::ALL.to_vec(),
            lenient_tool_names: false,
            log_before_initialized: false,
            extensions_on_every_version: false,
            metrics: false,
            metrics_address: None,
        }
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

    /// Decides the answer to each client's `initialize`, on every transport: the hook sees
    /// the client's params and the engine's answer, and returns the answer to send (or an
    /// error); see [`crate::initialize_hook`].
    pub fn on_initialize(mut self, hook: impl InitializeHook) -> Self {
        self.snapshot.initialize_hook = Some(Arc::new(hook));
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

    /// Seal `requestState` in the official MCP SDKs' format (AES-256-GCM, python-sdk 2.x's
    /// request-state envelope) under `keys` (each at least 32 bytes; the first seals, every
    /// one opens; none: a key made now for this process), naming `audience` (the service,
    /// by default none) in every token, so that instances of the official SDK sharing the
    /// keys and audience read this server's state and this server reads theirs.
    pub fn official_state(mut self, keys: Vec<Vec<u8>>, audience: Option<String>) -> Self {
        self.official_state = Some((keys, audience));
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
}

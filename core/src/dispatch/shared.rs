//! The state every connection and request of one server shares: identity, versions,
//! limits, the registry, the notification hub, the `requestState` sealer, tasks and the
//! shutdown token. [`crate::Server`] is a handle to it.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::dispatch::limits::Limits;
use crate::dispatch::notify::Hub;
use crate::protocol::ProtocolVersion;
use crate::registry::{Registry, Snapshot};
use crate::seal::Sealer;
use crate::tasks::store::TaskStore;

/// Server-wide state shared by every connection and request.
pub(crate) struct ServerShared {
    pub info: Value,
    /// Sent in `initialize` and `server/discover`; the application may change it while serving.
    pub instructions: std::sync::Mutex<Option<String>>,
    pub versions: Vec<ProtocolVersion>,
    pub limits: Limits,
    pub registry: Registry,
    pub hub: Hub,
    pub sealer: Sealer,
    pub logging: bool,
    pub experimental: Option<Value>,
    /// Extension id -> settings (`ServerBuilder::extension`, `Server::advertise_extension`).
    pub extensions: std::sync::Mutex<serde_json::Map<String, Value>>,
    /// `extensions` advertised on every version (`ServerBuilder::extensions_on_every_version`).
    pub extensions_on_every_version: bool,
    pub cache_ttl_ms: u64,
    pub cache_scope: &'static str,
    /// `"resultType":"complete","_meta":{serverInfo}` — appended to every 2026 result.
    pub modern_suffix: Vec<u8>,
    /// `"ttlMs":N,"cacheScope":"..."` — appended to cacheable 2026 results.
    pub cache_suffix: Vec<u8>,
    pub global_in_flight: Arc<Semaphore>,
    pub shutdown: CancellationToken,
    /// Tasks of the Tasks extension and of 2025-11-25 task-augmented calls.
    pub tasks: TaskStore,
    /// Advertise tools, resources, prompts even before anything of the kind is registered.
    pub enable_tools: bool,
    pub enable_resources: bool,
    pub enable_prompts: bool,
    /// The rate limits, when any are set.
    pub rate_limiter: Option<super::rate_limit::Limiter>,
    /// Clients read only that a request failed, not an internal error's message.
    pub mask_errors: bool,
    /// A call of an unknown (or hidden) tool is an `isError` result rather than -32602.
    pub unknown_tool_result: bool,
    /// `resources/read` fails as in the official SDKs (`ServerBuilder::sdk_resource_errors`).
    pub sdk_resource_errors: bool,
    /// Failures worded as the official TypeScript SDK's `McpServer` words them
    /// (`ServerBuilder::typescript_sdk_errors`).
    pub typescript_sdk_errors: bool,
    /// Output failing its schema is an `isError` result (`ServerBuilder::invalid_output_result`).
    pub invalid_output_result: bool,
    /// JSON text for a parameter that is not a plain string is read as what it holds
    /// (`ServerBuilder::json_text_arguments`).
    pub json_text_arguments: bool,
    /// A read's contents without `_meta` of their own carry the resource's (template's).
    pub resource_meta_in_contents: bool,
    /// `resources/subscribe` served and advertised (`ServerBuilder::resource_subscriptions`,
    /// `Server::serve_resource_subscriptions`).
    pub resource_subscriptions: std::sync::atomic::AtomicBool,
    /// `subscriptions/listen` served, and the 2026-07-28 capabilities claim change
    /// notices (`ServerBuilder::listen`).
    pub listen: bool,
    /// Tool names are not checked (`ServerBuilder::lenient_tool_names`).
    pub lenient_tool_names: bool,
    /// Request metrics, once turned on (server option, or an HTTP app that serves them).
    pub metrics: std::sync::OnceLock<Arc<super::metrics::Metrics>>,
    /// Where a stdio server serves `GET /metrics`, when set.
    pub metrics_address: Option<std::net::SocketAddr>,
    /// The store shared with the server's other instances, once an HTTP application linked
    /// one.
    pub store: std::sync::OnceLock<Arc<super::shared_state::StoreLink>>,
}

impl ServerShared {
    /// The request metrics, turned on now if they were not (connections opened from now
    /// on keep them).
    pub fn enable_metrics(&self) -> Arc<super::metrics::Metrics> {
        self.metrics.get_or_init(Arc::default).clone()
    }

    pub fn version_strings(&self) -> Vec<&'static str> {
        self.versions.iter().map(|v| v.as_str()).collect()
    }

    /// Whether the tools capability is on: enabled by option, or announced by a registration
    /// (it then stays on for the life of the server; `tools/list` answers empty after the
    /// last tool is removed).
    pub fn has_tools(&self, snap: &Snapshot) -> bool {
        self.enable_tools || snap.tools.announced()
    }

    /// Whether `resources/subscribe` is served and advertised now.
    pub fn serves_subscriptions(&self) -> bool {
        self.resource_subscriptions.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether the resources capability is on (as [`Self::has_tools`], for resources and
    /// resource templates).
    pub fn has_resources(&self, snap: &Snapshot) -> bool {
        self.enable_resources || snap.resources.announced() || snap.templates.announced()
    }

    /// Whether the prompts capability is on (as [`Self::has_tools`], for prompts).
    pub fn has_prompts(&self, snap: &Snapshot) -> bool {
        self.enable_prompts || snap.prompts.announced()
    }
}

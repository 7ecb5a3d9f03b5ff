//! [`ServerBuilder`] from JSON: the one form every binding hands its users' server options
//! over in (C's `options_json`, Python's `Server(...)` keywords, Node's `new Server({...})`),
//! so each option is read in one place. Every field is optional; durations are
//! milliseconds; names are snake_case with the camelCase spelling accepted; unknown fields
//! are refused, so a typo does not pass silently.

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::dispatch::limits::Limits;
use crate::dispatch::rate_limit::{RateConfig, RateLimits};
use crate::error::Error;
use crate::protocol::{ListKind, ProtocolVersion};
use crate::server::{CacheScope, Server, ServerBuilder};
use crate::tasks::TaskOptions;

/// The official SDKs' `requestState` format (`ServerBuilder::official_state`): the keys,
/// hex-encoded (the official keys are bytes), and the audience.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OfficialStateConfig {
    #[serde(default)]
    keys: Vec<String>,
    audience: Option<String>,
}

/// Bytes of a hex string (two digits a byte), or None.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The server options (see the module docs).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ServerConfig {
    title: Option<String>,
    description: Option<String>,
    #[serde(alias = "websiteUrl")]
    website_url: Option<String>,
    /// `serverInfo.icons` (each an `Icon` object with at least `src`).
    icons: Option<Vec<Value>>,
    instructions: Option<String>,
    logging: Option<bool>,
    #[serde(alias = "protocolVersions")]
    protocol_versions: Option<Vec<String>>,
    /// The `requestState` sealing key shared by the instances of a deployment.
    #[serde(alias = "stateKey")]
    state_key: Option<String>,
    /// `requestState` in the official SDKs' format: `{"keys": [hex, ...], "audience": ...}`.
    #[serde(alias = "officialState")]
    official_state: Option<OfficialStateConfig>,
    #[serde(alias = "cacheTtlMs")]
    cache_ttl_ms: Option<u64>,
    #[serde(alias = "cacheScope")]
    cache_scope: Option<String>,
    limits: Option<LimitsConfig>,
    #[serde(alias = "rateLimits")]
    rate_limits: Option<RateLimitsConfig>,
    /// Tasks configured (and advertised before any task-capable tool is registered).
    tasks: Option<TasksConfig>,
    experimental: Option<Map<String, Value>>,
    /// Extension id -> settings, advertised in the 2026 `capabilities.extensions`.
    extensions: Option<Map<String, Value>>,
    #[serde(alias = "enableTools")]
    enable_tools: Option<bool>,
    #[serde(alias = "enableResources")]
    enable_resources: Option<bool>,
    #[serde(alias = "enablePrompts")]
    enable_prompts: Option<bool>,
    #[serde(alias = "maskErrorDetails")]
    mask_error_details: Option<bool>,
    /// An unknown tool is an `isError` result (`ServerBuilder::unknown_tool_result`).
    #[serde(alias = "unknownToolResult")]
    unknown_tool_result: Option<bool>,
    /// `resources/read` errors worded as in the official SDKs (`sdk_resource_errors`).
    #[serde(alias = "sdkResourceErrors")]
    sdk_resource_errors: Option<bool>,
    /// Failures worded as the official TypeScript SDK words them (`typescript_sdk_errors`).
    #[serde(alias = "typescriptSdkErrors")]
    typescript_sdk_errors: Option<bool>,
    /// Output failing its schema answered as an `isError` result (`invalid_output_result`).
    #[serde(alias = "invalidOutputResult")]
    invalid_output_result: Option<bool>,
    /// JSON text arguments read as what they hold (`json_text_arguments`).
    #[serde(alias = "jsonTextArguments")]
    json_text_arguments: Option<bool>,
    /// Contents carry their resource's `_meta` (`ServerBuilder::resource_meta_in_contents`).
    #[serde(alias = "resourceMetaInContents")]
    resource_meta_in_contents: Option<bool>,
    /// `resources/subscribe` served and advertised (`ServerBuilder::resource_subscriptions`).
    #[serde(alias = "resourceSubscriptions")]
    resource_subscriptions: Option<bool>,
    /// `subscriptions/listen` served (`ServerBuilder::listen`).
    listen: Option<bool>,
    /// Handshake sessions told of list changes (`ServerBuilder::legacy_list_changed`).
    #[serde(alias = "legacyListChanged")]
    legacy_list_changed: Option<bool>,
    /// The lists told once for several changes (`ServerBuilder::coalesced_list_changed`).
    #[serde(alias = "coalescedListChanged")]
    coalesced_list_changed: Option<Vec<ListKind>>,
    /// The lists whose changes handshake sessions are not told of (`ServerBuilder::quiet_lists`).
    #[serde(alias = "quietLists")]
    quiet_lists: Option<Vec<ListKind>>,
    /// Tool names of any characters accepted (`ServerBuilder::lenient_tool_names`).
    #[serde(alias = "lenientToolNames")]
    lenient_tool_names: Option<bool>,
    /// Log messages outside requests reach sessions not initialized yet
    /// (`ServerBuilder::log_before_initialized`).
    #[serde(alias = "logBeforeInitialized")]
    log_before_initialized: Option<bool>,
    /// `extensions` advertised on every version (`extensions_on_every_version`).
    #[serde(alias = "extensionsOnEveryVersion")]
    extensions_on_every_version: Option<bool>,
    /// Keep request metrics.
    metrics: Option<bool>,
    /// `host:port` where a stdio server serves `GET /metrics`.
    #[serde(alias = "metricsAddress")]
    metrics_address: Option<String>,
}

/// The `limits` member ([`Limits`]).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LimitsConfig {
    #[serde(alias = "maxMessageSize")]
    max_message_size: Option<usize>,
    #[serde(alias = "maxInFlight")]
    max_in_flight: Option<usize>,
    #[serde(alias = "maxInFlightPerConnection")]
    max_in_flight_per_connection: Option<usize>,
    /// `null` or 0: no request timeout.
    #[serde(default, alias = "requestTimeoutMs", deserialize_with = "present")]
    request_timeout_ms: Option<Option<u64>>,
    #[serde(alias = "shutdownGraceMs")]
    shutdown_grace_ms: Option<u64>,
    #[serde(alias = "pageSize")]
    page_size: Option<usize>,
    #[serde(alias = "requestStateTtlMs")]
    request_state_ttl_ms: Option<u64>,
    #[serde(alias = "maxQueuedMessages")]
    max_queued_messages: Option<usize>,
    #[serde(alias = "maxSessionBacklog")]
    max_session_backlog: Option<usize>,
}

/// The `rate_limits` member ([`RateLimits`]).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RateLimitsConfig {
    #[serde(alias = "perClient")]
    per_client: Option<RateConfig>,
    /// Tool name (or `*`) -> rate.
    tools: Option<HashMap<String, RateConfig>>,
}

impl RateLimitsConfig {
    fn limits(self) -> RateLimits {
        RateLimits {
            per_client: self.per_client.as_ref().map(RateConfig::rate),
            tools: self.tools.unwrap_or_default().iter().map(|(name, r)| (name.clone(), r.rate())).collect(),
        }
    }
}

/// The `tasks` member ([`TaskOptions`]).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TasksConfig {
    /// `null` or 0: tasks are kept until the store needs room.
    #[serde(default, alias = "ttlMs", deserialize_with = "present")]
    ttl_ms: Option<Option<u64>>,
    #[serde(alias = "pollIntervalMs")]
    poll_interval_ms: Option<u64>,
    #[serde(alias = "maxTasks")]
    max_tasks: Option<usize>,
    /// The 2025-11-25 `tasks` capability to announce ([`TaskOptions::capability`]).
    capability: Option<Map<String, Value>>,
}

/// Tells a field given as `null` (`Some(None)`) from a missing one (`None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

/// A duration in milliseconds where `None` or zero means "none".
fn optional_ms(ms: Option<u64>) -> Option<Duration> {
    ms.filter(|m| *m > 0).map(Duration::from_millis)
}

impl LimitsConfig {
    fn apply(self, mut l: Limits) -> Limits {
        if let Some(v) = self.max_message_size {
            l.max_message_size = v;
        }
        if let Some(v) = self.max_in_flight {
            l.max_in_flight = v;
        }
        if let Some(v) = self.max_in_flight_per_connection {
            l.max_in_flight_per_connection = v;
        }
        if let Some(v) = self.request_timeout_ms {
            l.request_timeout = optional_ms(v);
        }
        if let Some(v) = self.shutdown_grace_ms {
            l.shutdown_grace = Duration::from_millis(v);
        }
        if let Some(v) = self.page_size {
            l.page_size = v;
        }
        if let Some(v) = self.request_state_ttl_ms {
            l.request_state_ttl = Duration::from_millis(v);
        }
        if let Some(v) = self.max_queued_messages {
            l.max_queued_messages = v;
        }
        if let Some(v) = self.max_session_backlog {
            l.max_session_backlog = v;
        }
        l
    }
}

impl TasksConfig {
    fn options(self) -> TaskOptions {
        let mut o = TaskOptions::default();
        if let Some(v) = self.ttl_ms {
            o.ttl = optional_ms(v);
        }
        if let Some(v) = self.poll_interval_ms {
            o.poll_interval = Duration::from_millis(v);
        }
        if let Some(v) = self.max_tasks {
            o.max_tasks = v;
        }
        o.capability = self.capability;
        o
    }
}

impl ServerBuilder {
    /// A builder for a server called `name` at `version`, configured from the JSON form of
    /// its options (the module docs list the fields; `null` means all defaults). Errors are
    /// [`Error::Config`] naming the offending field. Register tools, resources and prompts on
    /// the result as usual.
    pub fn from_json(name: &str, version: &str, options: Value) -> Result<ServerBuilder, Error> {
        let bad = Error::Config;
        let c: ServerConfig = if options.is_null() {
            ServerConfig::default()
        } else {
            serde_json::from_value(options).map_err(|e| bad(format!("server options: {e}")))?
        };
        let mut b = Server::builder(name, version);
        if let Some(v) = c.title {
            b = b.title(v);
        }
        if let Some(v) = c.description {
            b = b.description(v);
        }
        if let Some(v) = c.website_url {
            b = b.website_url(v);
        }
        if let Some(icons) = c.icons {
            if let Some(bad_icon) = icons.iter().position(|i| !i.get("src").is_some_and(Value::is_string)) {
                return Err(bad(format!("server options: icons[{bad_icon}] is not an object with a string `src`")));
            }
            b = b.icons(icons);
        }
        if let Some(v) = c.instructions {
            b = b.instructions(v);
        }
        if let Some(v) = c.logging {
            b = b.logging(v);
        }
        if let Some(list) = c.protocol_versions {
            let parsed = list
                .iter()
                .map(|v| ProtocolVersion::parse(v).ok_or_else(|| bad(format!("unknown protocol version {v:?}"))))
                .collect::<Result<Vec<_>, _>>()?;
            b = b.protocol_versions(&parsed);
        }
        if let Some(key) = c.state_key {
            b = b.state_key(key.as_bytes());
        }
        if let Some(o) = c.official_state {
            let keys = o.keys.iter().map(|k| hex_bytes(k).ok_or_else(|| bad("official_state keys must be hex".into())));
            b = b.official_state(keys.collect::<Result<_, _>>()?, o.audience);
        }
        if c.cache_ttl_ms.is_some() || c.cache_scope.is_some() {
            let scope = match c.cache_scope.as_deref() {
                None | Some("public") => CacheScope::Public,
                Some("private") => CacheScope::Private,
                Some(other) => return Err(bad(format!("cache_scope {other:?} must be \"public\" or \"private\""))),
            };
            b = b.cache(Duration::from_millis(c.cache_ttl_ms.unwrap_or(0)), scope);
        }
        if let Some(l) = c.limits {
            b = b.limits(l.apply(Limits::default()));
        }
        if let Some(r) = c.rate_limits {
            b = b.rate_limits(r.limits());
        }
        if let Some(t) = c.tasks {
            b = b.tasks(t.options());
        }
        if let Some(e) = c.experimental {
            b = b.experimental(Value::Object(e));
        }
        for (id, settings) in c.extensions.unwrap_or_default() {
            b = b.extension(id, settings);
        }
        if c.enable_tools == Some(true) {
            b = b.enable_tools();
        }
        if c.enable_resources == Some(true) {
            b = b.enable_resources();
        }
        if c.enable_prompts == Some(true) {
            b = b.enable_prompts();
        }
        if let Some(mask) = c.mask_error_details {
            b = b.mask_error_details(mask);
        }
        if let Some(on) = c.unknown_tool_result {
            b = b.unknown_tool_result(on);
        }
        if let Some(on) = c.sdk_resource_errors {
            b = b.sdk_resource_errors(on);
        }
        if let Some(on) = c.typescript_sdk_errors {
            b = b.typescript_sdk_errors(on);
        }
        if let Some(on) = c.invalid_output_result {
            b = b.invalid_output_result(on);
        }
        if let Some(on) = c.json_text_arguments {
            b = b.json_text_arguments(on);
        }
        if let Some(on) = c.resource_subscriptions {
            b = b.resource_subscriptions(on);
        }
        if let Some(on) = c.lenient_tool_names {
            b = b.lenient_tool_names(on);
        }
        if let Some(on) = c.listen {
            b = b.listen(on);
        }
        if let Some(on) = c.legacy_list_changed {
            b = b.legacy_list_changed(on);
        }
        if let Some(lists) = c.quiet_lists {
            b = b.quiet_lists(lists);
        }
        if let Some(lists) = c.coalesced_list_changed {
            b = b.coalesced_list_changed(lists);
        }
        if let Some(on) = c.log_before_initialized {
            b = b.log_before_initialized(on);
        }
        if let Some(on) = c.extensions_on_every_version {
            b = b.extensions_on_every_version(on);
        }
        if let Some(on) = c.resource_meta_in_contents {
            b = b.resource_meta_in_contents(on);
        }
        if let Some(on) = c.metrics {
            b = b.metrics(on);
        }
        if let Some(addr) = c.metrics_address {
            let parsed =
                addr.parse().map_err(|_| bad(format!("metrics_address {addr:?} is not an IP address and port")))?;
            b = b.metrics_address(parsed);
        }
        Ok(b)
    }
}

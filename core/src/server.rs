//! `Server` and `ServerBuilder`: the handle an application serves and the state it is
//! configured in. Each job on them sits in its own file below: settings (`options`),
//! registration (`register`), assembly (`build`), serving (`serve`), changes while serving
//! (`live`), hooks and outputs (`hooks`), the official SDKs' behaviours (`compat`), MCP Apps
//! (`apps`) and skills (`skills`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::dispatch::limits::Limits;
use crate::dispatch::rate_limit::RateLimits;
use crate::dispatch::shared::ServerShared;
use crate::error::Error;
use crate::protocol::{ListKind, ProtocolVersion};
use crate::registry::Snapshot;
use crate::tasks::TaskOptions;

mod apps;
mod build;
mod compat;
mod hooks;
mod live;
mod options;
mod register;
mod serve;
mod skills;

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
    /// The official SDKs' `requestState` format: its key ring and audience.
    official_state: Option<(Vec<Vec<u8>>, Option<String>)>,
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
    json_text_arguments: bool,
    resource_meta_in_contents: bool,
    resource_subscriptions: bool,
    listen: bool,
    told_lists: Vec<ListKind>,
    coalesced_list_changed: Vec<ListKind>,
    lenient_tool_names: bool,
    log_before_initialized: bool,
    extensions_on_every_version: bool,
    metrics: bool,
    metrics_address: Option<std::net::SocketAddr>,
}
impl Server {
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
}

impl crate::context::RequestContext {
    /// The server this request arrived at (to change its registry or notify subscribers).
    pub fn server(&self) -> Server {
        let shared = self.inner.host.clone().downcast::<ServerShared>();
        Server::from_shared(shared.expect("a request context's host is always its server's shared state"))
    }
}

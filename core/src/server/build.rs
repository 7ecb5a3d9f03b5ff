//! [`ServerBuilder::build`]: checks what was configured and assembles the shared state
//! every transport serves.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::dispatch::notify::Hub;
use crate::dispatch::rate_limit::Limiter;
use crate::dispatch::shared::ServerShared;
use crate::error::Error;
use crate::protocol::meta::SERVER_INFO_KEY;
use crate::registry::Registry;
use crate::seal::Sealer;
use crate::seal_official::OfficialCodec;
use crate::tasks::TaskOptions;
use crate::tasks::store::TaskStore;

use super::{Server, ServerBuilder};

impl ServerBuilder {
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
        let mut sealer = match key {
            Some(k) => Sealer::with_key(&k, ttl),
            None => Sealer::random(ttl),
        };
        if let Some((keys, audience)) = self.official_state.take() {
            let codec = if keys.is_empty() {
                OfficialCodec::ephemeral(audience)
            } else {
                OfficialCodec::new(&keys, audience).map_err(Error::Config)?
            };
            sealer = sealer.with_official(codec);
        }
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
            hub: Hub::new(self.log_before_initialized, &self.told_lists, &self.coalesced_list_changed),
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
            json_text_arguments: self.json_text_arguments,
            resource_meta_in_contents: self.resource_meta_in_contents,
            resource_subscriptions: self.resource_subscriptions.into(),
            listen: self.listen,
            lenient_tool_names: self.lenient_tool_names,
            metrics: if self.metrics { std::sync::OnceLock::from(Arc::default()) } else { std::sync::OnceLock::new() },
            metrics_address: self.metrics_address,
            store: std::sync::OnceLock::new(),
        };
        Ok(Server { shared: Arc::new(shared) })
    }
}

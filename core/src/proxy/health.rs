//! Health checks of a running upstream connection ([`unhealthy`]): every interval of its
//! [`HealthCheck`] it is pinged (`ping`; `tools/list` on the 2026-07-28 wire, which has no
//! `ping`), each ping bounded by the check's timeout. An answer, an error answer included,
//! means the upstream reads and writes; no answer in time, or a broken pipe, is a failure,
//! and enough failures in a row make it unhealthy. The count of failures in a row is kept on
//! the connection, for [`Proxy::healthy`](super::Proxy::healthy).

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::json;

use super::upstream::HealthCheck;
use crate::client::{CallOptions, Client, ClientError};
use crate::protocol::method::Method;

/// The failed pings in a row of one connection.
#[derive(Debug, Default)]
pub(crate) struct Pings {
    failed: AtomicU32,
}

impl Pings {
    /// Whether the last ping was answered (true before the first).
    pub(crate) fn healthy(&self) -> bool {
        self.failed.load(Ordering::Acquire) == 0
    }
}

/// Returns, with why, once `client` (of upstream `name`) has failed `check.failures` pings in a row (counted in
/// `pings`); never when there is no check (or once the connection has ended: its end is
/// seen elsewhere).
pub(crate) async fn unhealthy(name: &str, client: &Client, pings: &Pings, check: Option<HealthCheck>) -> String {
    let Some(check) = check else { return std::future::pending().await };
    let method = if client.is_stateless() { Method::ToolsList } else { Method::Ping };
    let call = CallOptions { timeout: check.timeout, reset_on_progress: false, max_total: check.timeout };
    let needed = check.failures.max(1);
    loop {
        tokio::time::sleep(check.interval).await;
        // The client's own timeout bounds the ping; this one bounds the client too.
        let asked = client.request_with(method.as_str(), json!({}), call);
        let why = match tokio::time::timeout(check.timeout.saturating_mul(2), asked).await {
            Ok(Ok(_) | Err(ClientError::Server(_))) => {
                pings.failed.store(0, Ordering::Release);
                continue;
            }
            Ok(Err(ClientError::Closed)) => return std::future::pending().await,
            Ok(Err(ClientError::Timeout { .. })) | Err(_) => {
                format!("no answer to {} within {:?}", method.as_str(), check.timeout)
            }
            Ok(Err(other)) => other.to_string(),
        };
        let failed = pings.failed.fetch_add(1, Ordering::AcqRel) + 1;
        tracing::warn!(upstream = %name, failed, "a health check of the upstream failed: {why}");
        if failed >= needed {
            return format!("it failed {failed} health checks in a row (the last: {why})");
        }
    }
}

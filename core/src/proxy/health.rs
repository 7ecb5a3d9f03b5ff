//! Health checks of a running upstream connection: every interval of its [`HealthCheck`] it
//! is pinged (`ping`; `tools/list` on the 2026-07-28 wire, which has no `ping`), each ping
//! bounded by the check's timeout. An answer, an error answer included, means the upstream
//! reads and writes; no answer in time, or a broken pipe, is a failure, and enough failures
//! in a row make it unhealthy. The shared connection's supervisor waits for that
//! ([`unhealthy`]); a per-session or per-user connection is watched by a task of its own
//! ([`watch`]) that gives up on it. The count of failures in a row is kept on the
//! connection, for [`Proxy::healthy`](super::Proxy::healthy).

use std::sync::{Arc, Weak};

use serde_json::json;

use super::conn::Conn;
use super::upstream::HealthCheck;
use crate::client::{CallOptions, ClientError};
use crate::protocol::method::Method;

/// Pings `conn` once: whether it answered (with why not), `None` when it has ended (its end
/// is seen elsewhere).
async fn ping(conn: &Conn, check: &HealthCheck) -> Option<Result<(), String>> {
    let method = if conn.client.is_stateless() { Method::ToolsList } else { Method::Ping };
    let call = CallOptions { timeout: check.timeout, reset_on_progress: false, max_total: check.timeout };
    // The client's own timeout bounds the ping; this one bounds the client too.
    let asked = conn.client.request_with(method.as_str(), json!({}), call);
    match tokio::time::timeout(check.timeout.saturating_mul(2), asked).await {
        Ok(Ok(_) | Err(ClientError::Server(_))) => Some(Ok(())),
        Ok(Err(ClientError::Closed)) => None,
        Ok(Err(ClientError::Timeout { .. })) | Err(_) => {
            Some(Err(format!("no answer to {} within {:?}", method.as_str(), check.timeout)))
        }
        Ok(Err(other)) => Some(Err(other.to_string())),
    }
}

/// Pings `conn` of upstream `name` once and counts it; returns the verdict once it has
/// failed `check.failures` times in a row, `Err(())` when the connection has ended.
async fn checked(name: &str, conn: &Conn, check: &HealthCheck) -> Result<Option<String>, ()> {
    let why = match ping(conn, check).await.ok_or(())? {
        Ok(()) => {
            conn.pings.record(true);
            return Ok(None);
        }
        Err(why) => why,
    };
    let failed = conn.pings.record(false);
    tracing::warn!(upstream = %name, failed, "a health check of the upstream failed: {why}");
    Ok((failed >= check.failures.max(1))
        .then(|| format!("it failed {failed} health checks in a row (the last: {why})")))
}

/// Returns, with why, once `conn` (of upstream `name`) is unhealthy; never when there is
/// no check, or once the connection has ended.
pub(crate) async fn unhealthy(name: &str, conn: &Conn, check: Option<HealthCheck>) -> String {
    let Some(check) = check else { return std::future::pending().await };
    loop {
        tokio::time::sleep(check.interval).await;
        match checked(name, conn, &check).await {
            Ok(Some(why)) => return why,
            Ok(None) => {}
            Err(()) => return std::future::pending().await,
        }
    }
}

/// Checks `conn` of upstream `name` in a task of its own until it ends, and gives up on it
/// (its calls in flight fail at once) once it is unhealthy. Holds it only while pinging, so
/// it never keeps a closed connection's child alive.
pub(crate) fn watch(name: String, conn: &Arc<Conn>, check: HealthCheck) {
    let conn: Weak<Conn> = Arc::downgrade(conn);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(check.interval).await;
            let Some(conn) = conn.upgrade().filter(|c| !c.is_done()) else { return };
            match checked(&name, &conn, &check).await {
                Ok(Some(why)) => {
                    tracing::warn!(upstream = %name, "giving up on a child: {why}");
                    conn.give_up(why);
                    return;
                }
                Ok(None) => {}
                Err(()) => return,
            }
        }
    });
}

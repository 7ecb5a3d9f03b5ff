//! SIGINT and SIGTERM (Ctrl-C on Windows) as a graceful stop, for every serve loop that is asked to handle
//! them (stdio by default, HTTP by default in Rust): the first one trips the loop's stop
//! token; in-flight requests then finish within the shutdown grace period.

use tokio_util::sync::CancellationToken;

/// Trips `stop` on the first SIGINT or SIGTERM. Abort the returned task when serving ends.
#[cfg(unix)]
pub(crate) fn stop_on_signal(stop: CancellationToken) -> std::io::Result<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(tokio::spawn(async move {
        tokio::select! {
            _ = int.recv() => tracing::info!("SIGINT: shutting down"),
            _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
        }
        stop.cancel();
    }))
}

/// Trips `stop` on the first Ctrl-C (Windows' console interrupt; there is no SIGTERM).
#[cfg(not(unix))]
pub(crate) fn stop_on_signal(stop: CancellationToken) -> std::io::Result<tokio::task::JoinHandle<()>> {
    Ok(tokio::spawn(ctrl_c_then(stop)))
}

/// Waits for Ctrl-C, then trips `stop` (what Windows has; compiled everywhere so it is
/// checked on every platform).
#[cfg_attr(unix, allow(dead_code))]
async fn ctrl_c_then(stop: CancellationToken) {
    if tokio::signal::ctrl_c().await.is_ok() {
        tracing::info!("Ctrl-C: shutting down");
        stop.cancel();
    }
}

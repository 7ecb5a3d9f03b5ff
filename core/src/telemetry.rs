//! Logging for servers: `tracing` to stderr (never stdout, which may carry the protocol),
//! filtered by the `MCPFORGE_LOG` environment variable (e.g. `info`, `mcpforge=debug`).

/// Installs a stderr `tracing` subscriber filtered by `MCPFORGE_LOG` (default `warn`).
/// Does nothing if a global subscriber is already set.
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("MCPFORGE_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
}

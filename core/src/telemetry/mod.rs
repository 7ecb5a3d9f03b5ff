//! Logging and tracing for servers: `tracing` to stderr (never stdout, which may carry the
//! protocol), filtered by the `MCPFORGE_LOG` environment variable (e.g. `info`,
//! `mcpforge=debug`); with the `otel` feature, request spans exported over OTLP when the
//! standard OpenTelemetry variables configure it (see [`init_logging`]).

mod client_text;
#[cfg(feature = "otel")]
mod http_client;
#[cfg(feature = "otel")]
mod otlp;
#[cfg(feature = "otel")]
mod queue_bound;

pub(crate) use client_text::bounded;

/// Installs the process's `tracing` subscriber: log lines on stderr filtered by
/// `MCPFORGE_LOG` (default `warn`) and, with the `otel` feature, when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (or
/// `OTEL_TRACES_EXPORTER=otlp`), a span per request exported over OTLP/HTTP with protobuf.
/// The exporter reads the standard variables (`OTEL_SERVICE_NAME`,
/// `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`,
/// `OTEL_BSP_*`); `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off, and
/// `MCPFORGE_TRACE` filters which spans are exported (default `info`: the engine's request
/// spans and the application's own spans at info and above). Does nothing if a global
/// subscriber is already set.
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = || EnvFilter::try_from_env("MCPFORGE_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    #[cfg(feature = "otel")]
    if let Some(export) = otlp::layer() {
        use tracing_subscriber::Layer;
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;
        let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false).with_filter(filter());
        let _ = tracing_subscriber::registry().with(export).with(logs).try_init();
        return;
    }
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter()).with_writer(std::io::stderr).with_ansi(false).try_init();
}

/// Exports the spans not yet sent, waiting for the exporter (bounded by its timeout). The
/// engine calls it whenever a server stops serving (stdio, a byte stream, the HTTP
/// listener); an application that mounts the HTTP app in its own server calls it before
/// it exits. Does nothing when nothing is exported.
pub fn flush() {
    #[cfg(feature = "otel")]
    otlp::flush();
}

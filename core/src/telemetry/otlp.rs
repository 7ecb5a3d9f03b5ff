//! The OTLP trace pipeline: decides from the standard OpenTelemetry variables whether spans
//! are exported, builds the exporter (OTLP/HTTP, protobuf) and the batch processor, and
//! holds the tracer provider for flushing.

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithHttpConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use super::http_client::ExportClient;

/// The provider of the exported spans, once the pipeline is built.
static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// What a span filter leaves out whatever `MCPFORGE_TRACE` says: the exporter's own
/// crates, whose spans and events would feed back into the export.
const QUIET: [&str; 5] = ["opentelemetry", "opentelemetry_sdk", "opentelemetry_otlp", "opentelemetry_http", "hyper"];

/// The layer that exports spans, when the environment asks for export and the pipeline
/// could be built (a problem is logged on stderr and export stays off).
pub(super) fn layer() -> Option<Box<dyn Layer<Registry> + Send + Sync>> {
    if !wanted() {
        return None;
    }
    if let Some(endpoint) = endpoint().filter(|e| !e.starts_with("http://")) {
        eprintln!(
            "mcpforge: OpenTelemetry export is off: the OTLP endpoint {endpoint:?} is not an http:// URL \
             (spans go over plain HTTP to a collector, usually a local OpenTelemetry Collector on port 4318)"
        );
        return None;
    }
    let provider = match build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("mcpforge: OpenTelemetry export is off: {e}");
            return None;
        }
    };
    let tracer = provider.tracer("mcpforge");
    let _ = PROVIDER.set(provider);
    let mut filter = EnvFilter::try_from_env("MCPFORGE_TRACE").unwrap_or_else(|_| EnvFilter::new("info"));
    for target in QUIET {
        if let Ok(off) = format!("{target}=off").parse() {
            filter = filter.add_directive(off);
        }
    }
    Some(tracing_opentelemetry::layer().with_tracer(tracer).with_filter(filter).boxed())
}

/// Sends what the batch processor holds and waits for it.
pub(super) fn flush() {
    if let Some(p) = PROVIDER.get() {
        if let Err(e) = p.force_flush() {
            tracing::warn!(error = %e, "exporting the last spans failed");
        }
    }
}

/// Whether the environment asks for span export.
fn wanted() -> bool {
    let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_ascii_lowercase()).filter(|v| !v.is_empty());
    if var("OTEL_SDK_DISABLED").as_deref() == Some("true") {
        return false;
    }
    match var("OTEL_TRACES_EXPORTER").as_deref() {
        Some("otlp") => true,
        Some(_) => false,
        None => endpoint().is_some(),
    }
}

/// The configured endpoint, signal-specific first.
fn endpoint() -> Option<String> {
    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}

/// The exporter timeout (`OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`,
/// in milliseconds; default 10 s), which bounds each export's HTTP exchange.
fn timeout() -> Duration {
    ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"]
        .iter()
        .find_map(|name| std::env::var(name).ok()?.trim().parse::<u64>().ok())
        .map_or(Duration::from_secs(10), Duration::from_millis)
}

fn build() -> Result<SdkTracerProvider, String> {
    let client = ExportClient::new(timeout()).map_err(|e| format!("cannot start the exporter's thread: {e}"))?;
    let exporter =
        opentelemetry_otlp::SpanExporter::builder().with_http().with_http_client(client).build().map_err(|e| {
            format!("{e} (mcpforge exports OTLP over HTTP with protobuf: OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)")
        })?;
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).build())
}

//! The OTLP trace pipeline: decides from the standard OpenTelemetry variables whether spans
//! are exported, builds the exporter (OTLP/HTTP, protobuf) and the batch processor behind
//! a byte bound ([`super::queue_bound`]), and holds the tracer provider for flushing.

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithHttpConfig;
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};
use tracing_subscriber::{EnvFilter, Layer, Registry};

use super::http_client::ExportClient;
use super::queue_bound::{Bounded, Budget, Metered};

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

/// The most bytes of spans waiting for export by default (`MCPFORGE_OTEL_MAX_QUEUE_BYTES`).
const MAX_QUEUE_BYTES: usize = 16 * 1024 * 1024;

/// The most spans waiting for export: `OTEL_BSP_MAX_QUEUE_SIZE`, read as the SDK reads it.
fn max_queue_spans() -> usize {
    std::env::var("OTEL_BSP_MAX_QUEUE_SIZE").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(2048)
}

/// The most bytes of spans waiting for export (`MCPFORGE_OTEL_MAX_QUEUE_BYTES`, default
/// 16 MiB).
fn max_queue_bytes() -> usize {
    std::env::var("MCPFORGE_OTEL_MAX_QUEUE_BYTES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(MAX_QUEUE_BYTES)
}

/// The exporter behind the batch processor, both behind the byte bound (the batch
/// processor's own count bound set to the same number of spans, so it never drops a span
/// the bound counts as queued).
fn build() -> Result<SdkTracerProvider, String> {
    let client = ExportClient::new(timeout()).map_err(|e| format!("cannot start the exporter's thread: {e}"))?;
    let exporter =
        opentelemetry_otlp::SpanExporter::builder().with_http().with_http_client(client).build().map_err(|e| {
            format!("{e} (mcpforge exports OTLP over HTTP with protobuf: OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)")
        })?;
    let spans = max_queue_spans();
    let budget = Budget::new(max_queue_bytes(), spans);
    let config = BatchConfigBuilder::default().with_max_queue_size(spans).build();
    let batch = BatchSpanProcessor::builder(Metered::new(exporter, budget.clone())).with_batch_config(config).build();
    Ok(SdkTracerProvider::builder().with_span_processor(Bounded::new(batch, budget)).build())
}

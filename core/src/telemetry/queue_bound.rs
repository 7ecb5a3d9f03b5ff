//! The bound on spans waiting for export, in bytes as well as in number: the SDK's batch
//! processor bounds its queue by count only, so spans carrying large attributes (an
//! application's own, or anything a client could make a span hold) could fill memory while
//! the collector is slow or away. [`Bounded`] passes a finished span on to the batch
//! processor only while the spans it holds (queued, or in an export that has not ended)
//! fit in the budget; [`Metered`] wraps the exporter to give their room back once their
//! export has ended (sent, failed or timed out). A span past the bound is dropped and
//! counted, as the batch processor drops spans past its count.
//!
//! Hand-written: the SDK has no byte bound to configure, and wrapping its processor and
//! exporter (two small trait implementations) keeps its batching, retries and shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use opentelemetry::{Array, Context, KeyValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};

/// What a queue of spans may hold, and how many were dropped for want of room.
#[derive(Debug)]
pub(crate) struct Budget {
    room: crate::budget::Budget,
    dropped: AtomicU64,
}

impl Budget {
    /// A budget of `max_bytes` (as [`span_bytes`] counts them) and `max_spans` spans.
    pub fn new(max_bytes: usize, max_spans: usize) -> Arc<Budget> {
        Arc::new(Budget { room: crate::budget::Budget::new(max_bytes, max_spans), dropped: AtomicU64::new(0) })
    }

    /// Takes room for one span of `size` bytes, or counts it dropped (false).
    fn admit(&self, size: usize) -> bool {
        if self.room.take(size) {
            return true;
        }
        let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        // Not through `tracing`: this runs inside the exporting layer, as a span closes.
        if dropped == 1 || dropped % 1000 == 0 {
            eprintln!(
                "mcpforge: OpenTelemetry export is behind: {dropped} spans dropped so far (the queue holds at most \
                 {} spans and {} bytes)",
                self.room.max_items(),
                self.room.max_bytes()
            );
        }
        false
    }

    /// Gives back the room of `spans` spans of `bytes` bytes in all.
    fn release(&self, bytes: usize, spans: usize) {
        self.room.give_back(bytes, spans);
    }

    /// Bytes the queue holds now.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.room.bytes()
    }

    /// Spans dropped so far.
    #[cfg(test)]
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// About what a span takes in memory: its text (name, attribute keys and values, events,
/// links, status) and a fixed part for the rest.
pub(crate) fn span_bytes(span: &SpanData) -> usize {
    const FIXED: usize = 256;
    let attributes =
        |kvs: &[KeyValue]| kvs.iter().map(|kv| kv.key.as_str().len() + value_bytes(&kv.value)).sum::<usize>();
    let status = match &span.status {
        opentelemetry::trace::Status::Error { description } => description.len(),
        _ => 0,
    };
    FIXED
        + span.name.len()
        + attributes(&span.attributes)
        + span.events.iter().map(|e| 64 + e.name.len() + attributes(&e.attributes)).sum::<usize>()
        + span.links.iter().map(|l| 64 + attributes(&l.attributes)).sum::<usize>()
        + status
}

fn value_bytes(value: &Value) -> usize {
    const SCALAR: usize = 16;
    match value {
        Value::String(s) => s.as_str().len(),
        Value::Array(Array::String(items)) => items.iter().map(|s| s.as_str().len() + SCALAR).sum(),
        Value::Array(Array::Bool(items)) => items.len(),
        Value::Array(Array::I64(items)) => items.len() * 8,
        Value::Array(Array::F64(items)) => items.len() * 8,
        _ => SCALAR,
    }
}

/// A span processor that passes spans on to `inner` (the batch processor) within the
/// budget, and drops the others.
#[derive(Debug)]
pub(crate) struct Bounded<P> {
    inner: P,
    budget: Arc<Budget>,
}

impl<P> Bounded<P> {
    pub fn new(inner: P, budget: Arc<Budget>) -> Bounded<P> {
        Bounded { inner, budget }
    }
}

impl<P: SpanProcessor> SpanProcessor for Bounded<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, span: SpanData) {
        if self.budget.admit(span_bytes(&span)) {
            self.inner.on_end(span);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// An exporter that gives the budget back the room of each batch once its export ended.
#[derive(Debug)]
pub(crate) struct Metered<E> {
    inner: E,
    budget: Arc<Budget>,
}

impl<E> Metered<E> {
    pub fn new(inner: E, budget: Arc<Budget>) -> Metered<E> {
        Metered { inner, budget }
    }
}

/// Gives a batch's room back when dropped: after its export, or with an export that was
/// abandoned.
struct Release {
    budget: Arc<Budget>,
    bytes: usize,
    spans: usize,
}

impl Drop for Release {
    fn drop(&mut self) {
        self.budget.release(self.bytes, self.spans);
    }
}

impl<E: SpanExporter> SpanExporter for Metered<E> {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        let release =
            Release { budget: self.budget.clone(), bytes: batch.iter().map(span_bytes).sum(), spans: batch.len() };
        let exported = self.inner.export(batch);
        async move {
            let _release = release;
            exported.await
        }
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
    use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};

    use super::*;
    use crate::telemetry::http_client::ExportClient;

    fn text(value: &str) -> Value {
        Value::from(value.to_owned())
    }

    /// A collector that accepts connections and never answers: exports wait for their
    /// timeout while spans keep coming.
    fn silent_collector() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/v1/traces", listener.local_addr().expect("address"));
        (listener, url)
    }

    #[test]
    fn a_silent_collector_and_huge_attributes_keep_the_queue_within_its_bytes() {
        let (_collector, url) = silent_collector();
        let client = ExportClient::new(Duration::from_secs(30)).expect("client");
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(client)
            .with_endpoint(url)
            .build()
            .expect("exporter");
        const MAX_BYTES: usize = 4 * 1024 * 1024;
        let budget = Budget::new(MAX_BYTES, 2048);
        let batch = BatchSpanProcessor::builder(Metered::new(exporter, budget.clone()))
            .with_batch_config(
                BatchConfigBuilder::default()
                    .with_max_queue_size(2048)
                    .with_scheduled_delay(Duration::from_millis(10))
                    .build(),
            )
            .build();
        let provider = SdkTracerProvider::builder().with_span_processor(Bounded::new(batch, budget.clone())).build();
        let tracer = provider.tracer("test");
        // 300 spans with a 1 MiB attribute each: 300 MiB offered, at most 4 MiB kept.
        let huge = "x".repeat(1024 * 1024);
        for _ in 0..300 {
            let mut span = tracer.start("tools/call");
            span.set_attribute(KeyValue::new("application.payload", text(&huge)));
            span.end();
            assert!(budget.bytes() <= MAX_BYTES, "{} bytes queued", budget.bytes());
        }
        assert!(budget.dropped() >= 290, "only {} of 300 dropped", budget.dropped());
        // Small spans still fit beside what waits.
        let before = budget.dropped();
        tracer.start("small").end();
        assert_eq!(budget.dropped(), before);
        let _ = provider.shutdown_with_timeout(Duration::from_millis(100));
    }

    #[test]
    fn a_span_is_counted_by_its_text() {
        let mut span = SpanData {
            span_context: opentelemetry::trace::SpanContext::empty_context(),
            parent_span_id: opentelemetry::trace::SpanId::INVALID,
            parent_span_is_remote: false,
            span_kind: opentelemetry::trace::SpanKind::Server,
            name: "tools/call".into(),
            start_time: std::time::SystemTime::UNIX_EPOCH,
            end_time: std::time::SystemTime::UNIX_EPOCH,
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            events: Default::default(),
            links: Default::default(),
            status: opentelemetry::trace::Status::Unset,
            instrumentation_scope: Default::default(),
        };
        let empty = span_bytes(&span);
        span.attributes.push(KeyValue::new("k", text(&"v".repeat(1000))));
        assert_eq!(span_bytes(&span), empty + 1001);
    }
}

//! The HTTP client the OTLP exporter sends with: one HTTP/1.1 exchange per batch over
//! hyper, run on a small runtime of its own, because the batch processor exports from a
//! plain thread with no tokio runtime. Hand-written over hyper's connection API rather than
//! a pooling client: a batch goes out every few seconds at most, and a pool would bring an
//! HTTP/2 stack this engine does not otherwise need.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use opentelemetry_http::{HttpClient, HttpError};

/// The most of a collector's answer that is read (it is only checked for its status).
const MAX_RESPONSE: usize = 1 << 20;

/// Sends the exporter's requests on a one-thread runtime of its own.
#[derive(Debug)]
pub(super) struct ExportClient {
    runtime: tokio::runtime::Runtime,
    timeout: Duration,
}

impl ExportClient {
    /// A client whose exchanges each end within `timeout`.
    pub(super) fn new(timeout: Duration) -> std::io::Result<ExportClient> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("mcpforge-otlp")
            .enable_all()
            .build()?;
        Ok(ExportClient { runtime, timeout })
    }
}

/// The future `send_bytes` returns (the trait's own boxed form).
type Sending<'a> = Pin<Box<dyn Future<Output = Result<Response<Bytes>, HttpError>> + Send + 'a>>;

impl HttpClient for ExportClient {
    fn send_bytes<'a, 'b>(&'a self, request: Request<Bytes>) -> Sending<'b>
    where
        'a: 'b,
        Self: 'b,
    {
        let timeout = self.timeout;
        // The timer is made on the runtime's thread: this one has no runtime.
        let exchange = self.runtime.spawn(async move { tokio::time::timeout(timeout, send(request)).await });
        Box::pin(async move {
            match exchange.await {
                Ok(Ok(answer)) => answer,
                Ok(Err(_)) => Err(format!("no answer from the collector within {} ms", timeout.as_millis()).into()),
                Err(e) => Err(Box::new(e) as HttpError),
            }
        })
    }
}

/// One exchange on a fresh connection.
async fn send(request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
    let (mut parts, body) = request.into_parts();
    let host = parts.uri.host().ok_or("the OTLP endpoint has no host")?.to_owned();
    let port = parts.uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port)).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let authority = parts.uri.authority().map(|a| a.as_str().to_owned()).unwrap_or(host);
    parts.headers.insert(http::header::HOST, http::HeaderValue::from_str(&authority)?);
    // Origin form (`/v1/traces`) on the request line, as to any origin server.
    if let Some(path) = parts.uri.path_and_query() {
        parts.uri = path.as_str().parse()?;
    }
    let answer = sender.send_request(Request::from_parts(parts, Full::new(body))).await?;
    let (parts, body) = answer.into_parts();
    let body = Limited::new(body, MAX_RESPONSE).collect().await?.to_bytes();
    Ok(Response::from_parts(parts, body))
}

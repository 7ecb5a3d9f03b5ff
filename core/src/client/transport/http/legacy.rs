//! The 2024-11-05 HTTP+SSE transport, as the fallback of [`super::HttpTransport`] for servers
//! that predate Streamable HTTP (the transport spec's backwards-compatibility rule): when the
//! POST of `initialize` is answered 400, 404 or 405, a GET of the same URL opens the server's
//! event stream, whose first `endpoint` event names where every message is POSTed from then
//! on (on the same origin only: messages and tokens never go to another host). Everything
//! the server sends arrives as events of that one stream; when it ends, the requests still
//! waiting for an answer fail at once instead of waiting out their timeout.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use futures_util::StreamExt as _;
use hyper::{Request, Uri};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::super::sse::EventReader;
use super::{Endpoint, MAX_MESSAGE, is_event_stream};
use crate::client::auth::address;
use crate::dial::Target;
use crate::error::{ProtocolError, codes};
use crate::jsonrpc::RequestId;
use crate::sync::lock;

/// How long the server may take to send its `endpoint` event once the stream is open.
pub const ENDPOINT_WAIT: Duration = Duration::from_secs(10);

/// An open HTTP+SSE session: where messages go, and the task reading the stream.
pub(super) struct Legacy {
    /// The URL of the `endpoint` event, resolved against the stream's URL.
    messages: Uri,
    target: Target,
    /// Requests posted and not yet answered on the stream.
    waiting: Arc<Mutex<HashSet<RequestId>>>,
    reader: AbortHandle,
}

impl Drop for Legacy {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Legacy {
    /// Stops reading the stream (the server ends the session when it closes).
    pub(super) fn stop(&self) {
        self.reader.abort();
    }
}

/// Whether an answer to the POST of `initialize` says the server has no Streamable HTTP
/// endpoint at this URL (the statuses the transport spec names for the fallback).
pub(super) fn falls_back(status: hyper::StatusCode) -> bool {
    matches!(status.as_u16(), 400 | 404 | 405)
}

impl Endpoint {
    /// Opens the HTTP+SSE session at the endpoint's URL and waits (at most
    /// [`ENDPOINT_WAIT`]) for its `endpoint` event; the rest of the stream is read in a task
    /// of its own, each message handed to the client.
    pub(super) async fn open_legacy(&self) -> Result<Legacy, String> {
        let bearer = self.bearer().await;
        let request = self
            .base_to(hyper::Method::GET, &self.uri, &self.target.authority, bearer.as_deref())
            .header("accept", "text/event-stream")
            .body(Body::empty())
            .map_err(|e| e.to_string())?;
        let response = self.send_to(&self.target, request).await?;
        let status = response.status();
        if !status.is_success() || !is_event_stream(&response) {
            return Err(format!(
                "HTTP {status}: the server at {} offers neither Streamable HTTP nor the HTTP+SSE transport",
                self.uri
            ));
        }
        let mut body = Body::new(response.into_body()).into_data_stream();
        let mut events = EventReader::new(MAX_MESSAGE);
        let mut early = Vec::new();
        let found = tokio::time::timeout(ENDPOINT_WAIT, async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| format!("the event stream broke off: {e}"))?;
                for (name, data) in events.push_named(&chunk)? {
                    match name.as_deref() {
                        Some("endpoint") => return Ok(String::from_utf8_lossy(&data).trim().to_owned()),
                        None | Some("message") => early.push(data),
                        Some(_) => {}
                    }
                }
            }
            Err("the event stream ended before its endpoint event".to_owned())
        })
        .await
        .map_err(|_| format!("no endpoint event within {} s", ENDPOINT_WAIT.as_secs()))??;
        let messages = address::resolve(&self.uri, &found)?;
        if address::origin(&messages) != address::origin(&self.uri) {
            return Err(format!("the endpoint event names another origin ({messages}); refused"));
        }
        let target = Target::of(&messages)?;
        let waiting = Arc::new(Mutex::new(HashSet::new()));
        let to_client = self.to_client.clone();
        let reader = tokio::spawn(read(body, events, early, to_client, waiting.clone())).abort_handle();
        Ok(Legacy { messages, target, waiting, reader })
    }

    /// POSTs one message to the session's message URL; the answer comes on the stream.
    pub(super) async fn post_legacy(&self, legacy: &Legacy, body: Bytes, id: Option<&RequestId>) -> Result<(), String> {
        if let Some(id) = id {
            lock(&legacy.waiting).insert(id.clone());
        }
        let outcome = self.post_legacy_once(legacy, body).await;
        if let (Err(_), Some(id)) = (&outcome, id) {
            lock(&legacy.waiting).remove(id);
        }
        outcome
    }

    async fn post_legacy_once(&self, legacy: &Legacy, body: Bytes) -> Result<(), String> {
        let bearer = self.bearer().await;
        let request = self
            .base_to(hyper::Method::POST, &legacy.messages, &legacy.target.authority, bearer.as_deref())
            .header("content-type", "application/json")
            .body(Body::from(body))
            .map_err(|e| e.to_string())?;
        let response = self.send_to(&legacy.target, request).await?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = axum::body::to_bytes(Body::new(response.into_body()), 4096).await.unwrap_or_default();
        Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&text[..text.len().min(200)])))
    }

    /// A request for `uri` on `authority` with the headers every request carries.
    pub(super) fn base_to(
        &self,
        method: hyper::Method,
        uri: &Uri,
        authority: &str,
        bearer: Option<&str>,
    ) -> hyper::http::request::Builder {
        // The origin form (`/path?query`) on the request line, as servers expect of a client.
        let target = uri.path_and_query().map_or("/", |p| p.as_str());
        let mut builder = Request::builder().method(method).uri(target).header("host", authority);
        if let Some(token) = bearer {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder
    }
}

/// Reads the session's stream to its end: each message event (and those that came before
/// the endpoint event) to the client; at the end, every request still waiting gets an error.
async fn read(
    mut body: axum::body::BodyDataStream,
    mut events: EventReader,
    early: Vec<Vec<u8>>,
    to_client: mpsc::Sender<Vec<u8>>,
    waiting: Arc<Mutex<HashSet<RequestId>>>,
) {
    let deliver = |data: Vec<u8>| {
        let waiting = waiting.clone();
        let to_client = to_client.clone();
        async move {
            if let Ok(message) = serde_json::from_slice::<Value>(&data) {
                if message.get("method").is_none() {
                    if let Some(id) = message.get("id").and_then(RequestId::from_value) {
                        lock(&waiting).remove(&id);
                    }
                }
            }
            to_client.send(data).await.is_ok()
        }
    };
    let mut why = "the server closed the HTTP+SSE stream".to_owned();
    'stream: {
        for data in early {
            if !deliver(data).await {
                return;
            }
        }
        while let Some(chunk) = body.next().await {
            let Ok(chunk) = chunk else {
                why = "the HTTP+SSE stream broke off".to_owned();
                break 'stream;
            };
            match events.push_named(&chunk) {
                Ok(batch) => {
                    for (name, data) in batch {
                        if name.as_deref().is_none_or(|n| n == "message") && !deliver(data).await {
                            return;
                        }
                    }
                }
                Err(e) => {
                    why = format!("the HTTP+SSE stream was refused: {e}");
                    break 'stream;
                }
            }
        }
    }
    let ids: Vec<RequestId> = lock(&waiting).drain().collect();
    for id in ids {
        let error = ProtocolError::new(codes::INTERNAL_ERROR, why.clone());
        let reply = json!({ "jsonrpc": "2.0", "id": id, "error": error });
        if to_client.send(reply.to_string().into_bytes()).await.is_err() {
            return;
        }
    }
}

//! `NativeHttpApp`: the engine's HTTP application (`HttpApp`) for the handlers in
//! `lib/mount.js`, which hand it each request that Express, `node:http`, Hono or any
//! web-standard `fetch` runtime received. The engine does the work (both eras, SSE,
//! sessions, resumption, the `Host`/`Origin` and token checks); JavaScript only moves bytes
//! between its request and response objects and a `NativeExchange`, whose answer is read
//! chunk by chunk.

use std::net::SocketAddr;
use std::sync::Arc;

use mcpforge::HttpApp;
use mcpforge::jsonrpc::RequestId;
use mcpforge::transport::http::{HostRequest, HostResponse, HostedOptions};
use napi::Env;
use napi::bindgen_prelude::{Buffer, Function, PromiseRaw, spawn};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use tokio::sync::{Mutex, oneshot};
use tokio_util::sync::CancellationToken;

use crate::error::js_error;

/// The engine's HTTP application without a listener.
#[napi]
pub struct NativeHttpApp {
    app: HttpApp,
}

impl NativeHttpApp {
    /// Wraps an application made by `NativeServer::http_app`.
    pub fn new(app: HttpApp) -> NativeHttpApp {
        NativeHttpApp { app }
    }
}

/// The callback `watchSession` calls, held weakly (it never keeps the event loop alive).
type SessionEndedFn = ThreadsafeFunction<(), (), (), napi::Status, false, true>;

/// An answer's head, with the whole body when the answer is not an event stream.
#[napi(object)]
pub struct HostedHead {
    /// The HTTP status code.
    pub status: u32,
    /// The headers as a flat list, name then value (names lowercase; values one char per
    /// byte), the shape `res.writeHead` takes.
    pub headers: Vec<String>,
    /// The whole body of a JSON (or empty) answer, read before the head is reported so the
    /// host writes head and body at once; absent for an event stream, read with `nextChunk()`.
    pub body: Option<Buffer>,
}

/// One request in progress: `head()` once, then, for an event stream, `nextChunk()` until
/// `null`; `cancel()` is the client going away (before or after the head).
#[napi]
pub struct NativeExchange {
    head: std::sync::Mutex<Option<oneshot::Receiver<Result<HostedHead, String>>>>,
    body: Arc<Mutex<Option<HostResponse>>>,
    gone: CancellationToken,
}

#[napi]
impl NativeHttpApp {
    /// The most request-body bytes the engine reads (`maxBody`): a handler stops collecting
    /// one byte past it, and the engine answers 413.
    #[napi(getter)]
    pub fn max_body(&self) -> u32 {
        u32::try_from(self.app.options().max_body).unwrap_or(u32::MAX)
    }

    /// Ends the connection of one SSE stream of the session `sessionId` while its events are
    /// kept for a resume (the official SDK's `closeSSEStream`): the stream answering the
    /// request `requestId` (JSON text of the id), or without it the session's GET stream.
    /// False when there is no such live session or stream connection.
    #[napi]
    pub fn close_sse_stream(&self, session_id: String, request_id: Option<String>) -> napi::Result<bool> {
        let request = match request_id {
            Some(text) => {
                let value = crate::error::parse_json(&text, "request id")?;
                Some(RequestId::from_value(&value).ok_or_else(|| js_error("a request id is a string or an integer"))?)
            }
            None => None,
        };
        Ok(self.app.close_sse_stream(&session_id, request.as_ref()))
    }

    /// Calls `callback()` once the live session `sessionId` of this application has ended,
    /// whichever way (DELETE, idle expiry, a session bound making room, close, shutdown);
    /// false, without calling it, when there is no such session. Until then the callback is
    /// held, never keeping Node's event loop alive.
    #[napi]
    pub fn watch_session(&self, session_id: String, callback: Function<'_, (), ()>) -> napi::Result<bool> {
        let Some(ended) = self.app.session_ended(&session_id) else { return Ok(false) };
        let tell: SessionEndedFn =
            callback.build_threadsafe_function::<()>().weak::<true>().callee_handled::<false>().build()?;
        spawn(async move {
            ended.await;
            // The environment may be gone (the process ending): nobody is left to tell.
            let _ = tell.call((), ThreadsafeFunctionCallMode::NonBlocking);
        });
        Ok(true)
    }

    /// Hands a request to the engine (`headers`: a flat list, name then value, values as
    /// latin-1 strings, the way Node's `rawHeaders` gives them). `sessionId` names the session
    /// an `initialize` opens (the host's own id, instead of one the engine draws).
    /// `remoteAddress` and `remotePort` are the client's address (a socket's
    /// `remoteAddress`/`remotePort`), which the per-client bounds count a client by; an
    /// address that is not an IP address is no address. It starts at once; read the answer
    /// from the exchange.
    #[napi]
    #[allow(clippy::too_many_arguments, reason = "the parts of one request, as JavaScript passes them")]
    pub fn start(
        &self,
        method: String,
        target: String,
        headers: Vec<String>,
        body: Buffer,
        session_id: Option<String>,
        remote_address: Option<String>,
        remote_port: Option<u32>,
    ) -> NativeExchange {
        let mut flat = headers.into_iter();
        let mut headers = Vec::with_capacity(flat.len() / 2);
        while let (Some(name), Some(value)) = (flat.next(), flat.next()) {
            headers.push((name, latin1(&value)));
        }
        let remote = remote_address.as_deref().and_then(HostRequest::parse_remote).map(|address| {
            let port = remote_port.and_then(|p| u16::try_from(p).ok()).unwrap_or(address.port());
            SocketAddr::new(address.ip(), port)
        });
        let request = HostRequest { method, target, headers, body: body.to_vec(), remote };
        let (head_tx, head_rx) = oneshot::channel();
        let exchange = NativeExchange {
            head: std::sync::Mutex::new(Some(head_rx)),
            body: Arc::new(Mutex::new(None)),
            gone: CancellationToken::new(),
        };
        let (app, slot, gone) = (self.app.clone(), exchange.body.clone(), exchange.gone.clone());
        spawn(async move {
            let answered = tokio::select! {
                answered = app.handle_hosted_with(request, HostedOptions { session_id }) => answered,
                () = gone.cancelled() => return,
            };
            let head = match answered {
                Ok(mut response) => {
                    let status = u32::from(response.status);
                    let mut headers = Vec::with_capacity(response.headers.len() * 2);
                    for (name, value) in &response.headers {
                        headers.push(name.clone());
                        headers.push(value.iter().map(|&b| char::from(b)).collect());
                    }
                    let body = if response.is_event_stream() {
                        *slot.lock().await = Some(response);
                        None
                    } else {
                        tokio::select! {
                            body = response.read_whole() => Some(Buffer::from(body)),
                            () = gone.cancelled() => return,
                        }
                    };
                    Ok(HostedHead { status, headers, body })
                }
                Err(e) => Err(e.to_string()),
            };
            let _ = head_tx.send(head);
        });
        exchange
    }

    /// Stops this application only (its sessions end, its running requests get the grace
    /// period; later requests are answered 503), the server going on; resolves once its
    /// requests have finished or been cancelled and answered.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, ()>> {
        let app = self.app.clone();
        app.close();
        env.spawn_future(async move {
            app.drained().await;
            Ok(())
        })
    }

    /// Shuts the server down gracefully; resolves once every running request of this
    /// application has finished or been cancelled and answered.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn shutdown<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, ()>> {
        let app = self.app.clone();
        app.shutdown();
        env.spawn_future(async move {
            app.drained().await;
            Ok(())
        })
    }
}

#[napi]
impl NativeExchange {
    /// The answer's head (once); rejects when the request could not be handed over (a bad
    /// method or target) or was cancelled first.
    #[napi(ts_return_type = "Promise<HostedHead>")]
    pub fn head<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, HostedHead>> {
        let head = self.head.lock().unwrap_or_else(|e| e.into_inner()).take();
        let head = head.ok_or_else(|| js_error("the head of this exchange was already read"))?;
        env.spawn_future(async move {
            match head.await {
                Ok(Ok(head)) => Ok(head),
                Ok(Err(e)) => Err(js_error(e)),
                Err(_) => Err(js_error("the exchange was cancelled")),
            }
        })
    }

    /// The next piece of the body, or `null` at its end (or once cancelled). A JSON answer is
    /// one chunk; an SSE stream one chunk per event, each when it is ready.
    #[napi(ts_return_type = "Promise<Buffer | null>")]
    pub fn next_chunk<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Option<Buffer>>> {
        let (body, gone) = (self.body.clone(), self.gone.clone());
        env.spawn_future(async move {
            let mut body = body.lock().await;
            let Some(response) = body.as_mut() else { return Ok(None) };
            let chunk = tokio::select! {
                chunk = response.next_chunk() => chunk,
                () = gone.cancelled() => None,
            };
            if chunk.is_none() {
                // Ended or abandoned: dropping the answer is the client going away.
                body.take();
            }
            Ok(chunk.map(|c| Buffer::from(c.to_vec())))
        })
    }

    /// The client went away: the request is abandoned (cancelled where the protocol says a
    /// disconnect cancels) and its answer dropped.
    #[napi]
    pub fn cancel(&self) {
        self.gone.cancel();
        let body = self.body.clone();
        spawn(async move {
            body.lock().await.take();
        });
    }
}

/// A header value as Node gives it (one char per byte) back to bytes; characters past
/// U+00FF (which Node would refuse to send) become `?`.
fn latin1(value: &str) -> Vec<u8> {
    value.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
}

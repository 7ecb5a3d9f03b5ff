//! `NativeHttpApp`: the engine's HTTP application (`HttpApp`) for `mcpforge.asgi`, which hands
//! it each request an ASGI server (uvicorn, hypercorn, ... under Starlette or FastAPI)
//! received. The engine does the work (both eras, SSE, sessions, resumption, the
//! `Host`/`Origin` and token checks); Python only moves bytes between the ASGI messages and
//! a `NativeExchange`, whose answer is read chunk by chunk, each chunk reported on the
//! caller's asyncio loop through a `callback(ok, value)`.

use std::net::SocketAddr;
use std::sync::Arc;

use mcpforge::HttpApp;
use mcpforge::transport::http::{HostRequest, HostResponse};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use tokio_util::sync::CancellationToken;

use crate::reply::spawn_reply;

/// An answer's head: the status, the headers (name, value), and the whole body when it is
/// not an event stream (a JSON answer is read at once, so the adapter sends it in one piece).
type Head = (u16, Vec<(String, Vec<u8>)>, Option<Vec<u8>>);

/// The engine's HTTP application, mounted in an ASGI server.
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeHttpApp {
    app: HttpApp,
}

impl NativeHttpApp {
    pub fn new(app: HttpApp) -> NativeHttpApp {
        NativeHttpApp { app }
    }
}

/// One request in progress: its answer's head is reported once, then its body chunk by
/// chunk; `cancel()` is the client going away.
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeExchange {
    /// The answer once its head is ready; one reader at a time.
    response: Arc<tokio::sync::Mutex<Option<HostResponse>>>,
    /// Tripped by `cancel()`: the request (or the reading of its answer) is abandoned.
    gone: CancellationToken,
}

#[pymethods]
impl NativeHttpApp {
    /// The most request-body bytes the engine reads (`max_body`); an ASGI adapter stops
    /// collecting one byte past it, and the engine answers 413.
    #[getter]
    fn max_body(&self) -> usize {
        self.app.options().max_body
    }

    /// The Streamable HTTP endpoint's path (`path`), relative to where the app is mounted.
    #[getter]
    fn path(&self) -> String {
        self.app.options().path.clone()
    }

    /// The 2024-11-05 HTTP+SSE transport's stream and message paths (`sse_path`,
    /// `messages_path`), or None when that transport is off (`legacy_sse`).
    #[getter]
    fn legacy_sse_paths(&self) -> Option<(String, String)> {
        let o = self.app.options();
        o.legacy_sse.then(|| (o.sse_path.clone(), o.messages_path.clone()))
    }

    /// How long a session may stay idle before it is closed, in seconds.
    #[getter]
    fn session_idle_timeout(&self) -> f64 {
        self.app.options().session_idle_timeout.as_secs_f64()
    }

    /// The most sessions kept at once (`max_sessions`).
    #[getter]
    fn max_sessions(&self) -> usize {
        self.app.options().max_sessions
    }

    /// Shuts the server down gracefully and calls `done(True, None)` once every running
    /// request of this application has finished or been cancelled and answered.
    fn shutdown(&self, done: Py<PyAny>) {
        let app = self.app.clone();
        app.shutdown();
        spawn_reply(async move { app.drained().await }, done, |py, ()| Ok(py.None().into_bound(py)));
    }

    /// Hands a request to the engine. `head(True, (status, [(name, value), ...], body))` once
    /// the answer's head is ready (names and values as bytes; `body` is the whole body as
    /// bytes, or None for an event stream, to be read with `next_chunk`), `head(False, exc)`
    /// when the request cannot be handed over, `head(True, None)` after `cancel()`. `client`
    /// is the ASGI scope's `(host, port)`, the client's address, which the per-client bounds
    /// count a client by; a host that is not an IP address (a unix socket) is no address.
    #[pyo3(signature = (method, target, headers, body, head, client=None))]
    fn handle(
        &self,
        method: String,
        target: String,
        headers: Vec<(Vec<u8>, Vec<u8>)>,
        body: Vec<u8>,
        head: Py<PyAny>,
        client: Option<(String, u16)>,
    ) -> NativeExchange {
        let headers = headers.into_iter().map(|(n, v)| (String::from_utf8_lossy(&n).into_owned(), v)).collect();
        let remote = client.and_then(|(host, port)| {
            HostRequest::parse_remote(&host).map(|address| SocketAddr::new(address.ip(), port))
        });
        let request = HostRequest { method, target, headers, body, remote };
        let exchange =
            NativeExchange { response: Arc::new(tokio::sync::Mutex::new(None)), gone: CancellationToken::new() };
        let (app, slot, gone) = (self.app.clone(), exchange.response.clone(), exchange.gone.clone());
        let work = async move {
            let answered = tokio::select! {
                answered = app.handle_hosted(request) => answered,
                () = gone.cancelled() => return Ok(None),
            };
            let mut response = answered.map_err(|e| e.to_string())?;
            if response.is_event_stream() {
                let head = (response.status, response.headers.clone(), None);
                *slot.lock().await = Some(response);
                return Ok(Some(head));
            }
            let body = tokio::select! {
                body = response.read_whole() => body,
                () = gone.cancelled() => return Ok(None),
            };
            Ok(Some((response.status, std::mem::take(&mut response.headers), Some(body))))
        };
        spawn_reply(work, head, |py, out: Result<Option<Head>, String>| {
            let Some((status, headers, body)) = out.map_err(PyValueError::new_err)? else {
                return Ok(py.None().into_bound(py));
            };
            let list = PyList::empty(py);
            for (name, value) in headers {
                list.append((PyBytes::new(py, name.as_bytes()), PyBytes::new(py, &value)))?;
            }
            let body = match body {
                Some(body) => PyBytes::new(py, &body).into_any(),
                None => py.None().into_bound(py),
            };
            Ok(PyTuple::new(py, [status.into_pyobject(py)?.into_any(), list.into_any(), body])?.into_any())
        });
        exchange
    }
}

#[pymethods]
impl NativeExchange {
    /// Reads the next piece of the answer's body: `done(True, bytes)`, or `done(True, None)`
    /// at its end (or once cancelled).
    fn next_chunk(&self, done: Py<PyAny>) {
        let (slot, gone) = (self.response.clone(), self.gone.clone());
        let work = async move {
            let mut response = slot.lock().await;
            let response = response.as_mut()?;
            tokio::select! {
                chunk = response.next_chunk() => chunk,
                () = gone.cancelled() => None,
            }
        };
        spawn_reply(work, done, |py, chunk: Option<mcpforge::transport::http::Bytes>| {
            Ok(match chunk {
                Some(data) => PyBytes::new(py, &data).into_any(),
                None => py.None().into_bound(py),
            })
        });
    }

    /// The client went away: the request is abandoned (cancelled where the protocol says a
    /// disconnect cancels) and the answer dropped.
    fn cancel(&self) {
        self.gone.cancel();
        // Without a reader the answer is dropped here; a reader holding it (a pending
        // `next_chunk`) sees `gone` and lets go, so the drop waits for it.
        if let Ok(mut response) = self.response.try_lock() {
            response.take();
            return;
        }
        let slot = self.response.clone();
        crate::runtime::runtime().spawn(async move {
            slot.lock().await.take();
        });
    }
}

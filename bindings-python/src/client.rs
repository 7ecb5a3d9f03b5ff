//! `NativeClient`: the engine's in-memory client for Python tests (`mcpforge.testing`): real
//! JSON-RPC through the real engine over an in-process pipe. Requests run concurrently;
//! notifications and server requests are read from one queue.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcpforge::{MemoryClient, ProtocolError};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::convert::{from_py, to_py};
use crate::interpreter::attach;
use crate::reply::spawn_reply;
use crate::runtime::runtime;

/// A connected in-memory client.
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeClient {
    client: Mutex<Option<Arc<MemoryClient>>>,
    messages: Arc<tokio::sync::Mutex<UnboundedReceiver<Value>>>,
}

impl NativeClient {
    /// Connects to `server`.
    pub fn connect(server: &mcpforge::Server) -> NativeClient {
        let _entered = runtime().enter();
        let mut client = server.connect_memory();
        let messages = client.take_messages();
        NativeClient {
            client: Mutex::new(Some(Arc::new(client))),
            messages: Arc::new(tokio::sync::Mutex::new(messages)),
        }
    }

    fn client(&self) -> PyResult<Arc<MemoryClient>> {
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| PyRuntimeError::new_err("the client is closed"))
    }
}

impl NativeClient {
    /// Sends one request (answering for the caller when `answering`), its whole final
    /// response going to `callback`.
    fn send(
        &self,
        id: &Bound<'_, PyAny>,
        method: String,
        params: &Bound<'_, PyAny>,
        callback: Py<PyAny>,
        answering: bool,
    ) -> PyResult<()> {
        let client = self.client()?;
        let id = request_id(id)?;
        let params = json_arg(params)?;
        let work = async move {
            if answering {
                client.request_answering(id, &method, params).await
            } else {
                client.request_with_id(id, &method, params).await
            }
        };
        spawn_reply(work, callback, |py, response| to_py(py, &response));
        Ok(())
    }
}

/// A request id from Python: a str or an int.
fn request_id(id: &Bound<'_, PyAny>) -> PyResult<Value> {
    let id = from_py(id)?;
    if !(id.is_string() || id.is_i64() || id.is_u64()) {
        return Err(pyo3::exceptions::PyValueError::new_err("a request id is a str or an int"));
    }
    Ok(id)
}

/// A write into the connection as the callback's outcome: `None`, or why it failed.
fn written<'py>(py: Python<'py>, sent: std::io::Result<()>) -> PyResult<Bound<'py, PyAny>> {
    match sent {
        Ok(()) => Ok(py.None().into_bound(py)),
        Err(e) => Err(PyRuntimeError::new_err(format!("the connection is closed: {e}"))),
    }
}

fn json_arg(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if obj.is_none() { Ok(Value::Null) } else { from_py(obj) }
}

#[pymethods]
impl NativeClient {
    /// Sends a request with the id `id` (a str or int the caller keeps unique);
    /// `callback(True, response)` gets the whole response message (`{"jsonrpc", "id",
    /// "result" | "error"}`).
    fn request(
        &self,
        id: &Bound<'_, PyAny>,
        method: String,
        params: &Bound<'_, PyAny>,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        self.send(id, method, params, callback, false)
    }

    /// As `request`, answering for the caller as the engine's test client does on both
    /// wires (`MemoryClient::request_answering`): a 2026-07-28 `input_required` result is
    /// answered by the `on_request` responder and the request sent again with the same id;
    /// `callback(True, response)` gets the final response message.
    fn request_answering(
        &self,
        id: &Bound<'_, PyAny>,
        method: String,
        params: &Bound<'_, PyAny>,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        self.send(id, method, params, callback, true)
    }

    /// Sends a notification; `callback(True, None)` once written.
    fn notify(&self, method: String, params: &Bound<'_, PyAny>, callback: Py<PyAny>) -> PyResult<()> {
        let client = self.client()?;
        let params = json_arg(params)?;
        let work = async move { client.notify(&method, params).await };
        spawn_reply(work, callback, written);
        Ok(())
    }

    /// Writes `line`, one JSON-RPC message or several (newline-delimited), into the
    /// connection as a pipe would carry it, registering no waiter: the answers to requests
    /// sent this way come out of `next_message`, in the order the engine wrote them behind
    /// their notifications. `callback(True, None)` once written.
    fn send_raw(&self, line: String, callback: Py<PyAny>) -> PyResult<()> {
        let client = self.client()?;
        let work = async move { client.send_raw(&line).await };
        spawn_reply(work, callback, written);
        Ok(())
    }

    /// The next notification, server request or unmatched response, waiting up to
    /// `timeout` seconds (`None`: until one comes or the connection ends);
    /// `callback(True, message or None)`.
    #[pyo3(signature = (timeout, callback))]
    fn next_message(&self, timeout: Option<f64>, callback: Py<PyAny>) {
        let messages = self.messages.clone();
        let wait = timeout.map(|t| Duration::try_from_secs_f64(t).unwrap_or_default());
        let work = async move {
            let mut queue = messages.lock().await;
            match wait {
                Some(wait) => tokio::time::timeout(wait, queue.recv()).await.ok().flatten(),
                None => queue.recv().await,
            }
        };
        spawn_reply(work, callback, |py, message| match message {
            Some(m) => to_py(py, &m),
            None => Ok(py.None().into_bound(py)),
        });
    }

    /// Answers the server's requests (sampling, elicitation, roots) on legacy sessions with
    /// `responder(method, params)`: its return value is the result; a raised
    /// `mcpforge.McpError` becomes the error. Runs on an engine thread, which it holds while
    /// Python runs (test code only).
    fn on_request(&self, responder: Py<PyAny>) -> PyResult<()> {
        let client = self.client()?;
        client.on_request(move |method, params| {
            tokio::task::block_in_place(|| {
                attach(|py| {
                    let answered = to_py(py, params).and_then(|p| responder.bind(py).call1((method, p)));
                    match answered.and_then(|r| from_py(&r)) {
                        Ok(v) => Ok(v),
                        Err(e) => Err(refusal(py, &e)),
                    }
                })
                .unwrap_or_else(|| Err(ProtocolError::internal("the Python interpreter is exiting")))
            })
        });
        Ok(())
    }

    /// Closes the client's end (the server sees EOF); `callback(True, None)` when the server
    /// finished serving this connection.
    fn close(&self, callback: Py<PyAny>) {
        let client = self.client.lock().unwrap_or_else(|p| p.into_inner()).take();
        let work = async move {
            match client.map(Arc::into_inner) {
                Some(Some(c)) => c.close().await.map_err(|e| e.to_string()),
                // Requests still hold it: it closes when the last of them ends.
                _ => Ok(()),
            }
        };
        spawn_reply(work, callback, |py, closed| match closed {
            Ok(()) => Ok(py.None().into_bound(py)),
            Err(e) => Err(PyRuntimeError::new_err(e)),
        });
    }
}

/// A responder's exception as the JSON-RPC error sent back to the server.
fn refusal(py: Python<'_>, e: &PyErr) -> ProtocolError {
    let value = e.value(py);
    let code = value.getattr("code").and_then(|c| c.extract::<i64>());
    let message = value.getattr("message").and_then(|m| m.extract::<String>());
    match (code, message) {
        (Ok(code), Ok(message)) => ProtocolError::new(code, message),
        _ => ProtocolError::internal(value.to_string()),
    }
}

//! `NativeInbox`: where the engine leaves what a Python client's asyncio loop must see (a
//! call's outcome, a request from the server, a notification), and `NativeReply`, the answer
//! the loop gives to a server's request. Engine threads never take the interpreter for
//! this: they append to a queue and, when it was empty, write one byte to a socket whose
//! other end the loop watches (`loop.add_reader`); the loop then takes the whole queue at
//! once and converts it to Python objects itself. Many outcomes ready together cost one
//! wake-up and one crossing.

use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mcpforge::ProtocolError;
use mcpforge::client::{ClientError, Notification};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::convert::{from_py, to_py};

/// Notifications left in the inbox, not yet taken by the loop, past which more are dropped
/// (counted): a server that floods notifications cannot grow the client's memory without
/// end while its loop is busy.
pub const MAX_WAITING_NOTICES: usize = 4096;

/// Makes a Python object with the interpreter held.
pub type MakeObject = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyAny>> + Send>;

/// How a finished call ends on the Python side.
pub enum Outcome {
    /// A result (JSON).
    Json(Value),
    /// Nothing to return (`None`).
    Nothing,
    /// A Python object, made when the loop takes it (a connected client).
    Object(MakeObject),
}

/// One thing for the loop.
pub enum Arrival {
    /// The call `token` ended.
    Done { token: u64, outcome: Result<Outcome, ClientError> },
    /// The server asks `method`; the loop answers through `reply`.
    Ask { method: String, params: Value, reply: oneshot::Sender<Result<Value, ProtocolError>> },
    /// A notification from the server.
    Notice(Notification),
}

/// The queue and the socket's writing end, shared with the engine's tasks.
pub struct Shared {
    queue: Mutex<Vec<Arrival>>,
    writer: UnixStream,
    notices: AtomicUsize,
    dropped: AtomicU64,
}

impl Shared {
    /// Leaves `arrival` for the loop, waking it when the queue was empty.
    pub fn push(&self, arrival: Arrival) {
        if matches!(arrival, Arrival::Notice(_)) {
            if self.notices.load(Ordering::Relaxed) >= MAX_WAITING_NOTICES {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            self.notices.fetch_add(1, Ordering::Relaxed);
        }
        let was_empty = {
            let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            queue.push(arrival);
            queue.len() == 1
        };
        if was_empty {
            // A full socket already holds a wake-up the loop has not read: nothing lost.
            let _ = (&self.writer).write(&[1]);
        }
    }
}

/// The inbox of one client (see the module docs).
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeInbox {
    shared: Arc<Shared>,
    reader: UnixStream,
}

impl NativeInbox {
    /// The side the engine's tasks push to.
    pub fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }
}

#[pymethods]
impl NativeInbox {
    #[new]
    fn new() -> PyResult<NativeInbox> {
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        let shared =
            Shared { queue: Mutex::default(), writer, notices: AtomicUsize::new(0), dropped: AtomicU64::new(0) };
        Ok(NativeInbox { shared: Arc::new(shared), reader })
    }

    /// The descriptor the loop watches for reading.
    fn fileno(&self) -> i32 {
        self.reader.as_raw_fd()
    }

    /// How many notifications were dropped because the loop had not taken
    /// [`MAX_WAITING_NOTICES`] already.
    fn dropped_notifications(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Everything waiting, oldest first, as tuples: `(0, token, True, result)` or
    /// `(0, token, False, (code, message, data))` for a call's end, `(1, method, params,
    /// reply)` for a server request, `(2, method, params, None)` for a notification. Reads
    /// the wake-up bytes first, so an arrival after this call wakes the loop again.
    fn take<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let mut bytes = [0u8; 256];
        loop {
            match (&self.reader).read(&mut bytes) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let arrivals = std::mem::take(&mut *self.shared.queue.lock().unwrap_or_else(|p| p.into_inner()));
        let out = PyList::empty(py);
        for arrival in arrivals {
            let item = match arrival {
                Arrival::Done { token, outcome } => {
                    let (ok, value) = match outcome {
                        Ok(Outcome::Json(v)) => (true, to_py(py, &v)?),
                        Ok(Outcome::Nothing) => (true, py.None().into_bound(py)),
                        Ok(Outcome::Object(make)) => (true, make(py)?),
                        Err(e) => (false, failure(py, &e)?),
                    };
                    (0u8, token, ok, value).into_pyobject(py)?
                }
                Arrival::Ask { method, params, reply } => {
                    let reply = NativeReply { sender: Mutex::new(Some(reply)) };
                    (1u8, method, to_py(py, &params)?, Bound::new(py, reply)?).into_pyobject(py)?
                }
                Arrival::Notice(n) => {
                    self.shared.notices.fetch_sub(1, Ordering::Relaxed);
                    (2u8, n.method, to_py(py, &n.params)?, py.None()).into_pyobject(py)?
                }
            };
            out.append(item)?;
        }
        Ok(out)
    }
}

/// The JSON-RPC error codes the official SDKs give a closed connection and a timeout.
const CONNECTION_CLOSED: i64 = -32000;
const REQUEST_TIMEOUT: i64 = -32001;

/// A client error as `(code, message, data)`: the server's own error as it came; a timeout,
/// a closed connection or a transport failure with the codes the official SDKs use; an
/// answer the client refused as an internal error.
fn failure<'py>(py: Python<'py>, error: &ClientError) -> PyResult<Bound<'py, PyAny>> {
    let (code, data) = match error {
        ClientError::Server(e) => (e.code, e.data.clone()),
        ClientError::Timeout { .. } => (REQUEST_TIMEOUT, None),
        ClientError::Closed | ClientError::Transport(_) => (CONNECTION_CLOSED, None),
        _ => (mcpforge::error::codes::INTERNAL_ERROR, None),
    };
    let message = match error {
        ClientError::Server(e) => e.message.clone(),
        other => other.to_string(),
    };
    let data = match data {
        Some(d) => to_py(py, &d)?,
        None => py.None().into_bound(py),
    };
    Ok(PyTuple::new(py, [code.into_pyobject(py)?.into_any(), message.into_pyobject(py)?.into_any(), data])?.into_any())
}

/// The answer to one server request, given once by the loop.
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeReply {
    sender: Mutex<Option<oneshot::Sender<Result<Value, ProtocolError>>>>,
}

impl NativeReply {
    fn send(&self, answer: Result<Value, ProtocolError>) -> PyResult<bool> {
        let sender = self.sender.lock().unwrap_or_else(|p| p.into_inner()).take();
        match sender {
            Some(sender) => Ok(sender.send(answer).is_ok()),
            None => Err(PyRuntimeError::new_err("this request was answered already")),
        }
    }
}

#[pymethods]
impl NativeReply {
    /// Answers with `result` (JSON-able); False when the server no longer waits (it
    /// cancelled the request, or the connection ended).
    fn result(&self, result: &Bound<'_, PyAny>) -> PyResult<bool> {
        let value = from_py(result)?;
        self.send(Ok(value))
    }

    /// Answers with a JSON-RPC error; False when the server no longer waits.
    #[pyo3(signature = (code, message, data=None))]
    fn error(&self, code: i64, message: String, data: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
        let mut error = ProtocolError::new(code, message);
        if let Some(data) = data.filter(|d| !d.is_none()) {
            error.data = Some(from_py(data)?);
        }
        self.send(Err(error))
    }

    /// Whether the server still waits for the answer.
    fn is_waiting(&self) -> bool {
        self.sender.lock().unwrap_or_else(|p| p.into_inner()).as_ref().is_some_and(|s| !s.is_closed())
    }
}

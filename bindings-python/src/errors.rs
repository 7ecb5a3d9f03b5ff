//! Errors across the boundary: the engine's errors as Python exceptions (the classes of
//! `mcpforge.errors`, or built-in ones for setup failures), and the tagged outcomes Python
//! handlers return read back as `HandlerError`s.

use mcpforge::{HandlerError, ProtocolError, ToolError};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyTuple, PyType};
use serde_json::Value;

use crate::convert::{from_py, to_py};

/// Outcome tags of a Python handler's `(tag, payload)` result, defined here only: the
/// native module exports them by name ([`tag::ALL`]), and the package reads them there.
pub mod tag {
    /// A plain value (tools only).
    pub const VALUE: u8 = 0;
    /// The kind's full result (a `CallToolResult`, resource contents, ...).
    pub const RESULT: u8 = 1;
    /// A tool error: `(message, data)`.
    pub const TOOL_ERROR: u8 = 2;
    /// A JSON-RPC error: `(code, message, data)`.
    pub const PROTOCOL_ERROR: u8 = 3;
    /// The handler stopped at an unanswered client-input ask.
    pub const INPUT_REQUIRED: u8 = 4;
    /// A list of content blocks (tools only).
    pub const CONTENT: u8 = 5;
    /// Raw bytes, whose content block the engine picks (tools only; `ToolOutput::Bytes`).
    pub const BYTES: u8 = 6;

    /// Every tag by the name the native module exports it under.
    pub const ALL: [(&str, u8); 7] = [
        ("TAG_VALUE", VALUE),
        ("TAG_RESULT", RESULT),
        ("TAG_TOOL_ERROR", TOOL_ERROR),
        ("TAG_PROTOCOL_ERROR", PROTOCOL_ERROR),
        ("TAG_INPUT_REQUIRED", INPUT_REQUIRED),
        ("TAG_CONTENT", CONTENT),
        ("TAG_BYTES", BYTES),
    ];
}

fn class<'py>(py: Python<'py>, cell: &'static PyOnceLock<Py<PyType>>, name: &str) -> PyResult<Bound<'py, PyType>> {
    Ok(cell.import(py, "mcpforge.errors", name)?.clone())
}

fn data_py<'py>(py: Python<'py>, data: &Option<Value>) -> PyResult<Bound<'py, PyAny>> {
    match data {
        Some(d) => to_py(py, d),
        None => Ok(py.None().into_bound(py)),
    }
}

/// A JSON-RPC error as `mcpforge.ProtocolError(code, message, data)`.
pub fn protocol_to_py(py: Python<'_>, e: &ProtocolError) -> PyErr {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let built = (|| {
        let cls = class(py, &CLASS, "ProtocolError")?;
        cls.call1((e.code, e.message.as_str(), data_py(py, &e.data)?))
    })();
    match built {
        Ok(obj) => PyErr::from_value(obj),
        Err(err) => err,
    }
}

/// A handler failure (from an engine call such as `elicit`) as a Python exception:
/// `ToolError`, `ProtocolError`, or the `InputRequired` signal that unwinds a handler on
/// the 2026 wire.
pub fn handler_to_py(py: Python<'_>, e: &HandlerError) -> PyErr {
    static TOOL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let built = (|| match e {
        HandlerError::Tool(t) => class(py, &TOOL, "ToolError")?.call1((t.message.as_str(), data_py(py, &t.data)?)),
        HandlerError::Protocol(p) => Ok(protocol_to_py(py, p).into_value(py).into_bound(py).into_any()),
        HandlerError::InputRequired => class(py, &INPUT, "InputRequired")?.call0(),
        _ => Err(PyRuntimeError::new_err(e.to_string())),
    })();
    match built {
        Ok(obj) => PyErr::from_value(obj),
        Err(err) => err,
    }
}

/// A setup or transport error of the engine as a built-in Python exception.
pub fn engine_to_py(e: mcpforge::Error) -> PyErr {
    match e {
        mcpforge::Error::Io(io) => PyOSError::new_err(io.to_string()),
        other => PyValueError::new_err(other.to_string()),
    }
}

/// Reads a Python handler's `(tag, payload)` outcome. `ok` maps the success tags; the
/// error tags are the same for every kind of handler.
pub fn decode<T>(
    outcome: &Bound<'_, PyAny>,
    ok: impl FnOnce(u8, &Bound<'_, PyAny>) -> PyResult<T>,
) -> Result<T, HandlerError> {
    let read = || -> PyResult<Result<T, HandlerError>> {
        let pair = outcome.cast::<PyTuple>()?;
        let tag: u8 = pair.get_item(0)?.extract()?;
        let payload = pair.get_item(1)?;
        Ok(match tag {
            tag::TOOL_ERROR => {
                let (message, data): (String, Bound<'_, PyAny>) = payload.extract()?;
                let data = if data.is_none() { None } else { Some(from_py(&data)?) };
                Err(HandlerError::Tool(ToolError { message, data, refusal: None }))
            }
            tag::PROTOCOL_ERROR => {
                let (code, message, data): (i64, String, Bound<'_, PyAny>) = payload.extract()?;
                let data = if data.is_none() { None } else { Some(from_py(&data)?) };
                Err(HandlerError::Protocol(ProtocolError { code, message, data }))
            }
            tag::INPUT_REQUIRED => Err(HandlerError::InputRequired),
            other => Ok(ok(other, &payload)?),
        })
    };
    read().unwrap_or_else(|err| Err(internal(outcome.py(), err)))
}

/// A Python exception the handler wrapper did not turn into an outcome (a bug, or a result
/// that cannot be sent): logged with its traceback on stderr, answered as an internal error
/// without details.
pub fn internal(py: Python<'_>, err: PyErr) -> HandlerError {
    let message = err.value(py).to_string();
    tracing::error!(error = %message, "a Python handler's result could not be used");
    err.print(py);
    HandlerError::Protocol(ProtocolError::internal(message))
}

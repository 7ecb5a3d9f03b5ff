//! Plain synchronous tools called without their Python wrapper: for a tool that takes
//! neither a `Context` nor converted, `Field`-defaulted or excluded parameters, the engine
//! builds the keyword arguments itself, calls the function, and reads a `str` result on its
//! own. Anything else it returns, and any exception it raises, goes through the tool's
//! Python finisher or failure handler (`mcpforge/_invoke.py`, `direct_tool`), with the
//! request's native context made only then. The call still runs inline or on the worker
//! pool as every synchronous handler does (`callbacks.rs`).

use std::sync::Arc;

use mcpforge::{Arguments, BoxFuture, HandlerError, RequestContext, ToolHandler, ToolOutput};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use serde_json::Value;

use crate::callbacks::{Invoker, Slot, context_arg, tool_output};
use crate::convert::to_py;
use crate::errors::{decode, internal};

/// What a direct call needs besides the function: shared by its calls.
struct Parts {
    /// The function.
    func: Arc<Slot>,
    /// The parameters it takes by name, sorted, each with the function's own name object
    /// (CPython matches a keyword by identity before it compares text); None when it takes
    /// `**kwargs`, which passes every argument.
    names: Option<Vec<(String, Py<PyString>)>>,
    /// `rest(value, native_ctx)`: the outcome of a result that is not a `str`.
    rest: Arc<Slot>,
    /// `failed(exception, native_ctx)`: the outcome of an exception the function raised.
    failed: Arc<Slot>,
}

/// A plain synchronous Python tool, called directly.
pub struct DirectTool {
    invoker: Invoker,
    parts: Arc<Parts>,
}

impl DirectTool {
    /// The tool `func` (run through `invoker`, which paces and queues its calls) taking the
    /// parameters `names` (None: any), finished by `rest` and `failed`.
    pub fn new(
        py: Python<'_>,
        invoker: Invoker,
        func: Arc<Slot>,
        names: Option<Vec<Py<PyString>>>,
        rest: Arc<Slot>,
        failed: Arc<Slot>,
    ) -> PyResult<DirectTool> {
        let names = match names {
            Some(names) => {
                let mut named = names
                    .into_iter()
                    .map(|n| Ok((n.bind(py).to_cow()?.into_owned(), n)))
                    .collect::<PyResult<Vec<_>>>()?;
                named.sort_by(|a, b| a.0.cmp(&b.0));
                Some(named)
            }
            None => None,
        };
        Ok(DirectTool { invoker, parts: Arc::new(Parts { func, names, rest, failed }) })
    }
}

impl ToolHandler for DirectTool {
    fn call(&self, ctx: RequestContext, args: Arguments) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        let parts = self.parts.clone();
        self.invoker.run_sync(Some(ctx), move |py, ctx| parts.call(py, ctx, &args))
    }
}

impl Parts {
    /// One call, attached to the interpreter.
    fn call(&self, py: Python<'_>, ctx: Option<RequestContext>, args: &Arguments) -> Result<ToolOutput, HandlerError> {
        let prepared = self.func.get(py).and_then(|func| Ok((func, self.kwargs(py, args.value())?)));
        let (func, kwargs) = prepared.map_err(|e| internal(py, e))?;
        let outcome = match func.call((), Some(&kwargs)) {
            Ok(value) => {
                // The commonest result, read here; a str is never an `InputRequiredResult`.
                if let Ok(text) = value.cast_exact::<PyString>() {
                    return match text.to_cow() {
                        Ok(text) => Ok(ToolOutput::Json(Value::String(text.into_owned()))),
                        Err(e) => Err(internal(py, e)),
                    };
                }
                self.rest.get(py).and_then(|rest| rest.call1(PyTuple::new(py, [value, context_arg(py, ctx, false)?])?))
            }
            Err(e) => self.failed.get(py).and_then(|failed| {
                failed.call1(PyTuple::new(
                    py,
                    [e.into_value(py).into_bound(py).into_any(), context_arg(py, ctx, false)?],
                )?)
            }),
        };
        match outcome {
            Ok(outcome) => decode(&outcome, tool_output),
            Err(e) => Err(internal(py, e)),
        }
    }

    /// The call's keyword arguments: the arguments the function takes, by its own names.
    fn kwargs<'py>(&self, py: Python<'py>, args: &Value) -> PyResult<Bound<'py, PyDict>> {
        let kwargs = PyDict::new(py);
        let Some(map) = args.as_object() else {
            return Err(pyo3::exceptions::PyTypeError::new_err("tool arguments must be an object"));
        };
        for (key, value) in map {
            match &self.names {
                Some(names) => {
                    if let Ok(at) = names.binary_search_by(|(n, _)| n.as_str().cmp(key)) {
                        kwargs.set_item(names[at].1.bind(py), to_py(py, value)?)?;
                    }
                }
                None => kwargs.set_item(PyString::new(py, key), to_py(py, value)?)?,
            }
        }
        Ok(kwargs)
    }
}

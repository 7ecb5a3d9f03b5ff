//! Plain synchronous tools called without their Python wrapper: for a tool that takes
//! neither a `Context` nor converted, `Field`-defaulted or excluded parameters, the engine
//! builds the arguments itself (a tuple when the call gives every parameter of a function
//! that takes each by position too, else keyword arguments), calls the function, and reads a
//! `str` result on its own. Anything else it returns, and any exception it raises, goes
//! through the tool's Python finisher or failure handler (`mcpforge/_invoke.py`,
//! `direct_tool`), with the request's native context made only then. The call still runs inline or on the worker
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
    /// The parameters in the function's own order when each may be given by position too: a
    /// call whose arguments are exactly these passes them as a tuple (no dict built and
    /// unpacked by the interpreter; `mcpforge._invoke._positional` decides).
    order: Option<Vec<String>>,
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
    /// parameters `names` (None: any; in the function's order and each positional too when
    /// `positional`), finished by `rest` and `failed`.
    pub fn new(
        py: Python<'_>,
        invoker: Invoker,
        func: Arc<Slot>,
        (names, positional): (Option<Vec<Py<PyString>>>, bool),
        rest: Arc<Slot>,
        failed: Arc<Slot>,
    ) -> PyResult<DirectTool> {
        let (names, order) = match names {
            Some(names) => {
                let named = names
                    .into_iter()
                    .map(|n| Ok((n.bind(py).to_cow()?.into_owned(), n)))
                    .collect::<PyResult<Vec<_>>>()?;
                let order = positional.then(|| named.iter().map(|(name, _)| name.clone()).collect());
                let mut sorted = named;
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                (Some(sorted), order)
            }
            None => (None, None),
        };
        Ok(DirectTool { invoker, parts: Arc::new(Parts { func, names, order, rest, failed }) })
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
        let called = self.func.get(py).and_then(|func| match self.positional(py, args.value())? {
            Some(args) => Ok(func.call1(args)),
            None => Ok(func.call((), Some(&self.kwargs(py, args.value())?))),
        });
        let outcome = match called.map_err(|e| internal(py, e))? {
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

    /// The call's arguments as a tuple in the function's order, when it takes each by
    /// position and the call gives exactly its parameters; else None.
    fn positional<'py>(&self, py: Python<'py>, args: &Value) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let (Some(order), Some(map)) = (&self.order, args.as_object()) else {
            return Ok(None);
        };
        if map.len() != order.len() {
            return Ok(None);
        }
        let mut values = Vec::with_capacity(order.len());
        for name in order {
            match map.get(name) {
                Some(value) => values.push(to_py(py, value)?),
                None => return Ok(None),
            }
        }
        PyTuple::new(py, values).map(Some)
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

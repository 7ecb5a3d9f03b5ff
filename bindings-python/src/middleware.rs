//! Python middleware: the whole Python chain is one engine middleware, crossed once per
//! request. The engine calls the chain's starter (`mcpforge/middleware.py`) with the request
//! as a dict and a [`NativeNext`]; the chain runs on the asyncio loop, and its innermost
//! `call_next` hands the (possibly changed) parameters back to the engine through
//! `NativeNext.run`, whose result settles an asyncio future. The request's context goes
//! with it, so that a middleware (the drop-in layer's low-level handler tables) logs,
//! reports progress, asks the client and notifies on the request it answers.

use std::sync::{Arc, Mutex};

use mcpforge::{Answer, BoxFuture, HandlerError, Middleware, MiddlewareRequest, MiddlewareResult, Next, ProtocolError};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde_json::{Map, Value};
use tokio::task::AbortHandle;

use crate::callbacks::{Args, Invoker};
use crate::convert::{from_py, from_py_as, to_py};
use crate::errors::protocol_to_py;
use crate::inline::leave_worker;
use crate::interpreter::attach;
use crate::runtime::runtime;

/// The Python chain, behind the engine's `Middleware`.
pub struct PyMiddleware(pub Invoker);

/// Aborts the engine's run of the rest of the chain when the request is abandoned (the
/// engine drops this middleware's future on cancellation, timeout and shutdown).
struct AbortOnDrop(Arc<Mutex<Option<AbortHandle>>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(handle) = self.0.lock().unwrap_or_else(|p| p.into_inner()).take() {
            handle.abort();
        }
    }
}

/// The request as the Python chain (and the catalogue hook) reads it: the engine's JSON form
/// of it (`MiddlewareRequest`'s one spelling, camelCase), which `mcpforge/middleware.py`
/// turns into a `MiddlewareContext`.
pub(crate) fn request_json(req: &MiddlewareRequest) -> Value {
    req.to_json()
}

impl Middleware for PyMiddleware {
    fn handle<'a>(&'a self, req: MiddlewareRequest, next: Next) -> BoxFuture<'a, MiddlewareResult> {
        let is_tool_call = req.method() == "tools/call";
        let request = request_json(&req);
        let ctx = req.context().clone();
        let running = Arc::new(Mutex::new(None));
        let native = NativeNext { rest: Mutex::new(Some((next, req))), running: running.clone() };
        let args: Args = Box::new(move |py| Ok(vec![to_py(py, &request)?, Bound::new(py, native)?.into_any()]));
        let call = self.0.invoke(Some(ctx), args, |_, payload| from_py(payload));
        Box::pin(async move {
            let _abort = AbortOnDrop(running);
            match call.await {
                Ok(result) => Ok(Answer::result(result)),
                Err(HandlerError::Tool(e)) if is_tool_call => Ok(Answer::tool_error(e.message)),
                Err(HandlerError::Tool(e)) => Err(ProtocolError::internal(e.message)),
                Err(HandlerError::Protocol(p)) => Err(p),
                Err(other) => Err(ProtocolError::internal(other.to_string())),
            }
        })
    }
}

/// The rest of the chain after the Python middleware: the engine's own serving of the
/// request. `run` may be called once.
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeNext {
    rest: Mutex<Option<(Next, MiddlewareRequest)>>,
    running: Arc<Mutex<Option<AbortHandle>>>,
}

#[pymethods]
impl NativeNext {
    /// Runs the rest of the chain with `params` (the request's parameters, possibly
    /// changed; None for none) and calls `callback(True, result_dict)` or
    /// `callback(False, ProtocolError)` from an engine thread when it answered.
    fn run(&self, params: &Bound<'_, PyAny>, callback: Py<PyAny>) -> PyResult<()> {
        let (next, mut req) = self
            .rest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("call_next may be called once per request"))?;
        if !params.is_none() {
            *req.params_mut() = from_py_as::<Map<String, Value>>(params, "request params")?;
        }
        let task = leave_worker(|| {
            runtime().spawn(async move {
                let answer = next.run(req).await;
                let settle = move || {
                    attach(|py| {
                        let outcome = match answer {
                            Ok(a) => to_py(py, &a.to_json()).map(|v| (true, v)),
                            Err(e) => Ok((false, protocol_to_py(py, &e).into_value(py).into_bound(py).into_any())),
                        };
                        let called = outcome.and_then(|args| callback.call1(py, args));
                        if let Err(e) = called {
                            e.print(py);
                        }
                    })
                };
                let _ = tokio::task::spawn_blocking(settle).await;
            })
        });
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = Some(task.abort_handle());
        Ok(())
    }
}

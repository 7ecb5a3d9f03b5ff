//! The handler boundary implemented once for Python: every tool, resource, template, prompt,
//! completion and token verifier is a Python callable behind an [`Invoker`], crossed once
//! per call.
//!
//! Synchronous callables run at most `max_workers` at once, attached to the interpreter only
//! while Python runs: inline on the engine thread that took the request when the call is
//! likely quick and the interpreter likely free (`inline.rs`), else on the server's worker
//! pool (`pool.rs`). Asynchronous ones are started by a Python "starter" (which puts the
//! coroutine on an asyncio loop and returns a handle with `cancel()`); their outcome comes
//! back through a [`Completer`]. The starter is a quick synchronous call of its own: it runs
//! in its request's poll when nothing else is waited for (`inline.rs`), else on a thread of
//! the runtime's blocking pool, never on the worker pool. The engine's threads wait for the
//! interpreter only to run an inline call, never for a call on the pool or a coroutine.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use mcpforge::protocol::Content;
use mcpforge::{
    Arguments, AuthError, AuthInfo, BoxFuture, CallToolResult, CompleteRequest, CompletionHandler, CompletionOutput,
    HandlerError, PromptHandler, PromptOutput, ProtocolError, RequestContext, Resource, ResourceHandler,
    ResourceLister, ResourceOutput, TokenVerifier, ToolHandler, ToolOutput,
};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::context::NativeContext;
use crate::convert::{from_py, from_py_as, to_py};
use crate::errors::{decode, internal, tag};
use crate::inline;
use crate::interpreter::attach;
use crate::pace::{self, Pace};
use crate::pool::{Abandoned, EXITING, Job, Pool};
use crate::runtime::runtime;

/// A Python callable owned by a server. The server lists every slot so the garbage
/// collector sees these references (`__traverse__`) and can break cycles (`__clear__`).
#[derive(Default)]
pub struct Slot {
    obj: Mutex<Option<Py<PyAny>>>,
}

impl Slot {
    /// A slot holding `obj`.
    pub fn new(obj: Py<PyAny>) -> Arc<Slot> {
        Arc::new(Slot { obj: Mutex::new(Some(obj)) })
    }

    /// The callable, or an error once the server was cleared by the garbage collector.
    pub(crate) fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let guard = self.obj.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .map(|o| o.bind(py).clone())
            .ok_or_else(|| PyRuntimeError::new_err("the server owning this handler was garbage-collected"))
    }

    /// Reports the reference to the garbage collector (skipped while another thread holds
    /// the lock: the object then merely stays alive a little longer).
    pub fn traverse(&self, visit: &pyo3::gc::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        if let Ok(guard) = self.obj.try_lock() {
            visit.call(guard.as_ref())?;
        }
        Ok(())
    }

    /// Drops the reference (breaks a cycle).
    pub fn clear(&self) -> Option<Py<PyAny>> {
        self.obj.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Receives the outcome of an asynchronous Python handler: the starter calls it once with
/// the `(tag, payload)` outcome when the coroutine finishes.
#[pyclass(frozen, module = "mcpforge._native")]
pub struct Completer {
    deliver: Mutex<Option<Deliver>>,
}

type Deliver = Box<dyn for<'py> FnOnce(&Bound<'py, PyAny>) + Send>;

impl Completer {
    fn new(deliver: Deliver) -> Completer {
        Completer { deliver: Mutex::new(Some(deliver)) }
    }
}

#[pymethods]
impl Completer {
    /// Delivers the outcome; later calls do nothing.
    fn __call__(&self, outcome: &Bound<'_, PyAny>) {
        let deliver = self.deliver.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(deliver) = deliver {
            deliver(outcome);
        }
    }
}

/// Where a started asynchronous handler stands, shared by the future awaiting it and the
/// thread that starts it.
enum Run {
    /// The starter has not returned yet.
    Starting,
    /// Running: the handle whose `cancel()` cancels the asyncio task.
    Started(Py<PyAny>),
    /// The request was abandoned before the starter returned: cancel as soon as it does.
    Abandoned,
    /// Finished: nothing to cancel.
    Done,
}

/// Cancels an asynchronous handler when its request is abandoned (the engine drops the
/// handler's future on cancellation, timeout and shutdown), also while it is being started.
struct CancelOnDrop(Arc<Mutex<Run>>);

impl CancelOnDrop {
    /// Records the handle once the starter returned (GIL held): cancels it at once when
    /// the request was abandoned meanwhile.
    fn started(run: &Mutex<Run>, py: Python<'_>, handle: Py<PyAny>) {
        let mut state = run.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(*state, Run::Abandoned) {
            drop(state);
            cancel(py, handle.bind(py));
        } else {
            *state = Run::Started(handle);
        }
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let previous = std::mem::replace(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()), Run::Abandoned);
        if let Run::Started(handle) = previous {
            runtime().spawn_blocking(move || attach(|py| cancel(py, handle.bind(py))));
        }
    }
}

fn cancel(py: Python<'_>, handle: &Bound<'_, PyAny>) {
    if let Err(e) = handle.call_method0("cancel") {
        e.print(py);
    }
}

/// How one Python callable is called: synchronously on the worker pool, or as a coroutine
/// through its starter.
pub struct Invoker {
    slot: Arc<Slot>,
    is_async: bool,
    pool: Arc<Pool>,
    /// Whether its synchronous calls may run inline (`inline.rs`).
    pace: Arc<Pace>,
}

/// Converts a handler's success outcome (`tag`, `payload`) into the engine's value.
pub(crate) type Success<T> = fn(u8, &Bound<'_, PyAny>) -> PyResult<T>;

/// Builds the positional arguments of one call (the context is appended by the invoker).
pub(crate) type Args = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> + Send>;

impl Invoker {
    /// An invoker for `slot`; `pool` bounds concurrent synchronous calls.
    pub fn new(slot: Arc<Slot>, is_async: bool, pool: Arc<Pool>) -> Invoker {
        Invoker { slot, is_async, pool, pace: Arc::default() }
    }

    /// The slot of the callable it calls.
    pub fn slot(&self) -> Arc<Slot> {
        self.slot.clone()
    }

    /// Calls the Python side with `args` plus a context, and decodes its outcome with `ok`.
    pub(crate) fn invoke<T: Send + 'static>(
        &self,
        ctx: Option<RequestContext>,
        args: Args,
        ok: Success<T>,
    ) -> BoxFuture<'static, Result<T, HandlerError>> {
        let slot = self.slot.clone();
        if !self.is_async {
            return self.run_sync(ctx, move |py, ctx| {
                let called = (|| {
                    let mut argv = args(py)?;
                    argv.push(context_arg(py, ctx, false)?);
                    slot.get(py)?.call1(PyTuple::new(py, argv)?)
                })();
                match called {
                    Ok(outcome) => decode(&outcome, ok),
                    Err(e) => Err(internal(py, e)),
                }
            });
        }
        let (tx, rx) = oneshot::channel::<Result<T, HandlerError>>();
        let completer = Completer::new(Box::new(move |outcome| {
            let _ = tx.send(decode(outcome, ok));
        }));
        let run = Arc::new(Mutex::new(Run::Starting));
        let guard = CancelOnDrop(run.clone());
        // The starter only puts the coroutine on its loop: a quick synchronous call, run
        // inline like one (in the request's poll when it may, with the thread's interpreter
        // state kept), else on a thread of its own (never queued behind blocked sync calls
        // waiting for the pool).
        let started = self.run_call(ctx, CallKind::Starter, move |py, ctx| {
            let started = (|| {
                let mut argv = args(py)?;
                argv.push(context_arg(py, ctx, true)?);
                argv.push(Bound::new(py, completer)?.into_any());
                slot.get(py)?.call1(PyTuple::new(py, argv)?).map(Bound::unbind)
            })();
            match started {
                Ok(handle) => {
                    CancelOnDrop::started(&run, py, handle);
                    Ok(())
                }
                Err(e) => Err(internal(py, e)),
            }
        });
        Box::pin(async move {
            // Counted until the coroutine's outcome arrives, not only while it starts: with
            // other coroutines running, the loop thread wants the interpreter, and a start
            // in the request's poll would hold an engine thread waiting for it.
            let _waiting = inline::Waiting::begin();
            started.await?;
            let outcome = rx.await;
            *guard.0.lock().unwrap_or_else(|p| p.into_inner()) = Run::Done;
            outcome.unwrap_or_else(|_| Err(ProtocolError::internal("the handler finished without a result").into()))
        })
    }

    /// Runs `call` (a synchronous call, given the request's context) inline on this engine
    /// thread when it is likely quick, else on the pool; a request abandoned while its call
    /// was queued (cancelled, timed out, shut down) is not run.
    pub(crate) fn run_sync<T, F>(
        &self,
        ctx: Option<RequestContext>,
        call: F,
    ) -> BoxFuture<'static, Result<T, HandlerError>>
    where
        T: Send + 'static,
        F: for<'py> FnOnce(Python<'py>, Option<RequestContext>) -> Result<T, HandlerError> + Send + 'static,
    {
        self.run_call(ctx, CallKind::Handler, call)
    }

    /// [`Invoker::run_sync`] for a call of `kind`, which says where it goes when it does not
    /// run inline, whether it may queue for the runner, and whether it is counted and paced.
    fn run_call<T, F>(
        &self,
        ctx: Option<RequestContext>,
        kind: CallKind,
        call: F,
    ) -> BoxFuture<'static, Result<T, HandlerError>>
    where
        T: Send + 'static,
        F: for<'py> FnOnce(Python<'py>, Option<RequestContext>) -> Result<T, HandlerError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, HandlerError>>();
        let abandoned = ctx.clone().map(|c| Box::new(move || c.is_cancelled()) as Abandoned);
        let pace = self.pace.clone();
        // The request, for a call that runs in its poll (a clone only then: a token
        // verification has no request, and runs no call in place).
        let here = ctx.as_ref().filter(|c| c.may_hold_thread()).cloned();
        let job: Job = Box::new(move |py| {
            if tx.is_closed() || ctx.as_ref().is_some_and(RequestContext::is_cancelled) {
                let _ = tx.send(Err(ProtocolError::internal("request cancelled").into()));
                return;
            }
            let result = match py {
                // A starter's pace is not recorded: it only schedules its coroutine, and its
                // first run (which starts the server's loop thread) would otherwise send
                // every later start to a thread of its own.
                Ok(py) if kind == CallKind::Starter => call(py, ctx),
                Ok(py) => {
                    let run = pace::Run::start();
                    let result = call(py, ctx);
                    pace.ran(&run);
                    result
                }
                Err(why) => Err(ProtocolError::internal(why).into()),
            };
            let _ = tx.send(result);
        });
        let (pool, pace) = (self.pool.clone(), self.pace.clone());
        Box::pin(async move {
            // A starter is counted by its async call (`invoke`), for as long as that runs.
            let _waiting = (kind == CallKind::Handler).then(inline::Waiting::begin);
            // Inline on this engine thread when the call is likely quick, else on the pool (a
            // handler's call) or a thread of its own (a starter). A starter is not queued for
            // the runner: under load the runner would run one start after another holding
            // the interpreter the loop thread needs for the coroutines (a choice, not
            // measured apart).
            let queue = kind == CallKind::Handler;
            if let Err((job, abandoned)) = inline::start(&pool, &pace, job, abandoned, here.as_ref(), queue) {
                match kind {
                    CallKind::Handler => pool.submit(job, abandoned),
                    CallKind::Starter => drop(runtime().spawn_blocking(move || run_attached(job))),
                }
            }
            rx.await.unwrap_or_else(|_| Err(ProtocolError::internal("the handler thread panicked").into()))
        })
    }
}

/// What a synchronous call is, which decides how it runs when it does not run in place.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CallKind {
    /// A sync handler's call: counted as waited for, paced, queued for the runner or sent to
    /// the server's worker pool.
    Handler,
    /// An async handler's starter, which only schedules its coroutine: counted by its async
    /// call, not paced, and otherwise run on a thread of the runtime's blocking pool, so it
    /// never waits for a worker held by a blocked sync call.
    Starter,
}

/// Runs `job` on this (non-engine) thread, attached to the interpreter, or refuses it when
/// the interpreter is exiting.
fn run_attached(job: Job) {
    let mut job = Some(job);
    let attached = attach(|py| {
        if let Some(job) = job.take() {
            job(Ok(py));
        }
    });
    if attached.is_none() {
        if let Some(job) = job.take() {
            job(Err(EXITING));
        }
    }
}

/// The context argument: a `NativeContext` for a request, `None` for a token verification.
pub(crate) fn context_arg(py: Python<'_>, ctx: Option<RequestContext>, is_async: bool) -> PyResult<Bound<'_, PyAny>> {
    match ctx {
        Some(ctx) => Ok(Bound::new(py, NativeContext::new(ctx, is_async))?.into_any()),
        None => Ok(py.None().into_bound(py)),
    }
}

/// A tool's outcome: a plain value, content blocks, a full `CallToolResult` (as dicts), or
/// `bytes`; the engine shapes the result (`ToolOutput`).
pub(crate) fn tool_output(tag: u8, payload: &Bound<'_, PyAny>) -> PyResult<ToolOutput> {
    match tag {
        tag::BYTES => Ok(ToolOutput::Bytes(payload.cast::<PyBytes>()?.as_bytes().to_vec())),
        tag::VALUE => Ok(ToolOutput::Json(from_py(payload)?)),
        tag::CONTENT => Ok(ToolOutput::Content(from_py_as::<Vec<Content>>(payload, "tool content")?)),
        tag::RESULT => Ok(ToolOutput::Result(from_py_as::<CallToolResult>(payload, "tool result")?)),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!("unknown handler outcome tag {other}"))),
    }
}

/// The content block the engine makes of raw bytes (`mcpforge::bytes_content`: an image,
/// audio, else an embedded blob, by the bytes' type), as a dict: for bytes given among
/// other content blocks or as a prompt message's content.
#[pyfunction]
pub fn bytes_content<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let block = serde_json::to_value(mcpforge::bytes_content(data))
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    to_py(py, &block)
}

/// The MIME type of `data` when it is an image or an audio clip (`mcpforge::media_type`),
/// else `None`: what `Image(data)` and `Audio(data)` are typed by when given no type.
#[pyfunction]
pub fn media_type(data: &[u8]) -> Option<&'static str> {
    mcpforge::media_type(data)
}

/// A Python tool.
pub struct PyTool(pub Invoker);

impl ToolHandler for PyTool {
    fn call(&self, ctx: RequestContext, args: Arguments) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        self.0.invoke(Some(ctx), Box::new(move |py| Ok(vec![to_py(py, args.value())?])), tool_output)
    }
}

fn str_map<'py>(py: Python<'py>, map: &BTreeMap<String, String>) -> PyResult<Bound<'py, PyAny>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(k, v)?;
    }
    Ok(dict.into_any())
}

/// A Python resource or resource template reader: called with the URI and the template
/// variables.
pub struct PyResource(pub Invoker);

impl ResourceHandler for PyResource {
    fn read(
        &self,
        ctx: RequestContext,
        uri: String,
        vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>> {
        let args: Args = Box::new(move |py| Ok(vec![uri.into_pyobject(py)?.into_any(), str_map(py, &vars)?]));
        self.0.invoke(Some(ctx), args, |_, payload| {
            if let Ok(s) = payload.cast::<PyString>() {
                return Ok(ResourceOutput::Text(s.to_cow()?.into_owned()));
            }
            if let Ok(b) = payload.cast::<PyBytes>() {
                return Ok(ResourceOutput::bytes(b.as_bytes()));
            }
            from_py(payload).map(ResourceOutput::Json)
        })
    }
}

/// The Python lister of a resource template's resources: called with no inputs, answers
/// the list of resource definitions.
pub struct PyLister(pub Invoker);

impl ResourceLister for PyLister {
    fn list(&self, ctx: RequestContext) -> BoxFuture<'static, Result<Vec<Resource>, HandlerError>> {
        let args: Args = Box::new(|_py| Ok(Vec::new()));
        self.0.invoke(Some(ctx), args, |_, payload| {
            Resource::listed_from_json(from_py(payload)?).map_err(pyo3::exceptions::PyValueError::new_err)
        })
    }
}

/// A Python prompt renderer: called with the string arguments.
pub struct PyPrompt(pub Invoker);

impl PromptHandler for PyPrompt {
    fn get(
        &self,
        ctx: RequestContext,
        args: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<PromptOutput, HandlerError>> {
        let args: Args = Box::new(move |py| Ok(vec![str_map(py, &args)?]));
        self.0.invoke(Some(ctx), args, |_, payload| from_py(payload).map(PromptOutput::Json))
    }
}

/// A Python completion provider: called with the reference, the argument name, the
/// partial value and the other arguments' values.
pub struct PyCompletion(pub Invoker);

impl CompletionHandler for PyCompletion {
    fn complete(
        &self,
        ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let args: Args = Box::new(move |py| {
            let reference = serde_json::to_value(&request.reference).unwrap_or(Value::Null);
            Ok(vec![
                to_py(py, &reference)?,
                request.argument.into_pyobject(py)?.into_any(),
                request.value.into_pyobject(py)?.into_any(),
                str_map(py, &request.context)?,
            ])
        });
        let call = self.0.invoke(Some(ctx), args, |_, payload| from_py(payload).map(CompletionOutput::Json));
        Box::pin(async move { call.await.map_err(HandlerError::into_protocol_error) })
    }
}

/// A Python bearer-token verifier: returns the grant as a dict, or fails with the
/// `AuthError` outcome of the wrapper in `mcpforge/auth.py`.
pub struct PyVerifier(pub Invoker);

/// The grant a verifier returned (`{subject, scopes, client_id, extra}`), read through the
/// engine's one JSON form of it.
fn auth_info(payload: &Bound<'_, PyAny>) -> PyResult<AuthInfo> {
    from_py_as::<AuthInfo>(payload, "grant")
}

impl TokenVerifier for PyVerifier {
    fn verify(&self, token: &str) -> BoxFuture<'static, Result<AuthInfo, AuthError>> {
        let token = token.to_owned();
        let args: Args = Box::new(move |py| Ok(vec![token.into_pyobject(py)?.into_any()]));
        let call = self.0.invoke(None, args, |_, payload| auth_info(payload));
        Box::pin(async move {
            call.await.map_err(|e| match e {
                // The wrapper reports insufficient scope as a protocol error whose data lists them.
                HandlerError::Protocol(p) if p.code == 403 => AuthError::InsufficientScope {
                    required: p.data.and_then(|d| serde_json::from_value(d).ok()).unwrap_or_default(),
                },
                HandlerError::Tool(t) => AuthError::Invalid(t.message),
                other => AuthError::Invalid(other.to_string()),
            })
        })
    }
}

//! `NativeContext`: the engine's `RequestContext` as Python sees it (wrapped by
//! `mcpforge.Context`): request metadata, progress, logging, cancellation, and client input
//! (elicitation, sampling, roots) as a blocking call that releases the interpreter or as a
//! callback for asyncio.

use mcpforge::{HandlerError, InputRequest, ListKind, LogLevel, ProtocolError, RequestContext};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde_json::{Value, json};

use crate::convert::{from_py, to_py};
use crate::errors::handler_to_py;
use crate::inline::block_on;
use crate::inline::leave_worker;
use crate::reply::spawn_reply;

/// One request's context. Valid after the request ends (late progress and logs are
/// dropped by the engine).
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeContext {
    ctx: RequestContext,
    is_async: bool,
}

impl NativeContext {
    /// Wraps `ctx` for a synchronous or an asynchronous handler.
    pub fn new(ctx: RequestContext, is_async: bool) -> NativeContext {
        NativeContext { ctx, is_async }
    }
}

fn optional<'py>(py: Python<'py>, v: Option<&Value>) -> PyResult<Bound<'py, PyAny>> {
    match v {
        Some(v) => to_py(py, v),
        None => Ok(py.None().into_bound(py)),
    }
}

/// One client-input request from Python: `(key or None, method, params)`.
fn input_request(method: &str, params: Value) -> PyResult<InputRequest> {
    InputRequest::from_wire(method, params).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Keyed requests and the state to carry, as the engine's low-level form takes them.
type KeyedRequests = (Vec<(String, InputRequest)>, Option<Value>);

/// `(key, method, params)` requests and a state (None: no state) as the engine takes them.
fn keyed_requests(requests: &Bound<'_, PyList>, state: &Bound<'_, PyAny>) -> PyResult<KeyedRequests> {
    let mut list = Vec::with_capacity(requests.len());
    for item in requests.iter() {
        let (key, method, params): (String, String, Bound<'_, PyAny>) = item.extract()?;
        list.push((key, input_request(&method, from_py(&params)?)?));
    }
    let state = if state.is_none() { None } else { Some(from_py(state)?) };
    Ok((list, state))
}

/// What Python asked for: one high-level ask (engine-chosen key), or keyed asks.
enum Asks {
    Single(InputRequest),
    Keyed(Vec<(String, InputRequest)>),
}

fn read_asks(requests: &Bound<'_, PyList>) -> PyResult<Asks> {
    let mut keyed = Vec::with_capacity(requests.len());
    let mut single = None;
    for item in requests.iter() {
        let (key, method, params): (Option<String>, String, Bound<'_, PyAny>) = item.extract()?;
        let request = input_request(&method, from_py(&params)?)?;
        match key {
            Some(k) => keyed.push((k, request)),
            None if requests.len() == 1 => single = Some(request),
            None => return Err(PyValueError::new_err("several asks at once need a key each")),
        }
    }
    Ok(match single {
        Some(request) => Asks::Single(request),
        None => Asks::Keyed(keyed),
    })
}

/// Runs the asks on the engine; answers in order, as JSON.
async fn ask(ctx: RequestContext, asks: Asks) -> Result<Vec<Value>, HandlerError> {
    let typed = |v: Result<Value, serde_json::Error>| v.map_err(|e| HandlerError::from(ProtocolError::internal(e)));
    match asks {
        Asks::Keyed(list) => ctx.ask_all(list).await,
        Asks::Single(InputRequest::Elicit(r)) => Ok(vec![typed(serde_json::to_value(ctx.elicit(r).await?))?]),
        Asks::Single(InputRequest::Sample(r)) => Ok(vec![typed(serde_json::to_value(ctx.sample(r).await?))?]),
        Asks::Single(InputRequest::ListRoots) => Ok(vec![typed(serde_json::to_value(ctx.list_roots().await?))?]),
    }
}

fn answers_to_py<'py>(py: Python<'py>, answers: &[Value]) -> PyResult<Bound<'py, PyAny>> {
    let list = PyList::empty(py);
    for a in answers {
        list.append(to_py(py, a)?)?;
    }
    Ok(list.into_any())
}

#[pymethods]
impl NativeContext {
    /// The JSON-RPC id of the request (int or str).
    #[getter]
    fn request_id<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &serde_json::to_value(self.ctx.request_id()).unwrap_or(Value::Null))
    }

    /// The protocol version of the request.
    #[getter]
    fn protocol_version(&self) -> &'static str {
        self.ctx.protocol_version().as_str()
    }

    /// True for a handler running on an asyncio loop.
    #[getter]
    fn is_async(&self) -> bool {
        self.is_async
    }

    /// The request's `_meta` object, or None.
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        optional(py, self.ctx.meta())
    }

    /// The progress token, or None when the client did not ask for progress.
    #[getter]
    fn progress_token<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        optional(py, self.ctx.progress_token())
    }

    /// The client's `Implementation` info, or None.
    #[getter]
    fn client_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        optional(py, self.ctx.client_info())
    }

    /// The client's capabilities.
    #[getter]
    fn client_capabilities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.ctx.client_capabilities())
    }

    /// The verified bearer-token grant (`{subject, scopes, client_id, extra}`), or None.
    #[getter]
    fn auth<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.ctx.auth() {
            Some(a) => to_py(
                py,
                &json!({ "subject": a.subject, "scopes": a.scopes, "client_id": a.client_id, "extra": a.extra }),
            ),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The task id when the handler runs as a task, else None.
    #[getter]
    fn task_id(&self) -> Option<String> {
        self.ctx.task_id().map(str::to_owned)
    }

    /// The session's id (Streamable HTTP's `Mcp-Session-Id`, the HTTP+SSE transport's
    /// `sessionId`), or None (stdio, the 2026-07-28 wire).
    #[getter]
    fn session_id(&self) -> Option<String> {
        self.ctx.session_id().map(str::to_owned)
    }

    /// The headers of the HTTP request that carried the request, as `(name, value)` pairs
    /// (names lowercase, values decoded as latin-1), or None when it did not come over HTTP.
    #[getter]
    fn headers(&self) -> Option<Vec<(String, String)>> {
        self.ctx.http_request().map(|request| {
            request
                .headers()
                .map(|(name, value)| (name.to_owned(), value.iter().map(|&b| char::from(b)).collect()))
                .collect()
        })
    }

    /// Where the request sits in a distributed trace, as `(traceparent, tracestate,
    /// trace_id, span_id, sampled)`: the engine's span for the request when OpenTelemetry
    /// export is on, else the client's context from `_meta`; None when there is neither.
    #[getter]
    fn trace_context(&self) -> Option<(String, Option<String>, String, String, bool)> {
        self.ctx
            .trace_context()
            .map(|t| (t.traceparent(), t.tracestate.clone(), t.trace_id_hex(), t.span_id_hex(), t.is_sampled()))
    }

    /// True once the request was cancelled (by the client, a timeout or shutdown).
    #[getter]
    fn cancelled(&self) -> bool {
        self.ctx.is_cancelled()
    }

    /// Tells this request's client (on its legacy session) that the list `kind`
    /// (`"tools"`, `"prompts"` or `"resources"`) changed.
    fn notify_list_changed(&self, kind: &str) -> PyResult<()> {
        let list: ListKind = serde_json::from_value(Value::String(kind.to_owned()))
            .map_err(|_| PyValueError::new_err(format!("unknown list {kind:?}")))?;
        leave_worker(|| self.ctx.notify_list_changed(list));
        Ok(())
    }

    /// Tells this request's client (on its legacy session, subscribed or not) that the
    /// resource `uri` changed.
    fn notify_resource_updated(&self, uri: &str) {
        leave_worker(|| self.ctx.notify_resource_updated(uri));
    }

    /// Tells this request's client that the URL-mode elicitation `elicitation_id` finished.
    fn notify_elicitation_complete(&self, elicitation_id: &str) {
        leave_worker(|| self.ctx.notify_elicitation_complete(elicitation_id));
    }

    /// Sends `notifications/progress` (when the client asked for progress).
    #[pyo3(signature = (progress, total=None, message=None))]
    fn report_progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        leave_worker(|| self.ctx.report_progress(progress, total, message));
    }

    /// Sends `notifications/message` at `level` (when the client's level lets it through).
    #[pyo3(signature = (level, data, logger=None))]
    fn log(&self, level: &str, data: &Bound<'_, PyAny>, logger: Option<&str>) -> PyResult<()> {
        let level: LogLevel = serde_json::from_value(Value::String(level.to_owned()))
            .map_err(|_| PyValueError::new_err(format!("unknown log level {level:?}")))?;
        let data = from_py(data)?;
        leave_worker(|| self.ctx.log(level, data, logger));
        Ok(())
    }

    /// Asks the client for input and waits, with the interpreter released. `requests` is a
    /// list of `(key or None, method, params)`; returns the answers in order. Raises
    /// `InputRequired` on the 2026 wire when an answer is not there yet.
    fn ask(&self, py: Python<'_>, requests: &Bound<'_, PyList>) -> PyResult<Py<PyAny>> {
        let asks = read_asks(requests)?;
        let ctx = self.ctx.clone();
        let answers = block_on(py, ask(ctx, asks));
        match answers {
            Ok(a) => Ok(answers_to_py(py, &a)?.unbind()),
            Err(e) => Err(handler_to_py(py, &e)),
        }
    }

    /// [`Self::ask`] for asyncio: returns at once and later calls `callback(True, answers)`
    /// or `callback(False, exception)` from a worker thread.
    fn ask_then(&self, requests: &Bound<'_, PyList>, callback: Py<PyAny>) -> PyResult<()> {
        let asks = read_asks(requests)?;
        spawn_reply(ask(self.ctx.clone(), asks), callback, |py, answers| match answers {
            Ok(a) => answers_to_py(py, &a),
            Err(e) => Err(handler_to_py(py, &e)),
        });
        Ok(())
    }

    /// Pings the request's client and waits for its answer, with the interpreter released.
    fn ping(&self, py: Python<'_>) -> PyResult<()> {
        block_on(py, self.ctx.ping_client()).map_err(|e| handler_to_py(py, &e))
    }

    /// [`Self::ping`] for asyncio: returns at once and later calls `callback(True, None)` or
    /// `callback(False, exception)` from a worker thread.
    fn ping_then(&self, callback: Py<PyAny>) {
        let ctx = self.ctx.clone();
        spawn_reply(async move { ctx.ping_client().await }, callback, |py, answered| match answered {
            Ok(()) => Ok(py.None().into_bound(py)),
            Err(e) => Err(handler_to_py(py, &e)),
        });
    }

    /// Low-level client input: stop with `input_required`, asking `requests` (a list of
    /// `(key, method, params)`) and carrying `state` into the next round. The caller then
    /// raises `InputRequired`.
    fn input_required(&self, requests: &Bound<'_, PyList>, state: &Bound<'_, PyAny>) -> PyResult<()> {
        let (list, state) = keyed_requests(requests, state)?;
        let _signal = self.ctx.input_required(list, state);
        Ok(())
    }

    /// The handler's own `input_required` result (the official SDK's `InputRequiredResult`):
    /// as `input_required`, but the requests go out as given, and a legacy session gets
    /// -32603 `Handler returned an invalid result`. The caller then reports `InputRequired`.
    fn hand_back_input_required(&self, requests: &Bound<'_, PyList>, state: &Bound<'_, PyAny>) -> PyResult<()> {
        let (list, state) = keyed_requests(requests, state)?;
        let _signal = self.ctx.hand_back_input_required(list, state);
        Ok(())
    }

    /// Low-level client input: the answers the client sent for this run, by key.
    #[getter]
    fn input_responses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &Value::Object(self.ctx.input_responses().clone()))
    }

    /// Low-level client input: the state carried from the previous round, or None.
    #[getter]
    fn request_state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        optional(py, self.ctx.request_state())
    }

    /// For a tool registered with `defer_task`: becomes a task (raises `InputRequired` to
    /// end this run; the handler runs again as the task) or returns at once.
    fn start_task(&self, py: Python<'_>) -> PyResult<()> {
        self.ctx.start_task().map_err(|e| handler_to_py(py, &e))
    }
}

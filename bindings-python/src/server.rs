//! `NativeServer`: one engine `Server` owned by a Python `mcpforge.Server`. It registers the
//! Python handlers, serves stdio or HTTP (blocking with Ctrl-C checks, or in the background
//! for asyncio), connects in-memory test clients, and shows the garbage collector every
//! Python callable it holds.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcpforge::{
    CatalogueKind, CompletionRef, HttpOptions, Prompt, Resource, ResourceTemplate, Server, ServerBuilder, StdioOptions,
    Tool,
};
use pyo3::PyTraverseError;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::{Map, Value};

use crate::asgi::NativeHttpApp;
use crate::callbacks::{Invoker, PyCompletion, PyLister, PyPrompt, PyResource, PyTool, PyVerifier, Slot};
use crate::catalogue::PyCatalogue;
use crate::client::NativeClient;
use crate::convert::{from_py, from_py_as, to_py};
use crate::direct::DirectTool;
use crate::errors::engine_to_py;
use crate::initialize_hook::PyInitializeHook;
use crate::inline::block_on;
use crate::inline::leave_worker;
use crate::middleware::PyMiddleware;
use crate::pool::Pool;
use crate::reply::spawn_reply;
use crate::runtime::runtime;
use crate::signal_wake::SignalWake;

/// An engine server plus the Python callables it calls.
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeServer {
    server: Server,
    pool: Arc<Pool>,
    slots: Mutex<Vec<Arc<Slot>>>,
    /// The upstreams mounted into this server, stopped when it shuts down.
    mounts: Mutex<Vec<mcpforge::proxy::Proxy>>,
}

impl NativeServer {
    /// A new in-process connection to this server, for the engine's client
    /// (`mcpforge.client.Client(server)`).
    pub(crate) fn open_link(&self) -> mcpforge::Link {
        let _entered = runtime().enter();
        self.server.open_link(None)
    }
}

/// Python gives durations in seconds; the engine's JSON forms take milliseconds. Renames
/// each `secs` key of `object` to its `ms` key, converted (`None` stays `null`).
fn seconds_to_ms(object: &mut Value, pairs: &[(&str, &str)]) -> PyResult<()> {
    let Some(o) = object.as_object_mut() else { return Ok(()) };
    for (secs, ms) in pairs {
        if let Some(v) = o.remove(*secs) {
            let converted = if v.is_null() {
                Value::Null
            } else {
                let d = v
                    .as_f64()
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or_else(|| PyValueError::new_err(format!("{secs} must be seconds >= 0")))?;
                Value::from(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            };
            o.insert((*ms).to_owned(), converted);
        }
    }
    Ok(())
}

/// The HTTP options Python gives in seconds, with the engine's millisecond names.
const HTTP_SECONDS: &[(&str, &str)] = &[
    ("session_idle_timeout", "session_idle_timeout_ms"),
    ("sse_keepalive", "sse_keepalive_ms"),
    ("sse_retry", "sse_retry_ms"),
    ("header_timeout", "header_timeout_ms"),
    ("idle_timeout", "idle_timeout_ms"),
    ("body_timeout", "body_timeout_ms"),
];

/// The engine's HTTP options the binding sets itself rather than taking as keywords: the
/// address (`run`'s `host`, `port` and `path`), `auth` (`AuthSettings`), and signal handling
/// (Python's own).
const HTTP_SET_BY_BINDING: &[&str] = &["bind", "host", "port", "path", "auth", "handle_signals"];

/// The keyword names `server.run("http", ...)` takes for the engine's HTTP options: the
/// engine's snake_case names, durations in seconds under their names without `_ms`.
#[pyfunction]
pub(crate) fn http_option_names() -> Vec<&'static str> {
    HttpOptions::json_fields()
        .iter()
        .filter(|name| !name.bytes().any(|b| b.is_ascii_uppercase()) && !HTTP_SET_BY_BINDING.contains(name))
        .map(|name| HTTP_SECONDS.iter().find(|(_, ms)| ms == name).map_or(*name, |(secs, _)| *secs))
        .collect()
}

/// `options` (a `run` call's keywords) with the official SDK's option names translated to the
/// engine's by the engine's table (`mcpforge::sdk_options`, the API named `sdk`, e.g.
/// `"python"`); other names come back unchanged, for `run` to check. The value of an official
/// name that has no JSON form (the SDK's event store object) is handed over as `True`: the
/// table only needs to know that it was given.
#[pyfunction]
pub(crate) fn sdk_options<'py>(sdk: &str, options: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    use mcpforge::sdk_options::{Sdk, lookup, translate};
    let api = Sdk::parse(sdk).ok_or_else(|| PyValueError::new_err(format!("no official SDK is called {sdk:?}")))?;
    let mut given = Map::new();
    for (key, value) in options.iter() {
        let name: String = key.extract()?;
        let value = match from_py(&value) {
            Ok(v) => v,
            Err(_) if lookup(api, &name).is_some() => Value::Bool(true),
            Err(e) => return Err(e),
        };
        given.insert(name, value);
    }
    let translated = translate(api, given).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    to_py(options.py(), &Value::Object(translated))
}

/// Builds the engine server from `Server(...)`'s options through the engine's JSON form
/// (`ServerBuilder::from_json`); `max_workers` is the binding's own.
fn build(name: &str, version: &str, mut o: Value) -> PyResult<Server> {
    if let Some(map) = o.as_object_mut() {
        map.remove("max_workers");
    }
    seconds_to_ms(&mut o, &[("cache_ttl", "cache_ttl_ms")])?;
    if let Some(limits) = o.get_mut("limits") {
        seconds_to_ms(
            limits,
            &[
                ("request_timeout", "request_timeout_ms"),
                ("shutdown_grace", "shutdown_grace_ms"),
                ("request_state_ttl", "request_state_ttl_ms"),
            ],
        )?;
    }
    if let Some(rates) = o.get_mut("rate_limits").and_then(Value::as_object_mut) {
        if let Some(rate) = rates.get_mut("per_client") {
            seconds_to_ms(rate, &[("per", "per_ms")])?;
        }
        if let Some(tools) = rates.get_mut("tools").and_then(Value::as_object_mut) {
            for rate in tools.values_mut() {
                seconds_to_ms(rate, &[("per", "per_ms")])?;
            }
        }
    }
    if let Some(tasks) = o.get_mut("tasks") {
        seconds_to_ms(tasks, &[("ttl", "ttl_ms"), ("poll_interval", "poll_interval_ms")])?;
    }
    let builder = ServerBuilder::from_json(name, version, o).map_err(|e| PyValueError::new_err(e.to_string()))?;
    builder.build().map_err(engine_to_py)
}

impl NativeServer {
    fn invoker(&self, callable: Py<PyAny>, is_async: bool) -> Invoker {
        Invoker::new(self.slot(callable), is_async, self.pool.clone())
    }

    /// A slot for `callable`, listed for the garbage collector.
    fn slot(&self, callable: Py<PyAny>) -> Arc<Slot> {
        let slot = Slot::new(callable);
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).push(slot.clone());
        slot
    }

    /// The HTTP options from `server.run("http", ...)` through the engine's JSON form
    /// (`HttpOptions::from_json`); Python gives durations in seconds, the engine takes
    /// milliseconds. `verifier` checks bearer tokens.
    fn http_options(&self, options: &Value, verifier: Option<(Py<PyAny>, bool)>) -> PyResult<HttpOptions> {
        let mut options = options.clone();
        seconds_to_ms(&mut options, HTTP_SECONDS)?;
        let verifier = verifier.map(|(callable, is_async)| {
            Arc::new(PyVerifier(self.invoker(callable, is_async))) as Arc<dyn mcpforge::TokenVerifier>
        });
        HttpOptions::from_json(options, verifier).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Runs `serve` on the engine with the interpreter released until it ends or a signal
    /// comes (`signal_wake.rs`): Python's handlers then run; if one raises (Ctrl-C's
    /// KeyboardInterrupt), the server shuts down gracefully and that exception is raised.
    fn block_on_serve(
        &self,
        py: Python<'_>,
        serve: impl Future<Output = Result<(), mcpforge::Error>> + Send + 'static,
    ) -> PyResult<()> {
        let mut task = leave_worker(|| runtime().spawn(serve));
        let wake = {
            let _context = runtime().enter();
            SignalWake::install(py)?
        };
        let served = loop {
            let finished = block_on(py, async {
                tokio::select! {
                    joined = &mut task => Some(joined),
                    () = wake.signalled() => None,
                }
            });
            if let Some(joined) = finished {
                break joined
                    .map_err(|e| PyRuntimeError::new_err(format!("the server task failed: {e}")))
                    .and_then(|served| served.map_err(engine_to_py));
            }
            if let Err(signal) = py.check_signals() {
                self.server.shutdown();
                let grace = self.server.limits().shutdown_grace + Duration::from_secs(1);
                let _ = block_on(py, async { tokio::time::timeout(grace, &mut task).await });
                break Err(signal);
            }
        };
        let restored = wake.restore(py);
        served.and(restored)
    }
}

fn verifier_arg(verifier: Option<&Bound<'_, PyAny>>) -> PyResult<Option<(Py<PyAny>, bool)>> {
    match verifier {
        Some(v) if !v.is_none() => {
            let (callable, is_async): (Py<PyAny>, bool) = v.extract()?;
            Ok(Some((callable, is_async)))
        }
        _ => Ok(None),
    }
}

#[pymethods]
impl NativeServer {
    /// A server named `name` at `version`; `options` as documented on `mcpforge.Server`.
    #[new]
    fn new(name: &str, version: &str, options: &Bound<'_, PyDict>) -> PyResult<NativeServer> {
        let o = from_py(options)?;
        let workers =
            o.get("max_workers").and_then(Value::as_u64).map_or(crate::pool::DEFAULT_MAX_WORKERS, |n| n as usize);
        Ok(NativeServer {
            server: build(name, version, o)?,
            pool: Arc::new(Pool::new(workers)),
            slots: Mutex::default(),
            mounts: Mutex::default(),
        })
    }

    /// The server's `Implementation` info as JSON text.
    #[getter]
    fn info(&self) -> String {
        self.server.info().to_string()
    }

    /// Registers a tool: `definition` is the `Tool` object, `invoker` the
    /// Python wrapper. `per_item` writes a returned list as one content block per item
    /// (`ValueContent::PerItem`, what the drop-in classes ask for); `required_scopes` are
    /// the OAuth scopes a caller's grant needs for the tool (`Tool::required_scopes`).
    #[pyo3(signature = (definition, invoker, is_async, defer_task=false, per_item=false, required_scopes=Vec::new()))]
    fn add_tool(
        &self,
        definition: &Bound<'_, PyAny>,
        invoker: Py<PyAny>,
        is_async: bool,
        defer_task: bool,
        per_item: bool,
        required_scopes: Vec<String>,
    ) -> PyResult<()> {
        let tool = tool_of(definition, defer_task, per_item, required_scopes)?;
        let handler: Arc<dyn mcpforge::ToolHandler> = Arc::new(PyTool(self.invoker(invoker, is_async)));
        leave_worker(|| self.server.add_tool(tool, handler)).map_err(engine_to_py)
    }

    /// Registers a plain synchronous tool that the engine calls directly (`direct.rs`):
    /// `call` is `(function, parameter names or None, positional, rest, failed)` from
    /// `mcpforge._invoke.direct_tool`; the other arguments as for `add_tool`.
    #[pyo3(signature = (definition, call, defer_task=false, per_item=false, required_scopes=Vec::new()))]
    fn add_direct_tool(
        &self,
        py: Python<'_>,
        definition: &Bound<'_, PyAny>,
        call: DirectCall,
        defer_task: bool,
        per_item: bool,
        required_scopes: Vec<String>,
    ) -> PyResult<()> {
        let tool = tool_of(definition, defer_task, per_item, required_scopes)?;
        let (func, names, positional, rest, failed) = call;
        let invoker = self.invoker(func, false);
        let func = invoker.slot();
        let direct = DirectTool::new(py, invoker, func, (names, positional), self.slot(rest), self.slot(failed))?;
        let handler: Arc<dyn mcpforge::ToolHandler> = Arc::new(direct);
        leave_worker(|| self.server.add_tool(tool, handler)).map_err(engine_to_py)
    }

    /// Removes a tool; True if it existed.
    fn remove_tool(&self, name: &str) -> bool {
        leave_worker(|| self.server.remove_tool(name))
    }

    /// Registers a concrete resource.
    fn add_resource(&self, definition: &Bound<'_, PyAny>, invoker: Py<PyAny>, is_async: bool) -> PyResult<()> {
        let resource: Resource = from_py_as(definition, "resource definition")?;
        let handler: Arc<dyn mcpforge::ResourceHandler> = Arc::new(PyResource(self.invoker(invoker, is_async)));
        leave_worker(|| self.server.add_resource(resource, handler)).map_err(engine_to_py)
    }

    /// Removes a resource; True if it existed.
    fn remove_resource(&self, uri: &str) -> bool {
        leave_worker(|| self.server.remove_resource(uri))
    }

    /// Registers an MCP app: `definition` is the app's options (`uri`, `html`, `name`, `csp`,
    /// ...; see `mcpforge::AppResource`), `invoker` the wrapper of its reader when it has
    /// no `html`.
    #[pyo3(signature = (definition, invoker=None, is_async=false))]
    fn add_app(&self, definition: &Bound<'_, PyAny>, invoker: Option<Py<PyAny>>, is_async: bool) -> PyResult<()> {
        let app: mcpforge::AppResource = from_py_as(definition, "app definition")?;
        let reader =
            invoker.map(|i| -> Arc<dyn mcpforge::ResourceHandler> { Arc::new(PyResource(self.invoker(i, is_async))) });
        leave_worker(|| self.server.add_app(app, reader)).map_err(engine_to_py)
    }

    /// Serves a skill: the text of its `SKILL.md` and the files beside it (path -> bytes).
    fn add_skill(&self, skill_md: String, files: Vec<(String, Vec<u8>)>) -> PyResult<()> {
        let mut skill = mcpforge::Skill::new(skill_md).map_err(engine_to_py)?;
        for (path, bytes) in files {
            skill = skill.file(&path, bytes).map_err(engine_to_py)?;
        }
        leave_worker(|| self.server.add_skill(skill)).map_err(engine_to_py)
    }

    /// Serves every skill in the directory `path` (each subdirectory with a `SKILL.md`).
    fn add_skills_dir(&self, path: std::path::PathBuf) -> PyResult<()> {
        leave_worker(|| self.server.add_skills_dir(&path, mcpforge::SkillLimits::default())).map_err(engine_to_py)
    }

    /// Stops serving a skill and its files; True if it was served.
    fn remove_skill(&self, name: &str) -> bool {
        leave_worker(|| self.server.remove_skill(name))
    }

    /// Makes the Python middleware chain's starter (`mcpforge/middleware.py`) the engine's
    /// whole middleware chain, at once; requests that start afterwards pass through it.
    fn set_middleware(&self, starter: Py<PyAny>) {
        let middleware = PyMiddleware(self.invoker(starter, true));
        leave_worker(|| self.server.set_middleware(middleware));
    }

    /// Makes `hook` (a wrapper from `mcpforge/server.py`) decide which registered items
    /// each request may see; None removes it (everything is visible again).
    #[pyo3(signature = (hook, is_async=false))]
    fn set_catalogue(&self, hook: Option<Py<PyAny>>, is_async: bool) {
        let catalogue = hook.map(|hook| PyCatalogue(self.invoker(hook, is_async)));
        leave_worker(|| match catalogue {
            Some(catalogue) => self.server.set_catalogue(catalogue),
            None => self.server.clear_catalogue(),
        })
    }

    /// Makes `hook` (a wrapper from `mcpforge/_initialize.py`) decide the answer to each
    /// client's `initialize`; None removes it (the engine answers by itself again).
    #[pyo3(signature = (hook, is_async=false))]
    fn set_initialize_hook(&self, hook: Option<Py<PyAny>>, is_async: bool) {
        let hook = hook.map(|hook| PyInitializeHook(self.invoker(hook, is_async)));
        leave_worker(|| match hook {
            Some(hook) => self.server.set_initialize_hook(hook),
            None => self.server.clear_initialize_hook(),
        })
    }

    /// Removes a resource template; True if it existed.
    fn remove_resource_template(&self, uri_template: &str) -> bool {
        leave_worker(|| self.server.remove_resource_template(uri_template))
    }

    /// The request metrics as JSON text, `None` when the server keeps none.
    fn metrics(&self) -> Option<String> {
        self.server.metrics().map(|m| m.to_string())
    }

    /// The request metrics in the Prometheus text format, `None` when the server keeps none.
    fn metrics_text(&self) -> Option<String> {
        self.server.metrics_text()
    }

    /// The worker pool's figures: `(workers, idle, queued, stuck, stuck_total, refused)`.
    fn worker_stats(&self) -> (usize, usize, usize, usize, u64, u64) {
        let s = self.pool.stats();
        (s.workers, s.idle, s.queued, s.stuck, s.stuck_total, s.refused)
    }

    /// Registers a resource template; `lister` (with `lister_async`) is the wrapper of the
    /// function listing the resources it stands for, if any.
    /// `policy` (the fields of `PathPolicy`) holds the values of a read's URI to its rules
    /// instead of the engine's path-safety rules.
    #[pyo3(signature = (definition, invoker, is_async, lister=None, lister_async=false, policy=None))]
    fn add_template(
        &self,
        definition: &Bound<'_, PyAny>,
        invoker: Py<PyAny>,
        is_async: bool,
        lister: Option<Py<PyAny>>,
        lister_async: bool,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let mut template: ResourceTemplate = from_py_as(definition, "resource template definition")?;
        template.path_policy = policy.map(|p| from_py_as(p, "path policy")).transpose()?;
        let handler: Arc<dyn mcpforge::ResourceHandler> = Arc::new(PyResource(self.invoker(invoker, is_async)));
        let lister = lister
            .map(|lister| Arc::new(PyLister(self.invoker(lister, lister_async))) as Arc<dyn mcpforge::ResourceLister>);
        let added = leave_worker(|| match lister {
            Some(lister) => self.server.add_listed_resource_template(template, handler, lister),
            None => self.server.add_resource_template(template, handler),
        });
        added.map_err(engine_to_py)
    }

    /// Registers a prompt.
    fn add_prompt(&self, definition: &Bound<'_, PyAny>, invoker: Py<PyAny>, is_async: bool) -> PyResult<()> {
        let prompt: Prompt = from_py_as(definition, "prompt definition")?;
        let handler: Arc<dyn mcpforge::PromptHandler> = Arc::new(PyPrompt(self.invoker(invoker, is_async)));
        leave_worker(|| self.server.add_prompt(prompt, handler)).map_err(engine_to_py)
    }

    /// Removes a prompt; True if it existed.
    fn remove_prompt(&self, name: &str) -> bool {
        leave_worker(|| self.server.remove_prompt(name))
    }

    /// Enables or disables the registered item of `kind` (`"tools"`, `"resources"`,
    /// `"resource_templates"`, `"prompts"`) keyed `key`; True if one is registered. The engine
    /// tells clients the list changed when its state changed.
    fn set_enabled(&self, kind: &str, key: &str, enabled: bool) -> PyResult<bool> {
        let kind =
            CatalogueKind::from_name(kind).ok_or_else(|| PyValueError::new_err(format!("unknown kind {kind:?}")))?;
        Ok(leave_worker(|| self.server.set_enabled(kind, key, enabled)))
    }

    /// Registers a completion provider for `reference` (`{"type": "ref/prompt", "name"}` or
    /// `{"type": "ref/resource", "uri"}`), or for every reference when None.
    fn add_completion(&self, reference: &Bound<'_, PyAny>, invoker: Py<PyAny>, is_async: bool) -> PyResult<()> {
        let reference: Option<CompletionRef> =
            if reference.is_none() { None } else { Some(from_py_as(reference, "completion reference")?) };
        let handler = Arc::new(PyCompletion(self.invoker(invoker, is_async)));
        leave_worker(|| self.server.add_completion(reference, handler));
        Ok(())
    }

    /// Tells clients the tool list changed.
    fn notify_tools_changed(&self) {
        leave_worker(|| self.server.notify_tools_changed());
    }

    /// Tells clients the prompt list changed.
    fn notify_prompts_changed(&self) {
        leave_worker(|| self.server.notify_prompts_changed());
    }

    /// Tells clients the resource list changed.
    fn notify_resources_changed(&self) {
        leave_worker(|| self.server.notify_resources_changed());
    }

    /// Tells subscribers that the resource `uri` changed.
    fn notify_resource_updated(&self, uri: &str) {
        leave_worker(|| self.server.notify_resource_updated(uri));
    }

    /// Serves resource subscriptions (and claims them to clients that initialize from now
    /// on), or neither: a subscription handler registered after construction.
    fn serve_resource_subscriptions(&self, on: bool) {
        self.server.serve_resource_subscriptions(on);
    }

    /// Serves stdio until EOF or Ctrl-C (raised as KeyboardInterrupt), blocking.
    fn serve_stdio(&self, py: Python<'_>) -> PyResult<()> {
        let server = self.server.clone();
        let options = stdio_options();
        self.block_on_serve(py, async move { server.serve_stdio_with(options).await })
    }

    /// Serves Streamable HTTP until Ctrl-C (raised as KeyboardInterrupt), blocking.
    /// `ready(host, port)` is called once the listener is bound.
    #[pyo3(signature = (options, verifier=None, ready=None))]
    fn serve_http(
        &self,
        py: Python<'_>,
        options: &Bound<'_, PyDict>,
        verifier: Option<&Bound<'_, PyAny>>,
        ready: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let http = self.http_options(&from_py(options)?, verifier_arg(verifier)?)?;
        let server = self.server.clone();
        let bound = block_on(py, server.bind_http(http)).map_err(engine_to_py)?;
        let addr = bound.local_addr().map_err(engine_to_py)?;
        if let Some(ready) = ready {
            ready.call1((addr.ip().to_string(), addr.port()))?;
        }
        self.block_on_serve(py, bound.run())
    }

    /// The HTTP application without a listener, for an ASGI server to hand requests to
    /// (`mcpforge.asgi`); `options` and `verifier` as for `serve_http` (`host`, `port` and the
    /// connection limits are the ASGI server's business and not used).
    #[pyo3(signature = (options, verifier=None))]
    fn http_app(&self, options: &Bound<'_, PyDict>, verifier: Option<&Bound<'_, PyAny>>) -> PyResult<NativeHttpApp> {
        let http = self.http_options(&from_py(options)?, verifier_arg(verifier)?)?;
        let _entered = runtime().enter();
        Ok(NativeHttpApp::new(self.server.http_app(http)))
    }

    /// Serves stdio in the background; `done(True, None)` or `done(False, exc)` when it ends.
    fn start_stdio(&self, done: Py<PyAny>) {
        let server = self.server.clone();
        let options = stdio_options();
        spawn_reply(async move { server.serve_stdio_with(options).await }, done, finished);
    }

    /// Binds and serves HTTP in the background; returns `(host, port)` once bound, and calls
    /// `done` when serving ends.
    #[pyo3(signature = (options, done, verifier=None))]
    fn start_http(
        &self,
        py: Python<'_>,
        options: &Bound<'_, PyDict>,
        done: Py<PyAny>,
        verifier: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(String, u16)> {
        let http = self.http_options(&from_py(options)?, verifier_arg(verifier)?)?;
        let server = self.server.clone();
        let bound = block_on(py, server.bind_http(http)).map_err(engine_to_py)?;
        let addr = bound.local_addr().map_err(engine_to_py)?;
        spawn_reply(bound.run(), done, finished);
        Ok((addr.ip().to_string(), addr.port()))
    }

    /// Stops every serve loop of this server gracefully (final: it cannot serve again), and
    /// the children of the upstreams mounted into it.
    fn shutdown(&self) {
        leave_worker(|| self.server.shutdown());
        let mounts = std::mem::take(&mut *self.mounts.lock().unwrap_or_else(|p| p.into_inner()));
        mounts.into_iter().for_each(mcpforge::proxy::Proxy::close);
    }

    /// Mounts an upstream named `name` into this server (`mcpforge::Server::mount`): `server`
    /// (a server of this process, reached in memory as `Client(server)` reaches it) or the
    /// upstream `entry` describes (`Upstream::from_json`: a command or a URL); `entry`'s
    /// `prefix` and `mode` apply to either. Waits for the upstream's first catalogue (at
    /// most its connect timeout).
    #[pyo3(signature = (name, entry, server=None))]
    fn mount(
        &self,
        py: Python<'_>,
        name: &str,
        entry: &Bound<'_, PyDict>,
        server: Option<&Bound<'_, NativeServer>>,
    ) -> PyResult<()> {
        let upstream = upstream_of(name, from_py(entry)?, server.map(|s| s.get().server.clone()))?;
        let mounted = block_on(py, self.server.mount(upstream));
        self.mounts.lock().unwrap_or_else(|p| p.into_inner()).push(mounted);
        Ok(())
    }

    /// Connects an in-memory client through the real engine.
    fn connect(&self) -> NativeClient {
        leave_worker(|| NativeClient::connect(&self.server))
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Ok(slots) = self.slots.try_lock() {
            for slot in slots.iter() {
                slot.traverse(&visit)?;
            }
        }
        Ok(())
    }

    fn __clear__(&self) {
        let slots = std::mem::take(&mut *self.slots.lock().unwrap_or_else(|p| p.into_inner()));
        for slot in slots {
            drop(slot.clear());
        }
    }
}

/// A plain tool as `add_direct_tool` takes it: the function, its parameter names (None: it
/// takes `**kwargs`), whether those come in its order and each may be given by position,
/// and its `rest` and `failed` finishers.
type DirectCall = (Py<PyAny>, Option<Vec<Py<PyString>>>, bool, Py<PyAny>, Py<PyAny>);

/// A tool's definition as the engine takes it, with the options of `add_tool`.
fn tool_of(
    definition: &Bound<'_, PyAny>,
    defer_task: bool,
    per_item: bool,
    required_scopes: Vec<String>,
) -> PyResult<Tool> {
    let mut tool: Tool = from_py_as(definition, "tool definition")?;
    if defer_task {
        tool = tool.defer_task();
    }
    if per_item {
        tool = tool.value_content(mcpforge::ValueContent::PerItem);
    }
    if !required_scopes.is_empty() {
        tool = tool.required_scopes(required_scopes);
    }
    Ok(tool)
}

/// The upstream `name`: `server` mounted in memory (shared unless `entry` says otherwise),
/// else the command or URL `entry` names (per session unless it says otherwise); `entry`'s
/// `prefix` and `mode` in both cases.
fn upstream_of(name: &str, entry: Value, server: Option<Server>) -> PyResult<mcpforge::proxy::Upstream> {
    use mcpforge::proxy::{Mode, Upstream};
    match server {
        // A server of this process keeps no child to share; one link serves every client,
        // so that requests without a session (the 2026-07-28 wire over HTTP) reach it too.
        Some(server) => Upstream::server_from_json(name, server, entry, Mode::Shared),
        None => Upstream::from_json(name, entry, Mode::default()),
    }
    .map_err(PyValueError::new_err)
}

/// How a background serve loop ended, for its `done` callback.
fn finished<'py>(py: Python<'py>, result: Result<(), mcpforge::Error>) -> PyResult<Bound<'py, PyAny>> {
    result.map(|()| py.None().into_bound(py)).map_err(engine_to_py)
}

/// How the binding serves stdio: Python owns Ctrl-C, and each request is polled in the task
/// that read it, so a quick synchronous tool runs there (`inline.rs`, whose watch thread
/// hands the reading on when one blocks).
fn stdio_options() -> StdioOptions {
    StdioOptions { protect_stdio: true, handle_signals: false, requests_in_reader: true }
}

//! `NativeEngineClient`: the engine's MCP client (`mcpforge::client::Client`) for the
//! `mcpforge.client` package. It connects in memory to a server of this process, to a child
//! process over stdio, or to a Streamable HTTP or WebSocket URL; each call runs as a task on the engine's
//! runtime and ends in the client's [`NativeInbox`](crate::inbox::NativeInbox), named by the
//! token Python gave it, so Python never waits inside Rust. The server's requests (sampling,
//! elicitation, roots) and notifications go to the same inbox, for the caller's loop.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcpforge::client::auth::{Ask, OAuthClient, OAuthSettings};
use mcpforge::client::transport::child::StderrTail;
use mcpforge::client::transport::{ChildTransport, HttpTransport, MemoryTransport, Trust, WebSocketTransport};
use mcpforge::client::{CallOptions, Client, ClientBuilder, ClientError, ClientLimits, Protocol, TaskStart};
use mcpforge::protocol::method::{Kind, Method, Sender};
use mcpforge::{BoxFuture, LogLevel, ProtocolError, ProtocolVersion};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::{Map, Value, json};
use tokio::sync::oneshot;
use tokio::task::AbortHandle;

use crate::convert::{from_py, to_py};
use crate::engine_listen::{NativeListen, subscriptions};
use crate::inbox::{Arrival, NativeInbox, Outcome, Shared};
use crate::inline::leave_worker;
use crate::runtime::runtime;
use crate::server::NativeServer;

/// How long closing waits for calls still running to let go of the client before it ends
/// the connection at once instead.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// A connected client (see the module docs).
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeEngineClient {
    client: Mutex<Option<Arc<Client>>>,
    inbox: Arc<Shared>,
    /// The calls running, by token (aborted by `cancel`: the engine then sends
    /// `notifications/cancelled`).
    running: Arc<Mutex<HashMap<u64, AbortHandle>>>,
    stderr: Option<StderrTail>,
}

/// Where a client connects, read from Python's description of it.
enum Target {
    Memory(mcpforge::Link),
    Child(ChildTransport),
    Http(HttpTransport),
    WebSocket(WebSocketTransport),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn seconds(value: Option<f64>, what: &str) -> PyResult<Option<Duration>> {
    value
        .map(|s| {
            Duration::try_from_secs_f64(s).map_err(|_| PyValueError::new_err(format!("{what} must be seconds >= 0")))
        })
        .transpose()
}

/// The wire `mode` names: "auto", "legacy" (the newest handshake), or a protocol version.
fn protocol(mode: &str) -> PyResult<Protocol> {
    match mode {
        "auto" => Ok(Protocol::Auto),
        "legacy" => Ok(Protocol::Handshake(ProtocolVersion::LATEST_LEGACY)),
        version => match ProtocolVersion::parse(version) {
            Some(v) if v.is_modern() => Ok(Protocol::Stateless),
            Some(v) => Ok(Protocol::Handshake(v)),
            None => Err(PyValueError::new_err(format!(
                "mode must be 'auto', 'legacy' or a protocol version, not {version:?}"
            ))),
        },
    }
}

/// The answer the loop gives to one server request.
type Answer = Pin<Box<dyn Future<Output = Result<Value, ProtocolError>> + Send>>;

/// A handler that leaves the server's request in the inbox and waits for the loop's answer
/// (an answer never given is an internal error).
fn asking(inbox: &Arc<Shared>, method: &'static str) -> impl Fn(Value) -> Answer + Send + Sync + 'static {
    let inbox = inbox.clone();
    move |params| {
        let (reply, answer) = oneshot::channel();
        inbox.push(Arrival::Ask { method: method.to_owned(), params, reply });
        Box::pin(
            async move { answer.await.unwrap_or_else(|_| Err(ProtocolError::internal("the client gave no answer"))) },
        )
    }
}

impl NativeEngineClient {
    fn client(&self) -> PyResult<Arc<Client>> {
        lock(&self.client).clone().ok_or_else(|| PyRuntimeError::new_err("the client is closed"))
    }

    /// Runs `work` on the engine as the call `token`; its end goes to the inbox.
    fn launch<F>(&self, token: u64, work: impl FnOnce(Arc<Client>) -> F) -> PyResult<()>
    where
        F: Future<Output = Result<Outcome, ClientError>> + Send + 'static,
    {
        let future = work(self.client()?);
        let inbox = self.inbox.clone();
        let running = self.running.clone();
        let finished = self.running.clone();
        leave_worker(|| {
            let mut running = lock(&running);
            let task = runtime().spawn(async move {
                let outcome = future.await;
                lock(&finished).remove(&token);
                inbox.push(Arrival::Done { token, outcome });
            });
            running.insert(token, task.abort_handle());
        });
        Ok(())
    }

    /// Runs `work` for its JSON result.
    fn json<F>(&self, token: u64, work: impl FnOnce(Arc<Client>) -> F) -> PyResult<()>
    where
        F: Future<Output = Result<Value, ClientError>> + Send + 'static,
    {
        self.launch(token, |client| {
            let call = work(client);
            async move { call.await.map(Outcome::Json) }
        })
    }

    /// Runs `work` for nothing but its success.
    fn unit<F>(&self, token: u64, work: impl FnOnce(Arc<Client>) -> F) -> PyResult<()>
    where
        F: Future<Output = Result<(), ClientError>> + Send + 'static,
    {
        self.launch(token, |client| {
            let call = work(client);
            async move { call.await.map(|()| Outcome::Nothing) }
        })
    }
}

/// The list `field` of a list request: the engine's every page, or the one page at
/// `cursor` when the caller pages itself.
async fn listed(
    client: Arc<Client>,
    method: Method,
    field: &'static str,
    cursor: Option<String>,
) -> Result<Value, ClientError> {
    match cursor {
        Some(cursor) => client.request(method.as_str(), json!({ "cursor": cursor })).await,
        None if method == Method::ToolsList => Ok(json!({ field: client.list_tools().await? })),
        None => Ok(json!({ field: client.list_all(method, field).await? })),
    }
}

#[pymethods]
impl NativeEngineClient {
    /// Connects as the call `token` of `inbox` (its outcome: the connected client).
    /// `target` is `("memory", native_server)`, `("stdio", command, args, env, cwd)` or
    /// `("http", url, headers, oauth, roots)` (`oauth`: None, or the dict of the engine's
    /// `OAuthSettings`, its questions asked as `oauth/...` requests through the inbox;
    /// `roots`: None, or the root certificates, PEM texts or paths); `options` holds `name`, `version`, `mode`, `timeout`
    /// (seconds or None) and whether `sampling`, `elicitation` and `roots` are answered.
    #[staticmethod]
    fn connect(
        inbox: &Bound<'_, NativeInbox>,
        token: u64,
        target: &Bound<'_, PyAny>,
        options: &Bound<'_, PyDict>,
    ) -> PyResult<()> {
        let shared = inbox.get().shared();
        let option = |key: &str| options.get_item(key).ok().flatten().filter(|v| !v.is_none());
        let text = |key: &str, default: &str| -> PyResult<String> {
            option(key).map_or_else(|| Ok(default.to_owned()), |v| v.extract::<String>())
        };
        let flag = |key: &str| option(key).is_some_and(|v| v.is_truthy().unwrap_or(false));
        let mut builder = ClientBuilder::new(&text("name", "mcpforge")?, &text("version", env!("CARGO_PKG_VERSION"))?)
            .protocol(protocol(&text("mode", "auto")?)?);
        let timeout = seconds(option("timeout").map(|v| v.extract::<f64>()).transpose()?, "read_timeout_seconds")?;
        if let Some(timeout) = timeout {
            builder = builder.call_options(CallOptions { timeout, reset_on_progress: false, max_total: timeout });
        }
        // "auto" waits for the answer to `server/discover` as long as for any request: a
        // server that answers it late (a child still starting) has taken the 2026-07-28
        // wire by then and would refuse the handshake tried in its place.
        let probe_timeout = timeout.unwrap_or(CallOptions::default().timeout);
        builder = builder.limits(ClientLimits { probe_timeout, ..ClientLimits::default() });
        if flag("sampling") {
            builder = builder.on_sampling(asking(&shared, Method::SamplingCreateMessage.as_str()));
        }
        if flag("elicitation") {
            builder = builder.on_elicitation(asking(&shared, Method::ElicitationCreate.as_str()));
        }
        if flag("roots") {
            // Declares the capability; the loop answers each `roots/list` itself.
            builder = builder
                .roots(Vec::new())
                .on_request(Method::RootsList.as_str(), asking(&shared, Method::RootsList.as_str()));
        }
        // Notifications go to the inbox from the connection's reading task, so each is
        // seen before the answer that follows it on the wire.
        for method in Method::all().filter(|m| m.row().kind == Kind::Notification && m.row().sender != Sender::Client) {
            let inbox = shared.clone();
            builder = builder.on_notification(method.as_str(), move |n| inbox.push(Arrival::Notice(n.clone())));
        }
        let (target, stderr) = read_target(target, &shared)?;
        let running = Arc::new(Mutex::new(HashMap::new()));
        let inbox_for_client = shared.clone();
        let work = async move {
            let client = match target {
                Target::Memory(link) => builder.connect(MemoryTransport::new(link)).await?,
                Target::Child(child) => builder.connect(child).await?,
                Target::Http(http) => builder.connect(http).await?,
                Target::WebSocket(ws) => builder.connect(ws).await?,
            };
            let native = NativeEngineClient {
                client: Mutex::new(Some(Arc::new(client))),
                inbox: inbox_for_client,
                running,
                stderr,
            };
            Ok(Outcome::Object(Box::new(move |py| Ok(Bound::new(py, native)?.into_any()))))
        };
        leave_worker(|| {
            runtime().spawn(async move {
                let outcome = work.await;
                shared.push(Arrival::Done { token, outcome });
            })
        });
        Ok(())
    }

    /// The negotiated protocol version.
    fn protocol_version(&self) -> PyResult<&'static str> {
        Ok(self.client()?.session().protocol_version.as_str())
    }

    /// `(serverInfo, capabilities, instructions)` as the server gave them.
    fn session<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>, Option<String>)> {
        let client = self.client()?;
        let session = client.session();
        Ok((to_py(py, &session.server_info)?, to_py(py, &session.capabilities)?, session.instructions.clone()))
    }

    /// What is kept of a child's stderr (None for the other transports).
    fn stderr(&self) -> Option<String> {
        self.stderr.as_ref().map(StderrTail::contents)
    }

    /// Stops the call `token` (the server gets `notifications/cancelled`); nothing comes
    /// to the inbox for it.
    fn cancel(&self, token: u64) {
        if let Some(task) = lock(&self.running).remove(&token) {
            task.abort();
        }
    }

    /// `ping`.
    fn ping(&self, token: u64) -> PyResult<()> {
        self.unit(token, |c| async move { c.ping().await })
    }

    /// `tools/call`; `timeout` in seconds restarts on progress only when not given;
    /// `meta` is the request's `_meta` (a `progressToken` among it names its progress).
    #[pyo3(signature = (token, name, arguments, timeout=None, meta=None))]
    fn call_tool(
        &self,
        token: u64,
        name: String,
        arguments: &Bound<'_, PyAny>,
        timeout: Option<f64>,
        meta: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let arguments = if arguments.is_none() { json!({}) } else { from_py(arguments)? };
        let meta = match meta.filter(|m| !m.is_none()).map(from_py).transpose()? {
            Some(Value::Object(meta)) => Some(meta),
            Some(_) => return Err(PyValueError::new_err("meta must be a dict")),
            None => None,
        };
        let call = seconds(timeout, "read_timeout_seconds")?.map(|t| CallOptions {
            timeout: t,
            reset_on_progress: false,
            max_total: t,
        });
        self.json(token, move |c| async move {
            match (call, meta) {
                (None, None) => c.call_tool(&name, arguments).await,
                (call, meta) => c.call_tool_with(&name, arguments, meta, call.unwrap_or_default()).await,
            }
        })
    }

    /// One of the four lists: `tools`, `resources`, `resourceTemplates` or `prompts`, every
    /// page (or the page at `cursor`).
    #[pyo3(signature = (token, field, cursor=None))]
    fn list(&self, token: u64, field: &str, cursor: Option<String>) -> PyResult<()> {
        let (method, field) = match field {
            "tools" => (Method::ToolsList, "tools"),
            "resources" => (Method::ResourcesList, "resources"),
            "resourceTemplates" => (Method::ResourceTemplatesList, "resourceTemplates"),
            "prompts" => (Method::PromptsList, "prompts"),
            other => return Err(PyValueError::new_err(format!("no list of {other:?}"))),
        };
        self.json(token, move |c| listed(c, method, field, cursor))
    }

    /// `resources/read`.
    fn read_resource(&self, token: u64, uri: String) -> PyResult<()> {
        self.json(token, move |c| async move { c.read_resource(&uri).await })
    }

    /// `resources/subscribe` (`subscribe` true) or `resources/unsubscribe`.
    fn subscribe(&self, token: u64, uri: String, subscribe: bool) -> PyResult<()> {
        self.unit(
            token,
            move |c| async move { if subscribe { c.subscribe(&uri).await } else { c.unsubscribe(&uri).await } },
        )
    }

    /// Opens a `subscriptions/listen` stream (2026-07-28) for `wanted` (`resources`, a list
    /// of URIs; `tools_list_changed`, `prompts_list_changed`, `resources_list_changed`;
    /// `task_ids`); its outcome: a `NativeListen` once the server acknowledged it.
    fn listen(&self, token: u64, wanted: &Bound<'_, PyDict>) -> PyResult<()> {
        let wanted = subscriptions(wanted)?;
        let inbox = self.inbox.clone();
        self.launch(token, move |c| async move {
            let stream = c.listen(&wanted).await?;
            let listen = NativeListen::new(stream, inbox);
            Ok(Outcome::Object(Box::new(move |py| Ok(Bound::new(py, listen)?.into_any()))))
        })
    }

    /// `tools/call` as a task (`ttl_ms`: how long the server keeps it once ended); its
    /// outcome: `{"task": ...}` when the server made a task, else the call's result.
    #[pyo3(signature = (token, name, arguments, ttl_ms=None))]
    fn call_tool_as_task(
        &self,
        token: u64,
        name: String,
        arguments: &Bound<'_, PyAny>,
        ttl_ms: Option<u64>,
    ) -> PyResult<()> {
        let arguments = if arguments.is_none() { json!({}) } else { from_py(arguments)? };
        let ttl = ttl_ms.map(Duration::from_millis);
        self.json(token, move |c| async move {
            Ok(match c.call_tool_as_task(&name, arguments, ttl).await? {
                TaskStart::Task(task) => json!({ "task": task }),
                TaskStart::Done(result) => result,
            })
        })
    }

    /// One request about the task `task_id`: `op` is "get" (its state), "poll" (its next
    /// state, read after the interval `after`, the state read last, suggests), "cancel", or
    /// "result" (waits for its outcome on either wire, within `timeout` seconds when given).
    #[pyo3(signature = (token, op, task_id, timeout=None, after=None))]
    fn task(
        &self,
        token: u64,
        op: &str,
        task_id: String,
        timeout: Option<f64>,
        after: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let wait = seconds(timeout, "timeout")?;
        let after = after.filter(|a| !a.is_none()).map(from_py).transpose()?;
        match op {
            "get" => self.json(token, move |c| async move { c.get_task(&task_id).await }),
            "poll" => self.json(token, move |c| async move { c.next_task_state(&task_id, after.as_ref()).await }),
            "cancel" => self.json(token, move |c| async move { c.cancel_task(&task_id).await }),
            "result" => self.json(token, move |c| async move {
                let call = wait.map_or_else(CallOptions::default, |t| CallOptions {
                    timeout: t,
                    reset_on_progress: false,
                    max_total: t,
                });
                c.wait_task(&json!({ "taskId": task_id }), call).await
            }),
            other => Err(PyValueError::new_err(format!("no task request {other:?}"))),
        }
    }

    /// `tasks/list` (2025-11-25): every page, or the page at `cursor`.
    #[pyo3(signature = (token, cursor=None))]
    fn list_tasks(&self, token: u64, cursor: Option<String>) -> PyResult<()> {
        self.json(token, move |c| async move {
            match cursor {
                Some(cursor) => c.request(Method::TasksList.as_str(), json!({ "cursor": cursor })).await,
                None => Ok(json!({ "tasks": c.list_tasks().await? })),
            }
        })
    }

    /// `prompts/get` (string arguments).
    #[pyo3(signature = (token, name, arguments=None))]
    fn get_prompt(&self, token: u64, name: String, arguments: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let arguments = match arguments.filter(|a| !a.is_none()).map(from_py).transpose()? {
            Some(Value::Object(map)) => map,
            None => Map::new(),
            Some(_) => return Err(PyValueError::new_err("prompt arguments must be a dict")),
        };
        self.json(token, move |c| async move { c.get_prompt(&name, arguments).await })
    }

    /// `completion/complete` of `argument` (`{"name", "value"}`) for `reference`.
    #[pyo3(signature = (token, reference, argument, context=None))]
    fn complete(
        &self,
        token: u64,
        reference: &Bound<'_, PyAny>,
        argument: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let (reference, argument) = (from_py(reference)?, from_py(argument)?);
        let context = context.filter(|c| !c.is_none()).map(from_py).transpose()?;
        self.json(token, move |c| async move { c.complete(reference, argument, context).await })
    }

    /// The level of log messages the server sends.
    fn set_logging_level(&self, token: u64, level: &str) -> PyResult<()> {
        let level = LogLevel::parse(level).ok_or_else(|| PyValueError::new_err(format!("no log level {level:?}")))?;
        self.unit(token, move |c| async move { c.set_logging_level(level).await })
    }

    /// `notifications/roots/list_changed` (the 2026-07-28 wire has no such notification:
    /// there the next request's answers are read afresh).
    fn send_roots_list_changed(&self, token: u64) -> PyResult<()> {
        self.unit(token, |c| async move {
            if c.is_stateless() {
                return Ok(());
            }
            c.notify(Method::RootsListChanged.as_str(), None).await
        })
    }

    /// Any request, for its raw result.
    fn request(&self, token: u64, method: String, params: &Bound<'_, PyAny>) -> PyResult<()> {
        let params = if params.is_none() { json!({}) } else { from_py(params)? };
        self.json(token, move |c| async move { c.request(&method, params).await })
    }

    /// Ends the connection gracefully as the call `token`: the calls still running are
    /// stopped, then the transport closes (a child is waited for, then killed).
    fn close(&self, token: u64) {
        let client = lock(&self.client).take();
        let stopped: Vec<AbortHandle> = lock(&self.running).drain().map(|(_, task)| task).collect();
        stopped.iter().for_each(AbortHandle::abort);
        let inbox = self.inbox.clone();
        leave_worker(|| {
            runtime().spawn(async move {
                if let Some(mut client) = client {
                    let deadline = tokio::time::Instant::now() + CLOSE_WAIT;
                    loop {
                        match Arc::try_unwrap(client) {
                            Ok(alone) => {
                                alone.close().await;
                                break;
                            }
                            Err(shared) if tokio::time::Instant::now() < deadline => {
                                client = shared;
                                tokio::time::sleep(Duration::from_millis(5)).await;
                            }
                            // Dropped: the connection ends at once when the last call lets go.
                            Err(_) => break,
                        }
                    }
                }
                inbox.push(Arrival::Done { token, outcome: Ok(Outcome::Nothing) });
            })
        });
    }
}

/// The OAuth client of an HTTP target, from the provider's `settings` (a dict of
/// `OAuthSettings`); its questions for the application go to `inbox`, as `oauth/...`
/// requests the loop answers.
fn oauth(settings: &Bound<'_, PyAny>, inbox: &Arc<Shared>) -> PyResult<OAuthClient> {
    let settings: OAuthSettings = serde_json::from_value(from_py(settings)?)
        .map_err(|e| PyValueError::new_err(format!("the OAuth settings: {e}")))?;
    let inbox = inbox.clone();
    let ask: Ask = Arc::new(move |method: &'static str, params: Value| -> BoxFuture<'static, Result<Value, String>> {
        let answer = asking(&inbox, method)(params);
        Box::pin(async move { answer.await.map_err(|e| e.message) })
    });
    settings.build(ask).map_err(PyValueError::new_err)
}

/// The trust of a URL target's root certificates (PEM texts or paths) besides the system's
/// store (`None`: the system's alone).
fn trust(roots: &Bound<'_, PyAny>) -> PyResult<Option<Trust>> {
    if roots.is_none() {
        return Ok(None);
    }
    let trust = Trust::with_root_certificates(&roots.extract::<Vec<String>>()?)
        .map_err(|e| PyValueError::new_err(format!("root_certificates: {e}")))?;
    Ok(Some(trust))
}

/// The headers of a URL target (`None`: none).
fn headers(given: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    if given.is_none() {
        return Ok(Vec::new());
    }
    given.cast::<PyDict>()?.iter().map(|(k, v)| Ok((k.extract::<String>()?, v.extract::<String>()?))).collect()
}

/// Reads Python's description of where to connect (an HTTP target's OAuth questions go to
/// `inbox`).
fn read_target(target: &Bound<'_, PyAny>, inbox: &Arc<Shared>) -> PyResult<(Target, Option<StderrTail>)> {
    let kind: String = target.get_item(0)?.extract()?;
    match kind.as_str() {
        "memory" => {
            let server = target.get_item(1)?;
            let server = server.cast::<NativeServer>()?;
            Ok((Target::Memory(server.get().open_link()), None))
        }
        "stdio" => {
            let command: String = target.get_item(1)?.extract()?;
            let args: Vec<String> = target.get_item(2)?.extract()?;
            let env = target.get_item(3)?;
            let cwd = target.get_item(4)?;
            let mut child = ChildTransport::new(command).args(args);
            if !env.is_none() {
                for (key, value) in env.cast::<PyDict>()?.iter() {
                    child = child.env(key.extract::<String>()?, value.extract::<String>()?);
                }
            }
            if !cwd.is_none() {
                child = child.cwd(cwd.str()?.to_string());
            }
            let stderr = child.stderr();
            Ok((Target::Child(child), Some(stderr)))
        }
        "http" => {
            let url: String = target.get_item(1)?.extract()?;
            let mut http =
                headers(&target.get_item(2)?)?.into_iter().fold(HttpTransport::new(url), |t, (k, v)| t.header(k, v));
            if let Some(trust) = trust(&target.get_item(4)?)? {
                http = http.trust(trust);
            }
            let settings = target.get_item(3)?;
            if !settings.is_none() {
                http = http.oauth(oauth(&settings, inbox)?);
            }
            Ok((Target::Http(http), None))
        }
        "websocket" => {
            let url: String = target.get_item(1)?.extract()?;
            let mut ws = headers(&target.get_item(2)?)?
                .into_iter()
                .fold(WebSocketTransport::new(url), |t, (k, v)| t.header(k, v));
            if let Some(trust) = trust(&target.get_item(4)?)? {
                ws = ws.trust(trust);
            }
            Ok((Target::WebSocket(ws), None))
        }
        other => Err(PyValueError::new_err(format!("no transport {other:?}"))),
    }
}

//! `NativeClient`: the engine's MCP client (`mcpforge::client::Client`) for the JavaScript
//! `Client` of `lib/mcp-client/`. It connects over one of the engine's transports (a child
//! on stdio, Streamable HTTP, or a `Server` of this process), sends each call in a task of
//! its own, and hands JavaScript every outcome, notification and server request through one
//! [`Outbox`]. On stdio everything runs on the JavaScript thread's event loop
//! (`event_loop.rs`): the child's pipes are read and written there, the engine correlates
//! each answer there, and a read's answers reach JavaScript in one call, so a call wakes no
//! other thread. Over HTTP and in process the calls run on the client thread
//! (`client_runtime.rs`). Everything the protocol decides (the handshake, ids, progress
//! tokens, timeouts, cancellation, pagination, the `outputSchema` check, capabilities) is the
//! engine's; this file translates.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mcpforge::client::auth::{Ask, OAuthSettings};
use mcpforge::client::transport::child::StderrTail;
use mcpforge::client::transport::{ChildTransport, HttpTransport, MemoryTransport, Trust, WebSocketTransport};
use mcpforge::client::{
    CallOptions, CancelReason, Client, ClientBuilder, ClientError, NEXT_TASK_STATE, Protocol, ServerSession,
};
use mcpforge::protocol::ProtocolVersion;
use mcpforge::protocol::method::{Kind, Method, Sender};
use mcpforge::{BoxFuture, Executor, LogLevel, ProtocolError, StdioDriver, StdioReader, StdioWriter};
use napi::Env;
use napi::bindgen_prelude::{Object, ToNapiValue};
use napi_derive::napi;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::client_outbox::{Item, Outbox};
use crate::client_runtime::handle;
use crate::direct::DispatchFn;
use crate::error::{js_error, parse_json};
use crate::event_loop::{LoopExecutor, OnLoop};
use crate::loop_io::{LoopReader, LoopWriter};
use crate::server::NativeServer;

/// The code of a call that got no answer in time (the official SDK's `RequestTimeout`).
#[napi]
pub const REQUEST_TIMEOUT: i64 = -32001;
/// The code of a call whose connection ended (the official SDK's `ConnectionClosed`), also
/// what `lib/mcp-client/outcomes.js` rejects a call on a closed client with.
#[napi]
pub const CONNECTION_CLOSED: i64 = -32000;
/// How many times `close` looks (a millisecond apart) for the calls in flight to let go of
/// the client before leaving its end to the last of them.
const CLOSE_WAITS: usize = 200;

/// How the client reaches its server (JSON from `lib/mcp-client/transports.js`).
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Reach {
    /// A child process on stdio.
    Stdio {
        command: String,
        #[serde(default)]
        args: Vec<String>,
        #[serde(default)]
        env: HashMap<String, String>,
        cwd: Option<String>,
    },
    /// A Streamable HTTP endpoint.
    Http {
        url: String,
        #[serde(default)]
        headers: HashMap<String, String>,
        /// The `authProvider`'s settings: its questions come to JavaScript as `oauth/...`
        /// requests.
        #[serde(default)]
        oauth: Option<OAuthSettings>,
        /// Root certificates trusted for `https://` besides the system's store (PEM texts or
        /// paths).
        #[serde(default, rename = "rootCertificates")]
        root_certificates: Option<Vec<String>>,
    },
    /// A WebSocket endpoint (`ws://`, `wss://`).
    WebSocket {
        url: String,
        #[serde(default)]
        headers: HashMap<String, String>,
        /// Root certificates trusted for `wss://` besides the system's store.
        #[serde(default, rename = "rootCertificates")]
        root_certificates: Option<Vec<String>>,
    },
    /// The `Server` passed beside it, in this process.
    Server,
}

/// Who the client is and what it answers (JSON from `lib/mcp-client/client.js`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Setup {
    name: String,
    version: String,
    /// The capabilities as the application declared them.
    #[serde(default)]
    capabilities: Option<Value>,
    /// The server requests JavaScript answers (`sampling/createMessage`, ...).
    #[serde(default)]
    asks: Vec<String>,
    /// Notifications besides the protocol's own that JavaScript wants.
    #[serde(default)]
    notifications: Vec<String>,
    /// `"auto"`, `"stateless"`, or the handshake version to offer (default the newest).
    protocol: Option<String>,
    /// The default timeout of a call, in milliseconds.
    timeout_ms: Option<f64>,
}

type Answer = oneshot::Sender<Result<Value, ProtocolError>>;

/// What the tasks of one client share.
struct Shared {
    outbox: Arc<Outbox>,
    /// The JavaScript thread's event loop, as an executor.
    on_loop: Arc<OnLoop>,
    /// Set when the connection runs on that loop (stdio): so do its calls.
    looped: AtomicBool,
    /// The connected client (taken by `close`).
    client: Mutex<Option<Arc<Client>>>,
    /// Calls an `AbortSignal` may stop, by their sequence number: where the reason goes.
    stoppable: Mutex<HashMap<u32, oneshot::Sender<String>>>,
    /// Server requests waiting for JavaScript's answer, by key.
    asks: Mutex<HashMap<u32, Answer>>,
    next_ask: AtomicU32,
    /// The child's stderr, on stdio.
    stderr: Mutex<Option<StderrTail>>,
    /// Cancelled by `close`: every call still waiting fails as closed.
    closing: CancellationToken,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A connection to one MCP server (see the module docs).
#[napi]
pub struct NativeClient {
    shared: Arc<Shared>,
}

#[napi]
impl NativeClient {
    /// A client handing JavaScript what comes as `deliver(count, items, 0)`: `count` items
    /// in one text, separated by newlines (see `client_outbox.rs`).
    #[napi(constructor, ts_args_type = "deliver: (count: number, items: string, unused: number) => void")]
    pub fn new(env: Env, deliver: DispatchFn<'_>) -> napi::Result<Self> {
        let on_loop = Arc::new(OnLoop(LoopExecutor::of(&env)?));
        let shared = Shared {
            outbox: Outbox::new(&deliver, on_loop.clone())?,
            on_loop,
            looped: AtomicBool::new(false),
            client: Mutex::default(),
            stoppable: Mutex::default(),
            asks: Mutex::default(),
            next_ask: AtomicU32::new(1),
            stderr: Mutex::default(),
            closing: CancellationToken::new(),
        };
        Ok(NativeClient { shared: Arc::new(shared) })
    }

    /// Connects: `reach` (JSON: `{kind: "stdio", command, args, env, cwd}`, `{kind: "http",
    /// url, headers, oauth}` (`oauth`: the engine's `OAuthSettings`) or `{kind: "server"}` with `server`), `setup` (JSON: `name`, `version`,
    /// `capabilities`, `asks`, `notifications`, `protocol`, `timeoutMs`). Resolves to what
    /// was learnt of the server (JSON: `protocolVersion`, `capabilities`, `serverInfo`,
    /// `instructions`).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn connect<'e>(
        &self,
        env: &'e Env,
        reach: String,
        setup: String,
        server: Option<&NativeServer>,
    ) -> napi::Result<Object<'e>> {
        let reach: Reach = serde_json::from_value(parse_json(&reach, "the transport")?)
            .map_err(|e| js_error(format!("the transport: {e}")))?;
        let setup: Setup = serde_json::from_value(parse_json(&setup, "the client options")?)
            .map_err(|e| js_error(format!("the client options: {e}")))?;
        let engine = match (&reach, server) {
            (Reach::Server, Some(server)) => Some(server.engine()),
            (Reach::Server, None) => return Err(js_error("an in-process transport needs its server")),
            _ => None,
        };
        let mut builder = self.builder(setup)?;
        let looped = matches!(reach, Reach::Stdio { .. });
        if looped {
            builder = builder.executor(self.shared.on_loop.clone());
        }
        self.shared.looped.store(looped, Ordering::Release);
        let driver = looped.then(|| loop_driver(&self.shared.on_loop));
        let shared = self.shared.clone();
        self.run(env, async move {
            let client = match reach {
                Reach::Stdio { command, args, env, cwd } => {
                    let mut child = ChildTransport::new(command).args(args);
                    child = env.into_iter().fold(child, |c, (k, v)| c.env(k, v));
                    if let Some(dir) = cwd {
                        child = child.cwd(dir);
                    }
                    if let Some(driver) = driver {
                        child = child.driver(driver);
                    }
                    *lock(&shared.stderr) = Some(child.stderr());
                    builder.connect(child).await
                }
                Reach::Http { url, headers, oauth, root_certificates } => {
                    let mut http = headers.into_iter().fold(HttpTransport::new(url), |t, (k, v)| t.header(k, v));
                    if let Some(roots) = root_certificates {
                        http = http.trust(trust_of(&roots)?);
                    }
                    if let Some(settings) = oauth {
                        let asking = shared.clone();
                        let ask: Ask = Arc::new(
                            move |method: &'static str, params: Value| -> BoxFuture<'static, Result<Value, String>> {
                                let answer = ask(&asking, method, &params);
                                Box::pin(async move { answer.await.map_err(|e| e.message) })
                            },
                        );
                        http = http.oauth(settings.build(ask).map_err(js_error)?);
                    }
                    builder.connect(http).await
                }
                Reach::WebSocket { url, headers, root_certificates } => {
                    let mut ws = headers.into_iter().fold(WebSocketTransport::new(url), |t, (k, v)| t.header(k, v));
                    if let Some(roots) = root_certificates {
                        ws = ws.trust(trust_of(&roots)?);
                    }
                    builder.connect(ws).await
                }
                Reach::Server => {
                    let link = engine.expect("given above").open_link(None);
                    builder.connect(MemoryTransport::new(link)).await
                }
            }
            .map_err(|e| js_error(failure(&e)))?;
            let session = describe(client.session());
            *lock(&shared.client) = Some(Arc::new(client));
            Ok(session.to_string())
        })
    }

    /// Sends request `method` (`params` JSON) as call `seq`; its outcome comes through the
    /// outbox. `timeoutMs` (0: the client's default), `resetOnProgress`, `maxTotalMs` (0: no
    /// ceiling) as the official SDK's request options; `stoppable`: `stop(seq, reason)` may
    /// cancel it. `tools/call` results are checked against the tool's `outputSchema`; a list
    /// request without a cursor follows every page.
    #[napi]
    #[allow(clippy::too_many_arguments, reason = "plain values cross without building an object for each call")]
    pub fn request(
        &self,
        seq: u32,
        method: String,
        params: String,
        timeout_ms: f64,
        reset_on_progress: bool,
        max_total_ms: f64,
        stoppable: bool,
    ) -> napi::Result<()> {
        let client = lock(&self.shared.client).clone();
        let Some(client) = client else {
            self.shared.outbox.push(Item::Error, seq, failure(&ClientError::Closed));
            return Ok(());
        };
        let params = parse_json(&params, "the request params")?;
        let call = call_options(timeout_ms, reset_on_progress, max_total_ms);
        let stop = stoppable.then(|| {
            let (tx, rx) = oneshot::channel();
            lock(&self.shared.stoppable).insert(seq, tx);
            rx
        });
        let shared = self.shared.clone();
        let call = async move {
            let reason = CancelReason::new();
            let sent = send(&client, &method, params, call, &reason);
            tokio::pin!(sent);
            let outcome = tokio::select! {
                outcome = &mut sent => Some(outcome),
                Some(why) = stopped(stop) => {
                    reason.set(why);
                    None
                }
                () = shared.closing.cancelled() => Some(Err(ClientError::Closed)),
            };
            if stoppable {
                lock(&shared.stoppable).remove(&seq);
            }
            match outcome {
                Some(Ok(result)) => shared.outbox.push(Item::Result, seq, result),
                Some(Err(e)) => shared.outbox.push(Item::Error, seq, failure(&e)),
                // Stopped: JavaScript already settled the call; dropping `sent` cancels it.
                None => {}
            }
        };
        if self.shared.looped.load(Ordering::Acquire) {
            // Run in this turn of the loop, after JavaScript returns: the calls it made
            // together are written together.
            self.shared.on_loop.spawn(Box::pin(call));
        } else {
            handle().spawn(call);
        }
        Ok(())
    }

    /// Stops call `seq` (its `AbortSignal` fired): the server gets `notifications/cancelled`
    /// with `reason`. Nothing comes through the outbox for it.
    #[napi]
    pub fn stop(&self, seq: u32, reason: String) {
        if let Some(stop) = lock(&self.shared.stoppable).remove(&seq) {
            let _ = stop.send(reason);
        }
    }

    /// Sends a notification (`params` JSON, or none).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn notify<'e>(&self, env: &'e Env, method: String, params: Option<String>) -> napi::Result<Object<'e>> {
        let client = self.connected()?;
        let params = params.map(|p| parse_json(&p, "the notification params")).transpose()?;
        self.run(env, async move { client.notify(&method, params).await.map_err(|e| js_error(failure(&e))) })
    }

    /// The level of log messages the server sends (`logging/setLevel`, or the 2026-07-28
    /// `_meta`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn set_logging_level<'e>(&self, env: &'e Env, level: String) -> napi::Result<Object<'e>> {
        let client = self.connected()?;
        let level = LogLevel::parse(&level).ok_or_else(|| js_error(format!("no log level is called {level:?}")))?;
        self.run(env, async move { client.set_logging_level(level).await.map_err(|e| js_error(failure(&e))) })
    }

    /// Answers server request `key`: its result (`ok`) or error (`{code, message, data}`), JSON.
    #[napi]
    pub fn answer(&self, key: u32, ok: bool, answer: String) -> napi::Result<()> {
        let value = parse_json(&answer, "the answer")?;
        let answer = if ok {
            Ok(value)
        } else {
            Err(serde_json::from_value::<ProtocolError>(value)
                .unwrap_or_else(|e| ProtocolError::internal(format!("the client's handler failed: {e}"))))
        };
        if let Some(waiting) = lock(&self.shared.asks).remove(&key) {
            // The server may have cancelled it meanwhile.
            let _ = waiting.send(answer);
        }
        Ok(())
    }

    /// Every item queued for JavaScript, oldest first, in the text `deliver` gets.
    #[napi]
    pub fn take(&self) -> String {
        self.shared.outbox.take()
    }

    /// How many of the server's notifications were dropped because JavaScript did not take
    /// them in time (more than `client_outbox.rs`'s bound were waiting).
    #[napi]
    pub fn dropped_notifications(&self) -> f64 {
        // A count far below 2^53.
        self.shared.outbox.dropped() as f64
    }

    /// What is kept of a stdio child's stderr (empty on other transports).
    #[napi]
    pub fn stderr(&self) -> String {
        lock(&self.shared.stderr).as_ref().map(StderrTail::contents).unwrap_or_default()
    }

    /// Ends the connection gracefully (a child's stdin closed, then the child waited for and
    /// killed; the HTTP session deleted). Calls still waiting fail as closed.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'e>(&self, env: &'e Env) -> napi::Result<Object<'e>> {
        let client = lock(&self.shared.client).take();
        self.shared.closing.cancel();
        self.run(env, async move {
            let Some(mut client) = client else { return Ok(()) };
            // The calls in flight let go of the client as they end (closing failed them);
            // a call that has not yet drops it later, which ends the transport at once.
            for _ in 0..CLOSE_WAITS {
                match Arc::try_unwrap(client) {
                    Ok(client) => {
                        client.close().await;
                        break;
                    }
                    Err(shared) => client = shared,
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            Ok(())
        })
    }
}

impl NativeClient {
    /// Runs `work` where the connection's tasks run (this thread's loop on stdio, else the
    /// client thread) and resolves a promise with its outcome.
    fn run<'e, T, W>(&self, env: &'e Env, work: W) -> napi::Result<Object<'e>>
    where
        T: ToNapiValue + Send + 'static,
        W: Future<Output = napi::Result<T>> + Send + 'static,
    {
        let (deferred, promise) = env.create_deferred::<T, _>()?;
        let settle = async move {
            match work.await {
                Ok(value) => deferred.resolve(move |_| Ok(value)),
                Err(e) => deferred.reject(e),
            }
        };
        if self.shared.looped.load(Ordering::Acquire) {
            self.shared.on_loop.spawn(Box::pin(settle));
        } else {
            handle().spawn(settle);
        }
        Ok(promise)
    }

    fn connected(&self) -> napi::Result<Arc<Client>> {
        lock(&self.shared.client).clone().ok_or_else(|| js_error(failure(&ClientError::Closed)))
    }

    /// The engine's client builder for `setup`, with JavaScript answering its asks and
    /// taking its notifications.
    fn builder(&self, setup: Setup) -> napi::Result<ClientBuilder> {
        let mut builder = Client::builder(&setup.name, &setup.version).protocol(protocol(setup.protocol.as_deref())?);
        if let Some(ms) = setup.timeout_ms.filter(|ms| *ms > 0.0) {
            builder = builder.timeout(Duration::from_secs_f64(ms / 1000.0));
        }
        for method in setup.asks {
            let shared = self.shared.clone();
            let name = method.clone();
            builder = builder.on_request(&method, move |params| ask(&shared, &name, &params));
        }
        let protocol_notifications = Method::all()
            .filter(|m| m.row().kind == Kind::Notification && m.row().sender != Sender::Client)
            .map(|m| m.as_str().to_owned());
        let mut methods: Vec<String> = protocol_notifications.chain(setup.notifications).collect();
        methods.sort();
        methods.dedup();
        for method in methods {
            let shared = self.shared.clone();
            builder = builder.on_notification(&method, move |n| {
                shared.outbox.push(Item::Notification, &n.method, &n.params);
            });
        }
        if let Some(capabilities) = setup.capabilities {
            builder = builder.capabilities(capabilities);
        }
        Ok(builder)
    }
}

/// A server request handed to JavaScript; resolves with its answer.
fn ask(shared: &Arc<Shared>, method: &str, params: &Value) -> BoxFuture<'static, Result<Value, ProtocolError>> {
    let key = shared.next_ask.fetch_add(1, Ordering::Relaxed);
    let (answer, answered) = oneshot::channel();
    lock(&shared.asks).insert(key, answer);
    shared.outbox.push(Item::Ask, key, format_args!("{method} {params}"));
    Box::pin(async move { answered.await.unwrap_or_else(|_| Err(ProtocolError::internal("the client closed"))) })
}

/// The child's pipes read and written on the loop `on_loop` runs (this thread's).
fn loop_driver(on_loop: &Arc<OnLoop>) -> StdioDriver {
    let event_loop = on_loop.0.event_loop();
    StdioDriver {
        executor: on_loop.clone(),
        open_input: Box::new(move |fd| LoopReader::open(event_loop, fd).map(|r| Box::new(r) as StdioReader)),
        open_output: Box::new(move |fd| LoopWriter::open(event_loop, fd).map(|w| Box::new(w) as StdioWriter)),
    }
}

/// Sends one request the way its method needs (see `NativeClient::request`).
async fn send(
    client: &Client,
    method: &str,
    params: Value,
    call: CallOptions,
    reason: &CancelReason,
) -> Result<Value, ClientError> {
    let first_page = params.get("cursor").is_none();
    let listed = match method {
        "tools/list" if first_page => Some(("tools", client.list_tools().await)),
        "resources/list" if first_page => Some(("resources", client.list_resources().await)),
        "resources/templates/list" if first_page => Some(("resourceTemplates", client.list_resource_templates().await)),
        "prompts/list" if first_page => Some(("prompts", client.list_prompts().await)),
        _ => None,
    };
    if let Some((field, items)) = listed {
        return Ok(json!({ field: items? }));
    }
    let uri = || params.get("uri").and_then(Value::as_str).unwrap_or_default();
    match method {
        // On either wire: `resources/subscribe` before 2026-07-28, a listen stream after.
        "resources/subscribe" => return client.subscribe(uri()).await.map(|()| json!({})),
        "resources/unsubscribe" => return client.unsubscribe(uri()).await.map(|()| json!({})),
        // `tasks/result` on 2025-11-25; on 2026-07-28 (which has none) polling `tasks/get`.
        // Bounded by the call's timeout, as the request it stands for.
        "tasks/result" => {
            let bound = CallOptions { max_total: call.max_total.min(call.timeout), ..call };
            return client.wait_task(&params, bound).await;
        }
        // Not an MCP method: the task's next state, polled by the engine's policy.
        NEXT_TASK_STATE => {
            let id = params.get("taskId").and_then(Value::as_str).unwrap_or_default();
            return client.next_task_state_with(id, params.get("after"), call).await;
        }
        _ => {}
    }
    let tool = (method == "tools/call").then(|| params["name"].as_str().unwrap_or_default().to_owned());
    let result = client.request_cancellable(method, params, call, reason).await?;
    if let Some(tool) = tool {
        client.check_tool_result(&tool, &result)?;
    }
    Ok(result)
}

/// Resolves to the reason call's `AbortSignal` gave; never when it has none.
async fn stopped(stop: Option<oneshot::Receiver<String>>) -> Option<String> {
    match stop {
        Some(stop) => stop.await.ok(),
        None => std::future::pending().await,
    }
}

/// The call options of one request (see `NativeClient::request`).
fn call_options(timeout_ms: f64, reset_on_progress: bool, max_total_ms: f64) -> CallOptions {
    let default = CallOptions::default();
    let ms = |ms: f64| Duration::from_secs_f64(ms / 1000.0);
    CallOptions {
        timeout: if timeout_ms > 0.0 { ms(timeout_ms) } else { default.timeout },
        reset_on_progress,
        max_total: if max_total_ms > 0.0 { ms(max_total_ms) } else { Duration::MAX },
    }
}

/// The wire `name` asks for.
fn protocol(name: Option<&str>) -> napi::Result<Protocol> {
    Ok(match name {
        None => Protocol::Handshake(ProtocolVersion::LATEST_LEGACY),
        Some("auto") => Protocol::Auto,
        Some("stateless") => Protocol::Stateless,
        Some(version) => match ProtocolVersion::parse(version) {
            Some(v) if v.is_modern() => Protocol::Stateless,
            Some(v) => Protocol::Handshake(v),
            None => return Err(js_error(format!("no protocol version is called {version:?}"))),
        },
    })
}

/// What was learnt of the server, as JSON for JavaScript.
fn describe(session: &ServerSession) -> Value {
    json!({
        "protocolVersion": session.protocol_version.as_str(),
        "capabilities": session.capabilities,
        "serverInfo": session.server_info,
        "instructions": session.instructions,
    })
}

/// A failure as JSON for JavaScript: `{message, code?, data?}`; with a `code` it becomes an
/// `McpError` (the server's error, a timeout, a closed connection, a result that breaks its
/// tool's `outputSchema`), without one a plain `Error` (the transport, a protocol breach).
fn failure(e: &ClientError) -> String {
    let v = match e {
        ClientError::Server(p) => json!({ "code": p.code, "message": p.message, "data": p.data }),
        ClientError::Timeout { after, .. } => {
            json!({ "code": REQUEST_TIMEOUT, "message": e.to_string(), "data": { "timeout": after.as_millis() } })
        }
        ClientError::Closed => json!({ "code": CONNECTION_CLOSED, "message": "Connection closed" }),
        ClientError::OutputSchema { .. } => {
            json!({ "code": mcpforge::error::codes::INVALID_PARAMS, "message": e.to_string() })
        }
        _ => json!({ "message": e.to_string() }),
    };
    v.to_string()
}

/// The trust of `rootCertificates` (PEM texts or paths) besides the system's store.
fn trust_of(roots: &[String]) -> napi::Result<Trust> {
    Trust::with_root_certificates(roots).map_err(|e| js_error(format!("rootCertificates: {e}")))
}

//! `NativeServer`: the engine `Server` a JavaScript `Server` drives. It is built when the
//! JS object is constructed; every registration is a live `add_*` on it (so tools can be
//! added or removed while serving, clients being told the list changed). Also
//! `NativeHttp`, a bound HTTP listener that serves until the server shuts down.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use mcpforge::protocol::{CompletionRef, Prompt, Resource, ResourceTemplate, Tool};
use mcpforge::{
    CatalogueKind, Executor as _, HttpDriver, HttpIo, HttpOptions, HttpServer, Server, ServerBuilder, StdioDriver,
    StdioOptions,
};
use napi::Env;
use napi::bindgen_prelude::{Object, PromiseRaw};
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::callback::{Dispatcher, JsCompletion, JsHandler, JsLister, JsPrompt, JsResource, JsTool, JsVerifier};
use crate::catalogue::JsCatalogue;
use crate::client::NativeMemoryClient;
use crate::direct::DispatchFn;
use crate::error::{js_error, parse_json};
use crate::event_loop::{LoopExecutor, OnLoop};
use crate::hosted::NativeHttpApp;
use crate::initialize_hook::JsInitializeHook;
use crate::link::NativeLink;
use crate::loop_io::{LoopReader, LoopSocket, LoopWriter};
use crate::middleware::JsMiddleware;

/// Reads a definition (JSON text) as an engine protocol type; `what` names it in errors.
fn definition<T: DeserializeOwned>(text: &str, what: &str) -> napi::Result<T> {
    let v = parse_json(text, what)?;
    serde_json::from_value(v).map_err(|e| js_error(format!("invalid {what} definition: {e}")))
}

/// The engine's kind of registered item named `kind` (as the catalogue hook names it).
fn kind_of(kind: &str) -> napi::Result<CatalogueKind> {
    CatalogueKind::from_name(kind).ok_or_else(|| js_error(format!("unknown kind {kind:?}")))
}

/// The engine server behind a JavaScript `Server`.
#[napi]
pub struct NativeServer {
    server: Server,
    dispatcher: Arc<Dispatcher>,
    /// The upstreams mounted into this server, stopped when it shuts down.
    mounts: Arc<Mutex<Vec<mcpforge::proxy::Proxy>>>,
}

#[napi]
impl NativeServer {
    /// Builds the server from `options`: `name` (required) and `version`, then the engine's
    /// JSON form of the server options (`ServerBuilder::from_json`, camelCase names), and the
    /// JS function handler calls go through.
    #[napi(
        constructor,
        ts_args_type = "options: string, dispatch: (handlerId: number, payload: string, id: number) => void"
    )]
    pub fn new(options: String, dispatch: DispatchFn<'_>) -> napi::Result<Self> {
        let mut o = parse_json(&options, "server options")?;
        let fields = o.as_object_mut().ok_or_else(|| js_error("server options must be an object"))?;
        let name = match fields.remove("name") {
            Some(Value::String(n)) => n,
            _ => return Err(js_error("server options: `name` is required")),
        };
        let version = match fields.remove("version") {
            Some(Value::String(v)) => v,
            _ => "0.0.0".to_owned(),
        };
        let server = ServerBuilder::from_json(&name, &version, o).and_then(ServerBuilder::build).map_err(js_error)?;
        Ok(NativeServer { server, dispatcher: Dispatcher::new(dispatch)?, mounts: Arc::default() })
    }

    /// Adds a tool (`definition`: the tool's JSON as listed, plus `deferTask` and `requiredScopes`).
    #[napi]
    pub fn add_tool(&self, definition_json: String, handler: u32) -> napi::Result<()> {
        // `deferTask` and `requiredScopes` are read with the rest (the engine's definition form).
        let tool: Tool = definition(&definition_json, "tool")?;
        let handler = Arc::new(JsTool { handler: JsHandler::new(&self.dispatcher, handler) });
        self.server.add_tool(tool, handler as Arc<dyn mcpforge::ToolHandler>).map_err(js_error)
    }

    /// Adds a concrete resource.
    #[napi]
    pub fn add_resource(&self, definition_json: String, handler: u32) -> napi::Result<()> {
        let resource: Resource = definition(&definition_json, "resource")?;
        let handler = Arc::new(JsResource { handler: JsHandler::new(&self.dispatcher, handler) });
        self.server.add_resource(resource, handler as Arc<dyn mcpforge::ResourceHandler>).map_err(js_error)
    }

    /// Adds a resource template; `lister` is the handler id of the function listing the
    /// resources it stands for (`resources/list` adds them), if any.
    #[napi]
    pub fn add_resource_template(
        &self,
        definition_json: String,
        handler: u32,
        lister: Option<u32>,
    ) -> napi::Result<()> {
        let template: ResourceTemplate = definition(&definition_json, "resource template")?;
        let handler = Arc::new(JsResource { handler: JsHandler::new(&self.dispatcher, handler) })
            as Arc<dyn mcpforge::ResourceHandler>;
        let added = match lister {
            Some(lister) => {
                let lister = Arc::new(JsLister { handler: JsHandler::new(&self.dispatcher, lister) })
                    as Arc<dyn mcpforge::ResourceLister>;
                self.server.add_listed_resource_template(template, handler, lister)
            }
            None => self.server.add_resource_template(template, handler),
        };
        added.map_err(js_error)
    }

    /// Adds an MCP app (`definition`: `uri`, `html`, `name`, `csp`, `permissions`, ...; see
    /// `mcpforge::AppResource`); `handler` reads its HTML when it has none.
    #[napi]
    pub fn add_app(&self, definition_json: String, handler: Option<u32>) -> napi::Result<()> {
        let app: mcpforge::AppResource = definition(&definition_json, "app")?;
        let reader = handler.map(|h| {
            Arc::new(JsResource { handler: JsHandler::new(&self.dispatcher, h) }) as Arc<dyn mcpforge::ResourceHandler>
        });
        self.server.add_app(app, reader).map_err(js_error)
    }

    /// Serves a skill: the text of its `SKILL.md`, and the files beside it as
    /// `[path, bytes]` pairs.
    #[napi(ts_args_type = "skillMd: string, files: Array<[string, Uint8Array]>")]
    pub fn add_skill(
        &self,
        skill_md: String,
        files: Vec<(String, napi::bindgen_prelude::Uint8Array)>,
    ) -> napi::Result<()> {
        let mut skill = mcpforge::Skill::new(skill_md).map_err(js_error)?;
        for (path, bytes) in files {
            skill = skill.file(&path, bytes.to_vec()).map_err(js_error)?;
        }
        self.server.add_skill(skill).map_err(js_error)
    }

    /// Serves every skill in the directory `path` (each subdirectory with a `SKILL.md`).
    #[napi]
    pub fn add_skills_dir(&self, path: String) -> napi::Result<()> {
        self.server.add_skills_dir(&path, mcpforge::SkillLimits::default()).map_err(js_error)
    }

    /// Stops serving a skill and its files; true if it was served.
    #[napi]
    pub fn remove_skill(&self, name: String) -> bool {
        self.server.remove_skill(&name)
    }

    /// Adds a prompt.
    #[napi]
    pub fn add_prompt(&self, definition_json: String, handler: u32) -> napi::Result<()> {
        let prompt: Prompt = definition(&definition_json, "prompt")?;
        let handler = Arc::new(JsPrompt { handler: JsHandler::new(&self.dispatcher, handler) });
        self.server.add_prompt(prompt, handler as Arc<dyn mcpforge::PromptHandler>).map_err(js_error)
    }

    /// Adds a completion provider for one reference (`{"type": "ref/prompt", "name"}` or
    /// `{"type": "ref/resource", "uri"}` JSON), or for every reference without one.
    #[napi]
    pub fn add_completion(&self, reference_json: Option<String>, handler: u32) -> napi::Result<()> {
        let reference = match reference_json {
            Some(r) => Some(definition::<CompletionRef>(&r, "completion reference")?),
            None => None,
        };
        let handler = Arc::new(JsCompletion { handler: JsHandler::new(&self.dispatcher, handler) });
        self.server.add_completion(reference, handler);
        Ok(())
    }

    /// Makes the handler `handler` (the JavaScript middleware chain, lib/middleware.js) the
    /// engine's whole middleware chain, at once; requests that start afterwards pass
    /// through it.
    #[napi]
    pub fn set_middleware(&self, handler: u32) {
        self.server.set_middleware(JsMiddleware { handler: JsHandler::new(&self.dispatcher, handler) });
    }

    /// Makes the handler `handler` (lib/catalogue.js) decide which registered items each
    /// request may see; null removes it (everything is visible again).
    #[napi]
    pub fn set_catalogue(&self, handler: Option<u32>) {
        match handler {
            Some(id) => self.server.set_catalogue(JsCatalogue { handler: JsHandler::new(&self.dispatcher, id) }),
            None => self.server.clear_catalogue(),
        }
    }

    /// Makes the handler `handler` (lib/initialize-hook.js) decide the answer to each
    /// client's `initialize`, on every transport; null removes it (the engine answers again).
    #[napi]
    pub fn set_initialize_hook(&self, handler: Option<u32>) {
        match handler {
            Some(id) => {
                self.server.set_initialize_hook(JsInitializeHook { handler: JsHandler::new(&self.dispatcher, id) })
            }
            None => self.server.clear_initialize_hook(),
        }
    }

    /// Removes a tool; true if it existed.
    #[napi]
    pub fn remove_tool(&self, name: String) -> bool {
        self.server.remove_tool(&name)
    }

    /// Removes a resource; true if it existed.
    #[napi]
    pub fn remove_resource(&self, uri: String) -> bool {
        self.server.remove_resource(&uri)
    }

    /// Removes a resource template; true if it existed.
    #[napi]
    pub fn remove_resource_template(&self, uri_template: String) -> bool {
        self.server.remove_resource_template(&uri_template)
    }

    /// Removes a prompt; true if it existed.
    #[napi]
    pub fn remove_prompt(&self, name: String) -> bool {
        self.server.remove_prompt(&name)
    }

    /// Enables or disables the registered item of `kind` (`"tools"`, `"resources"`,
    /// `"resource_templates"`, `"prompts"`) keyed `key`; true if one is registered. The
    /// engine tells clients the list changed when its state changed.
    #[napi]
    pub fn set_enabled(&self, kind: String, key: String, enabled: bool) -> napi::Result<bool> {
        Ok(self.server.set_enabled(kind_of(&kind)?, &key, enabled))
    }

    /// Whether the registered item of `kind` keyed `key` is enabled; null when none is.
    #[napi]
    pub fn is_enabled(&self, kind: String, key: String) -> napi::Result<Option<bool>> {
        Ok(self.server.is_enabled(kind_of(&kind)?, &key))
    }

    /// Holds list-changed notices until the matching `releaseListChanges` (several changes
    /// told as one).
    #[napi]
    pub fn hold_list_changes(&self) {
        self.server.hold_list_changes();
    }

    /// Ends one `holdListChanges`; after the last, each list that changed is told once.
    #[napi]
    pub fn release_list_changes(&self) {
        self.server.release_list_changes();
    }

    /// Tells clients the tool list changed.
    #[napi]
    pub fn notify_tools_changed(&self) {
        self.server.notify_tools_changed();
    }

    /// Tells clients the prompt list changed.
    #[napi]
    pub fn notify_prompts_changed(&self) {
        self.server.notify_prompts_changed();
    }

    /// Tells clients the resource list changed.
    #[napi]
    pub fn notify_resources_changed(&self) {
        self.server.notify_resources_changed();
    }

    /// Advertises an extension (`settings`: JSON text) to the clients that initialize from
    /// now on.
    #[napi]
    pub fn advertise_extension(&self, id: String, settings: String) -> napi::Result<()> {
        self.server.advertise_extension(id, parse_json(&settings, "extension settings")?);
        Ok(())
    }

    /// Serves `resources/subscribe` and advertises `resources.subscribe` to the clients that
    /// initialize from now on (on), or neither (off).
    #[napi]
    pub fn serve_resource_subscriptions(&self, on: bool) {
        self.server.serve_resource_subscriptions(on);
    }

    /// Whether sessions of the handshake versions are told of changes of the list `list`
    /// (`tools`, `prompts`, `resources`) from now on, and their capabilities claim it.
    #[napi]
    pub fn tell_list_changes(&self, list: String, on: bool) -> napi::Result<()> {
        let kind = serde_json::from_value(serde_json::Value::String(list.clone()))
            .map_err(|_| js_error(format!("unknown list {list:?}")))?;
        self.server.tell_list_changes(kind, on);
        Ok(())
    }

    /// Tells subscribers that the resource `uri` changed.
    #[napi]
    pub fn notify_resource_updated(&self, uri: String) {
        self.server.notify_resource_updated(&uri);
    }

    /// The request metrics as JSON text; null when the server keeps none.
    #[napi]
    pub fn metrics(&self) -> Option<String> {
        self.server.metrics().map(|m| m.to_string())
    }

    /// The request metrics in the Prometheus text format; null when the server keeps none.
    #[napi]
    pub fn metrics_text(&self) -> Option<String> {
        self.server.metrics_text()
    }

    /// Sends a log message outside any request (`data`: JSON text) to every connected
    /// session whose level lets `level` through.
    #[napi]
    pub fn log(&self, level: String, data: String, logger: Option<String>) -> napi::Result<()> {
        let level = crate::context::log_level(&level)?;
        self.server.log(level, parse_json(&data, "log data")?, logger.as_deref());
        Ok(())
    }

    /// Sends the notification `method` (`params`: JSON text) outside any request to the
    /// session of this instance whose id is `session_id` (the official SDK's
    /// `transport.send`); false when no live session has that id.
    #[napi]
    pub fn notify_session(&self, session_id: String, method: String, params: Option<String>) -> napi::Result<bool> {
        let params = params.map(|p| parse_json(&p, "notification params")).transpose()?;
        Ok(self.server.notify_session(&session_id, &method, params.as_ref()))
    }

    /// Serves stdio until stdin closes or `shutdown`; the promise keeps Node alive until then.
    /// Signals are left to JavaScript (the public API turns SIGINT/SIGTERM into `close()`).
    /// By default the connection runs on this thread's event loop: stdin is read when libuv
    /// says it is readable, handlers are called and their answers written on this thread.
    /// With `engine_threads`, the engine's runtime threads read, dispatch and write, in
    /// parallel with JavaScript, and each call crosses to this thread and back.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn serve_stdio<'e>(&self, env: &'e Env, engine_threads: Option<bool>) -> napi::Result<Object<'e>> {
        if engine_threads == Some(true) {
            let server = self.server.clone();
            let options = StdioOptions { handle_signals: false, ..StdioOptions::default() };
            let (deferred, promise) = env.create_deferred::<(), _>()?;
            napi::bindgen_prelude::within_runtime_if_available(|| {
                tokio::spawn(async move {
                    match server.serve_stdio_with(options).await {
                        Ok(()) => deferred.resolve(|_| Ok(())),
                        Err(e) => deferred.reject(js_error(e)),
                    }
                })
            });
            return Ok(promise);
        }
        let executor = LoopExecutor::of(env)?;
        let (deferred, promise) = env.create_deferred::<(), _>()?;
        let event_loop = executor.event_loop();
        let on_loop = Arc::new(OnLoop(executor));
        let driver = StdioDriver {
            executor: on_loop.clone(),
            open_input: Box::new(move |fd| {
                LoopReader::open(event_loop, fd).map(|reader| Box::new(reader) as mcpforge::StdioReader)
            }),
            open_output: Box::new(move |fd| {
                LoopWriter::open(event_loop, fd).map(|writer| Box::new(writer) as mcpforge::StdioWriter)
            }),
        };
        let server = self.server.clone();
        let options = StdioOptions { handle_signals: false, ..StdioOptions::default() };
        on_loop.spawn(Box::pin(async move {
            match server.serve_stdio_driven(options, Some(driver)).await {
                Ok(()) => deferred.resolve(|_| Ok(())),
                Err(e) => deferred.reject(js_error(e)),
            }
        }));
        Ok(promise)
    }

    /// Binds Streamable HTTP (`options` JSON: `host`, `port`, `path`, `allowedHosts`,
    /// `allowedOrigins`, `maxBody`, `legacySessions`, `sessionIdleTimeoutMs`,
    /// `maxSessions`, `sseKeepaliveMs`, `legacySse`, `metrics`, `auth`). `verifier` is the
    /// handler id of the bearer-token verifier when `auth` is set.
    #[napi(ts_return_type = "Promise<NativeHttp>")]
    pub fn bind_http<'e>(
        &self,
        env: &'e Env,
        options: String,
        verifier: Option<u32>,
    ) -> napi::Result<PromiseRaw<'e, NativeHttp>> {
        let options = self.http_options(parse_json(&options, "http options")?, verifier)?;
        let server = self.server.clone();
        env.spawn_future(async move {
            let http = server.bind_http(options).await.map_err(js_error)?;
            let address = http.local_addr().map_err(js_error)?;
            Ok(NativeHttp { http: Mutex::new(Some(http)), address })
        })
    }

    /// The HTTP application without a listener, for the handlers that mount it in Express,
    /// `node:http` or a `fetch` runtime (`options` and `verifier` as for `bindHttp`; `host`,
    /// `port` and the connection limits are the host server's business and not used).
    /// `sharedSessions`: its sessions also count against the process-wide bound of its
    /// `maxSessions` and per-client bound (`SessionBudget::process_wide`), shared with every
    /// application asking for the same (the official SDK's transports: one application per
    /// session).
    #[napi]
    pub fn http_app(
        &self,
        options: String,
        verifier: Option<u32>,
        shared_sessions: Option<bool>,
    ) -> napi::Result<NativeHttpApp> {
        let mut options = self.http_options(parse_json(&options, "http options")?, verifier)?;
        if shared_sessions == Some(true) {
            let budget = mcpforge::SessionBudget::process_wide(options.max_sessions, options.sessions_per_client());
            options.session_budget = Some(budget);
        }
        let server = self.server.clone();
        Ok(napi::bindgen_prelude::within_runtime_if_available(move || NativeHttpApp::new(server.http_app(options))))
    }

    /// The HTTP options from `listen({ http })`, through the engine's JSON form
    /// (`HttpOptions::from_json`, which takes the camelCase names); `verifier` is the
    /// handler id of the token verifier.
    fn http_options(&self, o: Value, verifier: Option<u32>) -> napi::Result<HttpOptions> {
        let verifier = verifier.map(|handler| {
            Arc::new(JsVerifier { handler: JsHandler::new(&self.dispatcher, handler) })
                as Arc<dyn mcpforge::TokenVerifier>
        });
        HttpOptions::from_json(o, verifier).map_err(|e| js_error(format!("http options: {e}")))
    }

    /// Opens a connection whose messages JavaScript carries (a transport of another
    /// package; `lib/compat/linked-transport.js`), its session called `session_id` (the
    /// transport's `sessionId`) when given.
    #[napi(ts_return_type = "Promise<NativeLink>")]
    pub fn open_link<'e>(&self, env: &'e Env, session_id: Option<String>) -> napi::Result<PromiseRaw<'e, NativeLink>> {
        let server = self.server.clone();
        env.spawn_future(async move { Ok(NativeLink::open(&server, session_id)) })
    }

    /// Connects an in-memory client (`responses`: JSON map from a server->client method to
    /// the result the client answers it with on legacy sessions).
    #[napi(ts_return_type = "Promise<NativeMemoryClient>")]
    pub fn connect_memory<'e>(
        &self,
        env: &'e Env,
        responses: Option<String>,
    ) -> napi::Result<PromiseRaw<'e, NativeMemoryClient>> {
        let responses = match responses {
            Some(r) => parse_json(&r, "client responses")?,
            None => Value::Null,
        };
        let server = self.server.clone();
        env.spawn_future(async move { Ok(NativeMemoryClient::connect(&server, responses)) })
    }

    /// The engine server (for an in-process client, `mcp_client.rs`).
    pub(crate) fn engine(&self) -> Server {
        self.server.clone()
    }

    /// Asks every serve loop to stop gracefully (in-flight requests finish up to the grace
    /// period). Final: the server cannot serve again.
    #[napi]
    pub fn shutdown(&self) {
        self.server.shutdown();
        let mounts = std::mem::take(&mut *self.mounts.lock().unwrap_or_else(|p| p.into_inner()));
        mounts.into_iter().for_each(mcpforge::proxy::Proxy::close);
    }

    /// Mounts the upstream `name` into this server (`mcpforge::Server::mount`): `server` (a
    /// server of this process, reached in memory as an in-process client reaches it) or the
    /// command or URL `entry` names (JSON, `Upstream::from_json`); `entry`'s `prefix` and
    /// `mode` apply to either (default: shared for a server, per session otherwise).
    /// Resolves once the upstream's first catalogue is served (or its connect timeout
    /// passed).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn mount<'e>(
        &self,
        env: &'e Env,
        name: String,
        entry_json: String,
        server: Option<&NativeServer>,
    ) -> napi::Result<PromiseRaw<'e, ()>> {
        use mcpforge::proxy::{Mode, Upstream};
        let entry = parse_json(&entry_json, "upstream")?;
        let upstream = match server {
            // One link serves every client of a server of this process (no child to share), so
            // that requests without a session (the 2026-07-28 wire over HTTP) reach it too.
            Some(other) => Upstream::server_from_json(&name, other.server.clone(), entry, Mode::Shared),
            None => Upstream::from_json(&name, entry, Mode::default()),
        }
        .map_err(js_error)?;
        let (server, mounts) = (self.server.clone(), self.mounts.clone());
        env.spawn_future(async move {
            let mounted = server.mount(upstream).await;
            mounts.lock().unwrap_or_else(|p| p.into_inner()).push(mounted);
            Ok(())
        })
    }
}

/// A bound HTTP listener.
#[napi]
pub struct NativeHttp {
    http: Mutex<Option<HttpServer>>,
    address: SocketAddr,
}

#[napi]
impl NativeHttp {
    /// The bound address, `host:port`.
    #[napi(getter)]
    pub fn address(&self) -> String {
        self.address.to_string()
    }

    /// The bound port.
    #[napi(getter)]
    pub fn port(&self) -> u32 {
        u32::from(self.address.port())
    }

    /// Serves until the server shuts down (once; a second call rejects). The engine's
    /// runtime accepts the connections; by default each connection then runs on this
    /// thread's event loop: libuv says when its socket is readable, and the requests it
    /// carries are parsed, handed to their handlers, answered and written on this thread.
    /// With `engine_threads` (or WebSocket on), the engine's runtime threads serve the
    /// connections, in parallel with JavaScript, and each call crosses to this thread and back.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn run<'e>(&self, env: &'e Env, engine_threads: Option<bool>) -> napi::Result<PromiseRaw<'e, ()>> {
        let http = self.http.lock().unwrap_or_else(|e| e.into_inner()).take();
        let http = http.ok_or_else(|| js_error("this HTTP listener is already running"))?;
        let driver = if engine_threads == Some(true) {
            None
        } else {
            let executor = LoopExecutor::of(env)?;
            let event_loop = executor.event_loop();
            let open_socket: mcpforge::transport::http::OpenSocket =
                Arc::new(move |fd| LoopSocket::open(event_loop, fd).map(|socket| Box::new(socket) as Box<dyn HttpIo>));
            Some(HttpDriver { executor: Arc::new(OnLoop(executor)), open_socket })
        };
        env.spawn_future(async move { http.run_driven(driver).await.map_err(js_error) })
    }
}

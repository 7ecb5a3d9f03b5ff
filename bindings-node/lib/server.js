/**
 * `Server`: what an application configures. Register tools, resources, resource templates,
 * prompts and completions (live: they may change while serving, clients are told), then
 * `await listen()` (stdio) or `await listen({ http: { port } })`; either returns when the
 * server stops. `await close()` stops it and lets the process exit. `testClient()` connects
 * an in-memory client for tests. The engine (Rust) owns the wire; handlers run on the JS
 * thread and may return a value or a Promise.
 */
'use strict';

const native = require('./native');
const { HandlerTable, weakDispatch } = require('./dispatch');
const { ErrorCode, ToolError } = require('./errors');
const { toJsonSchema, argumentParser, isRawShape } = require('./schema');
const { toolOptions } = require('./tool-config');
const results = require('./results');
const { TestClient } = require('./client');
const mount = require('./mount');
const compose = require('./compose');
const { ErrorPolicy, ERROR_POLICY, source } = require('./error-policy');
const { chainHandler } = require('./middleware');
const { catalogueHandler } = require('./catalogue');
const { initializeHookHandler } = require('./initialize-hook');
const { announce, exitAfterSignal } = require('./announce');

const { ATTACH, LINK, NOTIFY_SESSION, EXTENSION, SUBSCRIPTIONS, LIST_CHANGES, SOLE_CALL, AS_ONE_CHANGE, HOLD_CHANGES, NATIVE_SERVER } = require('./internal-hooks');

/** True when `transport` implements the hook (`[ATTACH]`). */
function isTransport(transport) {
  return transport !== null && typeof transport === 'object' && typeof transport[ATTACH] === 'function';
}

const EMPTY_INPUT = Object.freeze({ type: 'object', properties: {} });

/** Keeps only defined fields. */
function defined(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

function requireFunction(handler, what) {
  if (typeof handler !== 'function') throw new TypeError(`mcpforge: the ${what} handler must be a function`);
}

/** The prompt's argument list from `arguments`, or from `argsSchema` (zod shape or JSON Schema). */
function promptArguments(config) {
  if (Array.isArray(config.arguments)) return config.arguments;
  const schema = config.argsSchema;
  if (!schema) return undefined;
  if (isRawShape(schema)) {
    return Object.entries(schema).map(([name, s]) =>
      defined({ name, description: s.description, required: !(typeof s.isOptional === 'function' && s.isOptional()) }),
    );
  }
  const json = toJsonSchema(schema, 'prompt arguments');
  const required = new Set(json.required || []);
  return Object.entries(json.properties || {}).map(([name, p]) =>
    defined({ name, description: p && p.description, required: required.has(name) }),
  );
}

/** The `URL` of a resource URI (the string itself if it does not parse). */
function uriObject(uri) {
  try {
    return new URL(uri);
  } catch {
    return uri;
  }
}

/** The server of each way in handed out (a mounted application, a link): held as long as it is. */
const SERVER_OF = new WeakMap();

class Server {
  #native;
  /** Applications handed to `httpHandler`/`fetchHandler`, drained by `close()`. */
  #apps = new Set();
  #table = new HandlerTable();
  /** What the engine calls handlers through; held here, the engine holds it weakly (`weakDispatch`). */
  #dispatch;
  #running = new Set();
  #clients = new Set();
  #http;
  #errors;
  /** The text of arguments a zod schema refused (as the engine words its own refusals). */
  #invalidArguments;
  #middleware = [];

  /**
   * @param {object} options `name` (required), `version`, `title`, `description`,
   *   `websiteUrl`, `instructions`, `logging`, `protocolVersions`, `stateKey`, `cacheTtlMs`,
   *   `cacheScope`, `limits`, `tasks`, `experimental`, `extensions`, `enableTools`,
   *   `enableResources`, `enablePrompts`, `rateLimits`, `metrics` (keep request metrics per
   *   method, name and outcome: `metrics()`, `metricsText()`, `/metrics` over HTTP),
   *   `metricsAddress` (`"127.0.0.1:9464"`: serve `GET /metrics` there while serving stdio)
   *   (unknown options are refused); and, for JavaScript
   *   only, `logger` (where the stacks of unexpected handler errors go: an object with an
   *   `error(...)` method; default stderr), `maskErrorDetails` (keep their text from
   *   clients, who then read "the handler failed") and `onError` (the error hook, see
   *   `onError()`)
   */
  constructor(options = {}) {
    if (!options || typeof options.name !== 'string' || options.name === '') {
      throw new TypeError('mcpforge: new Server({ name, version }) needs a name');
    }
    const { logger, maskErrorDetails, onError, ...engineOptions } = options;
    this.#errors = new ErrorPolicy({ logger, maskErrorDetails, onError });
    this.#invalidArguments = engineOptions.typescriptSdkErrors
      ? (name, detail) => `MCP error ${ErrorCode.InvalidParams}: Input validation error: Invalid arguments for tool ${name}: ${detail}`
      : (name, detail) => `Invalid arguments for tool ${name}: ${detail}`;
    this.#dispatch = this.#table.dispatcher(this);
    this.#native = new native.NativeServer(JSON.stringify(engineOptions), weakDispatch(this.#dispatch));
  }

  /**
   * Registers a tool. `config` mirrors the official SDK's `registerTool`:
   * `title`, `description`, `inputSchema` and `outputSchema` (JSON Schema, zod schema or
   * zod raw shape), `annotations`, `icons`, `execution`, `_meta`, plus `deferTask` and
   * `requiredScopes` (OAuth scopes an HTTP caller's token needs to see and call the tool),
   * `ui` (the `ui://` URI of the MCP app showing its results, or `{ resourceUri, visibility }`).
   * `config` may also be the arguments' raw shape alone (`{ a: z.number() }`), as in the
   * SDK's `tool(name, shape, cb)`; a schema under any other key is refused (`tool-config.js`).
   * `handler(args, ctx)` returns a string, a JSON value (structured content when the tool
   * has an `outputSchema`), a `CallToolResult`, or a Promise of one.
   */
  tool(name, config, handler) {
    if (typeof config === 'function') [config, handler] = [{}, config];
    requireFunction(handler, `tool \`${name}\``);
    const c = toolOptions(name, config);
    const parse = argumentParser(c.inputSchema);
    const definition = defined({
      name,
      title: c.title,
      description: c.description,
      inputSchema: toJsonSchema(c.inputSchema, 'input schema') ?? EMPTY_INPUT,
      outputSchema: toJsonSchema(c.outputSchema, 'output schema', 'output'),
      annotations: c.annotations,
      icons: c.icons,
      execution: c.execution,
      _meta: c._meta,
      deferTask: c.deferTask,
      requiredScopes: c.requiredScopes,
      ui: c.ui,
    });
    // What does not change from call to call is made once, here.
    const plain = definition.outputSchema === undefined;
    const answer = (cl, value) => results.answerTool(cl, value, name, plain);
    const what = source('tool', name);
    const errors = this.#errors;
    const rescue = handler[results.RESCUE];
    const invalidArguments = this.#invalidArguments;
    const checked = (r, ctx) => {
      if (!r.ok) throw new ToolError(invalidArguments(name, r.message));
      return handler(r.value, ctx);
    };
    const invoke = (payload, ctx) => {
      const args = JSON.parse(payload);
      if (!parse) return handler(args, ctx);
      const r = parse(args);
      return typeof r.then === 'function' ? r.then((settled) => checked(settled, ctx)) : checked(r, ctx);
    };
    const id = this.#table.add((payload, ctx, call, done) => {
      results.settle(call, invoke, answer, done, errors, what, rescue, payload, ctx);
    });
    this.#register(id, () => this.#native.addTool(JSON.stringify(definition), id));
    return this.#registration('tools', { name }, name, () => this.removeTool(name));
  }

  /** Registers a concrete resource; `handler(uri: URL, ctx)` returns text, bytes or `{ contents }`. */
  resource(name, uri, config, handler) {
    if (typeof config === 'function') [config, handler] = [{}, config];
    const id = this.#reader('resource', uri, handler, (target, _vars, ctx) => handler(uriObject(target), ctx));
    this.#register(id, () => this.#native.addResource(JSON.stringify(defined({ uri, name, ...(config || {}) })), id));
    return this.#registration('resources', { uri }, uri, () => this.removeResource(uri));
  }

  /**
   * Registers an MCP app at `uri` (`ui://...`): `config.html` or `handler(uri: URL, ctx)` returning it,
   * `name`, `title`, `description`, `csp`, `permissions`, `domain`, `prefersBorder` (docs/node.md).
   */
  app(uri, config, handler) {
    const id = handler === undefined ? undefined : this.#reader('app', uri, handler, (u, _v, ctx) => handler(uriObject(u), ctx));
    this.#register(id, () => this.#native.addApp(JSON.stringify(defined({ uri, ...(config || {}) })), id));
    return this.#registration('resources', { uri }, uri, () => this.removeResource(uri));
  }

  /** Serves a skill: its `SKILL.md` text and the files beside it (`{ path: string | Uint8Array }`). */
  skill(skillMd, files = {}) {
    this.#native.addSkill(skillMd, Object.entries(files).map(([p, d]) => [p, typeof d === 'string' ? Buffer.from(d) : d]));
  }

  /** Serves the skills of directory `path` (each subdirectory with a `SKILL.md`); see `removeSkill`. */
  skillsDir(path) {
    this.#native.addSkillsDir(String(path));
  }

  /**
   * Registers a resource template (RFC 6570, e.g. `file:///{path}`);
   * `handler(uri: URL, variables, ctx)` returns text, bytes or `{ contents }`. With
   * `config.list(ctx)` (returning `{ resources }` or an array of `{ uri, name, ... }`),
   * `resources/list` adds the resources the template stands for, each taking the template's
   * metadata for what it leaves out.
   */
  resourceTemplate(name, uriTemplate, config, handler) {
    if (typeof config === 'function') [config, handler] = [{}, config];
    const { list, ...metadata } = config || {};
    if (list !== undefined) requireFunction(list, `list of resource template ${uriTemplate}`);
    const id = this.#reader('resource template', uriTemplate, handler, (target, vars, ctx) =>
      handler(uriObject(target), vars, ctx),
    );
    const listId = list === undefined ? undefined : this.#lister(uriTemplate, list);
    const definition = defined({ uriTemplate, name, ...metadata });
    this.#register(id, () => this.#native.addResourceTemplate(JSON.stringify(definition), id, listId), listId);
    return this.#registration('resource_templates', { uriTemplate }, uriTemplate, () =>
      this.removeResourceTemplate(uriTemplate),
    );
  }

  /** Adds the lister of a template's resources: `list(ctx)` answers `{ resources }` or an array. */
  #lister(uriTemplate, list) {
    return this.#table.add((payload, ctx, call, done) => {
      results.settle(call, () => list(ctx), results.answerResourceList, done, this.#errors, source('resource list', uriTemplate));
    });
  }

  /** Adds the reader of resource (template) `key`: `invoke(uri, variables, ctx)` runs the handler. */
  #reader(kind, key, handler, invoke) {
    requireFunction(handler, `${kind} ${key}`);
    return this.#table.add((payload, ctx, call, done) => {
      let target = '';
      results.settle(
        call,
        () => {
          const p = JSON.parse(payload);
          target = p.uri;
          return invoke(p.uri, p.variables, ctx);
        },
        (cl, value) => results.answerResource(cl, value, target),
        done,
        this.#errors,
        source(kind, key),
      );
    });
  }

  /**
   * Registers a prompt. `config`: `title`, `description`, and `arguments`
   * (`[{ name, description, required }]`) or `argsSchema` (zod raw shape or JSON Schema).
   * `handler(args, ctx)` returns a string (one user message), messages, or `{ messages }`.
   */
  prompt(name, config, handler) {
    if (typeof config === 'function') [config, handler] = [{}, config];
    requireFunction(handler, `prompt \`${name}\``);
    const c = config || {};
    const definition = defined({
      name,
      title: c.title,
      description: c.description,
      arguments: promptArguments(c),
      icons: c.icons,
      _meta: c._meta,
    });
    const id = this.#table.add((payload, ctx, call, done) => {
      results.settle(
        call,
        () => handler(JSON.parse(payload), ctx),
        (cl, v) => results.answerPrompt(cl, v, name),
        done,
        this.#errors,
        source('prompt', name),
      );
    });
    this.#register(id, () => this.#native.addPrompt(JSON.stringify(definition), id));
    return this.#registration('prompts', { name }, name, () => this.removePrompt(name));
  }

  /**
   * Registers a completion provider for `ref` (`{ type: 'ref/prompt', name }` or
   * `{ type: 'ref/resource', uri }`), or for every reference without one (`ref` null).
   * `handler({ ref, argument: { name, value }, context: { arguments } }, ctx)` returns
   * an array of strings or `{ values, total, hasMore }`.
   */
  completion(ref, handler) {
    requireFunction(handler, 'completion');
    const id = this.#table.add((payload, ctx, call, done) => {
      results.settle(call, () => handler(JSON.parse(payload), ctx), results.answerCompletion, done, this.#errors, source('completion'));
    });
    this.#register(id, () => this.#native.addCompletion(ref ? JSON.stringify(ref) : undefined, id));
  }

  /** Official-SDK spelling of `tool`. */
  registerTool(name, config, handler) {
    return this.tool(name, config, handler);
  }

  /** Official-SDK spelling: a string URI registers a resource, `{ uriTemplate }` a template. */
  registerResource(name, uriOrTemplate, config, handler) {
    if (typeof uriOrTemplate === 'string') return this.resource(name, uriOrTemplate, config, handler);
    const template = uriOrTemplate && (uriOrTemplate.uriTemplate ?? uriOrTemplate);
    return this.resourceTemplate(name, String(template), config, handler);
  }

  /** Official-SDK spelling of `prompt`. */
  registerPrompt(name, config, handler) {
    return this.prompt(name, config, handler);
  }

  /** What a registration returns: `fields` with `remove()`, `disable()` and `enable()`. */
  #registration(kind, fields, key, remove) {
    return {
      ...fields,
      remove,
      disable: () => this.#native.setEnabled(kind, key, false),
      enable: () => this.#native.setEnabled(kind, key, true),
    };
  }

  #register(id, add, extraId) {
    try {
      add();
    } catch (e) {
      this.#table.delete(id);
      if (extraId !== undefined) this.#table.delete(extraId);
      throw e;
    }
  }

  /**
   * Adds `middleware`, `async (context, next) => result`, at the inner end of the chain
   * around every request (the first added sees a request first and its answer last);
   * requests that start afterwards pass through it. See lib/middleware.js and docs/hooks.md.
   * Returns the server, so calls chain.
   */
  use(middleware) {
    if (typeof middleware !== 'function') {
      throw new TypeError('mcpforge: a middleware is a function (context, next) => result');
    }
    const chain = [...this.#middleware, middleware];
    const id = this.#table.add(chainHandler(chain, this.#errors));
    this.#register(id, () => this.#native.setMiddleware(id));
    this.#middleware = chain;
    return this;
  }

  /**
   * Sets the catalogue hook (`null` removes it): `hook(context, kind)` says which registered
   * items a request may see (see lib/catalogue.js and docs/hooks.md). Lists then hold only
   * those, and a call, read, `prompts/get`, completion or subscription naming anything else is
   * answered as for an unknown name. A hook that throws shows nothing of that kind for that
   * request (the error is logged and goes to the error hook). When what a client may see
   * changes, tell clients with `notifyToolsChanged()` and the like. Returns the server.
   */
  catalogue(hook) {
    if (hook === null || hook === undefined) {
      this.#native.setCatalogue(null);
      return this;
    }
    if (typeof hook !== 'function') {
      throw new TypeError('mcpforge: a catalogue hook is a function (context, kind) => names | null');
    }
    const id = this.#table.add(catalogueHandler(hook, this.#errors));
    this.#register(id, () => this.#native.setCatalogue(id));
    return this;
  }

  /**
   * Sets the initialize hook (`null` removes it): `hook({ params, answer, repeated, authInfo })`
   * sees each client's `initialize` and returns the answer (`undefined`: the engine's
   * `answer`), on every transport (see lib/initialize-hook.js and docs/hooks.md). Throw an
   * `McpError` to refuse the handshake. Returns the server.
   */
  onInitialize(hook) {
    if (hook === null || hook === undefined) {
      this.#native.setInitializeHook(null);
      return this;
    }
    if (typeof hook !== 'function') {
      throw new TypeError('mcpforge: an initialize hook is a function (handshake) => answer');
    }
    const id = this.#table.add(initializeHookHandler(hook, this.#errors));
    this.#register(id, () => this.#native.setInitializeHook(id));
    return this;
  }

  /** The middleware chain, outermost first. */
  get middleware() {
    return [...this.#middleware];
  }

  /**
   * Sets the error hook (the `onError` option sets it too): `hook(error, { kind, name })` runs
   * for every unexpected error a tool, resource, prompt, completion, resource lister or
   * middleware throws (not for `McpError`, `ToolError` or the input-required signal), after
   * its stack was logged. `kind` and `name` say what threw. A promise the hook returns is not
   * awaited; a hook that throws is logged and changes nothing for the client, whose text
   * `maskErrorDetails` decides. Returns the server, so calls chain.
   */
  onError(hook) {
    this.#errors.hook = hook;
    return this;
  }

  /** This server's error policy (shared with the drop-in `McpServer` built on it). */
  get [ERROR_POLICY]() {
    return this.#errors;
  }

  /** Removes a tool; true if it existed. */
  removeTool(name) {
    return this.#native.removeTool(name);
  }

  /** Removes a resource; true if it existed. */
  removeResource(uri) {
    return this.#native.removeResource(uri);
  }

  /** Stops serving skill `name` and its files; true if it was served. */
  removeSkill(name) {
    return this.#native.removeSkill(name);
  }

  /** Removes a resource template; true if it existed. */
  removeResourceTemplate(uriTemplate) {
    return this.#native.removeResourceTemplate(uriTemplate);
  }

  /** Removes a prompt; true if it existed. */
  removePrompt(name) {
    return this.#native.removePrompt(name);
  }

  /**
   * Disables a tool without removing it: it is not listed, and calling it is answered
   * exactly as for an unknown tool, for every client, until `enableTool(name)`. Its name
   * stays taken and `removeTool` removes it. Clients are told the list changed (disabling a
   * disabled tool changes nothing). True if the tool is registered.
   */
  disableTool(name) {
    return this.#native.setEnabled('tools', name, false);
  }

  /** Enables a disabled tool again (back in its place in the list); true if it is registered. */
  enableTool(name) {
    return this.#native.setEnabled('tools', name, true);
  }

  /** Disables a resource (reading it is answered as for an unknown one); as `disableTool`. */
  disableResource(uri) {
    return this.#native.setEnabled('resources', uri, false);
  }

  /** Enables a disabled resource again; true if it is registered. */
  enableResource(uri) {
    return this.#native.setEnabled('resources', uri, true);
  }

  /** Disables a resource template (by its template string); as `disableTool`. */
  disableResourceTemplate(uriTemplate) {
    return this.#native.setEnabled('resource_templates', uriTemplate, false);
  }

  /** Enables a disabled resource template again; true if it is registered. */
  enableResourceTemplate(uriTemplate) {
    return this.#native.setEnabled('resource_templates', uriTemplate, true);
  }

  /** Disables a prompt (getting it is answered as for an unknown one); as `disableTool`. */
  disablePrompt(name) {
    return this.#native.setEnabled('prompts', name, false);
  }

  /** Enables a disabled prompt again; true if it is registered. */
  enablePrompt(name) {
    return this.#native.setEnabled('prompts', name, true);
  }

  /**
   * Enables or disables the item of `kind` (`'tools'`, `'resources'`, `'resource_templates'`,
   * `'prompts'`) registered under `key`, as `enableTool`/`disableTool` and the others do;
   * true if it is registered.
   */
  setEnabled(kind, key, enabled) {
    return this.#native.setEnabled(kind, key, Boolean(enabled));
  }

  /** Whether the item of `kind` registered under `key` is enabled; `undefined` when none is. */
  isEnabled(kind, key) {
    return this.#native.isEnabled(kind, key) ?? undefined;
  }

  /** Tells clients the tool list changed. */
  notifyToolsChanged() {
    this.#native.notifyToolsChanged();
  }

  /** Tells clients the prompt list changed. */
  notifyPromptsChanged() {
    this.#native.notifyPromptsChanged();
  }

  /** Tells clients the resource list changed. */
  notifyResourcesChanged() {
    this.#native.notifyResourcesChanged();
  }

  /** Tells subscribers that the resource `uri` changed. */
  notifyResourceUpdated(uri) {
    this.#native.notifyResourceUpdated(uri);
  }

  /**
   * The request metrics (option `metrics: true`), or `null` when the server keeps none:
   * `{ series: [{ method, name, outcomes: { ok, tool_error, error, internal_error,
   * rate_limited, timeout, cancelled }, inFlight, count, sumSeconds, buckets: [{ le, count }] }] }`.
   * `name` is the tool or prompt, the resource URI or the template that matched it, `unknown`
   * for a name not registered, empty for methods that name nothing; buckets are cumulative.
   */
  metrics() {
    const text = this.#native.metrics();
    return text == null ? null : JSON.parse(text);
  }

  /** The request metrics in the Prometheus text format, or `null` when the server keeps none. */
  metricsText() {
    return this.#native.metricsText() ?? null;
  }

  /**
   * Sends a log message outside any handler (`ctx.log` sends one for its request): to every
   * connected session (stdio's one connection, each HTTP session) whose level lets `level`
   * through. Nothing is sent with `logging: false`.
   */
  log(level, data, logger) {
    this.#native.log(String(level), results.stringify(data === undefined ? null : data, 'the log data'), logger);
  }

  /**
   * Serves over a transport object of this package, as the official SDK's `connect`:
   * `StdioServerTransport` (as `listen()`), or a `StreamableHTTPServerTransport` whose
   * `handleRequest` then hands requests to this server. Several HTTP transports may be
   * connected to one server (the engine keeps their sessions apart).
   */
  async connect(transport) {
    if (!isTransport(transport)) {
      throw new TypeError('mcpforge: connect() takes a StdioServerTransport or StreamableHTTPServerTransport of this package');
    }
    await transport[ATTACH](this, () => {});
  }

  /** Serves `other` (a `Server` of this process or an `Upstream`) under `prefix` beside this server's own items (compose.js). */
  async mount(prefix, other, options) {
    await compose.mount(this, prefix, other, options);
  }

  /** A server whose catalogue is `upstream`'s (an `Upstream`, a `Server` or a URL); `options` as the constructor's. */
  static proxy(upstream, options) {
    return compose.proxy((o) => new Server(o), upstream, options);
  }

  /** @internal A connection whose messages a transport of another package carries (its session called `sessionId`). */
  async [LINK](sessionId) {
    const link = await this.#native.openLink(typeof sessionId === 'string' ? sessionId : undefined);
    // The transport carrying the link's messages keeps the server alive.
    SERVER_OF.set(link, this);
    return link;
  }

  /** @internal The engine server, for an in-process client. */
  [NATIVE_SERVER]() {
    return this.#native;
  }

  /** @internal Sends a notification `{ method, params }` to the session `sessionId`; false when there is none. */
  [NOTIFY_SESSION](sessionId, notification) {
    const { method, params } = notification;
    const text = params === undefined ? undefined : results.stringify(params, 'the notification params');
    return this.#native.notifySession(String(sessionId), String(method), text);
  }

  /** @internal Runs `fn()`, its list changes told once each when it returns. */
  [AS_ONE_CHANGE](fn) {
    this.#native.holdListChanges();
    try {
      return fn();
    } finally {
      this.#native.releaseListChanges();
    }
  }

  /** @internal Holds the list-changed notices until the returned function is called (once). */
  [HOLD_CHANGES]() {
    this.#native.holdListChanges();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#native.releaseListChanges();
    };
  }

  /** @internal The context of this server's one call in flight, if exactly one is. */
  [SOLE_CALL]() {
    return this.#table.sole();
  }

  /** @internal Advertises the extension `id` with `settings` to the clients that initialize from now on. */
  [EXTENSION](id, settings) {
    this.#native.advertiseExtension(String(id), results.stringify(settings ?? {}, 'the extension settings'));
  }

  /** @internal Serves and advertises `resources/subscribe` (on) to the clients that initialize from now on, or not. */
  [SUBSCRIPTIONS](on) {
    this.#native.serveResourceSubscriptions(Boolean(on));
  }

  /**
   * @internal Whether sessions are told of changes of `list` (`tools`, `prompts`,
   * `resources`) and their capabilities claim `listChanged` for it, from now on.
   */
  [LIST_CHANGES](list, on) {
    this.#native.tellListChanges(list, Boolean(on));
  }

  /**
   * @internal The native HTTP application for mount `options` (transports,
   * `createMcpHandler`); with `sharedSessions`, its sessions count against the process-wide
   * bounds of its `maxSessions` (the official SDK's transports: one application per session).
   */
  [mount.MOUNT](options = {}, { sharedSessions = false } = {}) {
    return this.#httpApp(options, sharedSessions);
  }

  /** @internal Forgets an application its transport closed. */
  [mount.RELEASE](app) {
    this.#apps.delete(app);
  }

  /**
   * Serves until the server stops: stdio by default (until stdin closes), or Streamable
   * HTTP with `{ http: { host, port, path, ..., auth, onListening, quiet } }`, which says
   * where it listens on stderr unless `quiet: true`. Stdio, and each HTTP connection, run on
   * Node's event loop unless `{ stdio: { engineThreads: true } }` (`{ http: { ...,
   * engineThreads: true } }`). SIGINT and SIGTERM
   * close the server while it listens (`handleSignals: false` to opt out); once that
   * shutdown answered every request, `listen()` returns and the process exits soon after,
   * even if handlers left timers or sockets behind (`exitOnSignal: false` to leave the
   * process running).
   */
  async listen(options = {}) {
    const signals = options.handleSignals === false ? null : this.#closeOnSignals();
    try {
      if (options.http) await this.#listenHttp(options.http);
      else await this.#track(this.#native.serveStdio(options.stdio?.engineThreads === true));
    } finally {
      signals?.stop();
    }
    if (signals?.received() && options.exitOnSignal !== false) exitAfterSignal();
  }

  /** The engine's JSON HTTP options and the handler id of the token verifier, if any. */
  #httpOptions(http) {
    const { auth, onListening: _listening, quiet: _quiet, engineThreads: _threads, ...rest } = http;
    let verifierId;
    // The engine's built-in verifiers (`jwt`, `introspection`) and the OAuth proxy need no function.
    const builtin = auth && (auth.jwt !== undefined || auth.introspection !== undefined || auth.proxy !== undefined);
    if (auth && (auth.verifier !== undefined || !builtin)) {
      requireFunction(auth.verifier, 'token verifier');
      verifierId = this.#table.add((payload, ctx, call, done) => {
        results.settle(call, () => auth.verifier(payload), results.answerVerifier, done);
      });
    }
    const { verifier: _, ...authOptions } = auth || {};
    return { json: JSON.stringify({ ...rest, auth: auth ? authOptions : undefined }), verifierId };
  }

  async #listenHttp(http) {
    const { onListening, quiet, engineThreads, ...rest } = http;
    const { json, verifierId } = this.#httpOptions(http);
    const bound = await this.#native.bindHttp(json, verifierId);
    const host = bound.address.slice(0, bound.address.lastIndexOf(':'));
    const fromEnv = Boolean(process.env.MCPFORGE_TLS_CERT) && Boolean(process.env.MCPFORGE_TLS_KEY);
    const scheme = rest.tlsCert !== undefined || rest.tls_cert !== undefined || fromEnv ? 'https' : 'http';
    this.#http = { host, port: bound.port, url: `${scheme}://${bound.address}${rest.path || '/mcp'}` };
    if (quiet !== true) announce(this.#http.url);
    if (typeof onListening === 'function') onListening(this.#http);
    try {
      await this.#track(bound.run(engineThreads === true));
    } finally {
      if (verifierId !== undefined) this.#table.delete(verifierId);
    }
  }

  /**
   * A handler `(req, res, parsedBody?)` serving the MCP endpoint inside an HTTP server the
   * application already runs (Express: `app.all('/mcp', server.httpHandler())`, or
   * `node:http`). The engine answers every request, as on its own listener. Options as for
   * `listen({ http })`: `path` (default `/mcp`, matched against `req.url`, which Express
   * makes relative to a mount), `allowedHosts`, `allowedOrigins`, `auth`, `maxBody`, ... (the
   * connection limits are the host server's). Behind a body parser (`express.json()`), the
   * raw body it kept in `req.rawBody` is read, else `parsedBody` or `req.body` (written back
   * as JSON: numbers beyond 2^53 have lost precision). The client's address is the socket's
   * peer (`req.socket.remoteAddress`), which the per-client bounds count a client by.
   */
  httpHandler(http = {}) {
    return mount.nodeHandler(this.#httpApp(http));
  }

  /**
   * A web-standard handler `(request: Request, { clientAddress }?) => Promise<Response>`
   * serving the MCP endpoint in Hono, Bun, Deno or any `fetch` runtime (Hono: `app.all('/mcp',
   * (c) => handler(c.req.raw))`). Options as for `httpHandler`; the path of `request.url` is
   * matched against `path`. A `Request` carries no client address: hand it over as
   * `clientAddress` (an IP address, or `{ address, port }`), or every client without a
   * verified token counts as one for the per-client bounds.
   */
  fetchHandler(http = {}) {
    return mount.fetchHandler(this.#httpApp(http));
  }

  #httpApp(http, sharedSessions = false) {
    const { json, verifierId } = this.#httpOptions(http);
    const app = this.#native.httpApp(json, verifierId, sharedSessions);
    this.#apps.add(app);
    // Whoever serves through the application (a handler in Express) keeps the server alive.
    SERVER_OF.set(app, this);
    return app;
  }

  /** The HTTP address while listening over HTTP: `{ host, port, url }`. */
  get address() {
    return this.#http;
  }

  /**
   * Closes the server on the first SIGINT or SIGTERM: `{ stop, received }`, `stop()` removing
   * the listeners, `received()` whether a signal closed the server.
   */
  #closeOnSignals() {
    let received = false;
    const onSignal = () => {
      received = true;
      this.close().catch(() => {});
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return {
      stop() {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      },
      received: () => received,
    };
  }

  #track(promise) {
    const p = promise.finally(() => this.#running.delete(p));
    this.#running.add(p);
    return p;
  }

  /**
   * Stops every transport (in-flight requests finish up to the grace period) and every
   * test client; resolves when the engine stopped. Final: the server cannot listen again.
   */
  async close() {
    this.#native.shutdown();
    const clients = [...this.#clients].map((c) => c.close());
    const mounted = [...this.#apps].map((app) => app.shutdown());
    await Promise.allSettled([...this.#running, ...clients, ...mounted]);
  }

  /**
   * Connects an in-memory client (through the same engine as stdio), performs the
   * handshake, and returns it. Options: `protocolVersion` (default `2025-11-25`; use
   * `2026-07-28` for the stateless wire), `capabilities`, `clientInfo` (the client's
   * `Implementation`, in `initialize` or each 2026 `_meta`), `responses` (method -> result the
   * client answers server requests with on sessions).
   */
  async testClient(options = {}) {
    const responses = options.responses ? JSON.stringify(options.responses) : undefined;
    const client = new TestClient(await this.#native.connectMemory(responses), options, () => this.#clients.delete(client));
    this.#clients.add(client);
    try {
      await client.start();
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }
}

module.exports = { Server, ATTACH, LINK, NATIVE_SERVER, NOTIFY_SESSION, EXTENSION, SUBSCRIPTIONS, LIST_CHANGES, SOLE_CALL, AS_ONE_CHANGE, HOLD_CHANGES, isTransport };

/**
 * `McpServer`: the official TypeScript SDK's high-level server API over an mcpforge
 * `Server`, so a program written on the SDK moves by changing its imports. It owns what the
 * SDK's API adds on top of mcpforge's registration: the SDK's call signatures and overloads
 * (`registerTool`, `tool`, `registerResource`, `resource`, `registerPrompt`, `prompt`),
 * handles that enable, disable, update and remove what they registered, `ResourceTemplate`
 * completion and `completable()` prompt arguments, handlers called as the SDK calls them
 * (`(args, extra)`, or `(extra)` without a schema; `extra` is mcpforge's `Context`), tool
 * failures worded as the SDK words them, `connect(transport)`, and the experimental tool
 * tasks over the application's task store (./tasks.js). Registration, argument
 * validation, results and the wire are the engine's, through the `Server` it wraps.
 */
'use strict';

const { Server, AS_ONE_CHANGE, HOLD_CHANGES } = require('../server');
const { CLIENT_REASON_ABORTS } = require('../context');
const { ErrorCode, McpError } = require('../errors');
const { ERROR_POLICY } = require('../error-policy');
const { argumentParser, isRawShape, isSchemaObject } = require('../schema');
const { RESCUE } = require('../results');
const { ResourceTemplate } = require('./resource-template');
const { completerOf, isCompletable } = require('./completable');
const { ProtocolServer, BIND, WANTS_MESSAGES, SESSION_PEER, CLIENT_NOTIFIED } = require('./protocol-server');
const { inHandler } = require('./handler-scope');
const { toolFailure, asProtocolError, checkedOutput } = require('./failures');
const { ATTACH, DETACH, isTransport } = require('./attach');
const { attachLinked, isMessageTransport } = require('./linked-transport');
const { ExperimentalMcpServerTasks, runToolTask } = require('./tasks');
const { warnToolName } = require('./tool-names');
const { sdkToolSchema, SDK1_LISTING } = require('./sdk-schema');
// Handlers written for the SDK 2.x find its `ctx.mcpReq` and `ctx.http` on the context.
require('./v2-context');

/** Options of the official SDK's `ServerOptions` that have no engine meaning here. */
const SDK_ONLY_OPTIONS = new Set([
  'capabilities',
  'enforceStrictCapabilities',
  'debouncedNotificationMethods',
  'jsonSchemaValidator',
  'taskStore',
  'taskMessageQueue',
  'defaultTaskPollInterval',
  'maxTaskQueueSize',
  'maxToolInputElements',
]);

const EMPTY_OBJECT_SCHEMA = Object.freeze({ type: 'object', properties: {} });

/** Keeps only defined fields. */
function defined(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** The official SDK's reading of a raw shape: a plain object of zod schemas, or `{}`. */
function isShape(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isSchemaObject(value)) return false;
  return Object.keys(value).length === 0 || isRawShape(value);
}

/**
 * Refuses a schema the official `registerTool` refuses: neither a raw shape nor a schema
 * object (a plain JSON Schema, which the SDK would otherwise read as a shape).
 */
function requireSchema(schema) {
  if (schema === undefined || isShape(schema) || isSchemaObject(schema)) return;
  throw new Error('inputSchema must be a Zod schema or raw shape, received an unrecognized object');
}

/** The lists whose `list_changed` the SDK's `debouncedNotificationMethods` may name. */
const LIST_CHANGED = {
  'notifications/tools/list_changed': 'tools',
  'notifications/prompts/list_changed': 'prompts',
  'notifications/resources/list_changed': 'resources',
};

/**
 * The lists the engine tells once for several changes: those `debounced` (the SDK's
 * `debouncedNotificationMethods`) names, none without it, as the SDK sends one notice per
 * change unless told to debounce.
 */
function coalescedLists(debounced) {
  return (Array.isArray(debounced) ? debounced : []).filter((m) => Object.hasOwn(LIST_CHANGED, m)).map((m) => LIST_CHANGED[m]);
}

/** The list a registered item's kind (as the engine names kinds) belongs to. */
const listOf = (kind) => (kind === 'resource_templates' ? 'resources' : kind);

/**
 * The lists whose changes the engine neither advertises nor tells (`quietLists`): on the
 * low-level `Server`, which advertises what it declares, every list not declared with
 * `listChanged: true`; on a `McpServer` whose class takes the declaration up (`asDeclared`:
 * the 2.x one), the lists declared `listChanged: false`; none on a 1.x `McpServer`, whose
 * registrations claim `listChanged: true` whatever was declared.
 */
function quietLists(capabilities, lowLevel, asDeclared) {
  const caps = capabilities || {};
  return ['tools', 'prompts', 'resources'].filter((list) =>
    lowLevel ? caps[list]?.listChanged !== true : asDeclared && caps[list]?.listChanged === false,
  );
}

/** The mcpforge `Server` options for the SDK's `(serverInfo, options)`. */
function engineOptions(serverInfo, options, quiet = []) {
  if (!serverInfo || typeof serverInfo.name !== 'string') throw new TypeError('mcpforge: new McpServer({ name, version }) needs a name');
  const { name, version, title, websiteUrl, icons, description } = serverInfo;
  const capabilities = options.capabilities || {};
  const own = Object.fromEntries(Object.entries(options).filter(([k]) => !SDK_ONLY_OPTIONS.has(k)));
  return defined({
    name,
    version,
    title,
    websiteUrl,
    icons,
    description,
    logging: Boolean(capabilities.logging),
    enableTools: capabilities.tools ? true : undefined,
    enableResources: capabilities.resources ? true : undefined,
    enablePrompts: capabilities.prompts ? true : undefined,
    experimental: capabilities.experimental,
    extensions: capabilities.extensions,
    // The official McpServer advertises extensions on every protocol version.
    extensionsOnEveryVersion: true,
    // Declared tasks are announced as declared (the engine serves every task method).
    tasks: capabilities.tasks ? { capability: capabilities.tasks } : undefined,
    // The official McpServer neither advertises nor serves resources/subscribe.
    resourceSubscriptions: false,
    // The official McpServer registers a tool of any name, warning about odd ones.
    lenientToolNames: true,
    // The official McpServer sends log messages to a session before its client's `initialized`.
    logBeforeInitialized: true,
    // ... and one list change per registration, unless `debouncedNotificationMethods` names it.
    coalescedListChanged: coalescedLists(options.debouncedNotificationMethods),
    // ... and advertises (and tells) `listChanged` as declared (see quietLists).
    quietLists: quiet,
    // ... and words what it refuses (unknown tools, prompts, resources; invalid arguments) its way.
    typescriptSdkErrors: true,
    ...own,
  });
}

/** The SDK's completion answer for `suggestions`: at most 100 values, the total, whether more exist. */
function completionResult(suggestions) {
  const values = Array.isArray(suggestions) ? suggestions.map(String) : [];
  return { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 };
}

/** A Promise of `fn()`, with a thrown `McpError` worded as the SDK words it on the wire. */
async function sdkErrors(fn) {
  try {
    return await fn();
  } catch (e) {
    throw asProtocolError(e);
  }
}

class McpServer {
  /**
   * How tools are listed, as SDK 1.x lists them: their schemas (./sdk-schema.js), and the
   * `execution` of a tool that gives none. The SDK 2.x server (./v2-server.js) lists its own way.
   */
  static listing = { ...SDK1_LISTING, execution: { taskSupport: 'forbidden' } };

  #engine;
  #errors;
  #tools = new Map();
  #prompts = new Map();
  #resources = new Map();
  #templates = new Map();
  #transport;
  /** What task tools run on: the SDK's `taskStore` option and `defaultTaskPollInterval`. */
  #taskOptions;
  /** The handle of a transport of another package (compat/linked-transport.js). */
  #linked;
  /** What the client of a transport of another package said in `initialize` (its `params`). */
  #client;
  /** The `SessionPeer` of the connection when its messages pass through JavaScript. */
  #peer;
  /** Whether the completion answer for references without a provider is installed. */
  #completionFallback = false;
  /** Whether a registration claims `listChanged` for its list (on the low-level `Server`, as the SDK's). */
  #claimsListChanged;
  /** The lists whose changes are told once per turn of the loop (`debouncedNotificationMethods`). */
  #debounced;
  /** Ends the hold of the current turn's debounced changes, while one is open. */
  #releaseChanges;

  /**
   * @param {{ name: string, version: string, title?: string, websiteUrl?: string, icons?: object[] }} serverInfo
   * @param {object} [options] the SDK's `ServerOptions` (`capabilities`, `instructions`; the
   *   SDK-only ones are accepted and ignored) and any option of mcpforge's `Server` (`limits`,
   *   `logger`, `maskErrorDetails`, ...). Log messages are sent only with `capabilities.logging`.
   * @param {ProtocolServer} [lowLevel] internal: the low-level `Server` this one is made
   *   around (./low-level-server.js), which becomes `server`
   */
  constructor(serverInfo, options = {}, lowLevel = undefined) {
    const quiet = quietLists(options?.capabilities, lowLevel !== undefined, new.target.listChangedAsDeclared === true);
    const engine = engineOptions(serverInfo, options || {}, quiet);
    this.#claimsListChanged = lowLevel !== undefined;
    this.#debounced = new Set(coalescedLists(options?.debouncedNotificationMethods));
    this.#engine = new Server(engine);
    // Handlers' signals abort with the client's reason, as the official server's do.
    this.#engine[CLIENT_REASON_ABORTS] = true;
    this.#errors = this.#engine[ERROR_POLICY];
    /** The low-level server of the official SDK's API (notifications, client input). */
    this.server = lowLevel ?? new ProtocolServer();
    this.server[BIND](this, this.#engine, engine.logging, {
      flush: () => this.#flush(),
      client: () => this.#client,
      peer: () => this.#peer,
    });
    // Declared subscriptions are served as `registerCapabilities` serves them (./request-handlers.js).
    if (options?.capabilities?.resources?.subscribe) this.server.registerCapabilities({ resources: { subscribe: true } });
    this.#taskOptions = { taskStore: options?.taskStore, pollMs: options?.defaultTaskPollInterval };
    /** The SDK's experimental API: `tasks.registerToolTask` (./tasks.js). */
    this.experimental = {
      tasks: new ExperimentalMcpServerTasks((name, config, handler) => {
        this.#refuseDuplicate(this.#tools, name, 'Tool');
        const { title, description, inputSchema, outputSchema, annotations, icons, _meta, execution } = config;
        requireSchema(inputSchema);
        requireSchema(outputSchema);
        return this.#addTool(name, { title, description, inputSchema, outputSchema, annotations, icons, _meta, execution, task: true }, handler);
      }),
    };
  }

  /** The mcpforge `Server` this one registers on (its mounts, `listen`, `testClient`). */
  get engine() {
    return this.#engine;
  }

  /** The transport this server is connected to, if any. */
  get transport() {
    return this.#transport;
  }

  /**
   * Starts serving over `transport`: a `StdioServerTransport`, `StreamableHTTPServerTransport`
   * or `WebStandardStreamableHTTPServerTransport` of this package, or any object of the
   * official SDK's `Transport` shape (its `InMemoryTransport`, a custom transport), whose
   * messages the engine then serves as one connection; resolves once started.
   */
  async connect(transport) {
    if (this.#transport) throw new Error('Already connected to a transport. Call close() before connecting to a new transport.');
    if (!isTransport(transport) && !isMessageTransport(transport)) {
      throw new TypeError(
        'mcpforge: connect() takes a transport of this package (mcpforge/server/stdio.js, mcpforge/server/streamableHttp.js) or an object with start(), send() and close()',
      );
    }
    this.#transport = transport;
    // What a connection whose messages pass through JavaScript reports (./linked-transport.js).
    const initialized = (params) => {
      this.#client = params;
    };
    const peer = (send) => {
      this.#peer = this.server[SESSION_PEER](send);
      return this.#peer;
    };
    try {
      // A transport the engine reads tells the client's notifications itself (the Streamable HTTP ones).
      const notified = (message) => this.server[CLIENT_NOTIFIED](message);
      const listening = () => this.server[WANTS_MESSAGES]();
      const session = { messages: this.server[WANTS_MESSAGES](), initialized, peer, notified, listening };
      if (isTransport(transport)) await transport[ATTACH](this.#engine, () => this.#closed(), session);
      else this.#linked = await attachLinked(this.#engine, transport, () => this.#closed(), initialized, peer);
    } catch (e) {
      this.#transport = undefined;
      throw e;
    }
  }

  /**
   * Sends at once what the engine queued for a transport of another package (a list change
   * or log message a call just queued), as the official SDK's reach its client within the
   * same tick; the engine's own transports carry theirs themselves.
   */
  #flush() {
    this.#linked?.flush();
  }

  #closed() {
    if (!this.#transport) return;
    this.#transport = undefined;
    this.#client = undefined;
    this.#peer = undefined;
    const { onclose } = this.server;
    if (typeof onclose === 'function') onclose();
  }

  /** Closes the transport and stops the server (final: connect a new `McpServer` to serve again). */
  async close() {
    const transport = this.#transport;
    const linked = this.#linked;
    this.#linked = undefined;
    if (linked) await linked.detach();
    else if (transport) await transport[DETACH]();
    await this.#engine.close();
    this.#closed();
  }

  /** True while connected to a transport. */
  isConnected() {
    return this.#transport !== undefined;
  }

  /** Sends a log message (`{ level, data, logger }`); see `server.sendLoggingMessage`. */
  sendLoggingMessage(params) {
    return this.server.sendLoggingMessage(params);
  }

  /** Tells clients the tool list changed. */
  sendToolListChanged() {
    this.server.sendToolListChanged();
  }

  /** Tells clients the resource list changed. */
  sendResourceListChanged() {
    this.server.sendResourceListChanged();
  }

  /** Tells clients the prompt list changed. */
  sendPromptListChanged() {
    this.server.sendPromptListChanged();
  }

  // ---- tools ----

  /**
   * Registers a tool: `config` has `title`, `description`, `inputSchema` and `outputSchema`
   * (zod object, zod raw shape or JSON Schema), `annotations`, `icons`, `_meta`;
   * `cb(args, extra)` (or `cb(extra)` without `inputSchema`) returns a `CallToolResult`.
   * Returns the tool's handle.
   */
  registerTool(name, config, cb) {
    this.#refuseDuplicate(this.#tools, name, 'Tool');
    const { title, description, inputSchema, outputSchema, annotations, icons, _meta } = config || {};
    requireSchema(inputSchema);
    requireSchema(outputSchema);
    return this.#addTool(name, { title, description, inputSchema, outputSchema, annotations, icons, _meta }, cb);
  }

  /**
   * The older form: `tool(name, [description], [paramsSchemaOrAnnotations], [annotations], cb)`.
   */
  tool(name, ...rest) {
    this.#refuseDuplicate(this.#tools, name, 'Tool');
    let description;
    let inputSchema;
    let annotations;
    if (typeof rest[0] === 'string') description = rest.shift();
    if (rest.length > 1) {
      const first = rest[0];
      if (isShape(first)) {
        inputSchema = rest.shift();
        if (rest.length > 1 && rest[0] !== null && typeof rest[0] === 'object' && !isShape(rest[0])) annotations = rest.shift();
      } else if (first !== null && typeof first === 'object') {
        if (Object.values(first).some((v) => v !== null && typeof v === 'object')) {
          throw new Error(`Tool ${name} expected a Zod schema or ToolAnnotations, but received an unrecognized object`);
        }
        annotations = rest.shift();
      }
    }
    return this.#addTool(name, { description, inputSchema, annotations }, rest[0]);
  }

  #addTool(name, fields, cb) {
    if (typeof cb !== 'function' && !fields.task) throw new TypeError(`mcpforge: tool \`${name}\` needs a callback`);
    warnToolName(name);
    const entry = { ...fields, handler: cb };
    return this.#handle(entry, {
      map: this.#tools,
      key: name,
      kind: 'tools',
      install: (key) => this.#installTool(key, entry),
      uninstall: (key) => this.#engine.removeTool(key),
      notify: () => this.#engine.notifyToolsChanged(),
      apply: (updates) => {
        for (const field of ['title', 'description', 'annotations', '_meta', 'icons', 'outputSchema']) {
          if (updates[field] !== undefined) entry[field] = updates[field];
        }
        if (updates.paramsSchema !== undefined) entry.inputSchema = updates.paramsSchema;
        if (updates.inputSchema !== undefined) entry.inputSchema = updates.inputSchema;
        if (updates.callback !== undefined) entry.handler = updates.callback;
      },
    });
    return handle;
  }

  #installTool(name, entry) {
    const withArgs = entry.inputSchema !== undefined;
    const errors = this.#errors;
    const listing = this.constructor.listing;
    // Listed as the SDK lists them (the engine validates against that), parsed by zod here.
    const parse = withArgs ? argumentParser(entry.inputSchema, 'sdk') : undefined;
    const config = defined({
      title: entry.title,
      description: entry.description,
      inputSchema: withArgs ? (sdkToolSchema(entry.inputSchema, 'input schema', 'input', listing) ?? EMPTY_OBJECT_SCHEMA) : undefined,
      outputSchema: entry.outputSchema === undefined ? undefined : sdkToolSchema(entry.outputSchema, 'output schema', 'output', listing),
      annotations: entry.annotations,
      icons: entry.icons,
      _meta: entry._meta,
      execution: entry.execution ?? listing.execution,
    });
    const taskOptions = this.#taskOptions;
    const failure = (e) => toolFailure(e, name, errors);
    const invalid = (message) => failure(new McpError(ErrorCode.InvalidParams, `Input validation error: Invalid arguments for tool ${name}: ${message}`));
    // Made once: each call runs it in the handler scope, with no closure of its own.
    const start = (args, ctx) => {
      if (entry.task) return runToolTask(name, entry.handler, withArgs, args, ctx, taskOptions);
      // The callback's own value or promise, not wrapped in another: a rejection goes
      // through `failure` too (RESCUE), as a throw does here.
      try {
        const value = withArgs ? entry.handler(args, ctx) : entry.handler(ctx);
        if (entry.outputSchema === undefined) return value;
        return Promise.resolve(value).then((result) => checkedOutput(result, entry.outputSchema, name));
      } catch (e) {
        return failure(e);
      }
    };
    const call = (args, ctx) => inHandler(ctx, start, args, ctx);
    const parsed = (r, ctx) => (r.ok ? call(r.value, ctx) : invalid(r.message));
    const run = !parse
      ? call
      : (args, ctx) => {
          const r = parse(args || {});
          return typeof r.then === 'function' ? r.then((settled) => parsed(settled, ctx)) : parsed(r, ctx);
        };
    run[RESCUE] = failure;
    this.#engine.tool(name, config, run);
  }

  // ---- resources ----

  /**
   * Registers a resource: a URI string (`cb(uri: URL, extra)`) or a `ResourceTemplate`
   * (`cb(uri: URL, variables, extra)`); `config` is its metadata (`title`, `description`,
   * `mimeType`, ...). `cb` returns `{ contents: [...] }`. Returns the resource's handle.
   */
  registerResource(name, uriOrTemplate, config, cb) {
    return this.#addResource(name, uriOrTemplate, config || {}, cb);
  }

  /** The older form: `resource(name, uriOrTemplate, [metadata], cb)`. */
  resource(name, uriOrTemplate, ...rest) {
    const metadata = rest[0] !== null && typeof rest[0] === 'object' ? rest.shift() : undefined;
    return this.#addResource(name, uriOrTemplate, metadata, rest[0]);
  }

  #addResource(name, uriOrTemplate, metadata, cb) {
    if (typeof cb !== 'function') throw new TypeError(`mcpforge: resource \`${name}\` needs a read callback`);
    if (typeof uriOrTemplate === 'string') {
      if (this.#resources.has(uriOrTemplate)) throw new Error(`Resource ${uriOrTemplate} is already registered`);
      const entry = { name, title: metadata?.title, metadata, readCallback: cb };
      const handle = this.#handle(entry, {
        map: this.#resources,
        key: uriOrTemplate,
        keyField: 'uri',
        kind: 'resources',
        install: (uri) => this.#engine.resource(entry.name, uri, defined({ ...entry.metadata, title: entry.title }), (url, ctx) =>
          inHandler(ctx, () => sdkErrors(() => entry.readCallback(url, ctx))),
        ),
        uninstall: (uri) => this.#engine.removeResource(uri),
        notify: () => this.#engine.notifyResourcesChanged(),
        apply: (updates) => {
          for (const field of ['name', 'title', 'metadata']) if (updates[field] !== undefined) entry[field] = updates[field];
          if (updates.callback !== undefined) entry.readCallback = updates.callback;
        },
      });
      return handle;
    }
    if (!(uriOrTemplate instanceof ResourceTemplate)) {
      throw new TypeError(`mcpforge: resource \`${name}\` takes a URI string or a ResourceTemplate`);
    }
    if (this.#templates.has(name)) throw new Error(`Resource template ${name} is already registered`);
    const entry = { resourceTemplate: uriOrTemplate, title: metadata?.title, metadata, readCallback: cb };
    const installed = new Map();
    const handle = this.#handle(entry, {
      map: this.#templates,
      key: name,
      kind: 'resource_templates',
      engineKey: (key) => installed.get(key),
      install: (key) => installed.set(key, this.#installTemplate(key, entry)),
      uninstall: (key) => {
        const uriTemplate = installed.get(key);
        installed.delete(key);
        return uriTemplate !== undefined && this.#engine.removeResourceTemplate(uriTemplate);
      },
      notify: () => this.#engine.notifyResourcesChanged(),
      apply: (updates) => {
        for (const field of ['title', 'metadata']) if (updates[field] !== undefined) entry[field] = updates[field];
        if (updates.template !== undefined) entry.resourceTemplate = updates.template;
        if (updates.callback !== undefined) entry.readCallback = updates.callback;
      },
    });
    return handle;
  }

  /** Adds the template `name` of `entry` to the engine (and its completions); returns its URI template. */
  #installTemplate(name, entry) {
    const template = entry.resourceTemplate;
    const uriTemplate = template.uriTemplate.toString();
    const listCallback = template.listCallback;
    const list = listCallback && ((ctx) => inHandler(ctx, () => sdkErrors(() => listCallback(ctx))));
    const metadata = defined({ ...entry.metadata, title: entry.title, list });
    this.#engine.resourceTemplate(name, uriTemplate, metadata, (url, variables, ctx) =>
      inHandler(ctx, () => sdkErrors(() => entry.readCallback(url, variables, ctx))),
    );
    if (template.uriTemplate.variableNames.some((v) => template.completeCallback(v))) {
      this.#installCompletionFallback();
      this.#engine.completion({ type: 'ref/resource', uri: uriTemplate }, async ({ argument, context }, ctx) => {
        const current = [...this.#templates.values()].find((t) => t.resourceTemplate.uriTemplate.toString() === uriTemplate);
        if (!current) throw asProtocolError(new McpError(ErrorCode.InvalidParams, `Resource template ${uriTemplate} not found`));
        const complete = current.resourceTemplate.completeCallback(argument.name);
        if (!complete) return { values: [], hasMore: false };
        return completionResult(await inHandler(ctx, () => complete(argument.value, context)));
      });
    }
    return uriTemplate;
  }

  // ---- prompts ----

  /**
   * Registers a prompt: `config` has `title`, `description`, `argsSchema` (a zod raw shape,
   * whose fields may be `completable`); `cb(args, extra)` (or `cb(extra)` without
   * `argsSchema`) returns a `GetPromptResult`. Returns the prompt's handle.
   */
  registerPrompt(name, config, cb) {
    this.#refuseDuplicate(this.#prompts, name, 'Prompt');
    const { title, description, argsSchema, icons, _meta } = config || {};
    return this.#addPrompt(name, { title, description, argsSchema, icons, _meta }, cb);
  }

  /** The older form: `prompt(name, [description], [argsSchema], cb)`. */
  prompt(name, ...rest) {
    this.#refuseDuplicate(this.#prompts, name, 'Prompt');
    const description = typeof rest[0] === 'string' ? rest.shift() : undefined;
    const argsSchema = rest.length > 1 ? rest.shift() : undefined;
    return this.#addPrompt(name, { description, argsSchema }, rest[0]);
  }

  #addPrompt(name, fields, cb) {
    if (typeof cb !== 'function') throw new TypeError(`mcpforge: prompt \`${name}\` needs a callback`);
    const entry = { ...fields, callback: cb };
    return this.#handle(entry, {
      map: this.#prompts,
      key: name,
      kind: 'prompts',
      install: (key) => this.#installPrompt(key, entry),
      uninstall: (key) => this.#engine.removePrompt(key),
      notify: () => this.#engine.notifyPromptsChanged(),
      apply: (updates) => {
        for (const field of ['title', 'description', 'argsSchema', 'callback']) {
          if (updates[field] !== undefined) entry[field] = updates[field];
        }
      },
    });
  }

  #installPrompt(name, entry) {
    const shape = entry.argsSchema;
    const parse = shape === undefined ? undefined : argumentParser(shape, 'sdk');
    const config = defined({ title: entry.title, description: entry.description, argsSchema: shape, icons: entry.icons, _meta: entry._meta });
    this.#engine.prompt(name, config, (args, ctx) =>
      inHandler(ctx, () =>
        sdkErrors(async () => {
          if (shape === undefined) return entry.callback(ctx);
          let value = args;
          if (parse) {
            const r = await parse(args || {});
            if (!r.ok) throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for prompt ${name}: ${r.message}`);
            value = r.value;
          }
          return entry.callback(value, ctx);
        }),
      ),
    );
    const fields = shape && isShape(shape) ? Object.entries(shape).filter(([, s]) => isCompletable(s)) : [];
    if (fields.length > 0) {
      this.#installCompletionFallback();
      this.#engine.completion({ type: 'ref/prompt', name }, async ({ argument, context }, ctx) => {
        const current = this.#prompts.get(name);
        if (!current) throw asProtocolError(new McpError(ErrorCode.InvalidParams, `Prompt ${name} not found`));
        if (!current.enabled) throw asProtocolError(new McpError(ErrorCode.InvalidParams, `Prompt ${name} disabled`));
        const complete = current.argsSchema && completerOf(current.argsSchema[argument.name]);
        if (!complete) return { values: [], hasMore: false };
        return completionResult(await inHandler(ctx, () => complete(argument.value, context)));
      });
    }
  }

  /**
   * Once the first completion provider is registered, answers `completion/complete` for
   * references that have none as the official `McpServer` does: an unknown or disabled
   * prompt, or a URI that is neither a template nor a resource, is -32602; a known one
   * without completable arguments completes to nothing.
   */
  #installCompletionFallback() {
    if (this.#completionFallback) return;
    this.#completionFallback = true;
    const empty = { values: [], hasMore: false };
    this.#engine.completion(null, async ({ ref }) => {
      if (ref?.type === 'ref/prompt') {
        const prompt = this.#prompts.get(ref.name);
        if (!prompt) throw asProtocolError(new McpError(ErrorCode.InvalidParams, `Prompt ${ref.name} not found`));
        if (!prompt.enabled) throw asProtocolError(new McpError(ErrorCode.InvalidParams, `Prompt ${ref.name} disabled`));
        return empty;
      }
      const uri = ref?.uri;
      const template = [...this.#templates.values()].some((t) => t.resourceTemplate.uriTemplate.toString() === uri);
      if (template || this.#resources.has(uri)) return empty;
      throw asProtocolError(new McpError(ErrorCode.InvalidParams, `Resource template ${uri} not found`));
    });
  }

  // ---- handles ----

  #refuseDuplicate(map, name, kind) {
    if (map.has(name)) throw new Error(`${kind} ${name} is already registered`);
  }

  /**
   * Registers `entry` under `key` and returns its handle: `enabled`, `enable()`, `disable()`,
   * `remove()` and `update({...})` (a `name`, or `uri` for resources, of `null` removes; a
   * new one renames). Whether it is enabled is the engine's (`Server.disableTool`, ...): a
   * disabled item stays registered there, out of its list and answered as an unknown one.
   * A change of its definition removes it from the engine and adds it again (disabled again
   * if it was). Clients are told the list changed after each change, as the official SDK
   * does: by the engine when it changed something, else here.
   */
  /**
   * Holds the list changes of this turn of the loop when `kind`'s list is debounced, and
   * tells them once a microtask later, as the SDK sends a debounced notification.
   */
  #debounce(kind) {
    if (this.#releaseChanges || !this.#debounced.has(listOf(kind))) return;
    this.#releaseChanges = this.#engine[HOLD_CHANGES]();
    queueMicrotask(() => {
      const release = this.#releaseChanges;
      this.#releaseChanges = undefined;
      release();
      this.#flush();
    });
  }

  #handle(entry, { map, key, keyField = 'name', kind, engineKey = (k) => k, install, uninstall, notify, apply }) {
    const engine = this.#engine;
    let current = key;
    // Whether a handle that is not registered (removed) is enabled: the engine knows only
    // what is registered.
    let detached = true;
    const registered = () => map.get(current) === entry;
    // True when it changed the engine's state (the engine then told clients).
    const setEnabled = (on) => engine.isEnabled(kind, engineKey(current)) !== on && engine.setEnabled(kind, engineKey(current), on);
    if (this.#claimsListChanged) this.server.registerCapabilities({ [listOf(kind)]: { listChanged: true } });
    this.#debounce(kind);
    install(current);
    map.set(current, entry);
    this.#flush();
    const handle = entry;
    Object.defineProperty(handle, 'enabled', {
      enumerable: true,
      get: () => (registered() ? engine.isEnabled(kind, engineKey(current)) !== false : detached),
      set: (on) => {
        if (registered()) setEnabled(Boolean(on));
        else detached = Boolean(on);
      },
    });
    handle.enable = () => handle.update({ enabled: true });
    handle.disable = () => handle.update({ enabled: false });
    handle.remove = () => handle.update({ [keyField]: null });
    // An update is one change to clients, whatever it removes and adds again.
    handle.update = (updates = {}) => {
      this.#debounce(kind);
      engine[AS_ONE_CHANGE](() => update(updates));
      this.#flush();
    };
    const update = (updates) => {
      const { [keyField]: newKey, enabled: asked, ...rest } = updates;
      const wanted = asked === undefined ? undefined : Boolean(asked);
      const renamed = newKey !== undefined && newKey !== current;
      const redefined = renamed || Object.values(rest).some((v) => v !== undefined);
      const enabled = wanted ?? handle.enabled;
      let told = false;
      if (redefined && registered()) {
        uninstall(current);
        told = true;
      }
      if (renamed) {
        map.delete(current);
        if (newKey !== null) {
          current = newKey;
          map.set(current, entry);
        }
      }
      apply(rest);
      if (!registered()) {
        detached = enabled;
      } else if (redefined) {
        install(current);
        if (!enabled) setEnabled(false);
        told = true;
      } else if (wanted !== undefined) {
        told = setEnabled(wanted);
      }
      if (!told) notify();
    };
    return handle;
  }
}

module.exports = { McpServer };

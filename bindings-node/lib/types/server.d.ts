/**
 * `Server`, the native API: its options (limits, rate limits, metrics), what its
 * registration methods take (tool, resource, prompt and completion configurations and
 * handlers), and the transport hook `connect` serves through.
 */

import type { CallToolResult, Completion, GetPromptResult, PromptMessage, ResourceContents } from './content.js';
import type { Context, LogLevel } from './context.js';
import type { CatalogueHook, CatalogueKind, ErrorHook, ErrorLogger, InitializeHook, Middleware } from './hooks.js';
import type { FetchMcpHandler, HttpAddress, ListenOptions, MountOptions, NodeMcpHandler } from './http.js';
import type { Awaitable, InferArgs, Json, JsonSchema, RawShape, SchemaInput, ShapeOutput } from './schema.js';
import type { TestClient, TestClientOptions } from './testing.js';

/** Behaviour hints of a tool. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}


/** What a tool handler may return: a string (text), a JSON value, a full result, or nothing. */
export type ToolReturn = string | CallToolResult | Json | undefined | void;

/** Tool configuration (the official SDK's `registerTool` config, plus `execution`, `deferTask` and `requiredScopes`). */
export interface ToolConfig {
  title?: string;
  description?: string;
  inputSchema?: SchemaInput;
  outputSchema?: SchemaInput;
  annotations?: ToolAnnotations;
  icons?: JsonSchema[];
  /** Tasks extension: `{ taskSupport: 'forbidden' | 'optional' | 'required' }`. */
  execution?: { taskSupport: 'forbidden' | 'optional' | 'required' };
  /** Tasks extension (2026-07-28): gather input in the request, become a task at `ctx.startTask()`. */
  deferTask?: boolean;
  /**
   * OAuth scopes an HTTP caller's token needs, on top of the server's `auth.requiredScopes`:
   * without them the tool is left out of `tools/list` and its call refused (403 `insufficient_scope`).
   */
  requiredScopes?: string[];
  /** The MCP app showing the tool's results: its `ui://` URI, or the URI and who may call the tool. */
  ui?: string | { resourceUri: string; visibility?: Array<'model' | 'app'> };
  _meta?: { [key: string]: unknown };
}

/** An MCP app's options (`Server.app`; docs/apps-skills.md). */
export interface AppConfig {
  /** The HTML (leave it out and pass a handler to produce it on each read). */
  html?: string;
  name?: string;
  title?: string;
  description?: string;
  /** The origins its sandbox may reach. */
  csp?: { connectDomains?: string[]; resourceDomains?: string[]; frameDomains?: string[]; baseUriDomains?: string[] };
  permissions?: Array<'camera' | 'microphone' | 'geolocation' | 'clipboardWrite'>;
  /** The dedicated origin of its sandbox. */
  domain?: string;
  prefersBorder?: boolean;
}

/** A tool handler: `(args, ctx) => value | Promise<value>`. */
export type ToolHandler<Args = any> = (args: Args, ctx: Context) => Awaitable<ToolReturn>;

/** The `inputSchema` of a tool configuration type, or `undefined`. */
export type InputSchemaOf<C> = C extends { readonly inputSchema?: infer S } ? S : undefined;

/** The arguments of a `Server.tool` handler: `Args` when given, else inferred from the config's `inputSchema`. */
export type ToolArgs<Args, C> = [Args] extends [never] ? InferArgs<InputSchemaOf<C>> : Args;

/** Resource metadata (besides the URI and name). */
export interface ResourceConfig {
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  annotations?: JsonSchema;
  icons?: JsonSchema[];
  _meta?: { [key: string]: unknown };
}

/** What a resource reader may return. */
export type ResourceReturn = string | Uint8Array | ArrayBuffer | ResourceContents | ResourceContents[] | { contents: ResourceContents[] };

/** A prompt argument. */
export interface PromptArgument {
  name: string;
  description?: string;
  required?: boolean;
}

/** Prompt configuration. */
export interface PromptConfig {
  title?: string;
  description?: string;
  /** The arguments, explicitly. */
  arguments?: PromptArgument[];
  /** Or derived from a zod raw shape / JSON Schema object. */
  argsSchema?: SchemaInput;
  icons?: JsonSchema[];
  _meta?: { [key: string]: unknown };
}

/** What a prompt handler may return. */
export type PromptReturn = string | PromptMessage[] | GetPromptResult;

/** What a completion is for. */
export type CompletionReference = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };

/** A completion request as the handler sees it. */
export interface CompletionRequest {
  ref: CompletionReference;
  argument: { name: string; value: string };
  context: { arguments: { [name: string]: string } };
}

/** A resource a template's `list` callback returns. */
export interface ListedResource extends ResourceConfig {
  uri: string;
  name: string;
}

/** Lists the resources a template stands for (added to `resources/list`). */
export type ResourceListCallback = (ctx: Context) => Awaitable<{ resources: ListedResource[] } | ListedResource[]>;

/** Engine limits. */
export interface Limits {
  maxMessageSize?: number;
  maxInFlight?: number;
  maxInFlightPerConnection?: number;
  /** `null` or 0: no request timeout. */
  requestTimeoutMs?: number | null;
  shutdownGraceMs?: number;
  pageSize?: number;
  /** Lifetime of a sealed 2026 `requestState`. */
  requestStateTtlMs?: number;
  /** Messages queued for one client before the engine stops reading from it. */
  maxQueuedMessages?: number;
  /** Unsolicited notifications kept for a legacy HTTP session with no stream open. */
  maxSessionBacklog?: number;
}

/** A rate: `requests` per `perMs` milliseconds, bursts of up to `burst` (default `requests`). */
export interface Rate {
  requests: number;
  perMs: number;
  burst?: number;
}

/**
 * Rate limits (token buckets). A client is its verified token's subject, else (an HTTP
 * request without a session) its address, else its legacy session, else its connection.
 * Refused requests get `ErrorCode.RateLimited` with `data.retryAfterMs`.
 */
export interface RateLimits {
  /** Every request of one client (`ping` and `initialize` excepted). */
  perClient?: Rate;
  /** `tools/call` of one tool by one client; `*` applies to every tool without its own entry. */
  tools?: { [tool: string]: Rate };
}

/** The requests of one method and name, as `Server.metrics()` reports them. */
export interface MetricsSeries {
  method: string;
  /** The tool or prompt, the resource URI or matching template, `unknown`, or empty. */
  name: string;
  outcomes: {
    ok: number;
    tool_error: number;
    error: number;
    internal_error: number;
    rate_limited: number;
    timeout: number;
    cancelled: number;
  };
  inFlight: number;
  count: number;
  sumSeconds: number;
  /** Cumulative duration buckets (`le` in seconds; the last is `+Inf`). */
  buckets: { le: number | string; count: number }[];
}

/** What `Server.metrics()` returns. */
export interface MetricsSnapshot {
  series: MetricsSeries[];
}

/** Server options. */
export interface ServerOptions {
  name: string;
  /** Where the stacks of unexpected handler errors go (default stderr). */
  logger?: ErrorLogger;
  /** Keep the text of unexpected handler errors from clients (they read "the handler failed"). */
  maskErrorDetails?: boolean;
  /** The error hook: every unexpected handler or middleware error, after its stack is logged. */
  onError?: ErrorHook;
  version?: string;
  title?: string;
  description?: string;
  websiteUrl?: string;
  /** Instructions for the model (sent in `initialize` / `server/discover`). */
  instructions?: string;
  /** Advertise `logging` and send log messages (default true). */
  logging?: boolean;
  /** Cache lifetime of 2026-07-28 list/read results (default 0). */
  cacheTtlMs?: number;
  cacheScope?: 'public' | 'private';
  /** Shared key so several processes can resume each other's 2026 multi-round-trip requests. */
  stateKey?: string;
  /** The protocol versions served (default: all). */
  protocolVersions?: string[];
  limits?: Limits;
  /** Rate limits per client and per tool (none by default). */
  rateLimits?: RateLimits;
  /** Keep request metrics per method, name and outcome (`metrics()`, `metricsText()`). */
  metrics?: boolean;
  /** `"127.0.0.1:9464"`: serve `GET /metrics` there while serving stdio (turns `metrics` on). */
  metricsAddress?: string;
  /** Configures tasks and advertises them before a task-capable tool is registered. */
  tasks?: { ttlMs?: number | null; pollIntervalMs?: number; maxTasks?: number; capability?: Record<string, unknown> };
  /** The `experimental` capability object. */
  experimental?: { [key: string]: unknown };
  /** Extension id -> settings, advertised in the 2026 `capabilities.extensions`. */
  extensions?: { [id: string]: unknown };
  /** Advertise a capability even with nothing of its kind registered yet. */
  enableTools?: boolean;
  enableResources?: boolean;
  enablePrompts?: boolean;
}

/**
 * What a registration returns: `remove()` it, or `disable()` it and `enable()` it again
 * (see `Server.disableTool`); each returns true while it is registered.
 */
export interface Registration {
  remove(): boolean;
  disable(): boolean;
  enable(): boolean;
}

/** A registered tool. */
export interface RegisteredTool extends Registration {
  readonly name: string;
}

/** A transport `McpServer.connect` (and `Server.connect`) takes: one of this package's. */
export interface McpForgeTransport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  close(): Promise<void>;
}

/** An MCP server whose wire is served by the mcpforge engine. */
export declare class Server {
  constructor(options: ServerOptions);
  /**
   * Registers a tool. The handler's arguments are `Args` when given (`tool<MyArgs>(...)`),
   * else inferred from `config.inputSchema` (a zod schema or raw shape: what it parses to).
   */
  tool<Args = never, C extends ToolConfig = ToolConfig>(name: string, config: C, handler: ToolHandler<ToolArgs<Args, C>>): RegisteredTool;
  /** Registers a tool whose arguments' raw shape is given alone (`{ a: z.number() }`), as the SDK's `tool(name, shape, cb)`. */
  tool<S extends RawShape & { inputSchema?: never; outputSchema?: never }>(name: string, shape: S, handler: ToolHandler<ShapeOutput<S>>): RegisteredTool;
  tool<Args = Record<string, never>>(name: string, handler: ToolHandler<Args>): RegisteredTool;
  resource(name: string, uri: string, config: ResourceConfig, handler: (uri: URL, ctx: Context) => Awaitable<ResourceReturn>): Registration & { uri: string };
  resource(name: string, uri: string, handler: (uri: URL, ctx: Context) => Awaitable<ResourceReturn>): Registration & { uri: string };
  /** Registers a resource template; `config.list(ctx)` lists the resources it stands for (added to `resources/list`). */
  resourceTemplate(
    name: string,
    uriTemplate: string,
    config: ResourceConfig & { list?: ResourceListCallback },
    handler: (uri: URL, variables: { [name: string]: string }, ctx: Context) => Awaitable<ResourceReturn>,
  ): Registration & { uriTemplate: string };
  prompt<Args extends { [name: string]: string | undefined } = { [name: string]: string | undefined }>(
    name: string,
    config: PromptConfig,
    handler: (args: Args, ctx: Context) => Awaitable<PromptReturn>,
  ): Registration & { name: string };
  completion(ref: CompletionReference | null, handler: (request: CompletionRequest, ctx: Context) => Awaitable<string[] | Completion>): void;
  registerTool<Args = never, C extends ToolConfig = ToolConfig>(name: string, config: C, handler: ToolHandler<ToolArgs<Args, C>>): RegisteredTool;
  registerResource(name: string, uriOrTemplate: string | { uriTemplate: string }, config: ResourceConfig, handler: (uri: URL, ...rest: any[]) => Awaitable<ResourceReturn>): unknown;
  registerPrompt(name: string, config: PromptConfig, handler: (args: any, ctx: Context) => Awaitable<PromptReturn>): Registration & { name: string };
  /** Adds a middleware around every request (the first added is the outermost). */
  use(middleware: Middleware): this;
  /** Sets the catalogue hook (null removes it): which registered items each request may see. */
  catalogue(hook: CatalogueHook | null): this;
  /** Sets the initialize hook (null removes it): the answer to each client's `initialize`, on every transport. */
  onInitialize(hook: InitializeHook | null): this;
  /**
   * Sets the error hook: `hook(error, info)` runs for every unexpected error a tool,
   * resource, prompt, completion, resource lister or middleware throws (not `McpError`,
   * `ToolError` or the input-required signal), after its stack is logged.
   */
  onError(hook: ErrorHook): this;
  /** The middleware chain, outermost first. */
  readonly middleware: Middleware[];
  removeTool(name: string): boolean;
  removeResource(uri: string): boolean;
  /** Registers an MCP app at a `ui://` URI: `config.html`, or `handler` returning the HTML. */
  app(uri: string, config: AppConfig, handler?: (uri: URL, ctx: Context) => Awaitable<string>): Registration & { uri: string };
  /** Serves a skill: its `SKILL.md` text and the files beside it, by relative path. */
  skill(skillMd: string, files?: { [path: string]: string | Uint8Array }): void;
  /** Serves every skill of a directory (each subdirectory holding a `SKILL.md`). */
  skillsDir(path: string): void;
  /** Stops serving a skill and its files; true if it was served. */
  removeSkill(name: string): boolean;
  removeResourceTemplate(uriTemplate: string): boolean;
  removePrompt(name: string): boolean;
  /**
   * Disables a tool without removing it: not listed, and calls answered as for an unknown
   * tool, until `enableTool`; clients are told the list changed. True if it is registered.
   */
  disableTool(name: string): boolean;
  enableTool(name: string): boolean;
  disableResource(uri: string): boolean;
  enableResource(uri: string): boolean;
  disableResourceTemplate(uriTemplate: string): boolean;
  enableResourceTemplate(uriTemplate: string): boolean;
  disablePrompt(name: string): boolean;
  enablePrompt(name: string): boolean;
  /** Enables or disables the item of `kind` registered under `key`; true if it is registered. */
  setEnabled(kind: CatalogueKind, key: string, enabled: boolean): boolean;
  /** Whether the item of `kind` registered under `key` is enabled; `undefined` when none is. */
  isEnabled(kind: CatalogueKind, key: string): boolean | undefined;
  notifyToolsChanged(): void;
  notifyPromptsChanged(): void;
  notifyResourcesChanged(): void;
  notifyResourceUpdated(uri: string): void;
  /** The request metrics (option `metrics`), or `null` when the server keeps none. */
  metrics(): MetricsSnapshot | null;
  /** The request metrics in the Prometheus text format, or `null` when the server keeps none. */
  metricsText(): string | null;
  /** Sends a log message outside any handler, to every session whose level lets it through. */
  log(level: LogLevel, data: unknown, logger?: string): void;
  /** Serves over a transport of this package (the official SDK's `connect`). */
  connect(transport: McpForgeTransport): Promise<void>;
  /** Serves until the server stops (stdio, or HTTP with `{ http }`). */
  listen(options?: ListenOptions): Promise<void>;
  /** The HTTP address while listening over HTTP. */
  readonly address: HttpAddress | undefined;
  /** Stops every transport and test client; resolves when the engine stopped. */
  /**
   * Serves `other`'s tools, prompts, resources, templates and completions beside this
   * server's own, under `prefix`: tools and prompts as `PREFIX_NAME`, resources as
   * `SCHEME://PREFIX/REST`. `other` is a `Server` (or `McpServer`) of this process, reached
   * in memory, or an `Upstream` (a command or a URL). `mount(other, prefix)` is taken too.
   * Resolves once its first catalogue is served.
   */
  mount(prefix: string | undefined, other: Server | { engine: Server } | Upstream, options?: ComposeOptions): Promise<void>;
  mount(other: Server | { engine: Server } | Upstream, prefix?: string, options?: ComposeOptions): Promise<void>;
  /** A server whose catalogue is `upstream`'s (a URL string is an HTTP upstream); `options` as the constructor's. */
  static proxy(upstream: Upstream | Server | string, options?: Partial<ServerOptions>): Promise<Server>;
  close(): Promise<void>;
  /** The MCP endpoint inside an HTTP server you already run (Express, `node:http`). */
  httpHandler(options?: MountOptions): NodeMcpHandler;
  /** The MCP endpoint as a web-standard handler (Hono, Bun, Deno, `fetch` runtimes). */
  fetchHandler(options?: MountOptions): FetchMcpHandler;
  testClient(options?: TestClientOptions): Promise<TestClient>;
}

/** How a mounted server runs: one connection per client session (the default), per authenticated user, or one for all. */
export type UpstreamMode = 'per-session' | 'per-user' | 'shared';

/** Options of `Server.mount` (composition; `MountOptions` are the HTTP handlers'). */
export interface ComposeOptions {
  /** Overrides the upstream's mode. */
  mode?: UpstreamMode;
  /** What errors and logs call it (default: the prefix). */
  name?: string;
}

/** Options of `Upstream.command`. */
export interface CommandUpstreamOptions {
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** The directory the child runs in. */
  cwd?: string;
  mode?: UpstreamMode;
  name?: string;
}

/** Options of `Upstream.url`. */
export interface UrlUpstreamOptions {
  /** Sent with each request: this server's own credentials for the upstream. */
  headers?: Record<string, string>;
  mode?: UpstreamMode;
  name?: string;
}

/** An MCP server reached by the engine's client, to mount or to proxy. */
export declare class Upstream {
  readonly name: string;
  /** A server run as a child process: `Upstream.command('uvx', ['mcp-server-time'])` or `Upstream.command(['uvx', 'mcp-server-time'])`. */
  static command(command: string | string[], args?: string[], options?: CommandUpstreamOptions): Upstream;
  static command(command: string[], options?: CommandUpstreamOptions): Upstream;
  /** A server reached over Streamable HTTP. */
  static url(url: string, options?: UrlUpstreamOptions): Upstream;
}

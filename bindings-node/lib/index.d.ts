/**
 * Public types of the mcpforge npm package (hand-written; the native addon's generated
 * types are in native.d.ts and are internal).
 */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON Schema object. */
export type JsonSchema = { [key: string]: unknown };

/**
 * A zod schema or any Standard Schema (converted to JSON Schema when registered; it also
 * parses the arguments). Kept structural so no zod types are needed.
 */
export interface SchemaLike {
  readonly '~standard'?: unknown;
  safeParse?(value: unknown): unknown;
}

/** What `inputSchema`, `outputSchema`, `argsSchema` and `requestedSchema` accept. */
export type SchemaInput = JsonSchema | SchemaLike | { [key: string]: SchemaLike };

/**
 * A schema that carries its own types: the Standard Schema interface, which zod (3.25 and
 * 4), valibot, arktype and others implement. Types are read from it, so they need no zod.
 */
export interface StandardSchemaLike<Output = unknown> {
  readonly '~standard': { readonly types?: { readonly output: Output } | undefined };
}

/** A zod raw shape: an object of schemas, e.g. `{ a: z.number(), b: z.string().optional() }`. */
export type RawShape = { readonly [key: string]: StandardSchemaLike };

/** The value a schema parses to (`unknown` when it says nothing). */
export type SchemaOutput<S> = S extends { readonly '~standard': { readonly types?: infer T } }
  ? NonNullable<T> extends { readonly output: infer O }
    ? O
    : unknown
  : unknown;

/** Flattens an intersection of object types into one object type (for readable hovers). */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The object a raw shape parses to; fields whose schema accepts `undefined` are optional. */
export type ShapeOutput<Shape> = Simplify<
  { [K in keyof Shape as undefined extends SchemaOutput<Shape[K]> ? never : K]: SchemaOutput<Shape[K]> } & {
    [K in keyof Shape as undefined extends SchemaOutput<Shape[K]> ? K : never]?: SchemaOutput<Shape[K]>;
  }
>;

/**
 * The arguments a handler receives for a schema: what a zod (or Standard) schema or raw
 * shape parses to; no arguments without one. A JSON Schema says nothing TypeScript can read:
 * its arguments are `any` (name them with `Server.tool<Args>()` or annotate the parameter).
 */
export type InferArgs<S> = [S] extends [undefined]
  ? Record<string, never>
  : S extends { readonly '~standard': unknown }
    ? SchemaOutput<S>
    : S extends RawShape
      ? ShapeOutput<S>
      : any;

/** A content block of a tool result or prompt message. */
export type ContentBlock =
  | { type: 'text'; text: string; annotations?: JsonSchema; _meta?: JsonSchema }
  | { type: 'image'; data: string; mimeType: string; annotations?: JsonSchema; _meta?: JsonSchema }
  | { type: 'audio'; data: string; mimeType: string; annotations?: JsonSchema; _meta?: JsonSchema }
  | { type: 'resource'; resource: ResourceContents; annotations?: JsonSchema; _meta?: JsonSchema }
  | { type: 'resource_link'; uri: string; name: string; mimeType?: string; description?: string; [key: string]: unknown };

/** The result of `tools/call`. */
export interface CallToolResult {
  content: ContentBlock[];
  structuredContent?: { [key: string]: unknown };
  isError?: boolean;
  _meta?: { [key: string]: unknown };
}

/** One item of a `resources/read` result. */
export interface ResourceContents {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
  _meta?: { [key: string]: unknown };
}

/** One prompt message. */
export interface PromptMessage {
  role: 'user' | 'assistant';
  content: ContentBlock;
}

/** The result of `prompts/get`. */
export interface GetPromptResult {
  description?: string;
  messages: PromptMessage[];
  _meta?: { [key: string]: unknown };
}

/** Completion suggestions. */
export interface Completion {
  values: string[];
  total?: number;
  hasMore?: boolean;
}

/** Behaviour hints of a tool. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** A value or a Promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** What a tool handler may return: a string (text), a JSON value, a full result, or nothing. */
export type ToolReturn = string | CallToolResult | Json | undefined | void;

/** Tool configuration (the official SDK's `registerTool` config, plus `execution` and `deferTask`). */
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
  _meta?: { [key: string]: unknown };
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

/** What a bearer token grants (returned by the verifier, seen by handlers as `ctx.authInfo`). */
export interface AuthInfo {
  subject?: string;
  scopes?: string[];
  clientId?: string;
  extra?: Json;
}

/** Bearer-token authorization of the HTTP transport. */
export interface AuthOptions {
  /** Verifies a token: resolve the grant, or throw (an error with `requiredScopes` answers 403). */
  verifier: (token: string) => Awaitable<AuthInfo>;
  /** This server's canonical URL as clients use it (the protected-resource metadata's `resource`). */
  resource: string;
  authorizationServers?: string[];
  scopesSupported?: string[];
  requiredScopes?: string[];
  resourceName?: string;
}

/** Where and how Streamable HTTP listens. */
export interface HttpListenOptions {
  /** Default `127.0.0.1` (never all interfaces by default). */
  host?: string;
  /** Default 3000; 0 picks a free port (see `onListening`). */
  port?: number;
  /** Default `/mcp`. */
  path?: string;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  maxBody?: number;
  legacySessions?: boolean;
  sessionIdleTimeoutMs?: number;
  maxSessions?: number;
  /** At most this many legacy sessions per client (subject, else address): its own least recently used is ended. Default: a tenth of `maxSessions`. */
  maxSessionsPerClient?: number;
  sseKeepaliveMs?: number;
  legacySse?: boolean;
  metrics?: boolean;
  /** Serve MCP over WebSocket at the same path too (subprotocol `mcp`). Default false. */
  websocket?: boolean;
  /** At most this many open connections (the longest idle is closed to make room; 503 when all are busy). */
  maxConnections?: number;
  /** A new connection must send its first request head within this. Default 10,000. */
  headerTimeoutMs?: number;
  /** A connection with no request in progress this long is closed. Default 60,000. */
  idleTimeoutMs?: number;
  /** A request body must arrive within this. Default 30,000. */
  bodyTimeoutMs?: number;
  /**
   * A store shared with the server's other instances (`redis://host:port/db`): a legacy
   * session opened on one instance is served by any of them. Default: the environment
   * variable `MCPFORGE_SHARED_STORE`, if set.
   */
  sharedStore?: string;
  auth?: AuthOptions;
  /** Called once bound, with the actual address. */
  onListening?: (address: HttpAddress) => void;
  /**
   * Keep where the server listens unsaid (by default one line on stderr,
   * `mcpforge: serving MCP on <url> (Ctrl-C to stop)`). Default false.
   */
  quiet?: boolean;
}

/** A bound HTTP address. */
export interface HttpAddress {
  host: string;
  port: number;
  url: string;
}

/** Options of `httpHandler()` and `fetchHandler()`: the HTTP options without the listener's. */
export type MountOptions = Omit<
  HttpListenOptions,
  'host' | 'port' | 'onListening' | 'quiet' | 'websocket' | 'maxConnections' | 'headerTimeoutMs' | 'idleTimeoutMs' | 'bodyTimeoutMs'
>;

/**
 * A Node request handler (Express, `node:http`). Behind a body parser it reads the raw body
 * the parser kept in `req.rawBody`, else `parsedBody` (or `req.body`) written back as JSON.
 */
export type NodeMcpHandler = (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
  parsedBody?: unknown,
) => Promise<void>;

/**
 * A client's address, which a web `Request` does not carry: an IP address as text
 * (`'127.0.0.1'`, `'::ffff:127.0.0.1'`, `'[::1]:5000'`), or an object with it and an optional
 * port (Bun's `server.requestIP(request)`, Node's `socket.address()`). Give the TCP peer, not
 * a header the client wrote. Not an IP address: no address.
 */
export type ClientAddress = string | { address: string; port?: number };

/** What a fetch handler may be told about a request besides the `Request` itself. */
export interface FetchMcpOptions {
  /**
   * The client's address, by which the per-client bounds (`maxSessionsPerClient`, rate
   * limits of requests without a session) count a client without a verified token. Without
   * it, all such clients count as one.
   */
  clientAddress?: ClientAddress | null;
}

/**
 * A web-standard request handler (Hono, Bun, Deno, any `fetch` runtime). The second argument
 * gives the client's address (Hono on Node: `{ clientAddress: c.env.incoming.socket.remoteAddress }`;
 * Bun: `{ clientAddress: server.requestIP(request) }`; Deno: `{ clientAddress: info.remoteAddr.hostname }`).
 */
export type FetchMcpHandler = (request: Request, options?: FetchMcpOptions) => Promise<Response>;

/** Options of `listen()`: stdio without `http`. */
export interface ListenOptions {
  http?: HttpListenOptions;
  /** Close the server on SIGINT/SIGTERM while listening (default true). */
  handleSignals?: boolean;
  /**
   * After such a signal closed the server and every request was answered, `listen()`
   * returns and the process exits 1 s later at the latest (with `process.exitCode`, 0 unless
   * set), even if handlers left timers or sockets behind. Default true; false leaves ending
   * the process to the application.
   */
  exitOnSignal?: boolean;
}

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

/** What threw an unexpected error. */
export interface ErrorInfo {
  kind: 'tool' | 'resource' | 'resource template' | 'resource list' | 'prompt' | 'completion' | 'middleware';
  /** The tool's or prompt's name, the resource's URI or template; undefined for the others. */
  name?: string;
}

/** The error hook: `error` is what was thrown (its stack intact). A returned promise is not awaited. */
export type ErrorHook = (error: unknown, info: ErrorInfo) => void | Promise<void>;

/** Where the stacks of unexpected handler errors go (console, pino, winston...). */
export interface ErrorLogger {
  error(...args: unknown[]): void;
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
  tasks?: { ttlMs?: number | null; pollIntervalMs?: number; maxTasks?: number };
  /** The `experimental` capability object. */
  experimental?: { [key: string]: unknown };
  /** Extension id -> settings, advertised in the 2026 `capabilities.extensions`. */
  extensions?: { [id: string]: unknown };
  /** Advertise a capability even with nothing of its kind registered yet. */
  enableTools?: boolean;
  enableResources?: boolean;
  enablePrompts?: boolean;
}

/** A client-input request: the wire form, or a shorthand. */
export type InputRequest =
  | { method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list'; params?: { [key: string]: unknown } }
  | { elicit: ElicitRequest }
  | { sample: CreateMessageRequest }
  | { listRoots: true };

/** An elicitation (`elicitation/create` params). */
export interface ElicitRequest {
  message: string;
  requestedSchema?: SchemaInput;
  mode?: 'form' | 'url';
  url?: string;
  elicitationId?: string;
}

/** The client's answer to an elicitation. */
export interface ElicitResult {
  action: 'accept' | 'decline' | 'cancel';
  content?: { [key: string]: string | number | boolean | string[] };
}

/** A sampling request (`sampling/createMessage` params). */
export interface CreateMessageRequest {
  messages: { role: 'user' | 'assistant'; content: unknown }[];
  maxTokens: number;
  systemPrompt?: string;
  [key: string]: unknown;
}

/** The client's sampling answer. */
export interface CreateMessageResult {
  role: 'user' | 'assistant';
  content: { type: string; text?: string; [key: string]: unknown };
  model: string;
  stopReason?: string;
}

/** The client's roots. */
export interface ListRootsResult {
  roots: { uri: string; name?: string }[];
}

/** Log levels, least severe first. */
export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';

/** A notification or client request in its wire form (the official SDK's `extra.sendNotification`/`sendRequest`). */
export interface WireMessage {
  method: string;
  params?: { [key: string]: unknown };
}

/** The HTTP request that carried a request (the official SDK's `extra.requestInfo`). */
export interface RequestInfo {
  /** The request's headers, as Node's `req.headers` has them (lowercase names). */
  headers: { [name: string]: string | string[] | undefined };
}

/** A request's position in a distributed trace (W3C Trace Context). */
export interface TraceContext {
  /** `00-<traceId>-<spanId>-<flags>`. */
  traceparent: string;
  /** The vendor `tracestate` that travels with it. */
  tracestate?: string;
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  sampled: boolean;
}

/** The second argument of every handler. */
export declare class Context {
  private constructor();
  readonly requestId: string | number;
  /** The session's id (Streamable HTTP's `Mcp-Session-Id`); undefined on stdio and on the 2026-07-28 wire. */
  readonly sessionId: string | undefined;
  /**
   * Where this request sits in a distributed trace: the engine's span for the request when
   * OpenTelemetry export is on, a child of the client's span; else the client's context from
   * `_meta`; undefined when there is neither.
   */
  readonly traceContext: TraceContext | undefined;
  /** The HTTP request that carried this request; undefined on stdio. */
  readonly requestInfo: RequestInfo | undefined;
  /** True once the handler answered (work it left behind still sees this context). */
  readonly finished: boolean;
  readonly protocolVersion: string;
  readonly meta: { [key: string]: unknown } | undefined;
  /** Alias of `meta` (the official SDK's `extra._meta`). */
  readonly _meta: { [key: string]: unknown } | undefined;
  readonly progressToken: string | number | undefined;
  readonly clientInfo: { name: string; version: string; [key: string]: unknown } | undefined;
  readonly clientCapabilities: { [key: string]: unknown };
  readonly authInfo: AuthInfo | undefined;
  readonly taskId: string | undefined;
  readonly inputResponses: { [key: string]: unknown };
  readonly requestState: Json | undefined;
  readonly server: Server;
  /** Fires when the request is cancelled (client, timeout, shutdown). */
  readonly signal: AbortSignal;
  readonly cancelled: boolean;
  /** Progress and log messages for this request; list and resource changes to every client. */
  sendNotification(notification: WireMessage): Promise<void>;
  /** `elicitation/create`, `sampling/createMessage` or `roots/list`; `resultSchema` (zod) parses the answer. */
  sendRequest(request: WireMessage, resultSchema?: { parse(value: unknown): unknown }): Promise<any>;
  reportProgress(progress: number, total?: number, message?: string): void;
  log(level: LogLevel, data: unknown, logger?: string): void;
  elicit(request: ElicitRequest): Promise<ElicitResult>;
  sample(request: CreateMessageRequest): Promise<CreateMessageResult>;
  listRoots(): Promise<ListRootsResult>;
  ask(key: string, request: InputRequest): Promise<any>;
  askAll(requests: { [key: string]: InputRequest } | [string, InputRequest][]): Promise<any[]>;
  /** Use as `throw ctx.inputRequired(...)`. */
  inputRequired(requests: { [key: string]: InputRequest } | [string, InputRequest][], state?: Json): InputRequiredError;
  startTask(): void;
}

/** One request as middleware sees it (see `Server.use`). */
/** The kinds of registered items a catalogue hook decides about. */
export type CatalogueKind = 'tools' | 'resources' | 'resource_templates' | 'prompts';

/**
 * Says which registered items of `kind` the request may see: `null`/`undefined` for all, or
 * the names (tools, prompts), URIs (resources) or URI templates (templates).
 */
export type CatalogueHook = (
  context: MiddlewareContext,
  kind: CatalogueKind,
) => Iterable<string> | null | undefined | Promise<Iterable<string> | null | undefined>;

export declare class MiddlewareContext {
  /** The JSON-RPC method (`tools/call`, `tools/list`, ...). */
  readonly method: string;
  /** The tool or prompt name, the resource URI, or the prompt or template of a completion. */
  readonly name: string | undefined;
  /** The request's parameters: what the rest of the chain receives. */
  params: { [key: string]: unknown };
  /** The arguments of a `tools/call` or `prompts/get` (change in place, or assign). */
  arguments: { [key: string]: unknown } | undefined;
  /** The request's `_meta`. */
  readonly _meta: { [key: string]: unknown } | undefined;
  readonly protocolVersion: string;
  /** True on the stateless 2026-07-28 wire. */
  readonly isModern: boolean;
  readonly authInfo: AuthInfo | undefined;
  readonly clientInfo: { name: string; version: string; [key: string]: unknown } | undefined;
  readonly sessionId: string | undefined;
  readonly requestId: string | number;
}

/** The method's result object, as on the wire. */
export type MiddlewareResult = { [key: string]: unknown };

/**
 * A middleware: returns `await next()` (possibly changed), a result of its own, or throws
 * `ToolError` / `McpError` to answer without going on.
 */
export type Middleware = (
  context: MiddlewareContext,
  next: (context?: MiddlewareContext) => Promise<MiddlewareResult>,
) => Awaitable<MiddlewareResult>;

/** A registered tool. */
export interface RegisteredTool {
  readonly name: string;
  remove(): boolean;
}

/** An MCP server whose wire is served by the mcpforge engine. */
export declare class Server {
  constructor(options: ServerOptions);
  /**
   * Registers a tool. The handler's arguments are `Args` when given (`tool<MyArgs>(...)`),
   * else inferred from `config.inputSchema` (a zod schema or raw shape: what it parses to).
   */
  tool<Args = never, C extends ToolConfig = ToolConfig>(name: string, config: C, handler: ToolHandler<ToolArgs<Args, C>>): RegisteredTool;
  tool<Args = Record<string, never>>(name: string, handler: ToolHandler<Args>): RegisteredTool;
  resource(name: string, uri: string, config: ResourceConfig, handler: (uri: URL, ctx: Context) => Awaitable<ResourceReturn>): { uri: string; remove(): boolean };
  resource(name: string, uri: string, handler: (uri: URL, ctx: Context) => Awaitable<ResourceReturn>): { uri: string; remove(): boolean };
  /** Registers a resource template; `config.list(ctx)` lists the resources it stands for (added to `resources/list`). */
  resourceTemplate(
    name: string,
    uriTemplate: string,
    config: ResourceConfig & { list?: ResourceListCallback },
    handler: (uri: URL, variables: { [name: string]: string }, ctx: Context) => Awaitable<ResourceReturn>,
  ): { uriTemplate: string; remove(): boolean };
  prompt<Args extends { [name: string]: string | undefined } = { [name: string]: string | undefined }>(
    name: string,
    config: PromptConfig,
    handler: (args: Args, ctx: Context) => Awaitable<PromptReturn>,
  ): { name: string; remove(): boolean };
  completion(ref: CompletionReference | null, handler: (request: CompletionRequest, ctx: Context) => Awaitable<string[] | Completion>): void;
  registerTool<Args = never, C extends ToolConfig = ToolConfig>(name: string, config: C, handler: ToolHandler<ToolArgs<Args, C>>): RegisteredTool;
  registerResource(name: string, uriOrTemplate: string | { uriTemplate: string }, config: ResourceConfig, handler: (uri: URL, ...rest: any[]) => Awaitable<ResourceReturn>): unknown;
  registerPrompt(name: string, config: PromptConfig, handler: (args: any, ctx: Context) => Awaitable<PromptReturn>): { name: string; remove(): boolean };
  /** Adds a middleware around every request (the first added is the outermost). */
  use(middleware: Middleware): this;
  /** Sets the catalogue hook (null removes it): which registered items each request may see. */
  catalogue(hook: CatalogueHook | null): this;
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
  removeResourceTemplate(uriTemplate: string): boolean;
  removePrompt(name: string): boolean;
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
  close(): Promise<void>;
  /** The MCP endpoint inside an HTTP server you already run (Express, `node:http`). */
  httpHandler(options?: MountOptions): NodeMcpHandler;
  /** The MCP endpoint as a web-standard handler (Hono, Bun, Deno, `fetch` runtimes). */
  fetchHandler(options?: MountOptions): FetchMcpHandler;
  testClient(options?: TestClientOptions): Promise<TestClient>;
}

/** Options of `server.testClient()`. */
export interface TestClientOptions {
  /** Default `2025-11-25`; `2026-07-28` for the stateless wire. */
  protocolVersion?: string;
  /** The client's `Implementation` (default `{ name: 'mcpforge-test-client', version: '1.0.0' }`). */
  clientInfo?: { name: string; version: string; [key: string]: unknown };
  capabilities?: { [key: string]: unknown };
  /** Results the client answers server requests with on sessions, by method. */
  responses?: { [method: string]: unknown };
}

/** Options of `callTool`. */
export interface CallOptions {
  id?: string | number;
  progressToken?: string | number;
  meta?: { [key: string]: unknown };
  inputResponses?: { [key: string]: unknown };
  requestState?: string;
}

/** An in-memory client for tests. */
export declare class TestClient {
  private constructor();
  readonly protocolVersion: string;
  readonly initializeResult?: any;
  request(method: string, params?: object, options?: { id?: string | number }): Promise<any>;
  notify(method: string, params?: object): Promise<void>;
  cancel(id: string | number, reason?: string): Promise<void>;
  sendRaw(line: string): Promise<void>;
  listTools(params?: object): Promise<{ tools: any[]; nextCursor?: string }>;
  callTool(name: string, args?: object, options?: CallOptions): Promise<any>;
  listResources(params?: object): Promise<any>;
  listResourceTemplates(params?: object): Promise<any>;
  readResource(uri: string): Promise<{ contents: ResourceContents[] }>;
  listPrompts(params?: object): Promise<any>;
  getPrompt(name: string, args?: { [name: string]: string }): Promise<GetPromptResult>;
  complete(ref: CompletionReference, argument: { name: string; value: string }, context?: object): Promise<{ completion: Completion }>;
  nextMessage(timeoutMs?: number): Promise<any | null>;
  drainMessages(): Promise<any[]>;
  close(): Promise<void>;
}

/** JSON-RPC and MCP error codes. */
export declare const ErrorCode: {
  readonly ParseError: -32700;
  readonly InvalidRequest: -32600;
  readonly MethodNotFound: -32601;
  readonly InvalidParams: -32602;
  readonly InternalError: -32603;
  readonly ResourceNotFound: -32002;
  readonly UrlElicitationRequired: -32042;
  readonly HeaderMismatch: -32020;
  readonly MissingRequiredClientCapability: -32021;
  readonly UnsupportedProtocolVersion: -32022;
  /** A rate limit refused the request; `data.retryAfterMs` says when to retry. */
  readonly RateLimited: -32029;
};

/** A JSON-RPC error: the request cannot be processed. */
export declare class McpError extends Error {
  constructor(code: number, message: string, data?: unknown);
  readonly code: number;
  readonly data?: unknown;
}

/** A tool failure the model sees (`isError: true`). */
export declare class ToolError extends Error {
  constructor(message: string, data?: unknown);
  readonly data?: unknown;
}

/** Thrown by an unanswered ask on the 2026-07-28 wire: let it propagate. */
export declare class InputRequiredError extends Error {
  constructor();
}

/** The error for a resource that does not exist. */
export declare function resourceNotFound(uri: string): McpError;

/** A registered tool, prompt, resource or template of `McpServer` (the official SDK's handles). */
export interface RegisteredHandle {
  enabled: boolean;
  enable(): void;
  disable(): void;
  update(updates: { [field: string]: unknown }): void;
  remove(): void;
  [field: string]: unknown;
}

/** `McpServer` options: the official SDK's `ServerOptions` plus mcpforge's `Server` options. */
export interface McpServerOptions extends Omit<ServerOptions, 'name' | 'version'> {
  capabilities?: { tools?: object; resources?: object; prompts?: object; logging?: object; completions?: object; experimental?: object };
  [sdkOnly: string]: unknown;
}

/** The part of the official SDK's low-level `Server` that `McpServer.server` offers. */
export interface ProtocolServer {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  getClientCapabilities(): { [key: string]: unknown } | undefined;
  getClientVersion(): { name: string; version: string; [key: string]: unknown } | undefined;
  sendLoggingMessage(params: { level: LogLevel; data?: unknown; logger?: string }): Promise<void>;
  notification(notification: WireMessage): Promise<void>;
  elicitInput(params: ElicitRequest): Promise<ElicitResult>;
  createMessage(params: CreateMessageRequest): Promise<CreateMessageResult>;
  listRoots(): Promise<ListRootsResult>;
  sendToolListChanged(): void;
  sendPromptListChanged(): void;
  sendResourceListChanged(): void;
  sendResourceUpdated(params: { uri: string }): void;
}

/** A transport `McpServer.connect` (and `Server.connect`) takes: one of this package's. */
export interface McpForgeTransport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  close(): Promise<void>;
}

/** Serves an `McpServer` over the process's stdin and stdout. */
export declare class StdioServerTransport implements McpForgeTransport {
  constructor(stdin?: NodeJS.ReadableStream, stdout?: NodeJS.WritableStream);
  onclose?: () => void;
  onerror?: (error: Error) => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The official SDK's Streamable HTTP transport options, plus mcpforge's mount options. */
export interface StreamableHTTPServerTransportOptions extends Omit<MountOptions, 'path' | 'allowedHosts' | 'allowedOrigins'> {
  /** Names each session (stateful); undefined: stateless, the engine keeps no sessions. */
  sessionIdGenerator?: (() => string) | undefined;
  /** Runs with the new session's id before the client sees it. */
  onsessioninitialized?: (sessionId: string) => void | Promise<void>;
  /** Runs with the session's id when a DELETE ends it (the transport then closes). */
  onsessionclosed?: (sessionId: string) => void | Promise<void>;
  /** Accepted; the engine answers JSON unless notifications come before the result. */
  enableJsonResponse?: boolean;
  /** Accepted; the engine keeps its own bounded event store for resumption. */
  eventStore?: unknown;
  /** `Host` values accepted when `enableDnsRebindingProtection` is on (ports are ignored). */
  allowedHosts?: string[];
  /** `Origin` values accepted when `enableDnsRebindingProtection` is on. */
  allowedOrigins?: string[];
  /** Check `Host` and `Origin` against the lists (off: no check, as in the official SDK). */
  enableDnsRebindingProtection?: boolean;
  /** Accepted; the engine sends its own retry hint. */
  retryInterval?: number;
  /** Interval of keep-alive comments on SSE streams. */
  keepAliveMs?: number;
  /** Largest accepted request body in bytes. */
  maxRequestBodySize?: number;
}

/** The official SDK's Streamable HTTP transport for Node (`node:http`, Express), over the engine. */
export declare class StreamableHTTPServerTransport implements McpForgeTransport {
  constructor(options?: StreamableHTTPServerTransportOptions);
  /** The id of the session this transport serves (stateful, once initialized). */
  readonly sessionId: string | undefined;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: unknown) => void;
  start(): Promise<void>;
  /**
   * Answers one request (POST, GET stream, DELETE); `parsedBody`: what `express.json()` read
   * (used when neither `req.rawBody` nor the unread stream has the client's bytes).
   * Does not reject: a callback that throws goes to `onerror` and the client gets a 500.
   */
  handleRequest(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, parsedBody?: unknown): Promise<void>;
  close(): Promise<void>;
}

/** The official SDK's Streamable HTTP transport for web-standard runtimes, over the engine. */
export declare class WebStandardStreamableHTTPServerTransport implements McpForgeTransport {
  constructor(options?: StreamableHTTPServerTransportOptions);
  readonly sessionId: string | undefined;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: unknown) => void;
  start(): Promise<void>;
  /**
   * `options.parsedBody` is used only when the request's own body was read already;
   * `options.clientAddress` is the client's address (as for `fetchHandler`).
   */
  handleRequest(request: Request, options?: { parsedBody?: unknown } & FetchMcpOptions): Promise<Response>;
  close(): Promise<void>;
}

/** What `createMcpHandler` returns (the official SDK 2.x shape). */
export interface McpHandler {
  /** Answers a web-standard request (`options.clientAddress` as for `fetchHandler`). */
  fetch(request: Request, options?: FetchMcpOptions): Promise<Response>;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * The official SDK 2.x's handler: serves the server `factory()` builds (called once; the
 * engine keeps sessions and state). `options`: mcpforge's mount options.
 */
export declare function createMcpHandler(
  factory: (context: { [key: string]: unknown }) => McpServer | Server,
  options?: MountOptions & { responseMode?: string; legacy?: unknown },
): McpHandler;
/** The Node handler of a `createMcpHandler` handler (`@modelcontextprotocol/node`'s). */
export declare function toNodeHandler(handler: McpHandler): NodeMcpHandler;
/** Serves the server `factory()` builds over stdio (the official SDK 2.x's). */
export declare function serveStdio(factory: (context: { [key: string]: unknown }) => McpServer | Server): Promise<McpServer | Server>;
/** A guard refusing (403) a request whose `Host` is not a loopback name; true when it passes. */
export declare function localhostHostValidation(
  allowed?: string[],
): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean;
/** A guard refusing (403) a request whose `Origin`, when present, is not on a loopback name. */
export declare function localhostOriginValidation(
  allowed?: string[],
): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean;

/** A resource a template's `list` callback returns. */
export interface ListedResource extends ResourceConfig {
  uri: string;
  name: string;
}

/** Lists the resources a template stands for (added to `resources/list`). */
export type ResourceListCallback = (ctx: Context) => Awaitable<{ resources: ListedResource[] } | ListedResource[]>;

/** Completes one variable of a template or one prompt argument. */
export type CompleteCallback = (value: string, context?: { arguments?: { [name: string]: string } }) => Awaitable<string[]>;

/** An RFC 6570 URI template with a list callback and variable completions. */
export declare class ResourceTemplate {
  constructor(
    uriTemplate: string,
    callbacks: {
      list: ((extra: Context) => Awaitable<{ resources: ListedResource[] }>) | undefined;
      complete?: { [variable: string]: CompleteCallback };
    },
  );
  readonly uriTemplate: { toString(): string; readonly variableNames: string[] };
  readonly listCallback: ((extra: Context) => Awaitable<{ resources: ListedResource[] }>) | undefined;
  completeCallback(variable: string): CompleteCallback | undefined;
}

/** Marks a prompt argument's schema with a completion callback. */
export declare function completable<T extends SchemaLike>(schema: T, complete: CompleteCallback): T;

/** What a tool callback returns: a `CallToolResult` whose `structuredContent` follows the output schema. */
export type ToolResultOf<Out> = [Out] extends [undefined]
  ? CallToolResult
  : Omit<CallToolResult, 'structuredContent'> & { structuredContent?: InferArgs<Out> };

/** An `McpServer` tool callback: `(args, extra)` with a schema, `(extra)` without. */
export type ToolCallback<In = undefined, Out = undefined> = [In] extends [undefined]
  ? (extra: Context) => Awaitable<ToolResultOf<Out>>
  : (args: InferArgs<In>, extra: Context) => Awaitable<ToolResultOf<Out>>;

/** An `McpServer` prompt callback: `(args, extra)` with an `argsSchema`, `(extra)` without. */
export type PromptCallback<Args = undefined> = [Args] extends [undefined]
  ? (extra: Context) => Awaitable<GetPromptResult>
  : (args: InferArgs<Args>, extra: Context) => Awaitable<GetPromptResult>;

/** The variables a URI template matched (the official SDK's `Variables`). */
export type Variables = { [name: string]: string | string[] };

/** An `McpServer` resource callback. */
export type ReadResourceCallback = (uri: URL, extra: Context) => Awaitable<{ contents: ResourceContents[] }>;
/** An `McpServer` resource template callback. */
export type ReadResourceTemplateCallback = (uri: URL, variables: Variables, extra: Context) => Awaitable<{ contents: ResourceContents[] }>;

/** `registerTool`'s configuration, its schemas typing the callback. */
export interface McpToolConfig<In, Out> {
  title?: string;
  description?: string;
  inputSchema?: In;
  outputSchema?: Out;
  annotations?: ToolAnnotations;
  icons?: JsonSchema[];
  _meta?: { [key: string]: unknown };
}

/** `registerPrompt`'s configuration, its `argsSchema` typing the callback. */
export interface McpPromptConfig<Args> {
  title?: string;
  description?: string;
  argsSchema?: Args;
  icons?: JsonSchema[];
  _meta?: { [key: string]: unknown };
}

/** The official TypeScript SDK's high-level server, served by the mcpforge engine. */
export declare class McpServer {
  constructor(serverInfo: { name: string; version: string; title?: string; websiteUrl?: string; icons?: JsonSchema[] }, options?: McpServerOptions);
  readonly server: ProtocolServer;
  /** The mcpforge `Server` this one registers on (mounts, `listen`, `testClient`). */
  readonly engine: Server;
  readonly transport: McpForgeTransport | undefined;
  connect(transport: McpForgeTransport): Promise<void>;
  close(): Promise<void>;
  isConnected(): boolean;
  /** Registers a tool; the callback's arguments and `structuredContent` follow `inputSchema` and `outputSchema`. */
  registerTool<In extends SchemaInput | undefined = undefined, Out extends SchemaInput | undefined = undefined>(
    name: string,
    config: McpToolConfig<In, Out>,
    cb: ToolCallback<In, Out>,
  ): RegisteredHandle;
  tool(name: string, cb: ToolCallback): RegisteredHandle;
  tool(name: string, description: string, cb: ToolCallback): RegisteredHandle;
  tool<S extends RawShape>(name: string, paramsSchema: S, cb: ToolCallback<S>): RegisteredHandle;
  tool<S extends RawShape>(name: string, description: string, paramsSchema: S, cb: ToolCallback<S>): RegisteredHandle;
  tool<S extends RawShape>(name: string, paramsSchema: S, annotations: ToolAnnotations, cb: ToolCallback<S>): RegisteredHandle;
  tool<S extends RawShape>(name: string, description: string, paramsSchema: S, annotations: ToolAnnotations, cb: ToolCallback<S>): RegisteredHandle;
  tool(name: string, annotations: ToolAnnotations, cb: ToolCallback): RegisteredHandle;
  tool(name: string, description: string, annotations: ToolAnnotations, cb: ToolCallback): RegisteredHandle;
  registerResource(name: string, uri: string, config: ResourceConfig, cb: ReadResourceCallback): RegisteredHandle;
  registerResource(name: string, template: ResourceTemplate, config: ResourceConfig, cb: ReadResourceTemplateCallback): RegisteredHandle;
  resource(name: string, uri: string, cb: ReadResourceCallback): RegisteredHandle;
  resource(name: string, uri: string, metadata: ResourceConfig, cb: ReadResourceCallback): RegisteredHandle;
  resource(name: string, template: ResourceTemplate, cb: ReadResourceTemplateCallback): RegisteredHandle;
  resource(name: string, template: ResourceTemplate, metadata: ResourceConfig, cb: ReadResourceTemplateCallback): RegisteredHandle;
  /** Registers a prompt; the callback's arguments follow `argsSchema`. */
  registerPrompt<Args extends RawShape | undefined = undefined>(name: string, config: McpPromptConfig<Args>, cb: PromptCallback<Args>): RegisteredHandle;
  prompt(name: string, cb: PromptCallback): RegisteredHandle;
  prompt(name: string, description: string, cb: PromptCallback): RegisteredHandle;
  prompt<S extends RawShape>(name: string, argsSchema: S, cb: PromptCallback<S>): RegisteredHandle;
  prompt<S extends RawShape>(name: string, description: string, argsSchema: S, cb: PromptCallback<S>): RegisteredHandle;
  sendLoggingMessage(params: { level: LogLevel; data?: unknown; logger?: string }): Promise<void>;
  sendToolListChanged(): void;
  sendResourceListChanged(): void;
  sendPromptListChanged(): void;
}

declare const mcpforge: {
  McpServer: typeof McpServer;
  ResourceTemplate: typeof ResourceTemplate;
  completable: typeof completable;
  StdioServerTransport: typeof StdioServerTransport;
  StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
  WebStandardStreamableHTTPServerTransport: typeof WebStandardStreamableHTTPServerTransport;
  createMcpHandler: typeof createMcpHandler;
  toNodeHandler: typeof toNodeHandler;
  serveStdio: typeof serveStdio;
  localhostHostValidation: typeof localhostHostValidation;
  localhostOriginValidation: typeof localhostOriginValidation;
  Server: typeof Server;
  TestClient: typeof TestClient;
  Context: typeof Context;
  McpError: typeof McpError;
  ToolError: typeof ToolError;
  InputRequiredError: typeof InputRequiredError;
  ErrorCode: typeof ErrorCode;
  resourceNotFound: typeof resourceNotFound;
};
export default mcpforge;

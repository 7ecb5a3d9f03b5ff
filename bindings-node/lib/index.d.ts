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
  auth?: AuthOptions;
  /** Called once bound, with the actual address. */
  onListening?: (address: HttpAddress) => void;
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
  'host' | 'port' | 'onListening' | 'websocket' | 'maxConnections' | 'headerTimeoutMs' | 'idleTimeoutMs' | 'bodyTimeoutMs'
>;

/** A Node request handler (Express, `node:http`); `parsedBody` when a body parser read the request. */
export type NodeMcpHandler = (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
  parsedBody?: unknown,
) => Promise<void>;

/** A web-standard request handler (Hono, Bun, Deno, any `fetch` runtime). */
export type FetchMcpHandler = (request: Request) => Promise<Response>;

/** Options of `listen()`: stdio without `http`. */
export interface ListenOptions {
  http?: HttpListenOptions;
  /** Close the server on SIGINT/SIGTERM while listening (default true). */
  handleSignals?: boolean;
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

/** Server options. */
export interface ServerOptions {
  name: string;
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

/** The second argument of every handler. */
export declare class Context {
  private constructor();
  readonly requestId: string | number;
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

/** A registered tool. */
export interface RegisteredTool {
  readonly name: string;
  remove(): boolean;
}

/** An MCP server whose wire is served by the mcpforge engine. */
export declare class Server {
  constructor(options: ServerOptions);
  tool<Args = any>(name: string, config: ToolConfig, handler: ToolHandler<Args>): RegisteredTool;
  tool<Args = any>(name: string, handler: ToolHandler<Args>): RegisteredTool;
  resource(name: string, uri: string, config: ResourceConfig, handler: (uri: URL, ctx: Context) => Awaitable<ResourceReturn>): { uri: string; remove(): boolean };
  resource(name: string, uri: string, handler: (uri: URL, ctx: Context) => Awaitable<ResourceReturn>): { uri: string; remove(): boolean };
  resourceTemplate(
    name: string,
    uriTemplate: string,
    config: ResourceConfig,
    handler: (uri: URL, variables: { [name: string]: string }, ctx: Context) => Awaitable<ResourceReturn>,
  ): { uriTemplate: string; remove(): boolean };
  prompt<Args extends { [name: string]: string | undefined } = { [name: string]: string | undefined }>(
    name: string,
    config: PromptConfig,
    handler: (args: Args, ctx: Context) => Awaitable<PromptReturn>,
  ): { name: string; remove(): boolean };
  completion(ref: CompletionReference | null, handler: (request: CompletionRequest, ctx: Context) => Awaitable<string[] | Completion>): void;
  registerTool<Args = any>(name: string, config: ToolConfig, handler: ToolHandler<Args>): RegisteredTool;
  registerResource(name: string, uriOrTemplate: string | { uriTemplate: string }, config: ResourceConfig, handler: (uri: URL, ...rest: any[]) => Awaitable<ResourceReturn>): unknown;
  registerPrompt(name: string, config: PromptConfig, handler: (args: any, ctx: Context) => Awaitable<PromptReturn>): { name: string; remove(): boolean };
  removeTool(name: string): boolean;
  removeResource(uri: string): boolean;
  removeResourceTemplate(uriTemplate: string): boolean;
  removePrompt(name: string): boolean;
  notifyToolsChanged(): void;
  notifyPromptsChanged(): void;
  notifyResourcesChanged(): void;
  notifyResourceUpdated(uri: string): void;
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

declare const mcpforge: {
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

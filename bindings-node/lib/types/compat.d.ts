/**
 * The drop-in layer: the official TypeScript SDK's server API (`McpServer`, its
 * transports, `ResourceTemplate`, `completable`, the 2.x handlers), served by the engine.
 * Its runtime lives in lib/compat/; the native API's types never import this file.
 */

import type { CallToolResult, GetPromptResult, ResourceContents } from './content.js';
import type { Context, CreateMessageRequest, CreateMessageResult, ElicitRequest, ElicitResult, ListRootsResult, LogLevel, WireMessage } from './context.js';
import type { AuthInfo, FetchMcpOptions, MountOptions, NodeMcpHandler } from './http.js';
import type { Awaitable, InferArgs, JsonSchema, RawShape, SchemaInput, SchemaLike } from './schema.js';
import type { ListedResource, McpForgeTransport, ResourceConfig, Server, ServerOptions, ToolAnnotations } from './server.js';

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
  capabilities?: { tools?: object; resources?: object; prompts?: object; logging?: object; completions?: object; experimental?: object; tasks?: object };
  /** The application's task store (the SDK's `TaskStore`: `createTask`, `getTask`, `storeTaskResult`, `getTaskResult`, `updateTaskStatus`, `listTasks`), for task tools. */
  taskStore?: unknown;
  /** How often to look at an application's task that gives no `pollInterval` (ms). */
  defaultTaskPollInterval?: number;
  [sdkOnly: string]: unknown;
}

/** The part of the official SDK's low-level `Server` that `McpServer.server` offers. */
export interface ProtocolServer {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /** Called once the client sent `notifications/initialized`. */
  oninitialized?: () => void | Promise<void>;
  /** The transport the server is connected to, if any. */
  readonly transport: unknown;
  /** Starts serving over `transport` (as `McpServer.connect`). */
  connect(transport: McpForgeTransport | MessageTransport): Promise<void>;
  /** Closes the server (as `McpServer.close`). */
  close(): Promise<void>;
  getClientCapabilities(): { [key: string]: unknown } | undefined;
  getClientVersion(): { name: string; version: string; [key: string]: unknown } | undefined;
  sendLoggingMessage(params: { level: LogLevel; data?: unknown; logger?: string }): Promise<void>;
  notification(notification: WireMessage): Promise<void>;
  elicitInput(params: ElicitRequest): Promise<ElicitResult>;
  createMessage(params: CreateMessageRequest): Promise<CreateMessageResult>;
  listRoots(params?: { [key: string]: unknown }): Promise<ListRootsResult>;
  /** Sends a request to the client; its result is parsed by `resultSchema` when given. */
  request(request: WireMessage, resultSchema?: { parse(value: unknown): unknown }): Promise<unknown>;
  /** Pings the client (a connection whose messages pass through JavaScript). */
  ping(): Promise<unknown>;
  /**
   * Runs `handler` for each client notification of `schema`'s method, on a connection whose
   * messages pass through JavaScript (a transport of another package; stdio when set before
   * `connect`).
   */
  setNotificationHandler(
    schema: { shape: { method: unknown } },
    handler: (notification: { method: string; params?: { [key: string]: unknown } }) => void | Promise<void>,
  ): void;
  /** Removes the notification handler of `method`. */
  removeNotificationHandler(method: string): void;
  sendToolListChanged(): void;
  sendPromptListChanged(): void;
  sendResourceListChanged(): void;
  sendResourceUpdated(params: { uri: string }): void;
  /**
   * Answers the requests of `schema`'s method (a request schema whose `method` is a literal,
   * e.g. the SDK's `ListToolsRequestSchema`) before the engine's own logic for it.
   */
  setRequestHandler(
    schema: { shape: { method: unknown } },
    handler: (
      request: { method: string; params?: { [key: string]: unknown } },
      extra: RequestHandlerExtra,
    ) => unknown,
  ): void;
  /** Declares capabilities (`logging` turns on log messages; the engine advertises the rest). */
  registerCapabilities(capabilities: { [key: string]: unknown }): void;
  /** Lets the engine answer `method` again. */
  removeRequestHandler(method: string): void;
  /** Throws when `method` already has a request handler. */
  assertCanSetRequestHandler(method: string): void;
  /** The SDK's experimental API: client requests as response streams, for a task's work. */
  readonly experimental: {
    tasks: {
      elicitInputStream(params: ElicitRequest): AsyncGenerator<ResponseMessage<ElicitResult>>;
      createMessageStream(params: CreateMessageRequest): AsyncGenerator<ResponseMessage<CreateMessageResult>>;
    };
  };
}

/** What a low-level request handler learns of its request. */
export interface RequestHandlerExtra {
  /** Aborted when the request is cancelled. */
  signal: AbortSignal;
  sessionId?: string;
  authInfo?: AuthInfo;
  requestId: string | number;
  _meta?: { [key: string]: unknown };
}

/**
 * Serves an `McpServer` over the process's stdin and stdout (the engine owns them), or over
 * streams of its own, as a message transport (newline-delimited JSON).
 */
export declare class StdioServerTransport implements McpForgeTransport {
  constructor(stdin?: NodeJS.ReadableStream, stdout?: NodeJS.WritableStream);
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /** Each message read (streams of its own). */
  onmessage?: (message: unknown) => void;
  start(): Promise<void>;
  /** Writes one message (streams of its own). */
  send(message: unknown): Promise<void>;
  close(): Promise<void>;
}

/** The official SDK's Streamable HTTP transport options, plus mcpforge's mount options. */
export interface StreamableHTTPServerTransportOptions extends Omit<
  MountOptions,
  'path' | 'allowedHosts' | 'allowedOrigins' | 'sessionless' | 'ssePath' | 'messagesPath'
> {
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
/** The SDK 2.x Node package's name (`@modelcontextprotocol/node`) for `StreamableHTTPServerTransport`. */
export { StreamableHTTPServerTransport as NodeStreamableHTTPServerTransport };

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
/** What `serveStdio` takes besides the factory (the official SDK 2.x's `ServeStdioOptions`). */
export interface ServeStdioOptions {
  /** The transport to serve on (a `StdioServerTransport`, or one wrapping it); default: the process's stdio. */
  transport?: object;
  /** Told of a failure to start serving. */
  onerror?: (error: Error) => void;
  /** Accepted; the engine serves every protocol version. */
  legacy?: 'serve' | 'reject';
  /** Accepted. */
  maxSubscriptions?: number;
}
/** Serves the server `factory()` builds over stdio (the official SDK 2.x's); returns its handle at once. */
export declare function serveStdio(
  factory: (context: { [key: string]: unknown }) => McpServer | Server,
  options?: ServeStdioOptions,
): { close(): Promise<void> };
/** A guard refusing (403) a request whose `Host` is not a loopback name; true when it passes. */
/** The official SDK's options of `SSEServerTransport` (DNS rebinding protection). */
export interface SSEServerTransportOptions {
  enableDnsRebindingProtection?: boolean;
  allowedHosts?: string[];
  allowedOrigins?: string[];
}

/**
 * The HTTP+SSE transport (2024-11-05): made in the application's GET handler, given the path
 * to POST to; `handlePostMessage` in its POST handler. A message transport the engine serves
 * as one connection.
 */
export declare class SSEServerTransport implements MessageTransport {
  constructor(endpoint: string, res: import('node:http').ServerResponse, options?: SSEServerTransportOptions);
  readonly sessionId: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: unknown) => void;
  start(): Promise<void>;
  send(message: unknown): Promise<void>;
  close(): Promise<void>;
  validateRequestHeaders(req: import('node:http').IncomingMessage): string | undefined;
  handlePostMessage(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, parsedBody?: unknown): Promise<void>;
  handleMessage(message: unknown): void;
}

/** Options of `createMcpExpressApp`. */
export interface CreateMcpExpressAppOptions {
  /** The address the server binds (default `127.0.0.1`): a loopback name turns on the Host check. */
  host?: string;
  /** The `Host` names to accept (turns on the Host check for any bind address). */
  allowedHosts?: string[];
}

/**
 * The official SDK's `createMcpExpressApp`: an Express application that parses JSON bodies
 * and refuses requests whose `Host` is not allowed (DNS rebinding protection). Its type is
 * the application's Express.
 */
export declare function createMcpExpressApp(options?: CreateMcpExpressAppOptions): any;

export declare function localhostHostValidation(
  allowed?: string[],
): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean;
/** A guard refusing (403) a request whose `Origin`, when present, is not on a loopback name. */
export declare function localhostOriginValidation(
  allowed?: string[],
): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean;

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

/** A message of the SDK's response streams: the result, or the error, of one client request. */
export type ResponseMessage<T> = { type: 'result'; result: T } | { type: 'error'; error: Error };

/** A task as the application's store keeps it (the SDK's `Task`). */
export interface StoredTask {
  taskId: string;
  status: 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
  pollInterval?: number;
  [key: string]: unknown;
}

/** The application's task store seen through one request (the SDK's `RequestTaskStore`). */
export interface RequestTaskStore {
  createTask(params: { ttl?: number | null; pollInterval?: number }): Promise<StoredTask>;
  getTask(taskId: string): Promise<StoredTask>;
  storeTaskResult(taskId: string, status: 'completed' | 'failed', result: CallToolResult): Promise<void>;
  getTaskResult(taskId: string): Promise<CallToolResult>;
  updateTaskStatus(taskId: string, status: StoredTask['status'], statusMessage?: string): Promise<void>;
  listTasks(cursor?: string): Promise<{ tasks: StoredTask[]; nextCursor?: string }>;
}

/** The `extra` of a task tool's handlers: the request's `Context` and the task store seen through it. */
export type TaskHandlerExtra = Context & { taskStore: RequestTaskStore; taskRequestedTtl?: number; taskId?: string };

/** `registerToolTask`'s handlers (the SDK's `ToolTaskHandler`). */
export interface ToolTaskHandler {
  /** `(args, extra)`, or `(extra)` for a tool without `inputSchema`. */
  createTask(...args: any[]): Awaitable<{ task: StoredTask }>;
  getTask?(...args: any[]): Awaitable<StoredTask | null>;
  getTaskResult?(...args: any[]): Awaitable<CallToolResult>;
}

/** `registerPrompt`'s configuration, its `argsSchema` typing the callback. */
export interface McpPromptConfig<Args> {
  title?: string;
  description?: string;
  argsSchema?: Args;
  icons?: JsonSchema[];
  _meta?: { [key: string]: unknown };
}

/**
 * A transport of another package, of the official SDK's `Transport` shape (its
 * `InMemoryTransport`, a custom transport): the engine serves its messages as one connection.
 */
export interface MessageTransport {
  start(): Promise<void>;
  send(message: unknown): Promise<void>;
  close(): Promise<void>;
  onmessage?: (message: unknown) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
}

/** The official TypeScript SDK's high-level server, served by the mcpforge engine. */
export declare class McpServer {
  constructor(serverInfo: { name: string; version: string; title?: string; websiteUrl?: string; icons?: JsonSchema[] }, options?: McpServerOptions);
  readonly server: ProtocolServer;
  /** The SDK's experimental API: `tasks.registerToolTask` (tools that run as tasks over the `taskStore` option). */
  readonly experimental: {
    tasks: {
      registerToolTask<In extends SchemaInput | undefined = undefined, Out extends SchemaInput | undefined = undefined>(
        name: string,
        config: McpToolConfig<In, Out> & { execution?: { taskSupport?: 'required' | 'optional' } },
        handler: ToolTaskHandler,
      ): RegisteredHandle;
    };
  };
  /** The mcpforge `Server` this one registers on (mounts, `listen`, `testClient`). */
  readonly engine: Server;
  readonly transport: McpForgeTransport | MessageTransport | undefined;
  /** Serves over a transport of this package, or any `MessageTransport` (e.g. `InMemoryTransport`). */
  connect(transport: McpForgeTransport | MessageTransport): Promise<void>;
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

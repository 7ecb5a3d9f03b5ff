/**
 * `Client`: an MCP client on the mcpforge engine, in the shape of the official TypeScript
 * SDK's `Client`, and its transports.
 */

import type { CallToolResult, GetPromptResult, ResourceContents } from './content.js';

/** The client's `Implementation`. */
export interface ClientInfo {
  name: string;
  version: string;
  [key: string]: unknown;
}

/** Options of `new Client(info, options)`. */
export interface ClientOptions {
  /** What the client declares: `sampling`, `elicitation`, `roots`, `experimental`. */
  capabilities?: { [key: string]: unknown };
  /** mcpforge: `'auto'`, `'stateless'` (2026-07-28), or the handshake version to offer (default the newest). */
  protocol?: string;
  /** mcpforge: the default timeout of each call, in ms (60 s). */
  timeout?: number;
}

/** The progress a server reports for a call. */
export interface Progress {
  progress: number;
  total?: number;
  message?: string;
  [key: string]: unknown;
}

/** How one call waits, as the SDK's `RequestOptions`. */
export interface RequestOptions {
  /** Aborting it rejects the call with the signal's reason and cancels it on the server. */
  signal?: AbortSignal;
  /** Milliseconds to wait for the answer (60 s). */
  timeout?: number;
  onprogress?: (progress: Progress) => void;
  /** Each progress notification restarts the timeout. */
  resetTimeoutOnProgress?: boolean;
  /** The longest the call waits in all, progress or not (ms). */
  maxTotalTimeout?: number;
}

/** A request or notification as handlers get it. */
export interface ClientMessage {
  method: string;
  params?: any;
}

/** What a key of `setRequestHandler` may be: an SDK schema object, or the method name. */
export type MethodKey = string | { shape: { method: unknown } };

/** The `extra` argument of a request handler. */
export interface ClientRequestExtra {
  /** Aborted when the client closes. */
  signal: AbortSignal;
}

/** What the client transports of this package have in common. */
export interface ClientTransport {
  start(): Promise<void>;
  /** Closes the client connected through the transport. */
  close(): Promise<void>;
}

/** A server run as a child process, spoken to over stdio. */
export declare class StdioClientTransport implements ClientTransport {
  start(): Promise<void>;
  close(): Promise<void>;
  constructor(params: { command: string; args?: string[]; env?: { [key: string]: string | undefined }; cwd?: string; stderr?: unknown });
  /** What is kept of the child's stderr (its last 64 KiB). */
  stderrText(): string;
}

/**
 * What mcpforge keeps of one resource's OAuth tokens (a token store keeps it whole): the
 * access token, and what a refresh needs.
 */
export interface OAuthTokenRecord {
  accessToken: string;
  refreshToken?: string;
  /** Seconds since the Unix epoch. */
  expiresAt?: number;
  scope?: string;
  issuer: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret?: string;
  authMethod: string;
  resource: string;
}

/**
 * The `authProvider` of `StreamableHTTPClientTransport`: the official SDK's
 * `OAuthClientProvider` names where they map, and the user's part as `authorize(url)` or
 * `followRedirects: true` (docs/node.md, "OAuth").
 */
export interface OAuthClientProvider {
  /** The user's part: sends the user to `url`, resolves to the URL the authorization server redirected to. */
  authorize?(url: string, redirectUri: string): string | Promise<string>;
  /** The engine follows the authorization server's redirects itself (no user: tests, servers that grant at once). */
  followRedirects?: boolean;
  /** The redirect URI (default `http://127.0.0.1/callback`). */
  redirectUrl?: string | URL;
  /** `client_name` (registration), `scope` (asked for when the challenge names none), `redirect_uris`. */
  clientMetadata?: { client_name?: string; scope?: string; redirect_uris?: (string | URL)[] };
  /** The client's Client ID Metadata Document URL. */
  clientMetadataUrl?: string | URL;
  /** Credentials registered beforehand. */
  clientInformation?(): { client_id: string; client_secret?: string } | undefined | Promise<{ client_id: string; client_secret?: string } | undefined>;
  /** The token store (with `saveTokens`; default: in memory). */
  tokens?(resource: string): OAuthTokenRecord | undefined | Promise<OAuthTokenRecord | undefined>;
  saveTokens?(tokens: OAuthTokenRecord | null, resource: string): void | Promise<void>;
  /** Ask for a refresh token (`offline_access`) where the server offers one (default true). */
  offlineAccess?: boolean;
  /** How long the user's part may take, in ms (default 300 000). */
  authorizeTimeoutMs?: number;
}

/** A server at a Streamable HTTP endpoint (`http://` or `https://`). */
export declare class StreamableHTTPClientTransport implements ClientTransport {
  start(): Promise<void>;
  close(): Promise<void>;
  constructor(
    url: URL | string,
    options?: {
      requestInit?: { headers?: { [name: string]: string } | Iterable<[string, string]> };
      authProvider?: OAuthClientProvider;
      /**
       * Certificates trusted for `https://` besides the system's store, by the connection
       * and the OAuth exchanges: one or a list, each PEM text or the path of a PEM file.
       */
      rootCertificates?: string | string[];
    },
  );
}

/** A server at a WebSocket URL (`ws://`, `wss://`), over the `mcp` subprotocol. */
export declare class WebSocketClientTransport implements ClientTransport {
  start(): Promise<void>;
  close(): Promise<void>;
  constructor(url: URL | string, options?: { headers?: { [name: string]: string }; rootCertificates?: string | string[] });
}

/** An mcpforge `Server` or `McpServer` of this process. */
export declare class InProcessClientTransport implements ClientTransport {
  start(): Promise<void>;
  close(): Promise<void>;
  constructor(server: object);
}

/** An MCP client (see docs/node.md, "The client"). */
export declare class Client {
  constructor(info: ClientInfo, options?: ClientOptions);
  onclose?: () => void;
  onerror?: (error: unknown) => void;
  fallbackRequestHandler?: (request: ClientMessage, extra: ClientRequestExtra) => unknown;
  fallbackNotificationHandler?: (notification: ClientMessage) => unknown;
  readonly transport: ClientTransport | undefined;
  connect(transport: ClientTransport): Promise<void>;
  getServerCapabilities(): { [key: string]: any } | undefined;
  getServerVersion(): ClientInfo | undefined;
  getInstructions(): string | undefined;
  getProtocolVersion(): string | undefined;
  stderrText(): string;
  request(request: ClientMessage, resultSchema?: unknown, options?: RequestOptions): Promise<any>;
  notification(notification: ClientMessage): Promise<void>;
  setRequestHandler(schema: MethodKey, handler: (request: ClientMessage, extra: ClientRequestExtra) => unknown): void;
  removeRequestHandler(schema: MethodKey): void;
  setNotificationHandler(schema: MethodKey, handler: (notification: ClientMessage) => unknown): void;
  removeNotificationHandler(schema: MethodKey): void;
  ping(options?: RequestOptions): Promise<{}>;
  complete(params: { ref: object; argument: { name: string; value: string }; context?: object }, options?: RequestOptions): Promise<any>;
  setLoggingLevel(level: string): Promise<{}>;
  getPrompt(params: { name: string; arguments?: { [key: string]: string } }, options?: RequestOptions): Promise<GetPromptResult>;
  listPrompts(params?: { cursor?: string }, options?: RequestOptions): Promise<{ prompts: any[]; nextCursor?: string }>;
  listResources(params?: { cursor?: string }, options?: RequestOptions): Promise<{ resources: any[]; nextCursor?: string }>;
  listResourceTemplates(params?: { cursor?: string }, options?: RequestOptions): Promise<{ resourceTemplates: any[]; nextCursor?: string }>;
  readResource(params: { uri: string }, options?: RequestOptions): Promise<{ contents: ResourceContents[] }>;
  subscribeResource(params: { uri: string }, options?: RequestOptions): Promise<{}>;
  unsubscribeResource(params: { uri: string }, options?: RequestOptions): Promise<{}>;
  callTool(params: { name: string; arguments?: { [key: string]: unknown }; _meta?: object }, resultSchema?: unknown, options?: RequestOptions): Promise<CallToolResult>;
  listTools(params?: { cursor?: string }, options?: RequestOptions): Promise<{ tools: any[]; nextCursor?: string }>;
  sendRootsListChanged(): Promise<void>;
  close(): Promise<void>;
  /** Experimental APIs: `tasks` (tools called as tasks, `tasks/*`). */
  readonly experimental: { readonly tasks: ExperimentalClientTasks };
}

/** A task's state, as `tasks/get` and a task-making `tools/call` give it. */
export interface Task {
  taskId: string;
  status: 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
  statusMessage?: string;
  createdAt?: string;
  lastUpdatedAt?: string;
  ttl?: number | null;
  pollInterval?: number;
  pollIntervalMs?: number;
  [key: string]: unknown;
}

/** What `callToolStream` yields. */
export type TaskStreamMessage =
  | { type: 'taskCreated'; task: Task }
  | { type: 'taskStatus'; task: Task }
  | { type: 'result'; result: CallToolResult }
  | { type: 'error'; error: unknown };

/** `client.experimental.tasks`. */
export interface ExperimentalClientTasks {
  callToolStream(params: { name: string; arguments?: { [key: string]: unknown }; task?: { ttl?: number } }, resultSchema?: unknown, options?: RequestOptions): AsyncGenerator<TaskStreamMessage, void, void>;
  getTask(taskId: string, options?: RequestOptions): Promise<Task>;
  getTaskResult(taskId: string, resultSchema?: unknown, options?: RequestOptions): Promise<CallToolResult>;
  listTasks(cursor?: string, options?: RequestOptions): Promise<{ tasks: Task[]; nextCursor?: string }>;
  cancelTask(taskId: string, options?: RequestOptions): Promise<any>;
}

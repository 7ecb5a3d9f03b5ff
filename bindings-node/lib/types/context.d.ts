/**
 * `Context`, the second argument of every handler, and what it asks the client for
 * (elicitation, sampling, roots) and sends (progress, logs, notifications).
 */

import type { InputRequiredError } from './errors.js';
import type { AuthInfo } from './http.js';
import type { Json, SchemaInput } from './schema.js';
import type { Server } from './server.js';

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
  /** The request's full URL: only for a request that came through the SDK's `SSEServerTransport`. */
  url?: URL;
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
  /** The reason the client gave when it cancelled the request (`notifications/cancelled`). */
  readonly cancelReason: string | undefined;
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

/**
 * `TestClient`: the in-memory client of `server.testClient()`.
 */

import type { Completion, GetPromptResult, ResourceContents } from './content.js';
import type { CompletionReference } from './server.js';

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

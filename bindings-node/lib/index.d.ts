/**
 * Public types of the mcpforge npm package (hand-written; the native addon's generated
 * types are in native.d.ts and are internal). Each file of types/ declares one part of the
 * API; this entry re-exports them all and declares the default export (the CommonJS
 * `module.exports` object, `import mcpforge from 'mcpforge'`).
 */

export * from './types/schema.js';
export * from './types/content.js';
export * from './types/server.js';
export * from './types/context.js';
export * from './types/hooks.js';
export * from './types/http.js';
export * from './types/errors.js';
export * from './types/testing.js';
export * from './types/compat.js';
export * from './types/client.js';

import { McpServer, ResourceTemplate, StdioServerTransport, StreamableHTTPServerTransport, WebStandardStreamableHTTPServerTransport, completable, createMcpExpressApp, createMcpHandler, SSEServerTransport, localhostHostValidation, localhostOriginValidation, serveStdio, toNodeHandler } from './types/compat.js';
import { Context } from './types/context.js';
import { MiddlewareContext } from './types/hooks.js';
import { ErrorCode, InputRequiredError, McpError, ToolError, resourceNotFound } from './types/errors.js';
import { Server, Upstream } from './types/server.js';
import { TestClient } from './types/testing.js';
import { Client, InProcessClientTransport, StdioClientTransport, StreamableHTTPClientTransport, WebSocketClientTransport } from './types/client.js';

declare const mcpforge: {
  McpServer: typeof McpServer;
  ResourceTemplate: typeof ResourceTemplate;
  completable: typeof completable;
  StdioServerTransport: typeof StdioServerTransport;
  StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
  WebStandardStreamableHTTPServerTransport: typeof WebStandardStreamableHTTPServerTransport;
  /** The SDK 2.x Node package's name (`@modelcontextprotocol/node`) for `StreamableHTTPServerTransport`. */
  NodeStreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
  createMcpHandler: typeof createMcpHandler;
  toNodeHandler: typeof toNodeHandler;
  serveStdio: typeof serveStdio;
  localhostHostValidation: typeof localhostHostValidation;
  createMcpExpressApp: typeof createMcpExpressApp;
  SSEServerTransport: typeof SSEServerTransport;
  localhostOriginValidation: typeof localhostOriginValidation;
  Server: typeof Server;
  Upstream: typeof Upstream;
  TestClient: typeof TestClient;
  Client: typeof Client;
  StdioClientTransport: typeof StdioClientTransport;
  StreamableHTTPClientTransport: typeof StreamableHTTPClientTransport;
  WebSocketClientTransport: typeof WebSocketClientTransport;
  InProcessClientTransport: typeof InProcessClientTransport;
  Context: typeof Context;
  MiddlewareContext: typeof MiddlewareContext;
  McpError: typeof McpError;
  ToolError: typeof ToolError;
  InputRequiredError: typeof InputRequiredError;
  ErrorCode: typeof ErrorCode;
  resourceNotFound: typeof resourceNotFound;
};
export default mcpforge;

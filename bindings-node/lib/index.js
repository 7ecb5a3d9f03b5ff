/**
 * mcpforge for Node.js: an MCP server whose wire (stdio, Streamable HTTP, every protocol
 * version) is served by the mcpforge engine in Rust, with handlers written in JavaScript.
 *
 *   const { Server } = require('mcpforge');
 *   const server = new Server({ name: 'demo', version: '1.0.0' });
 *   server.tool('add', { inputSchema: { type: 'object', properties: { a: { type: 'number' },
 *     b: { type: 'number' } }, required: ['a', 'b'] } }, ({ a, b }) => a + b);
 *   await server.listen();
 *
 * and an MCP client on the same engine: `Client` with its transports (mcp-client/).
 */
'use strict';

const { Server } = require('./server');
const { Upstream } = require('./compose');
const { TestClient } = require('./client');
const { Client } = require('./mcp-client/client');
const { StdioClientTransport, StreamableHTTPClientTransport, WebSocketClientTransport, InProcessClientTransport } = require('./mcp-client/transports');
const { Context } = require('./context');
const { MiddlewareContext } = require('./middleware');
const errors = require('./errors');
const { McpServer } = require('./compat/mcp-server');
const { ResourceTemplate } = require('./compat/resource-template');
const { completable } = require('./compat/completable');
const { StdioServerTransport } = require('./compat/stdio');
const { StreamableHTTPServerTransport, WebStandardStreamableHTTPServerTransport } = require('./compat/streamable-http');
const v2 = require('./compat/serving-v2');
const { createMcpExpressApp } = require('./compat/express-app');
const { SSEServerTransport } = require('./compat/sse');

module.exports = {
  Server,
  Upstream,
  TestClient,
  Client,
  StdioClientTransport,
  StreamableHTTPClientTransport,
  WebSocketClientTransport,
  InProcessClientTransport,
  Context,
  MiddlewareContext,
  McpError: errors.McpError,
  ToolError: errors.ToolError,
  InputRequiredError: errors.InputRequiredError,
  ErrorCode: errors.ErrorCode,
  resourceNotFound: errors.resourceNotFound,
  McpServer,
  ResourceTemplate,
  completable,
  StdioServerTransport,
  StreamableHTTPServerTransport,
  WebStandardStreamableHTTPServerTransport,
  // The SDK 2.x Node package's name for the same transport (`@modelcontextprotocol/node`).
  NodeStreamableHTTPServerTransport: StreamableHTTPServerTransport,
  createMcpHandler: v2.createMcpHandler,
  toNodeHandler: v2.toNodeHandler,
  serveStdio: v2.serveStdio,
  localhostHostValidation: v2.localhostHostValidation,
  localhostOriginValidation: v2.localhostOriginValidation,
  createMcpExpressApp,
  SSEServerTransport,
};

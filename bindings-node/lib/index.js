/**
 * mcpforge for Node.js: an MCP server whose wire (stdio, Streamable HTTP, every protocol
 * version) is served by the mcpforge engine in Rust, with handlers written in JavaScript.
 *
 *   const { Server } = require('mcpforge');
 *   const server = new Server({ name: 'demo', version: '1.0.0' });
 *   server.tool('add', { inputSchema: { type: 'object', properties: { a: { type: 'number' },
 *     b: { type: 'number' } }, required: ['a', 'b'] } }, ({ a, b }) => a + b);
 *   await server.listen();
 */
'use strict';

const { Server } = require('./server');
const { TestClient } = require('./client');
const { Context } = require('./context');
const errors = require('./errors');

module.exports = {
  Server,
  TestClient,
  Context,
  McpError: errors.McpError,
  ToolError: errors.ToolError,
  InputRequiredError: errors.InputRequiredError,
  ErrorCode: errors.ErrorCode,
  resourceNotFound: errors.resourceNotFound,
};

/**
 * What `mcpforge/types.js` offers programs that import from the official SDK's `types.js`:
 * `McpError` (this package's), `ErrorCode` (the engine's codes plus the SDK's client-side
 * `ConnectionClosed` and `RequestTimeout`), the protocol version constants, and the message
 * predicates the SDK's HTTP examples use (`isInitializeRequest`, ...). The SDK's other names
 * (its zod schemas, ...) are ./official-types.js.
 */
'use strict';

const errors = require('../errors');
const { VERSIONS } = require('../versions');

/** JSON-RPC and MCP error codes, named as in the official SDK. */
const ErrorCode = Object.freeze({ ...errors.ErrorCode, ConnectionClosed: -32000, RequestTimeout: -32001 });

/** The newest protocol version with a handshake (the official SDK 1.x's latest), from the engine. */
const LATEST_PROTOCOL_VERSION = VERSIONS.latest;

/** The handshake-era protocol versions, newest first, from the engine (which also serves the stateless wire). */
const SUPPORTED_PROTOCOL_VERSIONS = VERSIONS.handshake;

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function hasId(v) {
  return typeof v.id === 'string' || Number.isInteger(v.id);
}

/** True for a JSON-RPC request (`jsonrpc`, `id`, `method`). */
function isJSONRPCRequest(value) {
  return isObject(value) && value.jsonrpc === '2.0' && typeof value.method === 'string' && hasId(value);
}

/** True for a JSON-RPC notification (`jsonrpc`, `method`, no `id`). */
function isJSONRPCNotification(value) {
  return isObject(value) && value.jsonrpc === '2.0' && typeof value.method === 'string' && !('id' in value);
}

/** True for a JSON-RPC result response. */
function isJSONRPCResultResponse(value) {
  return isObject(value) && value.jsonrpc === '2.0' && hasId(value) && isObject(value.result);
}

/** True for a JSON-RPC error response. */
function isJSONRPCErrorResponse(value) {
  return isObject(value) && value.jsonrpc === '2.0' && isObject(value.error) && Number.isInteger(value.error.code);
}

/** True for an `initialize` request with the fields the protocol requires. */
function isInitializeRequest(value) {
  if (!isJSONRPCRequest(value) || value.method !== 'initialize' || !isObject(value.params)) return false;
  const { protocolVersion, capabilities, clientInfo } = value.params;
  return typeof protocolVersion === 'string' && isObject(capabilities) && isObject(clientInfo) && typeof clientInfo.name === 'string';
}

module.exports = {
  McpError: errors.McpError,
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  isJSONRPCRequest,
  isJSONRPCNotification,
  isJSONRPCResultResponse,
  isJSONRPCResponse: isJSONRPCResultResponse,
  isJSONRPCErrorResponse,
  isJSONRPCError: isJSONRPCErrorResponse,
  isInitializeRequest,
};

/**
 * The errors a handler throws to choose what the client sees: `McpError` (a JSON-RPC error
 * with a code), `ToolError` (an `isError` result with optional structured data); any other
 * thrown value becomes a tool error with its message. `InputRequiredError` is the signal an
 * unanswered client-input ask throws on the 2026-07-28 wire: rethrow it if you catch
 * everything (the call ends with `input_required` either way).
 */
'use strict';

const native = require('./native');

/**
 * JSON-RPC and MCP error codes, from the engine's table (`PARSE_ERROR` becomes
 * `ParseError`, as in the official SDK's `ErrorCode`).
 */
const ErrorCode = Object.freeze(
  Object.fromEntries(
    Object.entries(native.errorCodes()).map(([name, code]) => [
      name.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase()),
      code,
    ]),
  ),
);

/** A JSON-RPC error: the request cannot be processed. */
class McpError extends Error {
  /**
   * @param {number} code JSON-RPC error code (see `ErrorCode`)
   * @param {string} message
   * @param {unknown} [data] structured detail
   */
  constructor(code, message, data) {
    super(message);
    this.name = 'McpError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }
}

/** A tool ran and failed: the client gets `isError: true` with this message. */
class ToolError extends Error {
  /**
   * @param {string} message shown to the model
   * @param {unknown} [data] sent as `structuredContent` when the tool has no output schema
   */
  constructor(message, data) {
    super(message);
    this.name = 'ToolError';
    if (data !== undefined) this.data = data;
  }
}

/** Thrown by an ask the client has not answered yet (2026-07-28): let it propagate. */
class InputRequiredError extends Error {
  constructor() {
    super('input required from the client (the handler runs again with the answer)');
    this.name = 'InputRequiredError';
  }
}

/** The error for a resource that does not exist. */
function resourceNotFound(uri) {
  return new McpError(ErrorCode.ResourceNotFound, `Resource not found: ${uri}`, { uri });
}

/** True for an `McpError` of this package or of the official TypeScript SDK (its 2.x `ProtocolError` included). */
function isMcpError(e) {
  return e instanceof McpError || (e instanceof Error && (e.name === 'McpError' || e.name === 'ProtocolError') && Number.isInteger(e.code));
}

module.exports = { ErrorCode, McpError, ToolError, InputRequiredError, resourceNotFound, isMcpError };

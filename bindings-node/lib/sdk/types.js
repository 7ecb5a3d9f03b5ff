/**
 * `mcpforge/types.js`: error codes, `McpError` and message predicates, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/types.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { McpError, ErrorCode, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, isJSONRPCRequest, isJSONRPCNotification, isJSONRPCResultResponse, isJSONRPCResponse, isJSONRPCErrorResponse, isJSONRPCError, isInitializeRequest } = require('../compat/types.js');

module.exports = { McpError, ErrorCode, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, isJSONRPCRequest, isJSONRPCNotification, isJSONRPCResultResponse, isJSONRPCResponse, isJSONRPCErrorResponse, isJSONRPCError, isInitializeRequest };

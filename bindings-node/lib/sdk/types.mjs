/** The ES module form of `mcpforge/types.js`. */
import entry from './types.js';

export const { McpError, ErrorCode, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, isJSONRPCRequest, isJSONRPCNotification, isJSONRPCResultResponse, isJSONRPCResponse, isJSONRPCErrorResponse, isJSONRPCError, isInitializeRequest } = entry;

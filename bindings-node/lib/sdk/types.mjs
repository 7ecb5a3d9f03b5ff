/** The ES module form of `mcpforge/types.js`: mcpforge's own names here, the SDK's others in types-official.mjs. */
import entry from './types.js';

export const { McpError, ErrorCode, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, isJSONRPCRequest, isJSONRPCNotification, isJSONRPCResultResponse, isJSONRPCResponse, isJSONRPCErrorResponse, isJSONRPCError, isInitializeRequest } = entry;
export * from './types-official.mjs';

/** Types of `mcpforge/types.js`: mcpforge's own names here, the official SDK's others in types-official.d.ts. */
export * from './types-official.js';
export { McpError } from '../index.js';

/** JSON-RPC and MCP error codes, named as in the official SDK. */
export declare const ErrorCode: typeof import('../index.js').ErrorCode & { readonly ConnectionClosed: -32000; readonly RequestTimeout: -32001 };
/** The engine's newest handshake protocol version (read from the engine at load time). */
export declare const LATEST_PROTOCOL_VERSION: string;
/** The engine's handshake protocol versions, newest first. */
export declare const SUPPORTED_PROTOCOL_VERSIONS: readonly string[];
export declare function isJSONRPCRequest(value: unknown): boolean;
export declare function isJSONRPCNotification(value: unknown): boolean;
export declare function isJSONRPCResultResponse(value: unknown): boolean;
export declare function isJSONRPCResponse(value: unknown): boolean;
export declare function isJSONRPCErrorResponse(value: unknown): boolean;
export declare function isJSONRPCError(value: unknown): boolean;
export declare function isInitializeRequest(value: unknown): boolean;

/** Types of `mcpforge/server/index.js`. */
import type { McpServerOptions, ProtocolServer } from '../../types/compat.js';

/** The official SDK's low-level `Server`: request handlers over the engine; an `McpServer`'s `server` is one. */
export declare class Server {
  constructor(serverInfo: { name: string; version: string; [key: string]: unknown }, options?: McpServerOptions);
}
export declare interface Server extends ProtocolServer {}

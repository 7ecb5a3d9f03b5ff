/**
 * The ES module entry of mcpforge: the same objects as the CommonJS entry (index.js).
 */
import mcpforge from './index.js';

export const {
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
  McpError,
  ToolError,
  InputRequiredError,
  ErrorCode,
  resourceNotFound,
  McpServer,
  ResourceTemplate,
  completable,
  StdioServerTransport,
  StreamableHTTPServerTransport,
  WebStandardStreamableHTTPServerTransport,
  NodeStreamableHTTPServerTransport,
  createMcpHandler,
  toNodeHandler,
  serveStdio,
  localhostHostValidation,
  localhostOriginValidation,
  createMcpExpressApp,
  SSEServerTransport,
} = mcpforge;
export default mcpforge;

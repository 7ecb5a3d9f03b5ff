/** Types of `mcpforge/server/streamableHttp.js`. */
export { StreamableHTTPServerTransport, StreamableHTTPServerTransportOptions } from '../../index.js';

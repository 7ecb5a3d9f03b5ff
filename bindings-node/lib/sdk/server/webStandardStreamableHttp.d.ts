/** Types of `mcpforge/server/webStandardStreamableHttp.js`. */
export { WebStandardStreamableHTTPServerTransport, StreamableHTTPServerTransportOptions } from '../../index.js';

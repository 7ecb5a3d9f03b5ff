/** Types of `mcpforge/server/sse.js`. */
export { SSEServerTransport } from '../../index.js';
export type { SSEServerTransportOptions } from '../../index.js';

/** The ES module form of `mcpforge/server/webStandardStreamableHttp.js`. */
import entry from './webStandardStreamableHttp.js';

export const { WebStandardStreamableHTTPServerTransport } = entry;

/**
 * `McpServer` as the official TypeScript SDK 2.x server package (`@modelcontextprotocol/server`)
 * has it: the same API as the 1.x one (./mcp-server.js), with what 2.x answers differently:
 * tool schemas listed in zod's default dialect (JSON Schema 2020-12), a zod schema that is
 * not an object (a `z.preprocess(...)` around one) listed too, and no `execution`
 * unless the tool gives one, and a call of an unknown tool refused with the JSON-RPC error
 * -32602 rather than answered with an `isError` result (the engine's own wording, not the
 * 1.x `MCP error <code>:` one). Handlers reach the request through `ctx.mcpReq` and
 * `ctx.http` (./v2-context.js). The stand-in for the 2.x package (sdk-standin/
 * generate-server.mjs) offers this class as its `McpServer`.
 */
'use strict';

const { McpServer: SdkMcpServer } = require('./mcp-server');

class McpServer extends SdkMcpServer {
  /** How SDK 2.x lists tools (see ./mcp-server.js). */
  static listing = { target: 'draft-2020-12', anyZod: true, execution: undefined };
  /** A declared `listChanged: false` holds, as in SDK 2.x (./mcp-server.js, quietLists). */
  static listChangedAsDeclared = true;

  /**
   * @param {{ name: string, version: string }} serverInfo
   * @param {object} [options] the SDK's `ServerOptions`, as for the 1.x `McpServer`
   */
  constructor(serverInfo, options = {}) {
    super(serverInfo, { typescriptSdkErrors: false, ...(options || {}) });
  }
}

module.exports = { McpServer };

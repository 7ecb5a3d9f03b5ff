// The mcpforge client as scripts/real-servers-node.mjs drives the published servers with it
// (`--mcpforge-client`, make test-clients): the same four modules the official SDK's client
// is loaded from, taken from this tree's Node package under the SDK's paths (the migration
// docs/node.md gives: `@modelcontextprotocol/sdk/client/...` becomes `mcpforge/client/...`),
// and what is taken out of the official client's transcript before the two are compared.
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The mcpforge client's modules, in the shape of the driver's `sdk` object. */
export function mcpforgeKit(root) {
  const require = createRequire(import.meta.url);
  const lib = join(root, 'bindings-node', 'lib', 'sdk');
  return {
    client: require(join(lib, 'client', 'index.js')),
    stdio: require(join(lib, 'client', 'stdio.js')),
    http: require(join(lib, 'client', 'streamableHttp.js')),
    types: require(join(lib, 'types.js')),
  };
}

/** The official SDK's `McpError` writes its code into its message (`MCP error -32602: ...`). */
const SDK_PREFIX = /^MCP error -?\d+: /;

/**
 * The official client's transcript `t` with each refusal's message as the server wrote it:
 * the SDK's `McpError` prefixes its code to the message, mcpforge's keeps the code in `code`
 * alone (docs/client.md, "Tested against"); both keep the code.
 */
export function withServerMessages(t) {
  const walk = (value) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return undefined;
    const error = value.error;
    if (error && typeof error === 'object' && typeof error.message === 'string') error.message = error.message.replace(SDK_PREFIX, '');
    return Object.values(value).forEach(walk);
  };
  walk(t);
  return t;
}

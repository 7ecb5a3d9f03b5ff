/**
 * One legacy (2025-11-25) session through the scale-out nginx, driven by the official
 * TypeScript SDK client: initialize, CALLS checked echo calls and tools/list in the same
 * session, then DELETE. Prints one JSON line: { ok, failed: { kind: n }, examples: { kind: text } }.
 *
 *   node legacy_session.mjs URL CALLS
 *
 * tests/scale/legacy.py copies it into the scratch project where the SDK is installed
 * (target/node/e2e) and runs it there.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** Bound on one request, and on the whole run. */
const REQUEST_TIMEOUT_MS = 10_000;
const RUN_BOUND_MS = 60_000;

const [url, callsArg] = process.argv.slice(2);
const calls = Number.parseInt(callsArg ?? '', 10);
if (!url || !(calls > 0)) {
  console.error('usage: node legacy_session.mjs URL CALLS');
  process.exit(2);
}
setTimeout(() => {
  console.error(`gave up after ${RUN_BOUND_MS} ms`);
  process.exit(1);
}, RUN_BOUND_MS).unref();

const tally = { ok: 0, failed: {}, examples: {} };

/** Counts one failed call of `kind`, keeping the first example of each kind. */
function fail(kind, detail) {
  tally.failed[kind] = (tally.failed[kind] ?? 0) + 1;
  tally.examples[kind] ??= String(detail).slice(0, 300);
}

/** The kind a thrown error is counted under: its JSON-RPC code, or its class. */
function kindOf(error) {
  return typeof error?.code === 'number' ? `jsonrpc_error(${error.code})` : (error?.constructor?.name ?? 'Error');
}

const client = new Client({ name: 'mcpforge-scale-test', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
if (client.getServerVersion()?.name !== 'mcpforge-everything') {
  fail('wrong_server', JSON.stringify(client.getServerVersion()));
}
for (let n = 0; n < calls; n++) {
  const text = `typescript call ${n}`;
  try {
    const result = await client.callTool({ name: 'echo', arguments: { text } }, undefined, { timeout: REQUEST_TIMEOUT_MS });
    if (result.content?.[0]?.text === text && !result.isError) tally.ok += 1;
    else fail('wrong_content', JSON.stringify(result));
  } catch (error) {
    fail(kindOf(error), error);
  }
}
try {
  const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
  if (tools.some((t) => t.name === 'echo')) tally.ok += 1;
  else fail('wrong_content', JSON.stringify(tools.map((t) => t.name)));
} catch (error) {
  fail(kindOf(error), error);
}
await transport.terminateSession().catch((error) => fail(`delete: ${kindOf(error)}`, error));
await client.close();
console.log(JSON.stringify(tally));

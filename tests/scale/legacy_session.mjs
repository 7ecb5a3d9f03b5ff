/**
 * One legacy (2025-11-25) session through the scale-out nginx, driven by the official
 * TypeScript SDK client: initialize, CALLS checked echo calls and tools/list in the same
 * session, a call reporting progress, an elicitation answered by the client, a resource
 * subscription and a list change heard on the session's GET stream, then DELETE. Behind
 * round-robin nginx with the shared store, each of these may cross instances. Prints one JSON line: { ok, failed: { kind: n }, examples: { kind: text } }.
 *
 *   node legacy_session.mjs URL CALLS
 *
 * tests/scale/legacy.py copies it into the scratch project where the SDK is installed
 * (target/node/e2e) and runs it there.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ElicitRequestSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** Bound on one request, on waiting for a notification, and on the whole run. */
const REQUEST_TIMEOUT_MS = 10_000;
const NOTIFICATION_WAIT_MS = 5_000;
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

const client = new Client({ name: 'mcpforge-scale-test', version: '1.0.0' }, { capabilities: { elicitation: {} } });
client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada' } }));
const heard = [];
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => heard.push(`updated ${n.params.uri}`));
client.setNotificationHandler(ResourceListChangedNotificationSchema, () => heard.push('resources changed'));

/** Runs `check` (which throws or returns false on a wrong answer), counting the outcome as `kind`. */
async function checked(kind, check) {
  try {
    if (await check()) tally.ok += 1;
    else fail(kind, 'wrong answer');
  } catch (error) {
    fail(kindOf(error), error);
  }
}

/** Waits (bounded) until `heard` holds `what`. */
async function heardOf(what) {
  const deadline = Date.now() + NOTIFICATION_WAIT_MS;
  while (!heard.includes(what) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return heard.includes(what);
}
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
const limit = { timeout: REQUEST_TIMEOUT_MS };
await checked('wrong_progress', async () => {
  const seen = [];
  const result = await client.callTool(
    { name: 'count', arguments: { steps: 3, delay_ms: 20 } },
    undefined,
    { ...limit, onprogress: (p) => seen.push(p.progress) },
  );
  return result.content?.[0]?.text === 'counted to 3' && seen.join(',') === '1,2,3';
});
await checked('wrong_elicitation', async () => {
  const result = await client.callTool({ name: 'ask_name', arguments: {} }, undefined, limit);
  return result.content?.[0]?.text === 'Hello, Ada!';
});
const note = `ts-${process.pid}-${Date.now()}`;
const uri = `memo://notes/${note}`;
await checked('subscription_not_heard', async () => {
  await client.subscribeResource({ uri }, limit);
  await client.callTool({ name: 'write_note', arguments: { name: note, text: 'from typescript' } }, undefined, limit);
  return heardOf(`updated ${uri}`);
});
await checked('list_change_not_heard', () => heardOf('resources changed'));
await transport.terminateSession().catch((error) => fail(`delete: ${kindOf(error)}`, error));
await client.close();
console.log(JSON.stringify(tally));

/**
 * `mcpServer.server.elicitInput` / `createMessage` / `listRoots` refuse what the client did
 * not declare in the official SDK's words (a plain `Error`), and nothing reaches the client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { McpServer } from '../lib/sdk/server/mcp.mjs';
import { linkedClient } from './helpers.mjs';

const ASKS = {
  form: (s) => s.server.elicitInput({ message: 'name?', requestedSchema: { type: 'object', properties: { n: { type: 'string' } } } }),
  url: (s) => s.server.elicitInput({ mode: 'url', message: 'sign in', elicitationId: 'e1', url: 'https://example.com/a' }),
  sampling: (s) => s.server.createMessage({ messages: [], maxTokens: 1 }),
  tools: (s) => s.server.createMessage({ messages: [], maxTokens: 1, tools: [{ name: 't', inputSchema: { type: 'object' } }] }),
  roots: (s) => s.server.listRoots(),
};

/** Calls the asks `names` as tools for a client that declared `capabilities`; resolves to the texts by ask. */
async function refusals(capabilities, names = Object.keys(ASKS)) {
  const server = new McpServer({ name: 's', version: '0' });
  for (const [name, ask] of Object.entries(ASKS)) {
    server.registerTool(name, {}, async () => {
      try {
        await ask(server);
        return { content: [{ type: 'text', text: 'sent' }] };
      } catch (e) {
        return { content: [{ type: 'text', text: `refused:${e.message}` }] };
      }
    });
  }
  const client = await linkedClient(server);
  const texts = {};
  try {
    client.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'c', version: '0' } } });
    await client.next((m) => m.id === 0, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    let id = 1;
    for (const name of names) {
      client.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
      texts[name] = (await client.next((m) => m.id === id, name)).result.content[0].text;
      id += 1;
    }
    assert.deepEqual(client.unclaimed().filter((m) => m.method && m.id !== undefined), [], 'no request reached the client');
  } finally {
    await server.close();
  }
  return texts;
}

test('nothing declared: every ask is refused in the SDK words', async () => {
  assert.deepEqual(await refusals({}), {
    form: 'refused:Client does not support form elicitation.',
    url: 'refused:Client does not support url elicitation.',
    sampling: 'refused:Client does not support sampling (required for sampling/createMessage)',
    tools: 'refused:Client does not support sampling (required for sampling/createMessage)',
    roots: 'refused:Client does not support listing roots (required for roots/list)',
  });
});

test('form-only elicitation and sampling without tools: the other modes are refused', async () => {
  assert.deepEqual(await refusals({ elicitation: {}, sampling: {} }, ['url', 'tools']), {
    url: 'refused:Client does not support url elicitation.',
    tools: 'refused:Client does not support sampling tools capability.',
  });
});

test("the client's empty elicitation capability reads as form mode, and a form request says so", async () => {
  const server = new McpServer({ name: 's', version: '0' });
  let seen;
  server.registerTool('ask', {}, async () => {
    seen = server.server.getClientCapabilities();
    const answer = await ASKS.form(server);
    return { content: [{ type: 'text', text: answer.action }] };
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 'c', version: '0' } } });
    await client.next((m) => m.id === 0, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ask', arguments: {} } });
    const ask = await client.next((m) => m.method === 'elicitation/create', 'the elicitation');
    assert.equal(ask.params.mode, 'form');
    client.send({ jsonrpc: '2.0', id: ask.id, result: { action: 'decline' } });
    assert.equal((await client.next((m) => m.id === 1, 'the call')).result.content[0].text, 'decline');
    assert.deepEqual(seen, { elicitation: { form: {} } });
  } finally {
    await server.close();
  }
});

test('sampling tool results that do not answer the previous tool uses are refused in the SDK words', async () => {
  const use = (id) => ({ type: 'tool_use', id, name: 't', input: {} });
  const result = (toolUseId) => ({ type: 'tool_result', toolUseId, content: [] });
  const cases = [
    [[{ role: 'user', content: [result('a'), { type: 'text', text: 'x' }] }], 'The last message must contain only tool_result content if any is present'],
    [[{ role: 'user', content: result('a') }], 'tool_result blocks are not matching any tool_use from the previous message'],
    [[{ role: 'assistant', content: [use('a'), use('b')] }, { role: 'user', content: [result('a')] }], 'ids of tool_result blocks and tool_use blocks from previous message do not match'],
    [[{ role: 'assistant', content: use('a') }, { role: 'user', content: { type: 'text', text: 'x' } }], 'ids of tool_result blocks and tool_use blocks from previous message do not match'],
  ];
  const server = new McpServer({ name: 's', version: '0' });
  for (const [messages, words] of cases) {
    await assert.rejects(server.server.createMessage({ messages, maxTokens: 1 }), { message: words });
  }
});

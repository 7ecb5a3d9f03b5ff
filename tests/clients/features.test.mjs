// What the published servers leave out, driven with the mcpforge Node client against a server
// on the official TypeScript SDK's `McpServer` (./features-server.mjs, over stdio), each
// feature asserted: structured output checked against the output schema, resources read and
// subscribed to with their updates, a prompt and completion, the logging level and log
// messages, progress and a timeout that progress extends, a timed-out call cancelled with its
// reason, sampling, elicitation in form and URL mode, roots and their `list_changed`, and the
// list-changed notifications.
//
//   node --test tests/clients/features.test.mjs      (make test-clients)
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { Client, StdioClientTransport, McpError } = require(join(HERE, '..', '..', 'bindings-node'));
const types = require(join(HERE, '..', '..', 'bindings-node', 'lib', 'sdk', 'types.js'));
/** How long a notification may take to arrive; a bound, not an expectation. */
const ARRIVES_MS = 10_000;

/** Resolves once `found()` holds, polling; rejects after ARRIVES_MS. */
async function until(found, what) {
  const deadline = Date.now() + ARRIVES_MS;
  while (!(await found())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The mcpforge client on the features server, recording what it is told and asked. */
async function connect(root) {
  const seen = { notifications: [], asked: [] };
  const client = new Client(
    { name: 'features-driver', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } }, timeout: 20_000 },
  );
  client.setRequestHandler(types.CreateMessageRequestSchema, (request) => {
    seen.asked.push(request);
    return { role: 'assistant', model: 'fixed-model', content: { type: 'text', text: 'Hello from the client' } };
  });
  client.setRequestHandler(types.ElicitRequestSchema, (request) => {
    seen.asked.push(request);
    return request.params.mode === 'url' ? { action: 'accept' } : { action: 'accept', content: { name: 'Ada' } };
  });
  client.setRequestHandler(types.ListRootsRequestSchema, (request) => {
    seen.asked.push(request);
    return { roots: [{ uri: pathToFileURL(root).href, name: 'work' }] };
  });
  client.fallbackNotificationHandler = async (n) => {
    seen.notifications.push(n);
  };
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [join(HERE, 'features-server.mjs')] }));
  const call = async (name, args = {}, options) => (await client.callTool({ name, arguments: args }, undefined, options)).content[0].text;
  const methods = () => seen.notifications.map((n) => n.method);
  return { client, seen, call, methods };
}

test('the mcpforge Node client drives every feature of an official McpServer', { timeout: 120_000 }, async (t) => {
  const root = HERE;
  const { client, seen, call, methods } = await connect(root);
  try {
    await t.test('what the server is and offers', async () => {
      assert.equal(client.getServerVersion().name, 'features');
      assert.equal(client.getInstructions(), 'Exercises the client.');
      const caps = client.getServerCapabilities();
      assert.ok(caps.tools && caps.prompts && caps.logging && caps.completions, JSON.stringify(caps));
      assert.equal(caps.resources.subscribe, true);
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'weather' && tool.outputSchema.properties.celsius.type === 'number'));
      await client.ping();
    });

    await t.test('structured output is checked against the output schema', async () => {
      const result = await client.callTool({ name: 'weather', arguments: { city: 'Oslo' } });
      assert.deepEqual(result.structuredContent, { city: 'Oslo', celsius: 21.5 });
      await assert.rejects(client.callTool({ name: 'liar', arguments: {} }), (e) => e instanceof McpError && e.code === -32602 && /celsius/.test(e.message));
      const refused = await client.callTool({ name: 'weather', arguments: { city: 7 } });
      assert.equal(refused.isError, true);
    });

    await t.test('resources: read, subscribe, updates', async () => {
      assert.deepEqual((await client.listResources()).resources.map((r) => r.uri), ['note://a']);
      assert.deepEqual((await client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate), ['note://{name}']);
      assert.equal((await client.readResource({ uri: 'note://b' })).contents[0].text, 'a note called b');
      await client.subscribeResource({ uri: 'note://a' });
      assert.equal(await call('touch', { uri: 'note://a' }), 'true');
      await until(() => methods().includes('notifications/resources/updated'), 'the update');
      assert.equal(seen.notifications.find((n) => n.method === 'notifications/resources/updated').params.uri, 'note://a');
      await client.unsubscribeResource({ uri: 'note://a' });
      assert.equal(await call('touch', { uri: 'note://a' }), 'false');
      const completed = await client.complete({ ref: { type: 'ref/resource', uri: 'note://{name}' }, argument: { name: 'name', value: 'al' } });
      assert.deepEqual(completed.completion.values, ['alpha', 'alfred']);
    });

    await t.test('prompts and completion', async () => {
      assert.deepEqual((await client.listPrompts()).prompts.map((p) => p.name), ['greet']);
      const got = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada', style: 'poetic' } });
      assert.equal(got.messages[0].content.text, 'Say hello to Ada, poetic.');
      await assert.rejects(client.getPrompt({ name: 'nope' }), (e) => e instanceof McpError);
      const completed = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'name', value: 'b' } });
      assert.deepEqual(completed.completion.values, ['beta']);
    });

    await t.test('the logging level and log messages', async () => {
      await client.setLoggingLevel('error');
      assert.equal(await call('shout'), 'sent');
      await until(() => methods().filter((m) => m === 'notifications/message').length >= 4, 'four log messages');
      const logs = seen.notifications.filter((n) => n.method === 'notifications/message').map((n) => n.params);
      assert.deepEqual(logs.map((l) => l.level), ['error', 'critical', 'alert', 'emergency']);
      assert.deepEqual(logs[0], { level: 'error', logger: 'features', data: { said: 'error' } });
    });

    await t.test('progress, and a timeout that progress extends', async () => {
      const progress = [];
      const done = await call('slow', { steps: 3, delay: 10 }, { onprogress: (p) => progress.push(p) });
      assert.equal(done, 'done in 3 steps');
      assert.deepEqual(progress, [1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step}` })));
      // Six steps 150 ms apart, under a 400 ms timeout each progress restarts.
      const extended = await call('slow', { steps: 6, delay: 150 }, { timeout: 400, resetTimeoutOnProgress: true, onprogress: () => {} });
      assert.equal(extended, 'done in 6 steps');
      await assert.rejects(call('slow', { steps: 6, delay: 150 }, { timeout: 400, onprogress: () => {} }), (e) => e instanceof McpError && e.code === -32001);
    });

    await t.test('a timed-out call is cancelled with its reason', async () => {
      await assert.rejects(call('sleepy', { ms: 10_000 }, { timeout: 300 }), (e) => e instanceof McpError && e.code === -32001);
      let kept = [];
      await until(async () => {
        kept = JSON.parse(await call('seen')).filter((e) => e.cancelled);
        return kept.length > 0;
      }, 'the cancellation');
      assert.equal(kept[0].cancelled, 'the request timed out');
    });

    await t.test('sampling, elicitation (form and URL), roots and their list_changed', async () => {
      assert.equal(await call('ask_sampling', { prompt: 'Say hello' }), 'fixed-model: Hello from the client');
      assert.equal(seen.asked.at(-1).params.messages[0].content.text, 'Say hello');
      assert.equal(await call('ask_form'), 'accept: Ada');
      assert.equal(seen.asked.at(-1).params.requestedSchema.properties.name.type, 'string');
      assert.equal(await call('ask_url'), 'accept');
      const asked = seen.asked.at(-1).params;
      assert.deepEqual([asked.mode, asked.url, asked.elicitationId], ['url', 'https://example.com/sign-in', 'sign-in-1']);
      assert.deepEqual(JSON.parse(await call('ask_roots')), [pathToFileURL(root).href]);
      await client.sendRootsListChanged();
      await until(async () => JSON.parse(await call('seen')).some((e) => e.method === 'notifications/roots/list_changed'), 'roots/list_changed');
    });

    await t.test('list-changed notifications', async () => {
      assert.equal(await call('grow'), 'grown');
      const changed = ['notifications/tools/list_changed', 'notifications/prompts/list_changed', 'notifications/resources/list_changed'];
      await until(() => changed.every((m) => methods().includes(m)), 'the three list changes');
      assert.ok((await client.listTools()).tools.some((tool) => tool.name === 'grown'));
    });
  } finally {
    await client.close();
  }
});

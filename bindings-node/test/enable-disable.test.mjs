/**
 * Disabling and enabling registered items from Node (`server.disableTool`, ...,
 * `setEnabled`, `isEnabled`, and the `disable()`/`enable()` of what registration returns)
 * through the real engine, on both wires: a disabled item is out of its list and refused as
 * a missing one, comes back in its place, and each change is a list_changed; the drop-in
 * `McpServer`'s handles keep the official SDK's `enabled` while the engine does the work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { McpServer } from '../lib/index.mjs';
import { withServer, within, text } from './helpers.mjs';

const WIRES = ['2025-11-25', '2026-07-28'];
const TABLE = { type: 'object', properties: { table: { type: 'string' } }, required: ['table'] };
const names = (list, field, key) => list[field].map((item) => item[key]);

/** One item of each kind, and their handles. */
function items(server) {
  return {
    echo: server.tool('echo', {}, () => 'echo'),
    drop: server.tool('drop_table', { inputSchema: TABLE }, ({ table }) => `dropped ${table}`),
    last: server.tool('last', {}, () => 'last'),
    secret: server.resource('secret', 'db://secret', {}, () => 'rows'),
    notes: server.resourceTemplate('note', 'notes://{topic}', {}, (_uri, { topic }) => `notes on ${topic}`),
    greet: server.prompt('greet', {}, () => 'hello'),
    incident: server.prompt('incident', {}, () => 'incident'),
  };
}

/** The error `promise` rejects with. */
async function failure(promise) {
  let error;
  await assert.rejects(promise, (e) => Boolean((error = e)));
  return error;
}

for (const protocolVersion of WIRES) {
  test(`disabled items read as missing ones and come back in place (${protocolVersion})`, async () => {
    await withServer(items, async (server, client) => {
      assert.equal(server.disableTool('drop_table'), true);
      assert.equal(server.disableResource('db://secret'), true);
      assert.equal(server.disableResourceTemplate('notes://{topic}'), true);
      assert.equal(server.disablePrompt('incident'), true);
      assert.deepEqual(names(await client.listTools(), 'tools', 'name'), ['echo', 'last']);
      const disabled = await failure(client.callTool('drop_table', {}));
      const missing = await failure(client.callTool('no_such', {}));
      assert.equal(disabled.code, missing.code);
      assert.equal(disabled.message, missing.message.replace('no_such', 'drop_table'));
      const absent = await failure(client.readResource('db://nothing'));
      for (const uri of ['db://secret', 'notes://rust']) {
        const e = await failure(client.readResource(uri));
        assert.equal(e.code, absent.code);
        assert.equal(e.message, absent.message.replace('db://nothing', uri));
      }
      assert.deepEqual(names(await client.listResourceTemplates(), 'resourceTemplates', 'uriTemplate'), []);
      assert.deepEqual(names(await client.listPrompts(), 'prompts', 'name'), ['greet']);
      await assert.rejects(client.getPrompt('incident'), /Unknown prompt: incident/);

      assert.equal(server.isEnabled('tools', 'drop_table'), false);
      assert.equal(server.isEnabled('tools', 'echo'), true);
      assert.equal(server.isEnabled('tools', 'no_such'), undefined);
      assert.equal(server.disableTool('no_such'), false);
      assert.equal(server.setEnabled('tools', 'drop_table', true), true);
      assert.deepEqual(names(await client.listTools(), 'tools', 'name'), ['echo', 'drop_table', 'last']);
      assert.equal(text(await client.callTool('drop_table', { table: 't' })), 'dropped t');
      server.enableResource('db://secret');
      server.enableResourceTemplate('notes://{topic}');
      server.enablePrompt('incident');
      assert.equal((await client.readResource('notes://rust')).contents[0].text, 'notes on rust');
      assert.equal((await client.readResource('db://secret')).contents[0].text, 'rows');
      assert.deepEqual(names(await client.listPrompts(), 'prompts', 'name'), ['greet', 'incident']);
      assert.throws(() => server.isEnabled('widgets', 'x'), /unknown kind/);
    }, { protocolVersion });
  });
}

test('what registration returns disables and enables, and clients hear each change', async () => {
  let handles;
  await withServer(
    (server) => {
      handles = items(server);
    },
    async (server, client) => {
      assert.equal(handles.echo.disable(), true);
      assert.equal((await within(client.nextMessage(5000), 6000, 'a notification')).method, 'notifications/tools/list_changed');
      assert.equal(handles.echo.disable(), true, 'still registered; nothing changes');
      assert.equal(handles.greet.disable(), true);
      assert.equal((await within(client.nextMessage(5000), 6000, 'a notification')).method, 'notifications/prompts/list_changed');
      assert.equal(handles.notes.disable(), true);
      assert.equal((await within(client.nextMessage(5000), 6000, 'a notification')).method, 'notifications/resources/list_changed');
      assert.deepEqual(await client.drainMessages(), [], 'disabling a disabled tool sent nothing');
      assert.equal(handles.echo.enable(), true);
      assert.deepEqual(names(await client.listTools(), 'tools', 'name'), ['echo', 'drop_table', 'last']);
      assert.equal(handles.echo.remove(), true);
      assert.equal(handles.echo.enable(), false, 'removed: nothing to enable');
      assert.equal(server.isEnabled('prompts', 'greet'), false);
    },
  );
});

test("the drop-in handles' enabled is the engine's", async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('keep', {}, () => ({ content: [] }));
  const tool = mcp.registerTool('a', {}, () => ({ content: [{ type: 'text', text: 'a' }] }));
  const client = await mcp.engine.testClient();
  try {
    assert.equal(tool.enabled, true);
    mcp.engine.disableTool('a');
    assert.equal(tool.enabled, false, 'read from the engine');
    tool.enabled = true;
    assert.equal(mcp.engine.isEnabled('tools', 'a'), true, 'written to the engine');
    tool.disable();
    tool.update({ description: 'changed while disabled' });
    assert.equal(tool.enabled, false, 'a changed definition stays disabled');
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['keep']);
    tool.update({ name: 'b', enabled: true });
    const listed = (await client.listTools()).tools;
    assert.deepEqual(listed.map((t) => t.name), ['keep', 'b']);
    assert.equal(listed[1].description, 'changed while disabled');
    tool.disable();
    tool.remove();
    assert.equal(tool.enabled, false, 'a removed handle keeps its last state');
    assert.equal(mcp.engine.isEnabled('tools', 'b'), undefined);
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

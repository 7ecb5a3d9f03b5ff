/**
 * Per-client catalogues from Node (`server.catalogue(hook)`) through the real engine, on both
 * wires: lists per client, hidden tools, prompts and resources refused as unknown ones are, an
 * async hook reading a table that changes while serving, a hook that throws (nothing of that
 * kind is shown, the error hook hears of it), and removing the hook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, text } from './helpers.mjs';

const WIRES = ['2025-11-25', '2026-07-28'];
const ADMIN = { name: 'admin-console', version: '1' };
const VIEWER = { name: 'viewer', version: '1' };
const HIDDEN = {
  tools: ['drop_table'],
  resources: ['db://secrets'],
  resource_templates: ['audit://{day}'],
  prompts: ['incident'],
};
const EVERYTHING = {
  tools: ['echo', 'drop_table'],
  resources: ['db://public', 'db://secrets'],
  resource_templates: ['notes://{topic}', 'audit://{day}'],
  prompts: ['greet', 'incident'],
};
const TEXT = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };
const TABLE = { type: 'object', properties: { table: { type: 'string' } }, required: ['table'] };

function items(server) {
  server.tool('echo', { inputSchema: TEXT }, ({ text: value }) => value);
  server.tool('drop_table', { inputSchema: TABLE }, ({ table }) => `dropped ${table}`);
  server.resource('public', 'db://public', {}, () => 'public rows');
  server.resource('secrets', 'db://secrets', {}, () => 'secret rows');
  server.resourceTemplate('note', 'notes://{topic}', {}, (_uri, { topic }) => `notes on ${topic}`);
  server.resourceTemplate('audit', 'audit://{day}', {}, (_uri, { day }) => `audit of ${day}`);
  server.prompt('greet', {}, () => 'hello');
  server.registerPrompt('incident', { arguments: [{ name: 'severity', required: true }] }, ({ severity }) => `incident ${severity}`);
}

function byRole(context, kind) {
  if (context.clientInfo?.name === 'admin-console') return null;
  return EVERYTHING[kind].filter((key) => !HIDDEN[kind].includes(key));
}

const names = (list, field, key) => list[field].map((item) => item[key]);

for (const protocolVersion of WIRES) {
  test(`lists hold what each client may see (${protocolVersion})`, async () => {
    await withServer(
      (server) => {
        items(server);
        server.catalogue(byRole);
      },
      async (server, viewer) => {
        assert.deepEqual(names(await viewer.listTools(), 'tools', 'name'), ['echo']);
        assert.deepEqual(names(await viewer.listResources(), 'resources', 'uri'), ['db://public']);
        assert.deepEqual(names(await viewer.listResourceTemplates(), 'resourceTemplates', 'uriTemplate'), [
          'notes://{topic}',
        ]);
        assert.deepEqual(names(await viewer.listPrompts(), 'prompts', 'name'), ['greet']);
        const admin = await server.testClient({ protocolVersion, clientInfo: ADMIN });
        assert.deepEqual(names(await admin.listTools(), 'tools', 'name'), ['echo', 'drop_table']);
        assert.deepEqual(names(await admin.listPrompts(), 'prompts', 'name'), ['greet', 'incident']);
      },
      { protocolVersion, clientInfo: VIEWER },
    );
  });

  test(`hidden items are refused as unknown ones are (${protocolVersion})`, async () => {
    await withServer(
      (server) => {
        items(server);
        server.catalogue(byRole);
      },
      async (server, viewer) => {
        let hidden;
        let missing;
        await assert.rejects(viewer.callTool('drop_table', {}), (e) => Boolean((hidden = e)));
        await assert.rejects(viewer.callTool('no_such_tool', {}), (e) => Boolean((missing = e)));
        assert.equal(hidden.code, missing.code);
        assert.equal(hidden.message, missing.message.replace('no_such_tool', 'drop_table'));
        let absent;
        await assert.rejects(viewer.readResource('db://nothing'), (e) => Boolean((absent = e)));
        for (const uri of ['db://secrets', 'audit://monday']) {
          // -32002, or -32602 on 2026-07-28: whatever a missing resource gets.
          await assert.rejects(viewer.readResource(uri), (e) => {
            assert.equal(e.code, absent.code);
            assert.equal(e.message, absent.message.replace('db://nothing', uri));
            return true;
          });
        }
        assert.equal((await viewer.readResource('notes://rust')).contents[0].text, 'notes on rust');
        await assert.rejects(viewer.getPrompt('incident'), /incident/);
        const admin = await server.testClient({ protocolVersion, clientInfo: ADMIN });
        assert.equal(text(await admin.callTool('drop_table', { table: 't' })), 'dropped t');
        assert.equal((await admin.readResource('audit://monday')).contents[0].text, 'audit of monday');
      },
      { protocolVersion, clientInfo: VIEWER },
    );
  });
}

test('an async hook reads a table that changes, and can be removed', async () => {
  const grants = new Set(['echo']);
  await withServer(
    (server) => {
      items(server);
      server.catalogue(async (_context, kind) => (kind === 'tools' ? [...grants] : null));
    },
    async (server, c) => {
      assert.deepEqual(names(await c.listTools(), 'tools', 'name'), ['echo']);
      grants.add('drop_table');
      assert.deepEqual(names(await c.listTools(), 'tools', 'name'), ['echo', 'drop_table']);
      assert.equal(text(await c.callTool('drop_table', { table: 'x' })), 'dropped x');
      server.catalogue(null);
      grants.clear();
      assert.deepEqual(names(await c.listTools(), 'tools', 'name'), ['echo', 'drop_table'], 'no hook: everything');
    },
  );
});

test('a hook that throws shows nothing of that kind and reaches the error hook', async () => {
  const reported = [];
  await withServer(
    (server) => {
      items(server);
      server.catalogue((_context, kind) => {
        if (kind === 'tools') throw new Error('the grants database is down');
        return null;
      });
    },
    async (_server, c) => {
      assert.deepEqual((await c.listTools()).tools, []);
      await assert.rejects(c.callTool('echo', { text: 'x' }));
      assert.deepEqual(names(await c.listPrompts(), 'prompts', 'name'), ['greet', 'incident']);
      assert.equal(reported[0].from.kind, 'catalogue');
      assert.match(reported[0].error.message, /grants database/);
    },
    {},
    { logger: { error() {} }, onError: (error, from) => reported.push({ error, from }) },
  );
});

test('what a hook must be and return', async () => {
  await withServer(
    (server) => {
      items(server);
      server.catalogue(() => 'echo'); // a string is not a list of names
      assert.throws(() => server.catalogue('not a function'), TypeError);
    },
    async (_server, c) => {
      assert.deepEqual((await c.listTools()).tools, []);
    },
    {},
    { logger: { error() {} } },
  );
});

/**
 * Composition in Node, driven by the official TypeScript SDK client over stdio (from the
 * end-to-end scratch project, `make node-setup`): a parent `Server` with its own tool `echo`
 * mounts two servers of its process under `a` and `b` (whose tools clash with its own and
 * each other's) and a server run as a child process under `c` (fixtures/compose.mjs).
 * Every kind reaches its owner: tools, resources, templates, prompts, completions; a mounted
 * server's new tool reaches the client renamed, with `notifications/tools/list_changed`; the
 * child is gone once the parent stops. `Server.proxy` of a command serves its catalogue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { within } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, 'fixtures', 'compose.mjs');
const SDK = join(here, '..', '..', 'target', 'node', 'e2e', 'node_modules', '@modelcontextprotocol', 'sdk');
assert.ok(existsSync(join(SDK, 'package.json')), `the official SDK is not installed at ${SDK}: run \`make node-setup\``);
const sdk = (path) => import(pathToFileURL(join(SDK, 'dist', 'esm', path)).href);
const { Client } = await sdk('client/index.js');
const { StdioClientTransport } = await sdk('client/stdio.js');
const { ToolListChangedNotificationSchema } = await sdk('types.js');

const BOUND = 20_000;

async function connect(role, onToolsChanged) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [FIXTURE, role], stderr: 'pipe' });
  const client = new Client({ name: 'compose-test', version: '1.0.0' });
  if (onToolsChanged) client.setNotificationHandler(ToolListChangedNotificationSchema, onToolsChanged);
  await within(client.connect(transport), BOUND, `connect to the ${role}`);
  return client;
}

async function text(client, name, args = {}) {
  const result = await within(client.callTool({ name, arguments: args }), BOUND, `call ${name}`);
  assert.notEqual(result.isError, true, JSON.stringify(result));
  return result.content[0].text;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid) {
  const deadline = Date.now() + BOUND;
  while (alive(pid)) {
    assert.ok(Date.now() < deadline, `the mounted command's process ${pid} outlived its parent`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function until(check, what) {
  const deadline = Date.now() + BOUND;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what} did not happen in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('mounted servers serve every kind under their prefix, to the official client', async () => {
  let changes = 0;
  const client = await connect('parent', () => {
    changes += 1;
  });
  let childPid;
  try {
    const own = ['echo', 'grow', 'pid'];
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['echo', ...['a', 'b', 'c'].flatMap((p) => own.map((t) => `${p}_${t}`))].sort());
    assert.equal(await text(client, 'echo', { text: 'hi' }), 'parent: hi');
    for (const p of ['a', 'b', 'c']) assert.equal(await text(client, `${p}_echo`, { text: 'hi' }), `${p}: hi`);
    const parentPid = Number(await text(client, 'a_pid'));
    assert.equal(Number(await text(client, 'b_pid')), parentPid);
    childPid = Number(await text(client, 'c_pid'));
    assert.ok(childPid !== parentPid && alive(childPid));

    const resources = (await client.listResources()).resources.map((r) => r.uri).sort();
    assert.deepEqual(resources, ['data://a/info', 'data://b/info', 'data://c/info']);
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate).sort();
    assert.deepEqual(templates, ['data://a/item/{id}', 'data://b/item/{id}', 'data://c/item/{id}']);
    for (const p of ['a', 'b', 'c']) {
      const info = (await client.readResource({ uri: `data://${p}/info` })).contents[0];
      assert.deepEqual([info.uri, info.text], [`data://${p}/info`, `info of ${p}`]);
      assert.equal((await client.readResource({ uri: `data://${p}/item/7` })).contents[0].text, `${p} item 7`);
    }

    const prompts = (await client.listPrompts()).prompts.map((p) => p.name).sort();
    assert.deepEqual(prompts, ['a_greet', 'b_greet', 'c_greet']);
    for (const p of ['a', 'b', 'c']) {
      const got = await client.getPrompt({ name: `${p}_greet`, arguments: { who: 'ada' } });
      assert.equal(got.messages[0].content.text, `${p} greets ada`);
      const done = await client.complete({ ref: { type: 'ref/prompt', name: `${p}_greet` }, argument: { name: 'who', value: 'x' } });
      assert.deepEqual(done.completion.values, [`${p}-x`]);
    }

    assert.equal(await text(client, 'b_grow'), 'grown');
    await until(async () => (await client.listTools()).tools.some((t) => t.name === 'b_extra'), 'b_extra listed');
    await until(() => changes > 0, 'notifications/tools/list_changed');
    assert.equal(await text(client, 'b_extra'), 'b extra');
  } finally {
    await client.close();
  }
  await gone(childPid);
});

test('a proxy of a command serves its catalogue', async () => {
  const client = await connect('proxy');
  let childPid;
  try {
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name).sort(), ['echo', 'grow', 'pid']);
    assert.equal(await text(client, 'echo', { text: 'hi' }), 'p: hi');
    childPid = Number(await text(client, 'pid'));
    assert.equal((await client.readResource({ uri: 'data://info' })).contents[0].text, 'info of p');
    const done = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'who', value: 'y' } });
    assert.deepEqual(done.completion.values, ['p-y']);
  } finally {
    await client.close();
  }
  await gone(childPid);
});

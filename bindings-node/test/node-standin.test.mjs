/**
 * The stand-in for the official TypeScript SDK 2.x Node HTTP package, `@modelcontextprotocol/node`
 * (bindings-node/sdk-standin/generate-server.mjs --node): generated from the official package of
 * the end-to-end scratch project (`make node-setup`) into a tree laid out as npm installs it
 * under `overrides` entries (the stand-ins as `@modelcontextprotocol/server` and `/node`, the
 * official packages under their aliases, `mcpforge`). A server written as the 2.x
 * documentation writes one for Node's `http` (fixtures/v2-node-server.mjs) runs, unedited,
 * once in a tree with the official packages and once in the stand-ins'; the official 1.x
 * client drives both over Streamable HTTP, with the same answers; in the stand-ins' tree the
 * transport and `toNodeHandler` are mcpforge's.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NODE, SERVER, generateServer } from '../sdk-standin/generate-server.mjs';
import { within } from './helpers.mjs';

const bindings = join(dirname(fileURLToPath(import.meta.url)), '..');
const E2E = join(bindings, '..', 'target', 'node', 'e2e', 'node_modules');
const OFFICIAL_SERVER = join(E2E, '@modelcontextprotocol', 'server');
const OFFICIAL_NODE = join(E2E, '@modelcontextprotocol', 'node');
assert.ok(existsSync(join(OFFICIAL_NODE, 'package.json')), `the official Node package is not installed at ${OFFICIAL_NODE}: run \`make node-setup\``);
const FIXTURE = join(bindings, 'test', 'fixtures', 'v2-node-server.mjs');

const { Client } = await import(pathToFileURL(join(E2E, '@modelcontextprotocol', 'sdk', 'dist', 'esm', 'client', 'index.js')).href);
const { StreamableHTTPClientTransport } = await import(
  pathToFileURL(join(E2E, '@modelcontextprotocol', 'sdk', 'dist', 'esm', 'client', 'streamableHttp.js')).href
);

const root = mkdtempSync(join(tmpdir(), 'mcpforge-node-standin-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A folder with the fixture and a node_modules holding `packages` (`{ name: path }`, linked). */
function tree(name, packages) {
  const dir = join(root, name);
  for (const [pkg, path] of Object.entries(packages)) {
    mkdirSync(dirname(join(dir, 'node_modules', pkg)), { recursive: true });
    symlinkSync(path, join(dir, 'node_modules', pkg), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), '{"name":"app","private":true,"type":"module"}\n');
  copyFileSync(FIXTURE, join(dir, 'server.mjs'));
  return dir;
}

const zod = join(E2E, 'zod');
const official = tree('official', { '@modelcontextprotocol/server': OFFICIAL_SERVER, '@modelcontextprotocol/node': OFFICIAL_NODE, zod });
const standin = tree('standin', { [SERVER.alias]: OFFICIAL_SERVER, [NODE.alias]: OFFICIAL_NODE, mcpforge: bindings, zod });
for (const [spec, from, to] of [[SERVER, OFFICIAL_SERVER, 'server'], [NODE, OFFICIAL_NODE, 'node']]) {
  mkdirSync(join(standin, 'node_modules', '@modelcontextprotocol'), { recursive: true });
  renameSync(generateServer(from, join(root, `out-${to}`), spec), join(standin, 'node_modules', '@modelcontextprotocol', to));
}

/** Runs the fixture in `dir`, lists and calls its tool over Streamable HTTP; the answers. */
async function drive(dir) {
  const child = spawn(process.execPath, ['server.mjs'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const client = new Client({ name: 'node-standin-test', version: '1.0.0' });
  try {
    const port = await within(
      new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /listening (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
      }),
      20_000,
      'the server to listen',
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    const tools = await client.listTools();
    const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
    return { server: client.getServerVersion(), tools: tools.tools.map((t) => t.name), sum };
  } catch (e) {
    throw new Error(`${e.message}\nserver stderr:\n${stderr}`);
  } finally {
    await client.close().catch(() => {});
    child.stdin.end();
    await within(exited, 20_000, 'the server to exit').catch((e) => {
      child.kill('SIGKILL');
      throw e;
    });
  }
}

test("the stand-in's Node transport and toNodeHandler are mcpforge's, the other names the official package's", async () => {
  // Each loaded as `require` finds it from the application's folder: its `module.exports`.
  const load = async (name) => (await import(pathToFileURL(createRequire(join(standin, 'app.js')).resolve(name)).href)).default;
  const [node, mcpforge, upstream] = await Promise.all([load('@modelcontextprotocol/node'), load('mcpforge'), load(NODE.alias)]);
  assert.equal(node.NodeStreamableHTTPServerTransport, mcpforge.NodeStreamableHTTPServerTransport);
  assert.equal(node.toNodeHandler, mcpforge.toNodeHandler);
  assert.equal(node.toWebRequest, upstream.toWebRequest);
});

test('a 2.x server on Node http answers the same, unedited, on the stand-ins', async () => {
  const expected = await drive(official);
  assert.deepEqual(expected.sum.content, [{ type: 'text', text: '42' }]);
  assert.deepEqual(await drive(standin), expected);
});

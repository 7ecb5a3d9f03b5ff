/**
 * `mcpforge gateway --http` with a configuration of two upstreams (the Rust `everything`
 * example, and the Rust quickstart under the prefix `qs`): the combined endpoint serves
 * both, `/servers/NAME/mcp` each alone under its own names, each through the official
 * TypeScript client over Streamable HTTP; the HTTP options (here the `Host` check) apply on
 * every path.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EVERYTHING, MCPFORGE, QUICKSTART, freePort, listeningProcess, sdk, within } from './helpers.mjs';

const { Client, StreamableHTTPClientTransport } = sdk();
const WAIT = 20_000;

/** The tool names a client of `url` lists, and the text `echo` (or `qs_echo`) answers. */
async function seen(url, echo) {
  const client = new Client({ name: 'paths-test', version: '1.0.0' });
  await within(client.connect(new StreamableHTTPClientTransport(new URL(url))), WAIT, `the handshake at ${url}`);
  try {
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    const answer = await within(client.callTool({ name: echo, arguments: { text: url } }), WAIT, echo);
    assert.deepEqual(answer.content, [{ type: 'text', text: url }]);
    return names;
  } finally {
    await client.close();
  }
}

/** The status of a POST to `path` on `port` naming `host` in its `Host` header. */
function statusWithHost(port, path, host) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.setTimeout(WAIT, () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end(body);
  });
}

test('each upstream alone at /servers/NAME/mcp, beside the combined endpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpforge-paths-'));
  const config = join(dir, 'gateway.json');
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: {
        everything: { command: EVERYTHING, mode: 'shared' },
        quickstart: { command: QUICKSTART, mode: 'shared', prefix: 'qs' },
      },
    }),
  );
  const port = await freePort();
  const gateway = await listeningProcess(MCPFORGE, ['gateway', '--config', config, '--http', `127.0.0.1:${port}`], port);
  const base = `http://127.0.0.1:${port}`;
  try {
    const combined = await seen(`${base}/mcp`, 'qs_echo');
    assert.ok(combined.includes('count') && combined.includes('qs_add') && combined.includes('echo'), `${combined}`);

    const everything = await seen(`${base}/servers/everything/mcp`, 'echo');
    assert.ok(everything.includes('count') && everything.includes('fail'), `${everything}`);
    assert.ok(!everything.some((n) => n.startsWith('qs_') || n === 'add'), `${everything}`);

    const quickstart = await seen(`${base}/servers/quickstart/mcp`, 'echo');
    assert.ok(quickstart.includes('add') && !quickstart.includes('count'), `${quickstart}`);
    assert.ok(!quickstart.some((n) => n.startsWith('qs_')), `${quickstart}`);

    // The HTTP options are the same on every path: a foreign Host is refused everywhere.
    for (const path of ['/mcp', '/servers/everything/mcp', '/servers/quickstart/mcp']) {
      assert.equal(await statusWithHost(port, path, 'evil.example'), 403, path);
    }
    assert.equal(await statusWithHost(port, '/servers/nobody/mcp', `127.0.0.1:${port}`), 404);
  } catch (e) {
    e.message += `\nthe gateway's stderr:\n${gateway.stderr()}`;
    throw e;
  } finally {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

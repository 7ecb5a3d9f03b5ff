/**
 * `mcpforge gateway --config FILE` follows its file: a client of the combined endpoint
 * (the official TypeScript client over Streamable HTTP) keeps its session while a server is
 * removed, another added and one changed (restarted); it is told the tool list changed and
 * lists the new set; a file that is not JSON is said on stderr and ignored, and so is a change
 * of the `server` options (read at start only).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EVERYTHING, MCPFORGE, QUICKSTART, freePort, listeningProcess, sdk, until, within } from './helpers.mjs';

const { Client, StreamableHTTPClientTransport, types } = sdk();
const WAIT = 20_000;

test('a reload adds, removes and restarts servers without dropping sessions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpforge-reload-'));
  const config = join(dir, 'gateway.json');
  const write = (servers) => writeFileSync(config, JSON.stringify({ mcpServers: servers }));
  const everything = { command: EVERYTHING, mode: 'per-session' };
  write({ everything, old: { command: QUICKSTART, mode: 'shared', prefix: 'old' } });
  const port = await freePort();
  const gateway = await listeningProcess(MCPFORGE, ['gateway', '--config', config, '--http', `127.0.0.1:${port}`], port);
  const client = new Client({ name: 'reload-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
  const names = async () => (await client.listTools()).tools.map((t) => t.name);
  const echo = async (text) => {
    const answer = await within(client.callTool({ name: 'echo', arguments: { text } }), WAIT, 'echo');
    assert.deepEqual(answer.content, [{ type: 'text', text }]);
  };
  try {
    await within(client.connect(transport), WAIT, 'the handshake');
    const session = transport.sessionId;
    assert.ok(session, 'a session');
    let changed = 0;
    client.setNotificationHandler(types.ToolListChangedNotificationSchema, () => {
      changed += 1;
    });
    const before = await names();
    assert.ok(before.includes('count') && before.includes('old_add'), `${before}`);
    await echo('before');

    // `old` goes, `new` comes; `everything` stays, and so does this client's session (and
    // its per-session child).
    write({ everything, new: { command: QUICKSTART, mode: 'shared', prefix: 'new' } });
    await until(async () => (await names()).includes('new_add'), WAIT, 'the added server');
    assert.ok(!(await names()).includes('old_add'));
    await until(() => changed > 0, WAIT, 'tools/list_changed');
    await echo('after');
    assert.equal(transport.sessionId, session);

    // A changed entry restarts its server; its tools are served again.
    write({ everything, new: { command: QUICKSTART, mode: 'shared', prefix: 'new', env: { CHANGED: '1' } } });
    await until(() => /restarted \["new"\]/.test(gateway.stderr()), WAIT, 'the restart');
    await until(async () => (await names()).includes('new_add'), WAIT, 'the restarted server');
    const sum = await within(client.callTool({ name: 'new_add', arguments: { a: 2, b: 3 } }), WAIT, 'new_add');
    assert.deepEqual(sum.content, [{ type: 'text', text: '5' }]);

    // A broken file is ignored: the running configuration stays.
    writeFileSync(config, '{ "mcpServers": ');
    await until(() => /the running configuration stays/.test(gateway.stderr()), WAIT, 'the broken file said');
    const kept = await names();
    assert.ok(kept.includes('new_add') && kept.includes('count'), `${kept}`);
    await echo('still');
    assert.equal(transport.sessionId, session);

    // Changed `server` options are read at start only: said on stderr, the servers untouched.
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: { everything, new: { command: QUICKSTART, mode: 'shared', prefix: 'new', env: { CHANGED: '1' } } },
        server: { limits: { request_timeout_ms: 5000 } },
      }),
    );
    await until(() => /the "server" options changed/.test(gateway.stderr()), WAIT, 'the changed options said');
    await echo('options');
    assert.equal(transport.sessionId, session);
  } catch (e) {
    e.message += `\nthe gateway's stderr:\n${gateway.stderr()}`;
    throw e;
  } finally {
    await client.close().catch(() => {});
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

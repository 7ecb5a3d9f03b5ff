/**
 * `mcpforge gateway --stdio URL`: the official TypeScript client speaks stdio to the gateway,
 * which serves the Streamable HTTP server at URL (the Rust `everything` example on a free
 * port of 127.0.0.1): a call, progress and log notifications, a tool error and a list change
 * cross; the gateway exits when its
 * client closes stdin.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EVERYTHING, MCPFORGE, freePort, listeningProcess, sdk, until, within } from './helpers.mjs';

const { Client, StdioClientTransport, types } = sdk();
const WAIT = 20_000;

test('a remote server served over stdio: calls, notifications and errors cross', async () => {
  const port = await freePort();
  const upstream = await listeningProcess(EVERYTHING, ['--http', `127.0.0.1:${port}`], port);
  const home = mkdtempSync(join(tmpdir(), 'mcpforge-bridge-'));
  const client = new Client({ name: 'bridge-test', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: MCPFORGE,
    args: ['gateway', '--stdio', `http://127.0.0.1:${port}/mcp`, '--header', 'X-Trace=bridge-1'],
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  try {
    await within(client.connect(transport), WAIT, 'the handshake through the gateway');
    const gateway = transport.pid;
    assert.ok(gateway, 'the gateway runs');

    // The catalogue is the remote server's (the gateway lists it as it connects).
    let names = [];
    await until(
      async () => {
        names = (await client.listTools()).tools.map((t) => t.name);
        return names.includes('echo');
      },
      WAIT,
      'the remote tools',
    );
    for (const name of ['echo', 'count', 'fail', 'toggle_bonus_tool']) assert.ok(names.includes(name), name);

    const echoed = await within(client.callTool({ name: 'echo', arguments: { text: 'over stdio' } }), WAIT, 'echo');
    assert.deepEqual(echoed.content, [{ type: 'text', text: 'over stdio' }]);

    // Progress and log messages of a call come back over stdio.
    const logs = [];
    client.setNotificationHandler(types.LoggingMessageNotificationSchema, (n) => logs.push(n.params));
    await client.setLoggingLevel('info');
    const progress = [];
    const counted = await within(
      client.callTool({ name: 'count', arguments: { steps: 3, delay_ms: 200 } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      }),
      WAIT,
      'count',
    );
    assert.deepEqual(counted.content, [{ type: 'text', text: 'counted to 3' }]);
    // The last step's progress is written before the result, but the SDK hands notifications
    // to their handlers a tick after it settles responses, and drops progress of a finished
    // request: the third may be lost on the client's side.
    assert.deepEqual(progress.slice(0, 2), [1, 2]);
    assert.ok(progress.length <= 3, `progress ${progress}`);
    await until(() => logs.length >= 3, WAIT, 'the log messages');
    assert.deepEqual(
      logs.map((l) => l.data.step),
      [1, 2, 3],
    );

    // A tool error is a result with isError, its text the server's.
    const failed = await within(client.callTool({ name: 'fail', arguments: {} }), WAIT, 'fail');
    assert.equal(failed.isError, true);
    assert.match(failed.content[0].text, /this tool always fails/);

    // A change of the remote catalogue reaches the client as list_changed.
    let changed = 0;
    client.setNotificationHandler(types.ToolListChangedNotificationSchema, () => {
      changed += 1;
    });
    await within(client.callTool({ name: 'toggle_bonus_tool', arguments: {} }), WAIT, 'toggle_bonus_tool');
    await until(() => changed > 0, WAIT, 'tools/list_changed');
    assert.ok((await client.listTools()).tools.some((t) => t.name === 'bonus'));

    // Closing the client's end stops the gateway.
    await client.close();
    const exited = () => {
      try {
        return !process.kill(gateway, 0);
      } catch {
        return true;
      }
    };
    await until(exited, WAIT, 'the gateway to exit');
  } catch (e) {
    e.message += `\nthe gateway's stderr:\n${stderr}\nthe server's stderr:\n${upstream.stderr()}`;
    throw e;
  } finally {
    await client.close().catch(() => {});
    await upstream.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a header without KEY=VALUE is a usage error', async () => {
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(MCPFORGE, ['gateway', '--stdio', 'http://127.0.0.1:9/mcp', '--header', 'no-equals'], {
    timeout: WAIT,
    encoding: 'utf8',
  });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--header no-equals: expected KEY=VALUE/);
});

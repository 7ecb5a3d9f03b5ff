/**
 * The official TypeScript SDK client drives the Node conformance fixture mounted in
 * applications with routes of their own (mounted.mjs): Express through `httpHandler()` and
 * Hono through `fetchHandler()`. The application's route answers, the fixture's tools are
 * listed and called, and SIGTERM stops the application. (`make conformance` also runs the
 * official suite against both.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttp, within } from './helpers.mjs';

const MOUNTED = fileURLToPath(new URL('./mounted.mjs', import.meta.url));

for (const mode of ['express', 'hono']) {
  test(`the official client drives the fixture mounted in ${mode}`, async () => {
    const { child: app, url, exited } = await startHttp([MOUNTED, `--${mode}`, '127.0.0.1:0'], /serving at (\S+)/, 'the application');
    try {
      const hello = await fetch(new URL('/hello', url));
      assert.equal(await hello.text(), 'the application route');
      const client = new Client({ name: 'e2e-node', version: '1.0.0' });
      await within(client.connect(new StreamableHTTPClientTransport(new URL(url))), 20_000, 'connect');
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'test_simple_text'));
        const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
        assert.deepEqual(result.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);
        const logged = [];
        client.setNotificationHandler(
          (await import('@modelcontextprotocol/sdk/types.js')).LoggingMessageNotificationSchema,
          (n) => logged.push(n.params.data),
        );
        await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
        assert.equal(logged.length, 3, 'log notifications streamed before the result');
      } finally {
        await client.close();
      }
      app.kill('SIGTERM');
      const { code } = await within(exited, 20_000, 'the application to stop on SIGTERM');
      assert.equal(code, 0);
    } finally {
      if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
    }
  });
}

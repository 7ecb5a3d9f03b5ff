/**
 * The error hook (`onError` option, `server.onError()`) through the real engine: every
 * unexpected throw of a tool, resource, prompt or middleware reaches it with its stack and
 * what threw, after the logger; errors thrown on purpose do not; masking decides what the
 * client reads; a failing hook changes nothing for the client; the drop-in `McpServer`
 * shares its engine's hook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { McpServer, Server, ToolError } from '../lib/index.mjs';
import { withServer, text } from './helpers.mjs';

const WIRES = ['2025-11-25', '2026-07-28'];

/** A logger that keeps its lines. */
function collector() {
  const lines = [];
  return { lines, error: (line) => lines.push(line) };
}

function failing(server) {
  server.tool('explode', {}, function explodingTool() {
    throw new TypeError('boom');
  });
  server.tool('refuse', {}, () => {
    throw new ToolError('refused on purpose');
  });
  server.resourceTemplate('note', 'notes://{name}', {}, () => {
    throw new Error('reader failed');
  });
  server.prompt('broken', {}, () => {
    throw new RangeError('prompt failed');
  });
}

for (const protocolVersion of WIRES) {
  test(`unexpected throws reach the hook with their stack (${protocolVersion})`, async () => {
    const seen = [];
    const logger = collector();
    await withServer(
      (server) => {
        failing(server);
        assert.equal(server.onError((error, info) => seen.push([error, info])), server, 'onError() chains');
      },
      async (_server, c) => {
        const result = await c.callTool('explode', {});
        assert.equal(result.isError, true);
        assert.equal(text(result), 'TypeError: boom');
        assert.equal(text(await c.callTool('refuse', {})), 'refused on purpose');
        await assert.rejects(c.readResource('notes://x'));
        await assert.rejects(c.getPrompt('broken', {}));
      },
      { protocolVersion },
      { logger },
    );
    assert.deepEqual(
      seen.map(([e, info]) => [e.constructor.name, info.kind, info.name]),
      [
        ['TypeError', 'tool', 'explode'],
        ['Error', 'resource template', 'notes://{name}'],
        ['RangeError', 'prompt', 'broken'],
      ],
    );
    assert.match(seen[0][0].stack, /explodingTool/);
    assert.equal(logger.lines.length, 3, 'logged first, as before');
  });
}

test('masking keeps the text from the client, the hook still sees it; a failing hook changes nothing', async () => {
  const seen = [];
  const logger = collector();
  await withServer(
    (server) => {
      failing(server);
      server.use(async (context, next) => {
        if (context.name === 'refuse') throw new Error('middleware bug');
        return next();
      });
    },
    async (_server, c) => {
      assert.equal(text(await c.callTool('explode', {})), 'the handler failed');
      const refused = await c.callTool('refuse', {});
      assert.deepEqual([refused.isError, text(refused)], [true, 'the handler failed']);
      assert.equal(text(await c.callTool('explode', {})), 'the handler failed');
    },
    {},
    {
      logger,
      maskErrorDetails: true,
      onError(error, info) {
        seen.push([error.message, info.kind]);
        throw new Error('the hook itself fails');
      },
    },
  );
  assert.deepEqual(seen, [
    ['boom', 'tool'],
    ['middleware bug', 'middleware'],
    ['boom', 'tool'],
  ]);
  assert.ok(logger.lines.some((l) => l.includes('the onError hook threw: Error: the hook itself fails')));
});

test("the drop-in McpServer reports to its engine's hook; onError refuses a non-function", async () => {
  const seen = [];
  const mcp = new McpServer({ name: 'compat', version: '1.0.0' }, { logger: collector(), onError: (e, info) => seen.push([e.message, info]) });
  mcp.registerTool('boom', {}, () => {
    throw new Error('compat boom');
  });
  const client = await mcp.engine.testClient();
  try {
    const result = await client.callTool('boom', {});
    assert.equal(result.isError, true);
  } finally {
    await mcp.engine.close();
  }
  assert.deepEqual(seen, [['compat boom', { kind: 'tool', name: 'boom' }]]);
  assert.throws(() => new Server({ name: 't' }).onError('nope'), /onError takes a function/);
});

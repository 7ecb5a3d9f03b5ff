/**
 * Middleware (`server.use`) through the real engine, on both wires: the order of the chain
 * around every request, denials (a tool error, a JSON-RPC error) that never reach the tool,
 * argument rewrites (still validated), what a middleware sees of a request and of its
 * result or error, a result a middleware changes, a throwing middleware (logged, the server
 * goes on), a middleware that asks for input (an internal error), middleware added while
 * serving, and what `use` refuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, InputRequiredError, McpError, ToolError, MiddlewareContext } from '../lib/index.mjs';
import { withServer, text, OBJECT_AB } from './helpers.mjs';

const WIRES = ['2025-11-25', '2026-07-28'];

function notes(runs) {
  return (server) => {
    server.tool('add', { inputSchema: OBJECT_AB }, ({ a, b }) => {
      runs.push('add');
      return a + b;
    });
    server.tool('secret', {}, () => {
      runs.push('secret');
      return 'the secret';
    });
    server.tool('slow', {}, () => new Promise((resolve) => setTimeout(() => resolve('rested'), 50)));
    server.resourceTemplate('note', 'notes://{name}', {}, (uri, { name }) => `note ${name}`);
  };
}

for (const protocolVersion of WIRES) {
  test(`the first middleware is the outermost and every request passes (${protocolVersion})`, async () => {
    const journal = [];
    const recorder = (label) => async (context, next) => {
      journal.push(`${label}>${context.method}`);
      const result = await next();
      journal.push(`${label}<${context.method}`);
      return result;
    };
    await withServer(
      (server) => {
        notes([])(server);
        assert.equal(server.use(recorder('a')).use(recorder('b')), server, 'use() chains');
        assert.equal(server.middleware.length, 2);
      },
      async (_server, c) => {
        journal.length = 0;
        assert.equal(text(await c.callTool('add', { a: 1, b: 2 })), '3');
        await c.readResource('notes://x');
        assert.deepEqual(journal, [
          'a>tools/call', 'b>tools/call', 'b<tools/call', 'a<tools/call',
          'a>resources/read', 'b>resources/read', 'b<resources/read', 'a<resources/read',
        ]);
      },
      { protocolVersion },
    );
  });

  test(`denials never reach the tool (${protocolVersion})`, async () => {
    const runs = [];
    await withServer(
      (server) => {
        notes(runs)(server);
        server.use(async (context, next) => {
          if (context.name === 'secret') throw new ToolError('secret is not for you');
          if (context.arguments?.a === 666) throw new McpError(-32001, 'denied by policy', { rule: 'no-666' });
          return next();
        });
      },
      async (_server, c) => {
        const refused = await c.callTool('secret', {});
        assert.equal(refused.isError, true);
        assert.equal(text(refused), 'secret is not for you');
        await assert.rejects(c.callTool('add', { a: 666, b: 1 }), (e) => {
          assert.equal(e.code, -32001);
          assert.equal(e.message, 'denied by policy');
          assert.deepEqual(e.data, { rule: 'no-666' });
          return true;
        });
        assert.equal(text(await c.callTool('add', { a: 1, b: 1 })), '2');
        assert.deepEqual(runs, ['add']);
      },
      { protocolVersion },
    );
  });

  test(`a middleware sees the request and its outcome (${protocolVersion})`, async () => {
    const seen = [];
    await withServer(
      (server) => {
        notes([])(server);
        server.use(async (context, next) => {
          assert.ok(context instanceof MiddlewareContext);
          const entry = {
            method: context.method,
            name: context.name,
            version: context.protocolVersion,
            modern: context.isModern,
            client: context.clientInfo?.name,
            args: context.arguments && { ...context.arguments },
          };
          const started = performance.now();
          try {
            entry.result = await next();
            return entry.result;
          } catch (e) {
            entry.error = e.code;
            throw e;
          } finally {
            entry.ms = performance.now() - started;
            seen.push(entry);
          }
        });
      },
      async (_server, c) => {
        seen.length = 0;
        await c.callTool('add', { a: 2, b: 3 });
        await c.callTool('slow', {});
        await assert.rejects(c.callTool('nope', {}));
        assert.deepEqual(seen.map((e) => e.method), ['tools/call', 'tools/call', 'tools/call']);
        const [first, slow, unknown] = seen;
        assert.deepEqual([first.name, first.args, first.modern], ['add', { a: 2, b: 3 }, protocolVersion === '2026-07-28']);
        assert.equal(first.version, protocolVersion);
        assert.ok(first.client, 'client info');
        assert.equal(first.result.content[0].text, '5');
        assert.ok(slow.ms >= 45, `the duration covers the tool (${slow.ms} ms)`);
        assert.equal(unknown.error, -32602, "an unknown tool's error reaches the middleware");
      },
      { protocolVersion },
    );
  });
}

test('rewritten arguments reach the tool and are still validated; results can be changed', async () => {
  await withServer(
    (server) => {
      notes([])(server);
      server.use(async (context, next) => {
        const args = context.arguments;
        if (args && args.b === undefined) args.b = 100;
        if (args && args.b === -1) context.arguments = { a: args.a, b: 'not a number' };
        return next(context);
      });
      server.use(async (context, next) => {
        const result = await next();
        if (context.method === 'tools/list') result.tools = result.tools.filter((t) => t.name !== 'secret');
        return result;
      });
    },
    async (_server, c) => {
      assert.equal(text(await c.callTool('add', { a: 1 })), '101');
      const invalid = await c.callTool('add', { a: 1, b: -1 });
      assert.equal(invalid.isError, true);
      assert.match(text(invalid), /Invalid arguments for tool add/);
      const { tools } = await c.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['add', 'slow']);
    },
  );
});

test('a throwing middleware fails only its request, and its stack is logged', async () => {
  const logged = [];
  await withServer(
    (server) => {
      notes([])(server);
      server.use(async (context, next) => {
        if (context.name === 'secret') throw new Error('middleware bug');
        if (context.method === 'resources/read') throw new Error('reader bug');
        return next();
      });
    },
    async (_server, c) => {
      const failed = await c.callTool('secret', {});
      assert.equal(failed.isError, true);
      assert.match(text(failed), /middleware bug/);
      await assert.rejects(c.readResource('notes://z'), (e) => e.code === -32603);
      assert.equal(text(await c.callTool('add', { a: 1, b: 1 })), '2');
      assert.equal(logged.length, 2);
      assert.match(logged[0], /a middleware threw: Error: middleware bug\n\s+at /);
    },
    {},
    { logger: { error: (line) => logged.push(line) } },
  );
});

test('a middleware that asks the client for input fails its request with an internal error', async () => {
  const runs = [];
  await withServer(
    (server) => {
      notes(runs)(server);
      server.use(async (context, next) => {
        if (context.name === 'secret') throw new InputRequiredError();
        return next();
      });
    },
    async (_server, c) => {
      await assert.rejects(c.callTool('secret', {}), (e) => {
        assert.equal(e.code, ErrorCode.InternalError);
        assert.equal(e.code, -32603);
        assert.match(e.message, /a middleware cannot ask the client for input/);
        return true;
      });
      assert.deepEqual(runs, []);
      assert.equal(text(await c.callTool('add', { a: 1, b: 1 })), '2');
    },
  );
});

test('middleware added while serving applies to later requests; use() refuses non-functions', async () => {
  await withServer(notes([]), async (server, c) => {
    assert.equal(text(await c.callTool('secret', {})), 'the secret');
    server.use(async (context, next) => {
      if (context.name === 'secret') throw new ToolError('closed');
      return next();
    });
    assert.equal((await c.callTool('secret', {})).isError, true);
    assert.throws(() => server.use('not a function'), TypeError);
    assert.equal(server.middleware.length, 1);
  });
});

/**
 * zod schemas (when zod is installed): raw shapes and object schemas become JSON Schema,
 * zod parses the arguments (defaults apply), output schemas give structured content.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { withServer, text } from './helpers.mjs';

function setup(server) {
  server.registerTool(
    'greet',
    { description: 'Greet', inputSchema: { name: z.string().describe('Who'), times: z.number().int().default(1) } },
    ({ name, times }) => Array(times).fill(`hi ${name}`).join(' '),
  );
  server.tool(
    'sum',
    {
      inputSchema: z.object({ xs: z.array(z.number()) }),
      outputSchema: z.object({ total: z.number() }),
    },
    ({ xs }) => ({ total: xs.reduce((a, b) => a + b, 0) }),
  );
  server.tool('refined', { inputSchema: { n: z.number().refine((n) => n % 2 === 0, 'must be even') } }, ({ n }) => n);
}

test('zod schemas are listed as JSON Schema', async () => {
  await withServer(setup, async (_s, c) => {
    const { tools } = await c.listTools();
    const greet = tools.find((t) => t.name === 'greet').inputSchema;
    assert.equal(greet.type, 'object');
    assert.equal(greet.properties.name.type, 'string');
    assert.equal(greet.properties.name.description, 'Who');
    assert.deepEqual(greet.required, ['name']);
    assert.equal(tools.find((t) => t.name === 'sum').outputSchema.properties.total.type, 'number');
  });
});

test('zod parses arguments: defaults apply, refinements refuse', async () => {
  await withServer(setup, async (_s, c) => {
    assert.equal(text(await c.callTool('greet', { name: 'Ada' })), 'hi Ada');
    assert.equal(text(await c.callTool('greet', { name: 'Ada', times: 2 })), 'hi Ada hi Ada');
    const r = await c.callTool('sum', { xs: [1, 2, 3] });
    assert.deepEqual(r.structuredContent, { total: 6 });
    const odd = await c.callTool('refined', { n: 3 });
    assert.equal(odd.isError, true);
    assert.match(text(odd), /must be even/);
  });
});

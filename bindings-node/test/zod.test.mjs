/**
 * zod schemas (when zod is installed): raw shapes and object schemas become JSON Schema,
 * zod parses the arguments (defaults apply), output schemas give structured content.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
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

test('output schemas are the output view: objects admit no other properties', async () => {
  await withServer(
    (server) => {
      server.tool('shaped', { outputSchema: { total: z.number(), note: z.string().optional() } }, () => ({ total: 1 }));
      server.tool('object', { outputSchema: z.object({ total: z.number() }) }, () => ({ total: 2 }));
    },
    async (_s, c) => {
      const { tools } = await c.listTools();
      const schema = (name) => tools.find((t) => t.name === name).outputSchema;
      assert.deepEqual(schema('shaped'), {
        type: 'object',
        properties: { total: { type: 'number' }, note: { type: 'string' } },
        required: ['total'],
        additionalProperties: false,
      });
      assert.equal(schema('object').additionalProperties, false);
      assert.deepEqual((await c.callTool('shaped', {})).structuredContent, { total: 1 });
    },
  );
});

test('zod 3 schemas (zod/v3) are converted as the official SDK 1.x converts them, and parse', async () => {
  const z3 = (await import('zod/v3')).z;
  await withServer(
    (server) => {
      server.registerTool(
        'greet3',
        { inputSchema: { name: z3.string().describe('Who'), times: z3.number().int().default(1), loud: z3.boolean().optional() } },
        ({ name, times, loud }) => Array(times).fill(loud ? `HI ${name}` : `hi ${name}`).join(' '),
      );
      server.tool('sum3', { inputSchema: z3.object({ xs: z3.array(z3.number()) }), outputSchema: { total: z3.number() } }, ({ xs }) => ({
        total: xs.reduce((a, b) => a + b, 0),
      }));
    },
    async (_s, c) => {
      const { tools } = await c.listTools();
      const greet = tools.find((t) => t.name === 'greet3');
      assert.deepEqual(greet.inputSchema, {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'Who' },
          times: { type: 'integer', default: 1 },
          loud: { type: 'boolean' },
        },
        required: ['name'],
      });
      const sum = tools.find((t) => t.name === 'sum3');
      assert.deepEqual(sum.inputSchema.required, ['xs']);
      assert.deepEqual(sum.outputSchema.additionalProperties, false);
      assert.equal(text(await c.callTool('greet3', { name: 'Ada', loud: true })), 'HI Ada');
      assert.deepEqual((await c.callTool('sum3', { xs: [1, 2] })).structuredContent, { total: 3 });
      const wrong = await c.callTool('greet3', { name: 'Ada', times: 1.5 });
      assert.equal(wrong.isError, true);
    },
  );
});

test('a raw shape answers what zod answers, bare fields (no check, coercion or format) included', async () => {
  const { argumentParser } = createRequire(import.meta.url)('../lib/schema.js');
  const z3 = (await import('zod/v3')).z;
  const schemas = {
    string: z.string(),
    number: z.number(),
    boolean: z.boolean(),
    described: z.string().describe('still bare'),
    min: z.string().min(2),
    coerced: z.coerce.number(),
    email: z.email(),
    int: z.int(),
    trimmed: z.string().trim(),
    optional: z.string().optional(),
    string3: z3.string(),
    number3: z3.number(),
    boolean3: z3.boolean().describe('still bare'),
    int3: z3.number().int(),
  };
  const values = ['x', ' padded ', 'a@b.co', '', '7', 7, 1.5, Number.NaN, Infinity, -Infinity, true, null, undefined, {}, ['x']];
  for (const [key, schema] of Object.entries(schemas)) {
    const parse = argumentParser({ [key]: schema }, 'sdk');
    for (const value of values) {
      const expected = schema.safeParse(value);
      const got = parse({ [key]: value });
      const which = `${key} of ${String(value)}`;
      assert.equal(got.ok, expected.success, which);
      if (got.ok) assert.deepEqual(got.value, expected.data === undefined ? {} : { [key]: expected.data }, which);
      else assert.equal(got.message, expected.error.issues.map((i) => `${i.message} at ${key}`).join('\n'), which);
    }
  }
});

test('a raw shape given alone is the input schema; a schema under another key is refused', async () => {
  await withServer(
    (server) => {
      server.tool('add', { a: z.number(), b: z.number().default(10) }, ({ a, b }) => a + b);
      // A shape whose keys are option names is still a shape when every value is a schema.
      server.tool('describe', { description: z.string() }, ({ description }) => description.toUpperCase());
      assert.throws(
        () => server.tool('lost', { description: 'adds', a: z.number() }, ({ a }) => a),
        (e) => e instanceof TypeError && /tool `lost`: `a` is a schema, not an option/.test(e.message),
      );
    },
    async (_s, c) => {
      const { tools } = await c.listTools();
      const add = tools.find((t) => t.name === 'add').inputSchema;
      assert.deepEqual(Object.keys(add.properties), ['a', 'b']);
      assert.deepEqual(add.required, ['a']);
      assert.equal(tools.find((t) => t.name === 'lost'), undefined);
      assert.equal(text(await c.callTool('add', { a: 1 })), '11');
      const refused = await c.callTool('add', { a: 'one' });
      assert.equal(refused.isError, true);
      assert.equal(text(await c.callTool('describe', { description: 'x' })), 'X');
    },
  );
});

test('a zod 3 `.optional().default(x)` field is listed as its type with its default', async () => {
  const z3 = (await import('zod/v3')).z;
  await withServer(
    (server) => server.tool('flag', { inputSchema: { on: z3.boolean().optional().default(true) } }, ({ on }) => String(on)),
    async (_s, c) => {
      const { tools } = await c.listTools();
      assert.deepEqual(tools[0].inputSchema, { type: 'object', properties: { on: { type: 'boolean', default: true } } });
      assert.equal(text(await c.callTool('flag', {})), 'true');
      assert.equal((await c.callTool('flag', { on: 'yes' })).isError, true);
    },
  );
});

test('McpServer lists zod schemas as the official SDK 1.x does: draft-07, closed zod 3 objects', async () => {
  const { McpServer } = await import('../lib/index.mjs');
  const z3 = (await import('zod/v3')).z;
  const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  const reply = (args) => ({ content: [{ type: 'text', text: JSON.stringify(args) }], structuredContent: { echoed: JSON.stringify(args) } });
  mcp.registerTool('four', { inputSchema: { m: z.string().describe('M'), n: z.number().default(2) }, outputSchema: { echoed: z.string() } }, reply);
  mcp.registerTool('three', { inputSchema: { on: z3.boolean().optional().default(true), s: z3.string() } }, (args) => ({ content: reply(args).content }));
  mcp.registerTool('object', { inputSchema: z.object({ x: z.number() }) }, (args) => ({ content: reply(args).content }));
  mcp.registerTool('none', {}, () => ({ content: [] }));
  mcp.registerTool('empty', { inputSchema: {} }, () => ({ content: [] }));
  const client = await mcp.engine.testClient();
  try {
    const { tools } = await client.listTools();
    const listed = Object.fromEntries(tools.map((t) => [t.name, t]));
    assert.deepEqual(listed.four.inputSchema, {
      $schema: DRAFT_07,
      type: 'object',
      properties: { m: { type: 'string', description: 'M' }, n: { type: 'number', default: 2 } },
      required: ['m'],
    });
    assert.deepEqual(listed.four.outputSchema, {
      $schema: DRAFT_07,
      type: 'object',
      properties: { echoed: { type: 'string' } },
      required: ['echoed'],
      additionalProperties: false,
    });
    assert.deepEqual(listed.three.inputSchema, {
      $schema: DRAFT_07,
      type: 'object',
      properties: { on: { type: 'boolean', default: true }, s: { type: 'string' } },
      required: ['s'],
      additionalProperties: false,
    });
    assert.deepEqual(listed.object.inputSchema, { $schema: DRAFT_07, type: 'object', properties: { x: { type: 'number' } }, required: ['x'] });
    assert.deepEqual(listed.none.inputSchema, { type: 'object', properties: {} });
    assert.deepEqual(listed.empty.inputSchema, { $schema: DRAFT_07, type: 'object', properties: {} });
    // The engine validates against the draft-07 schema listed; zod then parses (defaults apply).
    assert.equal(text(await client.callTool('four', { m: 'a' })), '{"m":"a","n":2}');
    assert.equal(text(await client.callTool('three', { s: 'b' })), '{"on":true,"s":"b"}');
    const wrong = await client.callTool('object', { x: 'no' });
    assert.equal(wrong.isError, true);
    assert.match(text(wrong), /^MCP error -32602: Input validation error: Invalid arguments for tool object: /);
  } finally {
    await mcp.close();
  }
});

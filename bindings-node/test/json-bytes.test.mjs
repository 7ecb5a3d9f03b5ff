/**
 * `jsonBytes` (lib/json-bytes.js), how a body a parser already read is written back for the
 * engine: the same text as `JSON.stringify` (omitted members, `toJSON`, boxed values, escapes),
 * cut after `limit + 1` bytes without the rest being visited, and any nesting depth written
 * without recursion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const { jsonBytes } = createRequire(import.meta.url)('../lib/json-bytes.js');

test('jsonBytes writes what JSON.stringify writes', () => {
  const values = [
    null,
    true,
    0,
    -0,
    1.5e300,
    '',
    'quote " backslash \\ newline \n line separator \u2028 lone \ud800 e \u00e9 \u{1F600}',
    [1, undefined, () => 1, Symbol('s'), NaN, Infinity],
    { a: undefined, b: 1, c: { d: [] }, e: {}, f: new Date(0), g: new Number(3), h: new String('x'), i: new Boolean(false) },
    { toJSON: (key) => ({ key }) },
    [{ toJSON: (key) => `at ${key}` }],
    [[[{ a: [{ b: null }] }]]],
    { '\u00e9\n': 'key escaped' },
    new Map([[1, 2]]),
    Object.assign(Object.create(null), { z: 1, a: 2 }),
  ];
  for (const value of values) assert.equal(jsonBytes(value, 1 << 20).toString(), JSON.stringify(value), JSON.stringify(value));
  assert.equal(jsonBytes(undefined, 10).length, 0, 'nothing for undefined');
});

test('jsonBytes stops after limit + 1 bytes without visiting the rest', () => {
  let visited = 0;
  const item = { toJSON: () => (visited++, 'x'.repeat(98)) };
  const bytes = jsonBytes(Array.from({ length: 1000 }, () => item), 1000);
  assert.equal(bytes.length, 1001);
  assert.equal(bytes.toString(), JSON.stringify(Array.from({ length: 1000 }, () => 'x'.repeat(98))).slice(0, 1001));
  assert.ok(visited <= 11, `${visited} of 1000 items visited`);
  assert.equal(jsonBytes('y'.repeat(5000), 100).length, 101, 'a long string is cut too');
  const cycle = {};
  cycle.self = cycle;
  assert.equal(jsonBytes(cycle, 64).length, 65, 'a cycle is written until the bound');
});

test('jsonBytes writes a value nested 100,000 deep', () => {
  const depth = 100_000;
  const text = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  assert.equal(jsonBytes(JSON.parse(text), 1 << 20).toString(), text);
});

/**
 * zod 3.25 as installed by the official SDK 1.x: its main entry is zod 3 (no `toJSONSchema`)
 * and zod 4 is the `zod/v4` subpath, whose schemas have no `~standard.jsonSchema`. Such a
 * schema must still convert, through `zod/v4`, as the SDK converts it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { z } from 'zod';

const require = createRequire(import.meta.url);
const Module = require('node:module');

/** A zod 4 schema as zod 3.25's `zod/v4` makes it: a Standard Schema without `jsonSchema`. */
function asZod325(schema) {
  const { version, vendor, validate } = schema['~standard'];
  return Object.create(schema, { '~standard': { value: { version, vendor, validate } } });
}

test('a zod 3.25 `zod/v4` schema converts through `zod/v4`', () => {
  const load = Module._load;
  // Lay the packages out as zod 3.25 does: `zod` is zod 3, `zod/v4` the zod 4 one.
  Module._load = function (request, parent, ...rest) {
    if (request === 'zod' && parent && parent.filename.endsWith('schema.js')) return { z: {}, ZodType: class {} };
    return load.call(this, request, parent, ...rest);
  };
  try {
    const { toJsonSchema } = require('../lib/schema.js');
    const schema = asZod325(z.object({ text: z.string(), n: z.number().default(1) }));
    const json = toJsonSchema(schema, 'input schema', 'input');
    assert.equal(json.type, 'object');
    assert.equal(json.properties.text.type, 'string');
    assert.deepEqual(json.required, ['text']);
    const out = toJsonSchema(schema, 'output schema', 'output');
    assert.deepEqual(out.required, ['text', 'n']);
  } finally {
    Module._load = load;
  }
});

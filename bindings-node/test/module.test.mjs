/**
 * The package's two entry points: `require` (CommonJS) and `import` (ESM) expose the same
 * objects; errors are real Error subclasses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from '../lib/index.mjs';

const require = createRequire(import.meta.url);

test('require and import expose the same API', () => {
  const cjs = require('../lib/index.js');
  for (const name of ['Server', 'TestClient', 'Context', 'McpError', 'ToolError', 'InputRequiredError', 'ErrorCode', 'resourceNotFound']) {
    assert.ok(esm[name], name);
    assert.equal(esm[name], cjs[name], name);
  }
  assert.equal(esm.default, cjs);
  const e = new esm.McpError(esm.ErrorCode.InvalidParams, 'bad', { x: 1 });
  assert.ok(e instanceof Error);
  assert.equal(e.code, -32602);
  assert.deepEqual(esm.resourceNotFound('a://b').data, { uri: 'a://b' });
});

test('ErrorCode is the engine table, named as in the official SDK', () => {
  assert.deepEqual(
    { ...esm.ErrorCode },
    {
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
      ResourceNotFound: -32002,
      UrlElicitationRequired: -32042,
      HeaderMismatch: -32020,
      MissingRequiredClientCapability: -32021,
      UnsupportedProtocolVersion: -32022,
      RateLimited: -32029,
    },
  );
  assert.ok(Object.isFrozen(esm.ErrorCode));
});

/**
 * `StdioServerTransport` on streams of its own bounds a line as the SDK's read buffer does:
 * `maxBufferSize` (4 MiB by default) without a newline reports "ReadBuffer exceeded maximum
 * size" to `onerror` and closes the transport.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PassThrough } from 'node:stream';
import { StdioServerTransport } from '../lib/sdk/server/stdio.mjs';
import { deferred, within } from './helpers.mjs';

async function overflow(options, bytes) {
  const input = new PassThrough();
  const transport = new StdioServerTransport(input, new PassThrough(), options);
  const failed = deferred();
  const closed = deferred();
  let closes = 0;
  transport.onerror = (e) => failed.resolve(e);
  transport.onclose = () => {
    closes += 1;
    closed.resolve();
  };
  const messages = [];
  transport.onmessage = (m) => messages.push(m);
  await transport.start();
  input.push('{"jsonrpc":"2.0","method":"a"}\n');
  input.push(Buffer.alloc(bytes, 0x41));
  const error = await within(failed.promise, 10_000, 'the overflow error');
  await within(closed.promise, 10_000, 'the close');
  return { error, closes, messages };
}

test('a line past maxBufferSize is reported and closes the transport', async () => {
  const { error, closes, messages } = await overflow({ maxBufferSize: 100 }, 101);
  assert.equal(error.message, 'ReadBuffer exceeded maximum size of 100 bytes');
  assert.equal(closes, 1);
  assert.deepEqual(messages, [{ jsonrpc: '2.0', method: 'a' }], 'the whole line before it was read');
});

test('the default bound is 4 MiB', async () => {
  const { error } = await overflow(undefined, 4 * 1024 * 1024 + 1);
  assert.equal(error.message, `ReadBuffer exceeded maximum size of ${4 * 1024 * 1024} bytes`);
});

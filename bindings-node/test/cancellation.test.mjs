/**
 * Cancellation reaches the handler: `notifications/cancelled` aborts the call's
 * `AbortSignal` and sets `ctx.cancelled`; no response is sent for it, and the server keeps
 * serving. Closing the server aborts handlers still running.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, deferred, within, text } from './helpers.mjs';
import { Server } from '../lib/index.mjs';
import native from '../lib/native.js';

test('notifications/cancelled aborts the handler signal', async () => {
  const started = deferred();
  const aborted = deferred();
  await withServer(
    (s) => {
      s.tool('long', {}, (_args, ctx) => {
        ctx.signal.addEventListener('abort', () => aborted.resolve({ reason: ctx.signal.reason, cancelled: ctx.cancelled }));
        started.resolve();
        return new Promise(() => {}); // never settles by itself
      });
      s.tool('ping', {}, () => 'pong');
    },
    async (_s, c) => {
      const call = c.callTool('long', {}, { id: 'long-1' });
      call.catch(() => {});
      await within(started.promise, 10_000, 'the handler to start');
      await c.cancel('long-1', 'user pressed stop');
      const { reason, cancelled } = await within(aborted.promise, 10_000, 'the abort signal');
      assert.equal(reason.name, 'AbortError');
      assert.equal(cancelled, true);
      assert.equal(text(await c.callTool('ping', {})), 'pong');
    },
  );
});

test('a signal read after cancellation is already aborted', async () => {
  const started = deferred();
  const proceed = deferred();
  const seen = deferred();
  await withServer(
    (s) =>
      s.tool('late', {}, async (_args, ctx) => {
        started.resolve();
        await proceed.promise;
        seen.resolve(ctx.signal.aborted);
        return 'late';
      }),
    async (_s, c) => {
      c.callTool('late', {}, { id: 7 }).catch(() => {});
      await within(started.promise, 10_000, 'the handler to start');
      await c.cancel(7);
      // The abort crosses the same queue as calls: once a later call ran, it has arrived.
      const probe = deferred();
      _s.tool('probe', {}, () => probe.resolve());
      await c.callTool('probe', {});
      await probe.promise;
      proceed.resolve();
      assert.equal(await within(seen.promise, 10_000, 'the handler to read its signal'), true);
    },
  );
});

test('close() aborts handlers still running and resolves', async () => {
  const server = new Server({ name: 't', version: '1', limits: { shutdownGraceMs: 200 } });
  const started = deferred();
  const aborted = deferred();
  server.tool('forever', {}, (_a, ctx) => {
    ctx.signal.addEventListener('abort', () => aborted.resolve());
    started.resolve();
    return new Promise(() => {});
  });
  const client = await server.testClient();
  const call = client.callTool('forever', {});
  call.catch(() => {});
  await within(started.promise, 10_000, 'the handler to start');
  await within(server.close(), 10_000, 'close()');
  await within(aborted.promise, 10_000, 'the abort on close');
});

test('a call is let go of once it ends: answered, failed or cancelled', async () => {
  const before = native.callsInFlight();
  const started = deferred();
  const late = deferred();
  let kept;
  await withServer(
    (s) => {
      s.tool('ok', {}, () => 'ok');
      s.tool('fails', {}, () => {
        throw new Error('no');
      });
      s.tool('stuck', {}, (_args, ctx) => {
        kept = ctx;
        started.resolve();
        return late.promise;
      });
    },
    async (_s, c) => {
      assert.equal(text(await c.callTool('ok', {})), 'ok');
      await c.callTool('fails', {}).catch(() => {});
      const stuck = c.callTool('stuck', {}, { id: 'stuck-1' });
      stuck.catch(() => {});
      await within(started.promise, 10_000, 'the handler to start');
      assert.equal(native.callsInFlight(), before + 1);
      await c.cancel('stuck-1');
      // The abort crosses the queue calls cross: once a later call ran, the engine let go.
      assert.equal(text(await c.callTool('ok', {})), 'ok');
      assert.equal(native.callsInFlight(), before);
      // The handler's late answer is refused, and its context is one of an ended call, which
      // still says what the request was (read when it was cancelled, as the SDK's handlers
      // read it from their abort listeners).
      late.resolve('too late');
      assert.equal(kept.requestId, 'stuck-1');
      assert.equal(kept.cancelled, true);
      assert.equal(text(await c.callTool('ok', {})), 'ok');
    },
  );
});

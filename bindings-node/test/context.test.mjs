/**
 * The handler context: request metadata, progress and log notifications, and client input
 * (elicit, sample, listRoots, ask, askAll) on both wires: answered by the client on a
 * 2025-11-25 session; `input_required` then a retry with the answers on 2026-07-28,
 * including the low-level form with `requestState`. Also: an ask error the handler
 * swallows still ends the call with `input_required`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, text } from './helpers.mjs';
import { InputRequiredError } from '../lib/index.mjs';

const ANSWERS = {
  'elicitation/create': { action: 'accept', content: { name: 'Ada' } },
  'sampling/createMessage': { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test-model' },
  'roots/list': { roots: [{ uri: 'file:///work', name: 'work' }] },
};
const CAPS = { elicitation: {}, sampling: {}, roots: {} };
const NAME_FORM = { message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } };

function inputTools(server) {
  server.tool('ask_everything', {}, async (_args, ctx) => {
    const who = await ctx.elicit(NAME_FORM);
    const capital = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Capital?' } }], maxTokens: 10 });
    const roots = await ctx.listRoots();
    return `${who.content.name} ${capital.content.text} ${roots.roots.map((r) => r.uri).join(',')}`;
  });
  server.tool('ask_keyed', {}, async (_args, ctx) => {
    const [a, b] = await ctx.askAll({ first: { elicit: NAME_FORM }, second: { listRoots: true } });
    const c = await ctx.ask('third', { method: 'sampling/createMessage', params: { messages: [], maxTokens: 1 } });
    return `${a.content.name}|${b.roots.length}|${c.content.text}`;
  });
  server.tool('swallows', {}, async (_args, ctx) => {
    try {
      await ctx.elicit(NAME_FORM);
    } catch {
      return 'swallowed';
    }
    return 'answered';
  });
  server.tool('low_level', {}, (_args, ctx) => {
    if (ctx.requestState === undefined) throw ctx.inputRequired({ ok: { elicit: NAME_FORM } }, { step: 1 });
    return `state=${JSON.stringify(ctx.requestState)} name=${ctx.inputResponses.ok.content.name}`;
  });
}

test('client input is answered by the client on a 2025-11-25 session', async () => {
  await withServer(
    inputTools,
    async (_s, c) => {
      assert.equal(text(await c.callTool('ask_everything', {})), 'Ada Paris file:///work');
      assert.equal(text(await c.callTool('ask_keyed', {})), 'Ada|1|Paris');
    },
    { capabilities: CAPS, responses: ANSWERS },
  );
});

test('client input is input_required, then a retry with the answers, on 2026-07-28', async () => {
  await withServer(
    inputTools,
    async (_s, c) => {
      // Each run stops at its first unanswered ask; the retry carries every answer so far.
      const answers = {};
      let result = await c.callTool('ask_everything', {});
      for (let round = 0; result.resultType === 'input_required' && round < 5; round++) {
        for (const [key, req] of Object.entries(result.inputRequests)) answers[key] = ANSWERS[req.method];
        result = await c.callTool('ask_everything', {}, { inputResponses: answers, requestState: result.requestState });
      }
      assert.equal(result.resultType, 'complete');
      assert.equal(text(result), 'Ada Paris file:///work');

      const first = await c.callTool('ask_keyed', {});
      assert.equal(first.resultType, 'input_required');
      assert.deepEqual(Object.keys(first.inputRequests).sort(), ['first', 'second']);
      const second = await c.callTool('ask_keyed', {}, {
        inputResponses: { first: ANSWERS['elicitation/create'], second: ANSWERS['roots/list'] },
        requestState: first.requestState,
      });
      assert.deepEqual(Object.keys(second.inputRequests), ['third']);
      const done = await c.callTool('ask_keyed', {}, {
        inputResponses: {
          first: ANSWERS['elicitation/create'],
          second: ANSWERS['roots/list'],
          third: ANSWERS['sampling/createMessage'],
        },
        requestState: second.requestState,
      });
      assert.equal(text(done), 'Ada|1|Paris');
    },
    { protocolVersion: '2026-07-28', capabilities: CAPS },
  );
});

test('an ask the handler swallows still ends the call with input_required', async () => {
  await withServer(
    inputTools,
    async (_s, c) => {
      const r = await c.callTool('swallows', {});
      assert.equal(r.resultType, 'input_required');
    },
    { protocolVersion: '2026-07-28', capabilities: CAPS },
  );
});

test('low-level inputRequired carries requestState into the next round', async () => {
  await withServer(
    inputTools,
    async (_s, c) => {
      const first = await c.callTool('low_level', {});
      assert.equal(first.resultType, 'input_required');
      assert.ok(first.inputRequests.ok);
      const done = await c.callTool('low_level', {}, {
        inputResponses: { ok: ANSWERS['elicitation/create'] },
        requestState: first.requestState,
      });
      assert.equal(text(done), 'state={"step":1} name=Ada');
    },
    { protocolVersion: '2026-07-28', capabilities: CAPS },
  );
});

test('a missing client capability is a protocol error on 2026-07-28', async () => {
  await withServer(
    inputTools,
    async (_s, c) => {
      await assert.rejects(c.callTool('ask_everything', {}), (e) => e.code === -32021);
    },
    { protocolVersion: '2026-07-28', capabilities: {} },
  );
});

test('request metadata, progress and log messages reach the client', async () => {
  let seen;
  await withServer(
    (s) =>
      s.tool('meta', {}, async (_args, ctx) => {
        seen = {
          requestId: ctx.requestId,
          version: ctx.protocolVersion,
          meta: ctx.meta,
          token: ctx.progressToken,
          client: ctx.clientInfo.name,
          caps: ctx.clientCapabilities,
          auth: ctx.authInfo,
          server: ctx.server,
          cancelled: ctx.cancelled,
        };
        ctx.reportProgress(1, 2, 'half');
        ctx.reportProgress(2, 2, 'all');
        ctx.log('info', { step: 'done' }, 'meta-tool');
        ctx.log('debug', 'filtered out at level info');
        assert.throws(() => ctx.log('loud', 'x'), /unknown log level/);
        return 'ok';
      }),
    async (server, c) => {
      await c.request('logging/setLevel', { level: 'info' });
      const r = await c.callTool('meta', {}, { id: 'm-1', progressToken: 'tok', meta: { custom: 'x' } });
      assert.equal(text(r), 'ok');
      assert.equal(seen.requestId, 'm-1');
      assert.equal(seen.version, '2025-11-25');
      assert.equal(seen.meta.custom, 'x');
      assert.equal(seen.token, 'tok');
      assert.equal(seen.client, 'mcpforge-test-client');
      assert.deepEqual(seen.caps, { roots: {} });
      assert.equal(seen.auth, undefined);
      assert.equal(seen.server, server);
      assert.equal(seen.cancelled, false);
      const messages = await c.drainMessages();
      const progress = messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params);
      assert.deepEqual(progress, [
        { progressToken: 'tok', progress: 1, total: 2, message: 'half' },
        { progressToken: 'tok', progress: 2, total: 2, message: 'all' },
      ]);
      const logs = messages.filter((m) => m.method === 'notifications/message').map((m) => m.params);
      assert.deepEqual(logs, [{ level: 'info', data: { step: 'done' }, logger: 'meta-tool' }]);
    },
    { capabilities: { roots: {} } },
  );
});

test('InputRequiredError is exported for handlers that catch everything', () => {
  assert.ok(new InputRequiredError() instanceof Error);
});

test('a context kept after its call has let go of the request', async () => {
  let kept;
  await withServer(
    (server) => {
      server.tool('keep', {}, (_args, ctx) => {
        kept = ctx;
        return 'kept';
      });
      server.tool('use_kept', {}, () => {
        // The call that made `kept` has ended: notifications are dropped, not thrown, and
        // its request can no longer be read.
        kept.reportProgress(1, 2);
        kept.log('info', 'late');
        let read;
        try {
          read = kept.requestId;
        } catch (e) {
          read = `threw: ${e.message}`;
        }
        return `${kept.cancelled} ${read}`;
      });
    },
    async (_s, c) => {
      assert.equal(text(await c.callTool('keep', {})), 'kept');
      assert.match(text(await c.callTool('use_kept', {})), /^false threw: .*has ended/);
    },
  );
});
